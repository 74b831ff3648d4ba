"""Datasets as ``tf.data`` pipelines of images scaled to [-1, 1].

``load(name, split="train", batch_size=64)`` is the one entry point. Names:

* ``mnist``, ``fashion_mnist`` — 28x28x1 with integer labels; found offline (see below) or
  downloaded once into Keras' cache.
* ``anime_faces``, ``celeba`` — folders of pictures under ``$GANKIT_DATA`` (no labels).
* ``folder:PATH`` — any folder of JPG/PNG pictures, centre-cropped to a square and resized.
* ``gaussian_ring`` (8 Gaussians on a circle, 2-D) and ``gaussian_1d`` — toy point clouds.

Where image sets are looked for, in order:

1. ``$GANKIT_DATA/<folder>/`` (several roots may be joined with ``os.pathsep``), then
   ``<repo>/data/<folder>/``; the IDX ``.gz`` files of the original distribution;
2. Keras' cache (``~/.keras/datasets``, or ``$KERAS_HOME/datasets``);
3. Debian's ``/usr/share/datasets/<folder>/`` (``apt-get install dataset-fashion-mnist``);
4. the network, into Keras' cache: written to a temporary file, checked, then renamed,
   so an interrupted download never leaves a half-written file where the next run looks.

If all fail, :class:`DatasetNotFoundError` names every place tried and how to fix it.
Set ``GANKIT_OFFLINE=1`` (or pass ``download=False``) to skip the network.
"""

import gzip
import os
import pathlib
import tempfile
import urllib.request
import zlib

import numpy as np
import tensorflow as tf

REPO = pathlib.Path(__file__).resolve().parent.parent
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"}
KERAS_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
#: where Debian/Ubuntu dataset packages (e.g. ``dataset-fashion-mnist``) install their files
DEBIAN_DATASETS = pathlib.Path("/usr/share/datasets")


class DatasetError(ValueError):
    """A dataset request gankit cannot satisfy; the message says how to fix it."""


class DatasetNotFoundError(DatasetError, FileNotFoundError):
    """No copy of a dataset was found in any place gankit looks, and it could not be downloaded."""


# --- the registry -------------------------------------------------------------------------

IDX_SETS = {
    # name: (folder names to look for, file prefix per split, keras cache layout)
    "mnist": {"folders": ("mnist",), "keras_npz": "mnist.npz", "keras_dir": None},
    "fashion_mnist": {"folders": ("fashion-mnist", "fashion_mnist"), "keras_npz": None,
                      "keras_dir": "fashion-mnist"},
}
FOLDER_SETS = {
    "anime_faces": {"folders": ("anime-faces", "anime_faces"), "size": 64,
                    "hint": "the 64x64 anime avatars of lesson 2 (e.g. a Kaggle 'anime faces' download)"},
    "celeba": {"folders": ("celeba", "img_align_celeba"), "size": 64,
               "hint": "aligned CelebA JPGs (img_align_celeba)"},
}
TOY_SETS = ("gaussian_ring", "gaussian_1d")
#: name -> loader(split=..., batch_size=..., **options) for sets that are not plain images
#: (paired / unpaired image-to-image sets, super-resolution patches); each registers itself
#: with ``@special_set("name")`` in its section at the end of this file.
SPECIAL_SETS = {}
#: prefixes like ``paired_folder:`` that a special loader accepts, prefix -> loader
SPECIAL_PREFIXES = {}
CLASS_NAMES = {
    "mnist": [str(i) for i in range(10)],
    "fashion_mnist": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
}


def names():
    """Every dataset name ``load`` accepts (plus ``folder:PATH`` and the prefixes of SPECIAL_PREFIXES)."""
    return sorted(IDX_SETS) + sorted(FOLDER_SETS) + list(TOY_SETS) + sorted(SPECIAL_SETS)


def special_set(name, prefix=False):
    """Decorator: register ``loader`` for ``load(name, ...)`` (or for ``load(name + "PATH")`` when
    ``prefix`` is true, e.g. ``paired_folder:``)."""
    def register(loader):
        (SPECIAL_PREFIXES if prefix else SPECIAL_SETS)[name] = loader
        return loader
    return register


def _special_loader(name):
    if name in SPECIAL_SETS:
        return SPECIAL_SETS[name], {}
    for prefix, loader in SPECIAL_PREFIXES.items():
        if name.startswith(prefix):
            return loader, {"path": name[len(prefix):]}
    return None, None


def _check_name(name):
    if (name.startswith("folder:") or name in IDX_SETS or name in FOLDER_SETS or name in TOY_SETS
            or _special_loader(name)[0] is not None):
        return
    extra = "".join(f", '{p}PATH'" for p in sorted(SPECIAL_PREFIXES))
    raise DatasetError(
        f"Unknown dataset {name!r}. gankit knows: {', '.join(names())}, and 'folder:PATH' for any "
        f"folder of your own pictures (e.g. load('folder:~/photos/cats')){extra}."
    )


def data_roots():
    """Folders searched first: ``$GANKIT_DATA`` (``os.pathsep``-separated) then ``<repo>/data``."""
    roots = [pathlib.Path(p).expanduser() for p in os.environ.get("GANKIT_DATA", "").split(os.pathsep) if p]
    return roots + [REPO / "data"]


def keras_cache():
    return pathlib.Path(os.environ.get("KERAS_HOME", "~/.keras")).expanduser() / "datasets"


def offline():
    return os.environ.get("GANKIT_OFFLINE", "") not in ("", "0", "false", "False")


# --- IDX files ----------------------------------------------------------------------------

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


def _idx_files(folder, split):
    prefix = "train" if split == "train" else "t10k"
    return folder / f"{prefix}-images-idx3-ubyte.gz", folder / f"{prefix}-labels-idx1-ubyte.gz"


def _read_idx_pair(folder, split):
    images_path, labels_path = _idx_files(folder, split)
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.ndim != 3 or len(images) != len(labels):
        raise DatasetError(f"{folder}: {len(images)} images but {len(labels)} labels.")
    return images[..., None], labels.astype("int32")


def _download(url, dest):
    """Download ``url`` to ``dest`` atomically: a temporary file in the same folder, renamed
    only after it is complete, so a killed download cannot poison the cache."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=dest.name + ".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=30) as response:
            while chunk := response.read(1 << 20):
                out.write(chunk)
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _download_idx(name, split):
    spec = IDX_SETS[name]
    if spec["keras_npz"]:
        dest = keras_cache() / spec["keras_npz"]
        _download(KERAS_URL + spec["keras_npz"], dest)
        return _read_npz(dest, split), dest
    folder = keras_cache() / spec["keras_dir"]
    for path in _idx_files(folder, split):
        if not path.exists():
            _download(KERAS_URL + path.name, path)
    return _read_idx_pair(folder, split), folder


def _read_npz(path, split):
    with np.load(path) as f:
        return f[f"x_{split}"][..., None], f[f"y_{split}"].astype("int32")


def _idx_candidates(name, split):
    """(description, reader) for every offline place ``name`` may be, in search order."""
    spec = IDX_SETS[name]
    for root in data_roots():
        for folder in spec["folders"]:
            yield root / folder, lambda f=root / folder: _read_idx_pair(f, split)
    if spec["keras_npz"]:
        path = keras_cache() / spec["keras_npz"]
        yield path, lambda: _read_npz(path, split)
    else:
        folder = keras_cache() / spec["keras_dir"]
        yield folder, lambda: _read_idx_pair(folder, split)
    for folder in spec["folders"]:
        path = DEBIAN_DATASETS / folder
        yield path, lambda f=path: _read_idx_pair(f, split)


def load_arrays(name, split="train", download=True):
    """``(images uint8 (N, 28, 28, 1), labels int32 (N,))`` of an IDX dataset, and where they came from.

    Returns ``images, labels, source``.
    """
    if split not in ("train", "test"):
        raise DatasetError(f"Unknown split {split!r} for {name}: use 'train' or 'test'.")
    if name not in IDX_SETS:
        _check_name(name)
        raise DatasetError(f"{name!r} has no labelled arrays; use gankit.data.load({name!r}).")
    tried = []
    for where, reader in _idx_candidates(name, split):
        if not pathlib.Path(where).exists():
            tried.append(f"{where} (missing)")
            continue
        try:
            images, labels = reader()
            return images, labels, str(where)
        except (OSError, EOFError, KeyError, ValueError) as err:  # unreadable copy: say so, go on
            tried.append(f"{where} (unreadable: {err})")
    if download and not offline():
        try:
            (images, labels), where = _download_idx(name, split)
            return images, labels, f"{where} (downloaded)"
        except (OSError, ValueError) as err:
            tried.append(f"the network via {KERAS_URL} (failed: {err})")
    else:
        tried.append("the network (skipped: offline mode)")
    folder = IDX_SETS[name]["folders"][0]
    raise DatasetNotFoundError(
        f"Dataset {name!r} ({split}) was not found. gankit looked in: {'; '.join(tried)}. "
        f"To fix it, put the four IDX .gz files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
        f"t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) in a folder named '{folder}' and set "
        f"GANKIT_DATA to the folder that contains it (export GANKIT_DATA=/path/to/data), "
        + ("or run 'sudo apt-get install dataset-fashion-mnist' on Debian/Ubuntu, " if name == "fashion_mnist" else "")
        + "or connect to the internet once so Keras can download it into its cache."
    )


def locate(name, split="train"):
    """Where ``name`` would be read from offline (a path as text), or ``None``: for the
    environment check of lesson 0. Never downloads."""
    _check_name(name)
    if name in IDX_SETS:
        try:
            return load_arrays(name, split, download=False)[2]
        except DatasetNotFoundError:
            return None
    if name in FOLDER_SETS or name.startswith("folder:"):
        try:
            return str(_find_folder(name))
        except DatasetNotFoundError:
            return None
    return "generated on the fly"


# --- folders of pictures --------------------------------------------------------------------

def _find_folder(name):
    if name.startswith("folder:"):
        path = pathlib.Path(name[len("folder:"):]).expanduser()
        if not path.is_dir():
            raise DatasetNotFoundError(
                f"'folder:' points at {path}, which is not a folder. Give the path of a folder that holds "
                "your JPG/PNG pictures, e.g. load('folder:/home/me/pictures/cats').")
        return path
    spec = FOLDER_SETS[name]
    tried = []
    for root in data_roots():
        for folder in spec["folders"]:
            if (root / folder).is_dir():
                return root / folder
            tried.append(str(root / folder))
    raise DatasetNotFoundError(
        f"Dataset {name!r} was not found; gankit looked in: {', '.join(tried)}. It has no public "
        f"download gankit can fetch for you. Put {spec['hint']} in a folder named '{spec['folders'][0]}' "
        "and set GANKIT_DATA to the folder that contains it, or train on any folder of pictures "
        "with load('folder:PATH').")


def image_files(folder):
    files = sorted(p for p in pathlib.Path(folder).rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise DatasetNotFoundError(
            f"{folder} holds no pictures (looked for {', '.join(sorted(IMAGE_SUFFIXES))}, in sub-folders too).")
    return files


def decode_image(path, size, channels=3):
    """Read one picture, centre-crop it to a square, resize to ``size`` and scale to [-1, 1]."""
    image = tf.io.decode_image(tf.io.read_file(path), channels=channels, expand_animations=False)
    h, w = tf.shape(image)[0], tf.shape(image)[1]
    side = tf.minimum(h, w)
    image = tf.image.crop_to_bounding_box(image, (h - side) // 2, (w - side) // 2, side, side)
    image = tf.image.resize(image, (size, size), method="area", antialias=True)
    image.set_shape((size, size, channels))
    return to_signed(image)


def to_signed(images):
    """uint8 [0, 255] -> float32 [-1, 1]: x / 127.5 - 1 (matches the generator's tanh range)."""
    return tf.cast(images, tf.float32) / 127.5 - 1.0


def to_uint8(images):
    """float [-1, 1] -> uint8 [0, 255] (numpy), for saving pictures."""
    return np.clip(np.round((np.asarray(images) + 1.0) * 127.5), 0, 255).astype(np.uint8)


# --- toys -----------------------------------------------------------------------------------

def toy_points(name, n=20000, seed=0, radius=2.0, std=0.02, modes=8, mean=2.0):
    """Samples of a toy distribution as float32 numpy.

    ``gaussian_ring``: ``modes`` Gaussians (std ``std``) evenly spaced on a circle of
    ``radius`` (the 8-Gaussian mixture of the unrolled-GAN and WGAN-GP papers), shape (n, 2).
    ``gaussian_1d``: N(mean, 0.5^2), shape (n, 1).
    """
    rng = np.random.default_rng(seed)
    if name == "gaussian_ring":
        angles = 2 * np.pi * rng.integers(0, modes, n) / modes
        centres = radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
        return (centres + std * rng.standard_normal((n, 2))).astype("float32")
    if name == "gaussian_1d":
        return (mean + 0.5 * rng.standard_normal((n, 1))).astype("float32")
    raise DatasetError(f"{name!r} is not a toy set; toys are {', '.join(TOY_SETS)}.")


def ring_centres(radius=2.0, modes=8):
    angles = 2 * np.pi * np.arange(modes) / modes
    return (radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)).astype("float32")


def mode_coverage(points, centres, std, radius=3.0, min_share=None):
    """``(modes covered, share of high-quality samples)`` of generated 2-D points on a mixture
    whose components have the given ``centres`` and standard deviation ``std``.

    The count of the Unrolled-GAN (Metz et al. 2017) and VEEGAN (Srivastava et al. 2017)
    papers: a sample is *high quality* if it lies within ``radius`` = 3 standard deviations
    of its nearest centre. gankit's rule for *covered*: a mode is covered if it holds at least
    ``min_share`` of the high-quality samples, by default a quarter of its fair share,
    ``1 / (4 K)`` for K modes (3.1 % on the 8-Gaussian ring). A stray handful of samples
    does not make a mode count (VEEGAN's "at least one sample" would), while a mode the
    generator visits a quarter as often as it should still does.

    Returns ``(covered, hq_share)``: an int in 0..K and a float in [0, 1].
    """
    centres = np.asarray(centres, dtype="float64")
    points = np.asarray(points, dtype="float64").reshape(-1, centres.shape[-1])
    if len(points) == 0:
        return 0, 0.0
    dist = np.linalg.norm(points[:, None, :] - centres[None, :, :], axis=-1)
    nearest = dist.argmin(axis=1)
    good = dist[np.arange(len(points)), nearest] <= radius * std
    n_good = int(good.sum())
    if n_good == 0:
        return 0, 0.0
    share = 1.0 / (4 * len(centres)) if min_share is None else float(min_share)
    counts = np.bincount(nearest[good], minlength=len(centres))
    return int(((counts > 0) & (counts >= share * n_good)).sum()), n_good / len(points)


# --- the entry point ------------------------------------------------------------------------

def load(name, split="train", batch_size=64, image_size=None, limit=None, labels=True, shuffle=True,
         seed=0, drop_remainder=True, download=True, channels=None, **toy_options):
    """A batched, shuffled, prefetched ``tf.data.Dataset`` of ``name``.

    Elements are ``(images, labels)`` for labelled sets when ``labels`` is true, else
    ``images`` (float32, NHWC, in [-1, 1]); toys yield point batches.
    ``image_size`` resizes (e.g. 32 to feed a 32x32 DCGAN); ``limit`` keeps the first N
    examples (quick mode); ``channels`` (1 or 3) forces grey or colour.
    """
    _check_name(name)
    special, extra = _special_loader(name)
    if special is not None:
        return special(split=split, batch_size=batch_size, image_size=image_size, limit=limit,
                       shuffle=shuffle, seed=seed, drop_remainder=drop_remainder, download=download,
                       channels=channels, **extra, **toy_options)
    if name in TOY_SETS:
        points = toy_points(name, seed=seed, **toy_options)
        if limit:
            points = points[:limit]
        ds = tf.data.Dataset.from_tensor_slices(points)
        return _finish(ds, len(points), batch_size, shuffle, seed, drop_remainder)
    if toy_options:
        raise DatasetError(f"Options {sorted(toy_options)} only apply to the toy sets {TOY_SETS}.")

    if name in IDX_SETS:
        images, y, _ = load_arrays(name, split, download=download)
        if limit:
            images, y = images[:limit], y[:limit]
        ds = tf.data.Dataset.from_tensor_slices((images, y) if labels else images)

        def prepare(x, *rest):
            x = to_signed(x)
            if image_size and image_size != x.shape[0]:
                x = tf.image.resize(x, (image_size, image_size), method="bilinear")
            if channels == 3:
                x = tf.image.grayscale_to_rgb(x)
            return (x, *rest) if rest else x

        ds = ds.map(prepare, num_parallel_calls=tf.data.AUTOTUNE).cache()
        return _finish(ds, len(images), batch_size, shuffle, seed, drop_remainder)

    # folders of pictures
    folder = _find_folder(name)
    files = [str(p) for p in image_files(folder)]
    if split != "train":
        raise DatasetError(f"{name!r} is one folder with no test split: use split='train'.")
    if limit:
        files = files[:limit]
    size = image_size or FOLDER_SETS.get(name, {}).get("size", 64)
    ds = tf.data.Dataset.from_tensor_slices(files)
    ds = ds.map(lambda p: decode_image(p, size, channels or 3), num_parallel_calls=tf.data.AUTOTUNE).cache()
    return _finish(ds, len(files), batch_size, shuffle, seed, drop_remainder)


def _finish(ds, n, batch_size, shuffle, seed, drop_remainder):
    if batch_size and batch_size > n and drop_remainder:
        raise DatasetError(f"batch_size={batch_size} is larger than the {n} examples at hand; "
                           "use a smaller batch_size or a larger limit.")
    if shuffle:
        ds = ds.shuffle(min(n, 60000), seed=seed, reshuffle_each_iteration=True)
    if batch_size:
        ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    return ds.prefetch(tf.data.AUTOTUNE)


# --- image-to-image pairs (Pix2Pix: maps, edges2fashion, paired_folder:) --------------------


# --- unpaired domains (CycleGAN: maps_unpaired, celeba2anime, unpaired_folder:) -------------


# --- super-resolution (sr_patches, sr_images) ------------------------------------------------
