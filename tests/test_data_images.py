"""gankit.data.images: MNIST through load_arrays and load (scaling, order, labels, resizing), and
folders of pictures."""

import pathlib

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from gankit import data
from gankit.data import DatasetError, DatasetNotFoundError


def test_load_arrays_mnist_test(use_mnist, digits):
    images, labels, source = data.load_arrays("mnist", "test")
    assert images.shape == (10000, 28, 28, 1) and images.dtype == np.uint8
    assert labels.shape == (10000,) and labels.dtype == np.int32
    assert labels.min() >= 0 and labels.max() <= 9 and len(np.unique(labels)) == 10
    assert pathlib.Path(source) == use_mnist.folder
    if use_mnist.real:
        assert 30 < images.mean() < 40                 # real digits: mostly black background
        assert list(labels[:5]) == [7, 2, 1, 0, 4]      # the first test labels of the original set
    else:
        expected_x, expected_y = digits(10000, offset=1000)
        np.testing.assert_array_equal(images[..., 0], expected_x)
        np.testing.assert_array_equal(labels, expected_y)


def test_load_yields_float_batches_in_signed_range(use_mnist):
    ds = data.load("mnist", batch_size=8, limit=64)
    batches = list(ds)
    assert len(batches) == 8
    for x, y in batches:
        assert x.dtype == tf.float32 and tuple(x.shape) == (8, 28, 28, 1)
        assert y.dtype == tf.int32 and tuple(y.shape) == (8,)
        assert float(tf.reduce_min(x)) >= -1.0 and float(tf.reduce_max(x)) <= 1.0
    everything = np.concatenate([x.numpy() for x, _ in batches])
    assert everything.min() == -1.0 and everything.max() == 1.0   # 0 -> -1 and 255 -> 1 occur


def test_load_scales_exactly_and_keeps_order_without_shuffle(use_mnist):
    images, labels, _ = data.load_arrays("mnist", "test")
    x, y = next(iter(data.load("mnist", "test", batch_size=16, limit=16, shuffle=False)))
    np.testing.assert_allclose(x.numpy(), images[:16] / 127.5 - 1.0, atol=1e-6)
    np.testing.assert_array_equal(y.numpy(), labels[:16])


def test_load_without_labels_yields_images_only(use_mnist):
    ds = data.load("mnist", "test", batch_size=8, limit=32, labels=False)
    assert isinstance(ds.element_spec, tf.TensorSpec)
    assert tuple(next(iter(ds)).shape) == (8, 28, 28, 1)


def test_load_resizes_and_makes_colour(use_mnist):
    x, _ = next(iter(data.load("mnist", "test", batch_size=8, limit=16, image_size=32, channels=3)))
    assert tuple(x.shape) == (8, 32, 32, 3) and x.dtype == tf.float32
    assert float(tf.reduce_min(x)) >= -1.0 and float(tf.reduce_max(x)) <= 1.0
    np.testing.assert_array_equal(x[..., 0].numpy(), x[..., 2].numpy())  # grey copied to R, G, B


def test_load_rejects_bad_requests(use_mnist):
    with pytest.raises(DatasetError, match="split"):
        data.load("mnist", split="valid")
    with pytest.raises(DatasetError, match="batch_size"):
        data.load("mnist", batch_size=64, limit=10)
    with pytest.raises(DatasetError, match="toy"):
        data.load("mnist", modes=4)


@pytest.fixture
def picture_folder(tmp_path):
    folder = tmp_path / "pictures"
    (folder / "sub").mkdir(parents=True)
    wide = np.zeros((20, 60, 3), np.uint8)          # 60 wide, 20 high: white centre square, black sides
    wide[:, 20:40] = 255
    Image.fromarray(wide).save(folder / "a_wide.png")
    Image.fromarray(np.zeros((33, 17), np.uint8), mode="L").save(folder / "b_tall_grey.png")
    rgba = np.random.default_rng(0).integers(0, 256, (50, 45, 4), dtype=np.uint8)
    Image.fromarray(rgba, mode="RGBA").save(folder / "sub" / "c_rgba.png")
    (folder / "notes.txt").write_text("not a picture")
    return folder


def test_folder_of_pictures(picture_folder):
    x = next(iter(data.load(f"folder:{picture_folder}", batch_size=3, shuffle=False)))
    assert x.dtype == tf.float32 and tuple(x.shape) == (3, 64, 64, 3)
    x = x.numpy()
    assert x.min() >= -1.0 and x.max() <= 1.0
    np.testing.assert_allclose(x[0], 1.0, atol=1e-5)    # centre crop keeps only the white square
    np.testing.assert_allclose(x[1], -1.0, atol=1e-5)   # black grey-scale picture, as colour


def test_folder_image_size_and_limit(picture_folder):
    ds = data.load(f"folder:{picture_folder}", batch_size=2, image_size=16, limit=2)
    batches = list(ds)
    assert len(batches) == 1 and tuple(batches[0].shape) == (2, 16, 16, 3)
    assert data.locate(f"folder:{picture_folder}") == str(picture_folder)


def test_folder_errors(tmp_path, picture_folder):
    missing = tmp_path / "no-such-folder"
    with pytest.raises(DatasetNotFoundError) as err:
        data.load(f"folder:{missing}")
    assert str(missing) in str(err.value) and "not a folder" in str(err.value)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DatasetNotFoundError, match="holds no pictures"):
        data.load(f"folder:{empty}")
    with pytest.raises(DatasetError, match="split"):
        data.load(f"folder:{picture_folder}", split="test", batch_size=1)


def test_named_picture_sets_are_found_under_gankit_data(tmp_path, monkeypatch, picture_folder):
    monkeypatch.setenv("GANKIT_DATA", str(picture_folder.parent))
    picture_folder.rename(picture_folder.parent / "anime-faces")
    assert data.locate("anime_faces") == str(picture_folder.parent / "anime-faces")
    x = next(iter(data.load("anime_faces", batch_size=3)))
    assert tuple(x.shape) == (3, 64, 64, 3)


def test_named_picture_set_missing(nowhere):
    with pytest.raises(DatasetNotFoundError) as err:
        data.load("celeba")
    assert str(nowhere["gankit_data"] / "celeba") in str(err.value) and "folder:PATH" in str(err.value)
    assert data.locate("celeba") is None
