"""Fixtures shared by the unit tests.

The repository's own ``conftest.py`` (one folder up) has already set GANKIT_QUICK=1,
GANKIT_OFFLINE=1 and a temporary GANKIT_RUNS, so nothing here may reach the network.

MNIST: when ``$GANKIT_DATA/mnist`` holds the four IDX files (CI points GANKIT_DATA at the
shared data folder), the tests read the real files. Otherwise they write a small, real IDX
set themselves (same names, same header layout), so the parser is tested either way.
"""

import gzip
import os
import pathlib
import sys

import numpy as np
import pytest

REPO = pathlib.Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

MNIST_FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
               "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def write_idx(path, array, type_byte=0x08):
    """Write ``array`` as an IDX file following LeCun's spec, header field by header field:
    two zero bytes, the data type byte (0x08 = unsigned byte), the number of dimensions,
    one big-endian uint32 per dimension, then the values in C order. ``.gz`` -> gzipped."""
    array = np.asarray(array)
    header = bytes([0, 0, type_byte, array.ndim])
    header += b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    raw = header + array.astype(np.uint8).tobytes()
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".gz":
        with gzip.open(path, "wb", compresslevel=1) as f:
            f.write(raw)
    else:
        path.write_bytes(raw)
    return path


def synthetic_digits(n, offset=0):
    """``n`` 28x28 uint8 images with a known pattern (pixel = (7 i + 28 r + c) mod 256) and
    labels ``i mod 10``: every value read back can be checked exactly."""
    i = np.arange(offset, offset + n)[:, None, None]
    r = np.arange(28)[None, :, None]
    c = np.arange(28)[None, None, :]
    images = ((7 * i + 28 * r + c) % 256).astype(np.uint8)
    return images, (np.arange(offset, offset + n) % 10).astype(np.uint8)


class MnistRoot:
    def __init__(self, root, real, n_train, n_test):
        self.root, self.real, self.n_train, self.n_test = root, real, n_train, n_test

    @property
    def folder(self):
        return self.root / "mnist"


def _real_mnist_root():
    for entry in os.environ.get("GANKIT_DATA", "").split(os.pathsep):
        if entry and all((pathlib.Path(entry) / "mnist" / f).is_file() for f in MNIST_FILES):
            return pathlib.Path(entry)
    return None


@pytest.fixture(scope="session")
def mnist_root(tmp_path_factory):
    """A folder holding ``mnist/`` with the four IDX files: the real one from GANKIT_DATA
    when set, else a synthetic one made here (10,000 test images, like the real test set)."""
    real = _real_mnist_root()
    if real is not None:
        return MnistRoot(real, True, 60000, 10000)
    root = tmp_path_factory.mktemp("gankit-data")
    train_x, train_y = synthetic_digits(256)
    test_x, test_y = synthetic_digits(10000, offset=1000)
    write_idx(root / "mnist" / MNIST_FILES[0], train_x)
    write_idx(root / "mnist" / MNIST_FILES[1], train_y)
    write_idx(root / "mnist" / MNIST_FILES[2], test_x)
    write_idx(root / "mnist" / MNIST_FILES[3], test_y)
    return MnistRoot(root, False, 256, 10000)


@pytest.fixture
def use_mnist(mnist_root, monkeypatch):
    """GANKIT_DATA points at ``mnist_root`` for the duration of a test."""
    monkeypatch.setenv("GANKIT_DATA", str(mnist_root.root))
    return mnist_root


@pytest.fixture
def nowhere(tmp_path, monkeypatch):
    """Every offline place gankit.data looks in is an empty temporary folder."""
    from gankit.data import sources

    places = {name: tmp_path / name for name in ("gankit_data", "keras_home", "repo", "debian")}
    for path in places.values():
        path.mkdir()
    monkeypatch.setenv("GANKIT_DATA", str(places["gankit_data"]))
    monkeypatch.setenv("KERAS_HOME", str(places["keras_home"]))
    monkeypatch.setenv("GANKIT_OFFLINE", "1")
    monkeypatch.setattr(sources, "REPO", places["repo"])
    monkeypatch.setattr(sources, "DEBIAN_DATASETS", places["debian"])
    return places


@pytest.fixture
def idx_writer():
    return write_idx


@pytest.fixture
def digits():
    return synthetic_digits

