"""gankit.data.registry: the names load knows, locate, and the messages for names and options it does not."""

import numpy as np
import pytest

from gankit import data
from gankit.data import DatasetError


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(DatasetError) as err:
        data.load("imagenet")
    message = str(err.value)
    assert "'imagenet'" in message and "folder:PATH" in message
    for name in data.names():
        assert name in message
    with pytest.raises(DatasetError, match="no labelled arrays"):
        data.load_arrays("celeba")
    with pytest.raises(DatasetError, match="imagenet"):
        data.load_arrays("imagenet")
    with pytest.raises(DatasetError, match="split"):
        data.load_arrays("mnist", "valid")


def test_locate_special_sets_says_where_they_are_or_none(nowhere):
    """locate() looks for the folders a special set reads (it used to answer "generated on the
    fly" for every one of them, even when the folders were missing)."""
    root = nowhere["gankit_data"]
    for name in ("maps", "maps_unpaired", "celeba2anime", "sr_images", "sr_patches", "edges2fashion", "facades"):
        assert data.locate(name) is None, name
    (root / "maps" / "train").mkdir(parents=True)
    for folder in ("celeba", "anime-faces", "sr/Set5", "sr/BSD100"):
        (root / folder).mkdir(parents=True)
    assert data.locate("maps") == data.locate("maps_unpaired") == str(root / "maps")
    assert data.locate("celeba2anime") == f"{root / 'celeba'} + {root / 'anime-faces'}"
    assert data.locate("sr_images") == str(root / "sr" / "Set5")
    assert data.locate("sr_patches") == str(root / "sr" / "BSD100")
    assert data.locate("paired_folder:/anywhere") is None


def test_every_set_is_registered_once_with_its_family():
    families = {name: data.REGISTRY[name].family for name in data.names()}
    assert families["mnist"] == families["celeba"] == "images" and families["gaussian_ring"] == "toy"
    assert families["maps"] == "paired" and families["maps_unpaired"] == "unpaired"
    assert families["sr_patches"] == "super-resolution"
    assert len(set(data.names())) == len(data.names()) == 14
    assert data.prefixes() == ["folder:", "paired_folder:", "unpaired_folder:", "cycle_gan:"]


def test_options_of_another_set_are_refused_naming_the_sets_that_take_them(use_mnist):
    with pytest.raises(DatasetError) as err:
        data.load("mnist", direction="b2a")
    assert "['direction']" in str(err.value) and "maps" in str(err.value) and "paired" in str(err.value)
    with pytest.raises(DatasetError, match="only the options every set takes"):
        data.load("gaussian_ring", colour="red")


def test_shortcuts_are_load_with_the_sets_own_defaults(tmp_path):
    from PIL import Image

    for i in range(3):
        Image.fromarray(np.full((8, 16, 3), 40 * i, np.uint8)).save(tmp_path / f"{i + 1}.png")
    ds = data.load_paired_folder(tmp_path, image_size=8, shuffle=False)
    assert [tuple(x.shape) for x, _ in ds] == [(1, 8, 8, 3)] * 3        # batch_size=1 by default
    assert data.load_paired_folder.__name__ == "load_paired_folder"
    assert "side-by-side" in data.load_paired_folder.__doc__
