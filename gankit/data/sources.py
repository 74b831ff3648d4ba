"""Where datasets come from: the folders searched (from :mod:`gankit.config`), the offline switch,
IDX files, Keras' cache and the atomic download. Nothing here builds a ``tf.data`` pipeline."""

import gzip
import os
import pathlib
import tempfile
import urllib.request
import zlib

import numpy as np

from gankit import config
from gankit.data.errors import DatasetError, DatasetNotFoundError

REPO = pathlib.Path(__file__).resolve().parents[2]
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"}
KERAS_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
#: where Debian/Ubuntu dataset packages (e.g. ``dataset-fashion-mnist``) install their files
DEBIAN_DATASETS = pathlib.Path("/usr/share/datasets")


def data_roots():
    """Folders searched first: ``$GANKIT_DATA`` (``os.pathsep``-separated) then ``<repo>/data``."""
    return list(config.current().data_dirs) + [REPO / "data"]


def keras_cache():
    return config.current().keras_home / "datasets"


def offline():
    """Offline mode (``GANKIT_OFFLINE``): never download."""
    return config.current().offline


def find_folder(folders, roots=None):
    """The first ``root/folder`` that is a directory, over ``roots`` (default :func:`data_roots`)
    and then ``folders``; ``(None, tried)`` when there is none, ``tried`` every path looked at."""
    tried = []
    for root in data_roots() if roots is None else roots:
        for folder in folders:
            if (root / folder).is_dir():
                return root / folder, tried
            tried.append(str(root / folder))
    return None, tried


def image_files(folder):
    """Every picture under ``folder`` (sub-folders too), sorted by path."""
    files = sorted(p for p in pathlib.Path(folder).rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise DatasetNotFoundError(
            f"{folder} holds no pictures (looked for {', '.join(sorted(IMAGE_SUFFIXES))}, in sub-folders too).")
    return files


def fetch(url, dest, sha256=None):
    """Download ``url`` to ``dest`` atomically: a temporary file in the same folder, renamed
    only after it is complete (as many bytes as the server announced) and, given ``sha256``,
    its checksum matches, so a killed or corrupted download cannot poison the cache. A progress
    bar (``tqdm``) shows the bytes, the rate and the time left."""
    import hashlib

    from tqdm.auto import tqdm

    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=dest.name + ".", suffix=".part")
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=30) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(total=total, unit="B", unit_scale=True, desc=dest.name, leave=False) as bar:
                while chunk := response.read(1 << 20):
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                    bar.update(len(chunk))
        if total is not None and size != total:
            raise DatasetError(f"The download of {url} stopped after {size} of {total} bytes; run the same "
                               f"command again to fetch it anew.")
        if sha256 is not None and digest.hexdigest() != sha256:
            raise DatasetError(f"The file downloaded from {url} does not have the expected SHA-256 checksum "
                               f"({digest.hexdigest()} instead of {sha256}): it is damaged or not the original. "
                               f"Run the same command again, or download it by hand and check it.")
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


# --- IDX files (MNIST's format) ------------------------------------------------------------

def read_idx(path):
    """Read an IDX file (plain or ``.gz``) into a numpy array.

    Format (LeCun's MNIST page): two zero bytes, a type byte (0x08 = uint8), the number of
    dimensions, then one big-endian uint32 per dimension, then the data.
    """
    path = pathlib.Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except (EOFError, gzip.BadGzipFile, zlib.error) as err:  # a cut-off or damaged .gz
        raise DatasetError(f"{path} is a damaged gzip file ({err}).") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise DatasetError(f"{path} is not an IDX file of unsigned bytes (bad magic number).")
    ndim = raw[3]
    if len(raw) < 4 + 4 * ndim:
        raise DatasetError(f"{path} is truncated: its header ends after {len(raw)} bytes.")
    dims = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise DatasetError(f"{path} is truncated: header says {dims}, found {data.size} values.")
    return data.reshape(dims)


def idx_files(folder, split):
    """The images and labels files of ``split`` in an MNIST-layout folder."""
    prefix = "train" if split == "train" else "t10k"
    return folder / f"{prefix}-images-idx3-ubyte.gz", folder / f"{prefix}-labels-idx1-ubyte.gz"


def read_idx_pair(folder, split):
    """``(images (N, 28, 28, 1) uint8, labels int32)`` of ``split`` from an MNIST-layout folder."""
    images_path, labels_path = idx_files(folder, split)
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.ndim != 3 or len(images) != len(labels):
        raise DatasetError(f"{folder}: {len(images)} images but {len(labels)} labels.")
    return images[..., None], labels.astype("int32")


def read_npz(path, split):
    """The same from Keras' ``mnist.npz`` layout (``x_train``, ``y_train``, ``x_test``, ``y_test``)."""
    with np.load(path) as f:
        return f[f"x_{split}"][..., None], f[f"y_{split}"].astype("int32")
