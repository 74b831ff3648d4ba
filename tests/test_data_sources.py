"""gankit.data.sources and the search order: the IDX parser, where datasets are looked for (a corrupt
copy skipped, every place named when nothing is found), and the atomic download (faked: no network)."""

import gzip
import io
import os
import pathlib

import numpy as np
import pytest
import tensorflow as tf

from gankit import data
from gankit.data import DatasetError, DatasetNotFoundError, sources

FASHION = pathlib.Path("/usr/share/datasets/fashion-mnist")


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


class FakeResponse:
    """What ``urllib.request.urlopen`` returns, serving ``payload``; optionally failing after
    ``fail_after`` bytes, as a dropped connection does."""

    def __init__(self, payload, fail_after=None, chunk=7, announce=None):
        self.payload, self.fail_after, self.chunk, self.pos = payload, fail_after, chunk, 0
        self.headers = {"Content-Length": str(announce)} if announce is not None else {}

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


def fake_urlopen(payload, fail_after=None, calls=None, announce=None):
    def urlopen(url, timeout=None):
        if calls is not None:
            calls.append(url)
        return FakeResponse(payload, fail_after, announce=announce)
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


def test_download_shorter_than_announced_is_refused(tmp_path, monkeypatch):
    """The server closes the connection early without an error: the size check catches it."""
    monkeypatch.setattr(sources.urllib.request, "urlopen", fake_urlopen(b"x" * 500, announce=1000))
    dest = tmp_path / "mnist.npz"
    with pytest.raises(data.DatasetError, match="stopped after 500 of 1000 bytes"):
        sources.fetch("https://example.invalid/mnist.npz", dest)
    assert list(tmp_path.iterdir()) == []


def test_download_with_the_wrong_checksum_is_refused_and_the_right_one_lands(tmp_path, monkeypatch):
    import hashlib

    payload = os.urandom(300)
    monkeypatch.setattr(sources.urllib.request, "urlopen", fake_urlopen(payload, announce=300))
    dest = tmp_path / "mnist.npz"
    with pytest.raises(data.DatasetError, match="SHA-256"):
        sources.fetch("https://example.invalid/mnist.npz", dest, sha256="0" * 64)
    assert list(tmp_path.iterdir()) == []
    sources.fetch("https://example.invalid/mnist.npz", dest, sha256=hashlib.sha256(payload).hexdigest())
    assert dest.read_bytes() == payload


def _npz_bytes(n=20):
    buffer = io.BytesIO()
    rng = np.random.default_rng(0)
    np.savez(buffer, x_train=rng.integers(0, 256, (n, 28, 28), dtype=np.uint8),
             y_train=rng.integers(0, 10, n, dtype=np.uint8),
             x_test=rng.integers(0, 256, (n, 28, 28), dtype=np.uint8),
             y_test=(np.arange(n) % 10).astype(np.uint8))
    return buffer.getvalue()


def test_load_arrays_downloads_into_the_keras_cache_when_online(nowhere, monkeypatch):
    import hashlib

    from gankit.data import images as image_sets

    calls, payload = [], _npz_bytes()
    monkeypatch.setenv("GANKIT_OFFLINE", "0")
    monkeypatch.setattr(sources.urllib.request, "urlopen", fake_urlopen(payload, calls=calls))
    # the fake file is not Keras' mnist.npz: it is checked against its own checksum
    monkeypatch.setitem(image_sets.IDX_SETS["mnist"], "sha256", hashlib.sha256(payload).hexdigest())
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
