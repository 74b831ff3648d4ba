"""gankit.data: the IDX parser, where datasets are looked for, the tf.data pipelines,
folders of pictures, the toys, and the atomic download. Nothing here touches the network."""

import gzip
import io
import os
import pathlib

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from gankit import data
from gankit.data import DatasetError, DatasetNotFoundError, sources

FASHION = pathlib.Path("/usr/share/datasets/fashion-mnist")


# --- read_idx ------------------------------------------------------------------------------

def test_read_idx_parses_a_3d_uint8_file(tmp_path, idx_writer):
    # 300 > 255: the dimension only reads back right as a big-endian uint32
    array = (np.arange(300 * 2 * 3) % 251).astype(np.uint8).reshape(300, 2, 3)
    path = idx_writer(tmp_path / "x-idx3-ubyte.gz", array)
    raw = gzip.decompress(path.read_bytes())
    assert raw[:4] == b"\x00\x00\x08\x03" and raw[4:8] == b"\x00\x00\x01\x2c"  # the file is made to the spec
    out = data.read_idx(path)
    assert out.dtype == np.uint8 and out.shape == (300, 2, 3)
    np.testing.assert_array_equal(out, array)


def test_read_idx_parses_a_1d_file_plain_or_gzipped(tmp_path, idx_writer):
    labels = np.array([5, 0, 4, 1, 9, 2], dtype=np.uint8)
    for name in ("y-idx1-ubyte", "y-idx1-ubyte.gz"):
        out = data.read_idx(idx_writer(tmp_path / name, labels))
        assert out.shape == (6,)
        np.testing.assert_array_equal(out, labels)


@pytest.mark.parametrize("header", [b"\x00\x00\x0d\x01", b"\x08\x03\x00\x00", b"PK\x03\x04", b"\x00\x00"])
def test_read_idx_rejects_a_bad_magic_number(tmp_path, header):
    path = tmp_path / "bad-idx1-ubyte"
    path.write_bytes(header + b"\x00\x00\x00\x02\x01\x02")
    with pytest.raises(DatasetError, match="magic"):
        data.read_idx(path)


def test_read_idx_rejects_a_truncated_file(tmp_path, idx_writer):
    array = np.ones((3, 4, 5), dtype=np.uint8)
    whole = gzip.decompress(idx_writer(tmp_path / "x.gz", array).read_bytes())
    short = tmp_path / "short-idx3-ubyte"
    short.write_bytes(whole[:-10])                    # data cut short
    with pytest.raises(DatasetError, match="truncated") as err:
        data.read_idx(short)
    assert "(3, 4, 5)" in str(err.value) and "50" in str(err.value)
    short.write_bytes(whole[:10])                     # header cut short
    with pytest.raises(DatasetError, match="truncated"):
        data.read_idx(short)


# --- MNIST from the files ------------------------------------------------------------------

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


def test_a_corrupt_copy_is_skipped_for_a_good_one(tmp_path, use_mnist, monkeypatch):
    corrupt = tmp_path / "corrupt"
    (corrupt / "mnist").mkdir(parents=True)
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        whole = (use_mnist.folder / name).read_bytes()
        (corrupt / "mnist" / name).write_bytes(whole[: len(whole) // 2])   # a cut-off download
    monkeypatch.setenv("GANKIT_DATA", os.pathsep.join([str(corrupt), str(use_mnist.root)]))
    images, labels, source = data.load_arrays("mnist", "test")
    assert pathlib.Path(source) == use_mnist.folder
    assert images.shape == (10000, 28, 28, 1) and labels.shape == (10000,)


def test_nothing_found_names_every_place_and_the_fix(nowhere, tmp_path, monkeypatch):
    corrupt = nowhere["gankit_data"] / "mnist"
    corrupt.mkdir()
    (corrupt / "t10k-images-idx3-ubyte.gz").write_bytes(b"\x1f\x8b\x08\x00not really gzip")
    (corrupt / "t10k-labels-idx1-ubyte.gz").write_bytes(b"")
    with pytest.raises(DatasetNotFoundError) as err:
        data.load_arrays("mnist", "test")
    assert isinstance(err.value, FileNotFoundError) and isinstance(err.value, DatasetError)
    message = str(err.value)
    places = [
        f"{corrupt} (unreadable",
        f"{nowhere['repo'] / 'data' / 'mnist'} (missing)",
        f"{nowhere['keras_home'] / 'datasets' / 'mnist.npz'} (missing)",
        f"{nowhere['debian'] / 'mnist'} (missing)",
        "the network (skipped: offline mode)",
    ]
    for place in places:
        assert place in message
    assert "GANKIT_DATA" in message and "t10k-images-idx3-ubyte.gz" in message and "'mnist'" in message
    assert data.locate("mnist", "test") is None
    # the same through load(), the entry point lessons use
    with pytest.raises(DatasetNotFoundError):
        data.load("mnist")


def test_fashion_mnist_not_found_mentions_the_debian_package(nowhere):
    with pytest.raises(DatasetNotFoundError) as err:
        data.load_arrays("fashion_mnist", "test")
    message = str(err.value)
    assert "apt-get install dataset-fashion-mnist" in message
    for folder in ("fashion-mnist", "fashion_mnist"):
        assert str(nowhere["debian"] / folder) in message


@pytest.mark.skipif(not (FASHION / "t10k-images-idx3-ubyte.gz").is_file(),
                    reason="Fashion-MNIST is not installed in /usr/share/datasets/fashion-mnist "
                           "(apt-get install dataset-fashion-mnist)")
def test_fashion_mnist_from_the_debian_package(tmp_path, monkeypatch):
    monkeypatch.setenv("GANKIT_DATA", str(tmp_path))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(sources, "REPO", tmp_path)
    images, labels, source = data.load_arrays("fashion_mnist", "test")
    assert source == str(FASHION)
    assert images.shape == (10000, 28, 28, 1) and images.dtype == np.uint8
    assert labels.dtype == np.int32 and set(np.unique(labels)) == set(range(10))
    assert len(data.CLASS_NAMES["fashion_mnist"]) == 10
    x, y = next(iter(data.load("fashion_mnist", split="test", batch_size=8, limit=16)))
    assert tuple(x.shape) == (8, 28, 28, 1) and float(tf.reduce_max(x)) <= 1.0


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


# --- download (faked: no network) ----------------------------------------------------------

class FakeResponse:
    """What ``urllib.request.urlopen`` returns, serving ``payload``; optionally failing after
    ``fail_after`` bytes, as a dropped connection does."""

    def __init__(self, payload, fail_after=None, chunk=7):
        self.payload, self.fail_after, self.chunk, self.pos = payload, fail_after, chunk, 0

    def read(self, n=-1):
        if self.fail_after is not None and self.pos >= self.fail_after:
            raise ConnectionResetError("connection reset by peer (fake)")
        n = min(n if n > 0 else len(self.payload), self.chunk)
        out = self.payload[self.pos:self.pos + n]
        self.pos += len(out)
        return out

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def fake_urlopen(payload, fail_after=None, calls=None):
    def urlopen(url, timeout=None):
        if calls is not None:
            calls.append(url)
        return FakeResponse(payload, fail_after)
    return urlopen


def test_download_interrupted_leaves_nothing_behind(tmp_path, monkeypatch):
    payload = bytes(range(256)) * 4
    monkeypatch.setattr(sources.urllib.request, "urlopen", fake_urlopen(payload, fail_after=500))
    dest = tmp_path / "cache" / "mnist.npz"
    with pytest.raises(ConnectionResetError):
        sources.fetch("https://example.invalid/mnist.npz", dest)
    assert not dest.exists()
    assert list(dest.parent.iterdir()) == []          # no .part file left over either


def test_download_interrupted_keeps_an_older_complete_file(tmp_path, monkeypatch):
    dest = tmp_path / "mnist.npz"
    dest.write_bytes(b"the old, complete file")
    monkeypatch.setattr(sources.urllib.request, "urlopen", fake_urlopen(b"x" * 100, fail_after=50))
    with pytest.raises(ConnectionResetError):
        sources.fetch("https://example.invalid/mnist.npz", dest)
    assert dest.read_bytes() == b"the old, complete file"
    assert [p.name for p in tmp_path.iterdir()] == ["mnist.npz"]


def test_download_success_lands_whole(tmp_path, monkeypatch):
    payload = os.urandom(1000)
    calls = []
    monkeypatch.setattr(sources.urllib.request, "urlopen", fake_urlopen(payload, calls=calls))
    dest = tmp_path / "sub" / "file.bin"
    sources.fetch("https://example.invalid/file.bin", dest)
    assert dest.read_bytes() == payload
    assert [p.name for p in dest.parent.iterdir()] == ["file.bin"]
    assert calls == ["https://example.invalid/file.bin"]


def _npz_bytes(n=20):
    buffer = io.BytesIO()
    rng = np.random.default_rng(0)
    np.savez(buffer, x_train=rng.integers(0, 256, (n, 28, 28), dtype=np.uint8),
             y_train=rng.integers(0, 10, n, dtype=np.uint8),
             x_test=rng.integers(0, 256, (n, 28, 28), dtype=np.uint8),
             y_test=(np.arange(n) % 10).astype(np.uint8))
    return buffer.getvalue()


def test_load_arrays_downloads_into_the_keras_cache_when_online(nowhere, monkeypatch):
    calls = []
    monkeypatch.setenv("GANKIT_OFFLINE", "0")
    monkeypatch.setattr(sources.urllib.request, "urlopen", fake_urlopen(_npz_bytes(), calls=calls))
    images, labels, source = data.load_arrays("mnist", "test")
    assert calls == [data.KERAS_URL + "mnist.npz"]
    assert images.shape == (20, 28, 28, 1) and labels.dtype == np.int32
    assert source.endswith("(downloaded)")
    cached = nowhere["keras_home"] / "datasets" / "mnist.npz"
    assert cached.is_file()
    # the next call finds the cached copy and does not download again
    _, _, source = data.load_arrays("mnist", "train")
    assert source == str(cached) and len(calls) == 1


def test_failed_download_is_reported_with_the_places_tried(nowhere, monkeypatch):
    monkeypatch.setenv("GANKIT_OFFLINE", "0")
    monkeypatch.setattr(sources.urllib.request, "urlopen", fake_urlopen(b"PK" * 100, fail_after=50))
    with pytest.raises(DatasetNotFoundError) as err:
        data.load_arrays("mnist", "test")
    assert "the network via" in str(err.value) and "failed" in str(err.value)
    assert not (nowhere["keras_home"] / "datasets" / "mnist.npz").exists()


def test_offline_never_calls_the_network(nowhere, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("urlopen called in offline mode")
    monkeypatch.setattr(sources.urllib.request, "urlopen", refuse)
    with pytest.raises(DatasetNotFoundError):
        data.load_arrays("mnist", "test")
    with pytest.raises(DatasetNotFoundError):
        data.load_arrays("mnist", "test", download=False)


# --- folders of pictures -------------------------------------------------------------------

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


# --- toys ----------------------------------------------------------------------------------

def test_gaussian_ring_points_lie_near_the_eight_centres():
    points = data.toy_points("gaussian_ring", n=4000, seed=1)
    centres = data.ring_centres()
    assert points.shape == (4000, 2) and points.dtype == np.float32
    assert centres.shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(centres, axis=1), 2.0, rtol=1e-6)
    distances = np.linalg.norm(points[:, None, :] - centres[None], axis=2)
    assert distances.min(axis=1).max() < 6 * 0.02                     # within 6 std of a centre
    counts = np.bincount(distances.argmin(axis=1), minlength=8)
    assert counts.min() > 400                                         # every mode is used (~500 each)


def test_gaussian_1d_mean_and_std():
    points = data.toy_points("gaussian_1d", n=20000, seed=0)
    assert points.shape == (20000, 1) and points.dtype == np.float32
    assert points.mean() == pytest.approx(2.0, abs=0.02)
    assert points.std() == pytest.approx(0.5, abs=0.02)
    assert data.toy_points("gaussian_1d", n=20000, mean=-1.0).mean() == pytest.approx(-1.0, abs=0.02)


def test_toys_through_load():
    batches = list(data.load("gaussian_ring", batch_size=100, limit=1000))
    assert len(batches) == 10 and tuple(batches[0].shape) == (100, 2) and batches[0].dtype == tf.float32
    x = next(iter(data.load("gaussian_1d", batch_size=50, limit=100)))
    assert tuple(x.shape) == (50, 1)
    assert data.locate("gaussian_ring") == "generated on the fly"
    with pytest.raises(DatasetError, match="toy"):
        data.toy_points("nope")


def test_to_signed_and_to_uint8_invert_each_other():
    pixels = np.arange(256, dtype=np.uint8)
    signed = data.to_signed(pixels).numpy()
    assert signed[0] == -1.0 and signed[-1] == 1.0
    np.testing.assert_array_equal(data.to_uint8(signed), pixels)
    np.testing.assert_array_equal(data.to_uint8(np.array([-3.0, 3.0])), [0, 255])  # clipped
