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

from gankit import config

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
#: name -> locator(): where a special set is read from offline (text), or None; see ``locate``
SPECIAL_LOCATORS = {}
CLASS_NAMES = {
    "mnist": [str(i) for i in range(10)],
    "fashion_mnist": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
}


def names():
    """Every dataset name ``load`` accepts (plus ``folder:PATH`` and the prefixes of SPECIAL_PREFIXES)."""
    return sorted(IDX_SETS) + sorted(FOLDER_SETS) + list(TOY_SETS) + sorted(SPECIAL_SETS)


def special_set(name, prefix=False, locate=None):
    """Decorator: register ``loader`` for ``load(name, ...)`` (or for ``load(name + "PATH")`` when
    ``prefix`` is true, e.g. ``paired_folder:``). ``locate()``, if given, says where the set is
    read from offline (text) or returns None; without it ``locate(name)`` answers None."""
    def register(loader):
        (SPECIAL_PREFIXES if prefix else SPECIAL_SETS)[name] = loader
        if locate is not None:
            SPECIAL_LOCATORS[name] = locate
        return loader
    return register


def _found(*finders):
    """A locator: the finders' answers joined with ' + ', or None if any finder fails."""
    def locator():
        try:
            return " + ".join(str(find()) for find in finders)
        except DatasetError:
            return None
    return locator


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
    return list(config.current().data_dirs) + [REPO / "data"]


def keras_cache():
    return config.current().keras_home / "datasets"


def offline():
    """Offline mode (``GANKIT_OFFLINE``): never download."""
    return config.current().offline


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
    if name in TOY_SETS:
        return "generated on the fly"
    if name in SPECIAL_LOCATORS:
        return SPECIAL_LOCATORS[name]()
    return None  # a prefix set (its path is in the name) or one that is only downloaded


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

#: pix2pix datasets of the authors' archive (Isola et al. 2017): name -> which half is the usual input
PIX2PIX_URL = "http://efrosgans.eecs.berkeley.edu/pix2pix/datasets/{name}.tar.gz"
PAIRED_SETS = {
    # maps: aerial photo left (A), map right (B); the usual task is aerial -> map (A -> B)
    "maps": {"folders": ("maps",), "size": 256, "direction": "a2b", "online": False},
    # facades: photo left (A), architectural label map right (B); the usual task is labels -> photo (B -> A)
    "facades": {"folders": ("facades",), "size": 256, "direction": "b2a", "online": True},
}
PAIRED_SPLITS = {"train": ("train",), "val": ("val",), "test": ("test", "val")}


def jitter_size(size):
    """The side random jitter resizes to before cropping back to ``size``: 286 for 256 (Pix2Pix,
    appendix 6.2), i.e. ``round(size * 286 / 256)``: 143 for 128, 72 for 64, 36 for 32."""
    return int(round(size * 286 / 256))


def random_jitter(source, target, size=None, seed=None, flip=True):
    """Pix2Pix's random jitter (Isola et al. 2017, appendix 6.2) applied *identically* to both
    images of a pair: resize to ``jitter_size(size)``, take one random ``size`` x ``size`` crop,
    mirror left-right with probability 1/2. The two images are stacked along channels first,
    so one crop and one flip act on both and the pair stays aligned pixel for pixel.

    ``source``/``target``: float (H, W, C) tensors (channel counts may differ); ``seed``: an
    optional pair of ints for ``tf.image.stateless_*`` (tests), else TensorFlow's global RNG."""
    size = int(size or source.shape[0])
    big = jitter_size(size)
    cs = source.shape[-1]
    both = tf.concat([tf.cast(source, tf.float32), tf.cast(target, tf.float32)], axis=-1)
    both = tf.image.resize(both, (big, big), method="bilinear")
    shape = (size, size, both.shape[-1])
    if seed is None:
        both = tf.image.random_crop(both, shape)
        if flip:
            both = tf.image.random_flip_left_right(both)
    else:
        both = tf.image.stateless_random_crop(both, shape, seed=seed)
        if flip:
            both = tf.image.stateless_random_flip_left_right(both, seed=(seed[0] + 1, seed[1]))
    return both[..., :cs], both[..., cs:]


def _split_pair(path, size, channels, direction):
    """One side-by-side picture (A left | B right) -> (input, target) halves at ``size``, in [-1, 1]."""
    image = tf.io.decode_image(tf.io.read_file(path), channels=channels, expand_animations=False)
    w = tf.shape(image)[1] // 2
    a, b = image[:, :w], image[:, w:2 * w]
    a, b = (tf.image.resize(half, (size, size), method="area", antialias=True) for half in (a, b))
    a.set_shape((size, size, channels))
    b.set_shape((size, size, channels))
    a, b = to_signed(a), to_signed(b)
    return (a, b) if direction == "a2b" else (b, a)


def paired_dataset(files, split="train", batch_size=1, image_size=256, limit=None, shuffle=True, seed=0,
                   drop_remainder=True, channels=3, direction="a2b", jitter=None):
    """``(input, target)`` batches from side-by-side pictures (the pix2pix archive layout).

    ``direction="a2b"`` translates the left half into the right one, ``"b2a"`` the reverse.
    ``jitter`` (default: on for ``split="train"`` only) applies ``random_jitter`` to each pair
    every epoch; evaluation pairs are never jittered."""
    if direction not in ("a2b", "b2a"):
        raise DatasetError(f"direction must be 'a2b' (left half -> right half) or 'b2a'; got {direction!r}.")
    files = [str(f) for f in files]
    if limit:
        files = files[:limit]
    size = int(image_size)
    jitter = split == "train" if jitter is None else bool(jitter)
    ds = tf.data.Dataset.from_tensor_slices(files)
    ds = ds.map(lambda p: _split_pair(p, size, channels, direction), num_parallel_calls=tf.data.AUTOTUNE).cache()
    if shuffle:
        ds = ds.shuffle(len(files), seed=seed, reshuffle_each_iteration=True)
    if jitter:
        ds = ds.map(lambda a, b: random_jitter(a, b, size), num_parallel_calls=tf.data.AUTOTUNE)
    return _finish(ds, len(files), batch_size, False, seed, drop_remainder)


def _numbered(files):
    """Sort ``1.jpg, 2.jpg, 10.jpg`` by number (the pix2pix archives' names), others by name."""
    return sorted(files, key=lambda p: (0, int(p.stem), "") if p.stem.isdigit() else (1, 0, p.name))


def _paired_folder(root, split, name):
    """The pictures of ``split`` under ``root``: ``root/<split>/`` when it exists, else ``root`` itself
    (for split 'train' only)."""
    root = pathlib.Path(root)
    for sub in PAIRED_SPLITS.get(split, (split,)):
        if (root / sub).is_dir():
            return _numbered(image_files(root / sub))
    if split == "train" and not any((root / s).is_dir() for s in ("train", "val", "test")):
        return _numbered(image_files(root))
    have = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    raise DatasetError(f"{name}: no '{split}' pictures under {root} (sub-folders found: {have or 'none'}). "
                       f"Use split='train', 'val' or 'test' as the folder provides.")


def _find_paired(name, download):
    """The folder of the paired set ``name``: GANKIT_DATA, <repo>/data, Keras' cache, else the
    pix2pix archive (when allowed), else a DatasetNotFoundError saying how to get it."""
    spec = PAIRED_SETS[name]
    tried = []
    for root in data_roots() + [keras_cache()]:
        for folder in spec["folders"]:
            if (root / folder).is_dir():
                return root / folder
            tried.append(str(root / folder))
    url = PIX2PIX_URL.format(name=name)
    if download and not offline():
        try:
            import tarfile

            archive = keras_cache() / f"{name}.tar.gz"
            if not archive.exists():
                _download(url, archive)
            with tarfile.open(archive) as tar:
                tar.extractall(keras_cache(), filter="data")
            if (keras_cache() / name).is_dir():
                return keras_cache() / name
            tried.append(f"{archive} (extracted, but held no '{name}/' folder)")
        except (OSError, tarfile.TarError) as err:
            tried.append(f"{url} (download failed: {err})")
    else:
        tried.append(f"{url} (skipped: offline mode)")
    raise DatasetNotFoundError(
        f"The paired dataset {name!r} was not found. gankit looked in: {'; '.join(tried)}. To fix it, connect "
        f"to the internet once (gankit downloads {url} into Keras' cache), or download and unpack that archive "
        f"yourself so that a folder '{name}/' with train/ and val/ sub-folders of side-by-side JPGs lies in the "
        f"folder GANKIT_DATA points at (export GANKIT_DATA=/path/to/data); or translate your own pairs with "
        f"load('paired_folder:PATH').")


def _load_paired_set(name, split, batch_size, image_size, limit, shuffle, seed, drop_remainder, download,
                     channels, direction=None, jitter=None):
    spec = PAIRED_SETS[name]
    if split not in PAIRED_SPLITS:
        raise DatasetError(f"Unknown split {split!r} for {name}: use 'train', 'val' or 'test'.")
    files = _paired_folder(_find_paired(name, download), split, name)
    return paired_dataset(files, split, batch_size, image_size or spec["size"], limit, shuffle, seed,
                          drop_remainder, channels or 3, direction or spec["direction"], jitter)


@special_set("maps", locate=_found(lambda: _find_paired("maps", download=False)))
def load_maps(split="train", batch_size=1, image_size=None, limit=None, shuffle=True, seed=0, drop_remainder=True,
              download=False, channels=None, direction="a2b", jitter=None):
    """pix2pix's maps pairs (400 train, 100 val; 512x256 JPGs, aerial photo left, map right).
    Elements ``(input, target)``: aerial photo -> map for ``direction="a2b"`` (the default),
    map -> aerial photo for ``"b2a"``. Only found offline (``$GANKIT_DATA/maps``)."""
    return _load_paired_set("maps", split, batch_size, image_size, limit, shuffle, seed, drop_remainder,
                            download, channels, direction, jitter)


@special_set("facades", locate=_found(lambda: _find_paired("facades", download=False)))
def load_facades(split="train", batch_size=1, image_size=None, limit=None, shuffle=True, seed=0,
                 drop_remainder=True, download=True, channels=None, direction="b2a", jitter=None):
    """CMP facades (400 train, 100 val, 106 test): label map -> photo by default. Downloaded once from
    the pix2pix archive into Keras' cache; offline, a DatasetNotFoundError says how to get it."""
    return _load_paired_set("facades", split, batch_size, image_size, limit, shuffle, seed, drop_remainder,
                            download, channels, direction, jitter)


@special_set("paired_folder:", prefix=True)
def load_paired_folder(path, split="train", batch_size=1, image_size=256, limit=None, shuffle=True, seed=0,
                       drop_remainder=True, download=False, channels=None, direction="a2b", jitter=None):
    """Your own pairs: a folder of side-by-side pictures (input left | target right, as in the pix2pix
    archives; ``direction="b2a"`` swaps them), with optional ``train/``, ``val/``, ``test/`` sub-folders."""
    root = pathlib.Path(path).expanduser()
    if not root.is_dir():
        raise DatasetNotFoundError(
            f"'paired_folder:' points at {root}, which is not a folder. Give a folder of side-by-side pictures "
            "(input on the left half, target on the right), e.g. load('paired_folder:/home/me/sketch2photo').")
    return paired_dataset(_paired_folder(root, split, f"paired_folder:{root}"), split, batch_size,
                          image_size or 256, limit, shuffle, seed, drop_remainder, channels or 3, direction, jitter)


def sobel_edges(images, threshold=0.25):
    """Binary edge maps of grey images (N, H, W, 1) in [-1, 1]: the Sobel gradient magnitude
    ``sqrt(G_x^2 + G_y^2)``, divided by each image's largest value, kept where it exceeds
    ``threshold``. Returned as black lines (-1) on white (+1), like the edges of pix2pix's
    edges2handbags set (which used HED edges on real photos)."""
    images = tf.convert_to_tensor(images, tf.float32)
    grads = tf.image.sobel_edges(images)                         # (N, H, W, C, 2): d/dy, d/dx
    magnitude = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=-1))
    magnitude = tf.reduce_max(magnitude, axis=-1, keepdims=True)
    peak = tf.reduce_max(magnitude, axis=[1, 2, 3], keepdims=True)
    edges = tf.cast(magnitude > threshold * tf.maximum(peak, 1e-6), tf.float32)
    return 1.0 - 2.0 * edges


@special_set("edges2fashion", locate=_found(
    lambda: load_arrays("fashion_mnist", "train", download=False)[2] + " (edges made on the fly)"))
def load_edges2fashion(split="train", batch_size=16, image_size=32, limit=None, shuffle=True, seed=0,
                       drop_remainder=True, download=True, channels=None, classes=None, threshold=0.25,
                       jitter=False):
    """Paired ``(edges, garment)`` made on the fly from Fashion-MNIST, the small cousin of pix2pix's
    edges -> bags (seed 000): the target is the garment resized to ``image_size`` (32 by default),
    the input its Sobel edge map (``sobel_edges``). ``classes``: keep only these labels, e.g.
    ``classes=[8]`` for bags only. ``channels=3`` gives RGB copies. Split 'train' or 'test'."""
    images, labels, _ = load_arrays("fashion_mnist", "test" if split in ("test", "val") else "train",
                                    download=download)
    if classes is not None:
        keep = np.isin(labels, np.atleast_1d(classes))
        if not keep.any():
            raise DatasetError(f"edges2fashion: no Fashion-MNIST images with classes {classes}; labels are 0..9.")
        images = images[keep]
    if limit:
        images = images[:limit]
    size = int(image_size or 32)
    target = to_signed(images)
    if size != 28:
        target = tf.clip_by_value(tf.image.resize(target, (size, size), method="bilinear"), -1.0, 1.0)
    source = sobel_edges(target, threshold)
    if channels == 3:
        source, target = tf.image.grayscale_to_rgb(source), tf.image.grayscale_to_rgb(target)
    ds = tf.data.Dataset.from_tensor_slices((source, target))
    if shuffle:
        ds = ds.shuffle(min(len(images), 60000), seed=seed, reshuffle_each_iteration=True)
    if jitter:
        ds = ds.map(lambda a, b: random_jitter(a, b, size), num_parallel_calls=tf.data.AUTOTUNE)
    return _finish(ds, len(images), batch_size, False, seed, drop_remainder)


# --- unpaired domains (CycleGAN: maps_unpaired, celeba2anime, unpaired_folder:) -------------

def unpaired_dataset(x, n_x, y, n_y, batch_size=1, shuffle=True, seed=0, drop_remainder=True):
    """Batches ``(x, y)`` from two datasets of single images that are *not* paired.

    The larger domain sets the epoch (``max(n_x, n_y)`` examples); the smaller one repeats, as in
    the CycleGAN authors' unaligned loader, so the two sets need not have the same size. With
    ``shuffle`` each domain is shuffled on its own (seeds ``seed`` and ``seed + 1``) every epoch,
    so which x meets which y changes from epoch to epoch."""
    if batch_size and drop_remainder and batch_size > min(n_x, n_y):
        raise DatasetError(f"batch_size={batch_size} is larger than the smaller domain ({min(n_x, n_y)} images); "
                           "use a smaller batch_size or a larger limit.")
    if shuffle:
        x = x.shuffle(n_x, seed=seed, reshuffle_each_iteration=True)
        y = y.shuffle(n_y, seed=seed + 1, reshuffle_each_iteration=True)
    if n_x < n_y:
        x = x.repeat()
    elif n_y < n_x:
        y = y.repeat()
    ds = tf.data.Dataset.zip((x, y))
    if batch_size:
        ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    return ds.prefetch(tf.data.AUTOTUNE)


def _image_files_dataset(files, size, channels):
    ds = tf.data.Dataset.from_tensor_slices([str(f) for f in files])
    return ds.map(lambda p: decode_image(p, size, channels), num_parallel_calls=tf.data.AUTOTUNE).cache()


def _aerial(photo, road_map):
    return photo


def _map(photo, road_map):
    return road_map


@special_set("maps_unpaired", locate=_found(lambda: _find_paired("maps", download=False)))
def load_maps_unpaired(split="train", batch_size=1, image_size=None, limit=None, shuffle=True, seed=0,
                       drop_remainder=True, download=False, channels=None, disjoint=False):
    """pix2pix's maps as two *unpaired* domains: X = aerial photos (left halves), Y = maps (right
    halves) of the same ``split`` pictures, each domain shuffled on its own so an aerial photo
    and its own map only meet by chance, as the CycleGAN paper trains on this set (§5.1).
    ``disjoint=True`` goes further: X comes from the first half of the pictures and Y from the
    second, so no photo's map is ever in the training set. Elements ``(x, y)``; ``limit`` keeps
    the first N pictures. For evaluation against the true maps use ``load("maps", split="val")``."""
    root = _find_paired("maps", download)
    files = [str(p) for p in _paired_folder(root, split, "maps_unpaired")]
    if limit:
        files = files[:limit]
    size, channels = int(image_size or 256), channels or 3
    def domain(names, pick):  # each domain caches its own halves: two readers of one cache collide
        return tf.data.Dataset.from_tensor_slices(names).map(
            lambda p: pick(*_split_pair(p, size, channels, "a2b")), num_parallel_calls=tf.data.AUTOTUNE).cache()

    half = len(files) // 2 if disjoint else 0
    x_files, y_files = (files[:half], files[half:]) if disjoint else (files, files)
    x, y, n_x, n_y = domain(x_files, _aerial), domain(y_files, _map), len(x_files), len(y_files)
    return unpaired_dataset(x, n_x, y, n_y, batch_size, shuffle, seed, drop_remainder)


@special_set("celeba2anime", locate=_found(lambda: _find_folder("celeba"), lambda: _find_folder("anime_faces")))
def load_celeba2anime(split="train", batch_size=1, image_size=None, limit=None, shuffle=True, seed=0,
                      drop_remainder=True, download=False, channels=None, limit_y=None, crop=0.85):
    """Photo -> cartoon (seed 000's example): X = real faces (``celeba``), Y = anime faces
    (``anime_faces``), both 64 x 64 by default. Unpaired and of different sizes (5,000 and
    10,000 here): the larger set sets the epoch. ``limit`` caps both domains, ``limit_y`` the
    anime side alone. ``crop`` keeps the central ``crop`` share of CelebA's square so the face
    fills the picture about as much as in the anime set (1.0 = the whole centre square).
    One folder each, no test split: ``split="train"`` only."""
    if split != "train":
        raise DatasetError("celeba2anime has no test split (two folders of pictures): use split='train'.")
    size, channels = int(image_size or 64), channels or 3
    faces = [str(p) for p in image_files(_find_folder("celeba"))]
    anime = [str(p) for p in image_files(_find_folder("anime_faces"))]
    if limit:
        faces, anime = faces[:limit], anime[:limit]
    if limit_y:
        anime = anime[:limit_y]

    def face(path):
        image = decode_image(path, 2 * size, channels)
        if crop < 1.0:
            image = tf.image.central_crop(image, crop)
        image = tf.image.resize(image, (size, size), method="area", antialias=True)
        image.set_shape((size, size, channels))
        return image

    x = tf.data.Dataset.from_tensor_slices(faces).map(face, num_parallel_calls=tf.data.AUTOTUNE).cache()
    y = _image_files_dataset(anime, size, channels)
    return unpaired_dataset(x, len(faces), y, len(anime), batch_size, shuffle, seed, drop_remainder)


@special_set("unpaired_folder:", prefix=True)
def load_unpaired_folder(path, split="train", batch_size=1, image_size=None, limit=None, shuffle=True, seed=0,
                         drop_remainder=True, download=False, channels=None):
    """Your own two domains: ``load("unpaired_folder:PATH_X|PATH_Y")``, two folders of pictures
    (any number each, sub-folders included), centre-cropped to squares and resized to
    ``image_size`` (default 128). Elements ``(x, y)``."""
    parts = [p for p in str(path).split("|")]
    if len(parts) != 2 or not all(p.strip() for p in parts):
        raise DatasetError(f"'unpaired_folder:' needs two folders separated by '|', e.g. "
                           f"load('unpaired_folder:/home/me/horses|/home/me/zebras'); got {path!r}.")
    folders = []
    for part in parts:
        folder = pathlib.Path(part.strip()).expanduser()
        if not folder.is_dir():
            raise DatasetNotFoundError(f"'unpaired_folder:' names {folder}, which is not a folder. Give two folders "
                                       "of pictures separated by '|'.")
        folders.append(folder)
    if split != "train":
        raise DatasetError("unpaired_folder: two folders with no test split: use split='train'.")
    size, channels = int(image_size or 128), channels or 3
    files = [image_files(f)[:limit] if limit else image_files(f) for f in folders]
    return unpaired_dataset(_image_files_dataset(files[0], size, channels), len(files[0]),
                            _image_files_dataset(files[1], size, channels), len(files[1]),
                            batch_size, shuffle, seed, drop_remainder)


#: the tensorflow_datasets ``cycle_gan`` configurations (Zhu et al. 2017's unpaired sets)
TFDS_CYCLE_GAN = ("apple2orange", "summer2winter_yosemite", "horse2zebra", "monet2photo", "cezanne2photo",
                  "ukiyoe2photo", "vangogh2photo", "maps", "cityscapes", "facades", "iphone2dslr_flower")


def _tfds_cycle_gan(config, split, download):
    """The A and B splits of ``cycle_gan/<config>`` (``trainA``/``trainB`` or ``testA``/``testB``)."""
    where = "train" if split == "train" else "test"
    try:
        import tensorflow_datasets as tfds
    except ImportError:
        raise DatasetNotFoundError(
            f"cycle_gan/{config} comes through tensorflow_datasets, which is not installed: "
            "pip install tensorflow-datasets, then run again online once.") from None
    try:
        builder = tfds.builder(f"cycle_gan/{config}")
        if not builder.is_prepared():
            if not download or offline():
                raise OSError("not in tensorflow_datasets' local folder and downloading is off")
            builder.download_and_prepare()
        return [builder.as_dataset(split=f"{where}{d}", as_supervised=True).map(lambda image, label: image)
                for d in "AB"], [builder.info.splits[f"{where}{d}"].num_examples for d in "AB"]
    except Exception as err:  # noqa: BLE001  offline, not downloaded, or a broken download
        raise DatasetNotFoundError(
            f"The unpaired set cycle_gan/{config} could not be loaded ({type(err).__name__}: "
            f"{str(err).splitlines()[0] if str(err) else 'no details'}). It is downloaded once by "
            "tensorflow_datasets (into ~/tensorflow_datasets; it needs the internet then). Offline, train on "
            "the sets at hand: load('maps_unpaired'), load('celeba2anime'), or your own two folders with "
            "load('unpaired_folder:PATH_X|PATH_Y').") from None


@special_set("cycle_gan:", prefix=True)
def load_cycle_gan(path, split="train", batch_size=1, image_size=None, limit=None, shuffle=True, seed=0,
                   drop_remainder=True, download=True, channels=None):
    """``load("cycle_gan:NAME")``: one of the CycleGAN paper's unpaired sets (``TFDS_CYCLE_GAN``,
    e.g. ``horse2zebra``, ``monet2photo``) through tensorflow_datasets, resized to ``image_size``
    (default 256). Needs the internet the first time; offline it raises DatasetNotFoundError."""
    if path not in TFDS_CYCLE_GAN:
        raise DatasetError(f"Unknown cycle_gan set {path!r}; tensorflow_datasets has: {', '.join(TFDS_CYCLE_GAN)}.")
    (a, b), (n_a, n_b) = _tfds_cycle_gan(path, split, download)
    size = int(image_size or 256)

    def prepare(image):
        image = tf.image.resize(tf.cast(image, tf.float32), (size, size), method="area", antialias=True)
        if channels == 1:
            image = tf.image.rgb_to_grayscale(image)
        return image / 127.5 - 1.0

    if limit:
        a, b, n_a, n_b = a.take(limit), b.take(limit), min(n_a, limit), min(n_b, limit)
    a = a.map(prepare, num_parallel_calls=tf.data.AUTOTUNE).cache()
    b = b.map(prepare, num_parallel_calls=tf.data.AUTOTUNE).cache()
    return unpaired_dataset(a, n_a, b, n_b, batch_size, shuffle, seed, drop_remainder)


@special_set("horse2zebra")
def load_horse2zebra(split="train", download=True, **options):
    """Horses (X) and zebras (Y), the CycleGAN paper's best-known set (1,067 / 1,334 training
    pictures), through tensorflow_datasets: ``load("cycle_gan:horse2zebra")``."""
    return load_cycle_gan("horse2zebra", split=split, download=download, **options)


# --- super-resolution (sr_patches, sr_images) ------------------------------------------------

#: skimage's bundled photos used for super-resolution: (file, split). Grey ones are made RGB.
SKIMAGE_PHOTOS = {"coffee.png": "train", "rocket.jpg": "train", "motorcycle_left.png": "train",
                  "hubble_deep_field.jpg": "train", "camera.png": "train", "brick.png": "train",
                  "grass.png": "train", "gravel.png": "train", "astronaut.png": "held_out",
                  "chelsea.png": "held_out"}
#: BSD100 photos 91-100 are held out for evaluation with the skimage photos marked held_out
SR_BSD_HELD_OUT = 10
SR_SPLITS = ("train", "held_out", "set5")


class SRImage(tuple):
    """One evaluation picture: ``(name, lr, hr)``, float32 HxWx3 in [-1, 1], hr = scale x lr."""
    __slots__ = ()

    def __new__(cls, name, lr, hr):
        return super().__new__(cls, (name, lr, hr))

    name = property(lambda self: self[0])
    lr = property(lambda self: self[1])
    hr = property(lambda self: self[2])


def _sr_folder(name):
    """``sr/<name>`` under a data root, or beside the repository (``../shared/data/sr``)."""
    for root in data_roots() + [REPO.parent / "shared" / "data"]:
        if (root / "sr" / name).is_dir():
            return root / "sr" / name
    return None


def _sr_root(name):
    folder = _sr_folder(name)
    if folder is None:
        raise DatasetNotFoundError(f"sr/{name} not found")
    return folder


def _sr_files(split):
    """(name, path) of the photos of ``split``: ``train`` = BSD100 1-90 + skimage's training
    photos; ``held_out`` = BSD100 91-100 + astronaut and chelsea; ``set5`` = Set5."""
    if split not in SR_SPLITS:
        raise DatasetError(f"Unknown super-resolution split {split!r}: use one of {', '.join(SR_SPLITS)}.")
    files = []
    if split == "set5":
        folder = _sr_folder("Set5")
        if folder is None:
            raise DatasetNotFoundError(
                "Set5 was not found: put its five HR PNGs in a folder 'sr/Set5' under GANKIT_DATA "
                "(export GANKIT_DATA=/path/to/data), e.g. /work/shared/data/sr/Set5.")
        return [(p.stem, p) for p in image_files(folder)]
    bsd = _sr_folder("BSD100")
    if bsd is not None:
        photos = image_files(bsd)
        keep = photos[:-SR_BSD_HELD_OUT] if split == "train" else photos[-SR_BSD_HELD_OUT:]
        files += [(f"BSD100/{p.stem}", p) for p in keep]
    try:
        import skimage.data
        base = pathlib.Path(skimage.data.__file__).parent
        files += [(f"skimage/{n.split('.')[0]}", base / n) for n, s in SKIMAGE_PHOTOS.items()
                  if s == split and (base / n).is_file()]
    except ImportError:
        pass
    if not files:
        raise DatasetNotFoundError(
            "No super-resolution photos found: gankit looks for BSD100 in 'sr/BSD100' under GANKIT_DATA "
            "and for scikit-image's bundled photos (pip install scikit-image). Put PNG/JPG photos there, "
            "or use load('sr_patches', source='div2k') online.")
    return files


def _read_rgb(path, scale):
    """A photo as uint8 RGB, cropped to a multiple of ``scale`` ("modcrop"), and its bicubic
    ``1/scale`` down-sampling (PIL's bicubic, antialiased like MATLAB's imresize)."""
    from PIL import Image

    with Image.open(path) as image:
        image = image.convert("RGB")
        w, h = image.size
        image = image.crop((0, 0, w - w % scale, h - h % scale))
        lr = image.resize((image.size[0] // scale, image.size[1] // scale), Image.BICUBIC)
        return np.asarray(lr), np.asarray(image)


def sr_images(split="set5", scale=4, limit=None):
    """Whole pictures for evaluation: a list of :class:`SRImage` ``(name, lr, hr)`` in [-1, 1],
    HR cropped to a multiple of ``scale``, LR its bicubic down-sampling."""
    out = []
    for name, path in _sr_files(split)[:limit]:
        lr, hr = _read_rgb(path, scale)
        out.append(SRImage(name, lr.astype("float32") / 127.5 - 1, hr.astype("float32") / 127.5 - 1))
    return out


@special_set("sr_images", locate=_found(lambda: _sr_root("Set5")))
def _load_sr_images(split="set5", batch_size=1, limit=None, scale=4, **unused):
    """``load("sr_images", split="set5" | "held_out" | "train")``: (lr, hr) pairs one picture per
    batch (sizes differ)."""
    pictures = sr_images(split, scale=scale, limit=limit)
    ds = tf.data.Dataset.from_generator(
        lambda: ((p.lr, p.hr) for p in pictures),
        output_signature=(tf.TensorSpec((None, None, 3), tf.float32), tf.TensorSpec((None, None, 3), tf.float32)))
    return ds.batch(1).prefetch(tf.data.AUTOTUNE)


def _aligned_crop(rng, lr, hr, lr_size, scale, augment):
    y = rng.integers(0, lr.shape[0] - lr_size + 1)
    x = rng.integers(0, lr.shape[1] - lr_size + 1)
    a = lr[y:y + lr_size, x:x + lr_size]
    b = hr[y * scale:(y + lr_size) * scale, x * scale:(x + lr_size) * scale]
    if augment:  # the 8 flips/rotations of a square
        k = rng.integers(0, 4)
        a, b = np.rot90(a, k), np.rot90(b, k)
        if rng.integers(0, 2):
            a, b = a[:, ::-1], b[:, ::-1]
    return np.ascontiguousarray(a), np.ascontiguousarray(b)


@special_set("sr_patches", locate=_found(lambda: _sr_root("BSD100")))
def _load_sr_patches(split="train", batch_size=16, image_size=None, limit=None, shuffle=True, seed=0,
                     drop_remainder=True, download=True, scale=4, patches_per_image=16, source="local",
                     augment=None, **unused):
    """``load("sr_patches", ...)``: batches ``(lr, hr)`` in [-1, 1], hr a random ``image_size``
    patch (default 96, a multiple of ``scale``) of a photo, lr the aligned patch of its bicubic
    ``1/scale`` down-sampling. One epoch = ``patches_per_image`` patches per photo, new ones every
    epoch (with ``shuffle=False`` the same ones every time). ``limit`` keeps the first N photos.

    ``source="local"`` (default): the ``split`` photos of :func:`sr_images` (training: BSD100 1-90
    + skimage photos; Set5 and the held-out photos are never in ``train``). ``source="div2k"``:
    DIV2K through ``tensorflow_datasets`` (``div2k/bicubic_x{scale}``; a download of ~4 GB once).
    """
    size = int(image_size or 96)
    if size % scale:
        raise DatasetError(f"image_size={size} (the HR patch) must be a multiple of scale={scale}.")
    lr_size = size // scale
    augment = (split == "train") if augment is None else augment
    if source == "div2k":
        return _div2k_patches(split, batch_size, size, scale, shuffle, seed, drop_remainder, download, augment)
    if source != "local":
        raise DatasetError(f"Unknown source {source!r} for sr_patches: use 'local' or 'div2k'.")
    pairs = [_read_rgb(path, scale) for _, path in _sr_files(split)[:limit]]
    pairs = [(lr, hr) for lr, hr in pairs if min(lr.shape[:2]) >= lr_size]
    if not pairs:
        raise DatasetError(f"No {split} photo is large enough for {size}-pixel HR patches.")
    n = len(pairs) * int(patches_per_image)
    state = np.random.default_rng(seed)

    def patches():
        rng = state if shuffle else np.random.default_rng(seed)
        for _ in range(n):
            lr, hr = pairs[rng.integers(len(pairs))]
            yield _aligned_crop(rng, lr, hr, lr_size, scale, augment)

    ds = tf.data.Dataset.from_generator(patches, output_signature=(
        tf.TensorSpec((lr_size, lr_size, 3), tf.uint8), tf.TensorSpec((size, size, 3), tf.uint8)))
    ds = ds.map(lambda a, b: (to_signed(a), to_signed(b)))
    return _finish(ds, n, batch_size, False, seed, drop_remainder)


def _div2k_patches(split, batch_size, size, scale, shuffle, seed, drop_remainder, download, augment):
    name = f"div2k/bicubic_x{scale}"
    try:
        import tensorflow_datasets as tfds
        ds = tfds.load(name, split="train" if split == "train" else "validation", shuffle_files=shuffle,
                       download=bool(download) and not offline())
    except Exception as err:  # noqa: BLE001  not installed, offline, or not yet downloaded
        raise DatasetNotFoundError(
            f"DIV2K ({name}) could not be loaded through tensorflow_datasets: {type(err).__name__}: "
            f"{str(err).splitlines()[0] if str(err) else ''}. Online, 'pip install tensorflow-datasets' and "
            "run again (it downloads ~4 GB once); offline, use the default source='local' (BSD100 + "
            "scikit-image photos).") from None
    lr_size = size // scale

    def crop(example):
        lr, hr = example["lr"], example["hr"]
        shape = tf.shape(lr)
        y = tf.random.uniform((), 0, shape[0] - lr_size + 1, tf.int32, seed=seed)
        x = tf.random.uniform((), 0, shape[1] - lr_size + 1, tf.int32, seed=seed)
        a = lr[y:y + lr_size, x:x + lr_size]
        b = hr[y * scale:y * scale + size, x * scale:x * scale + size]
        if augment:
            k = tf.random.uniform((), 0, 4, tf.int32, seed=seed)
            a, b = tf.image.rot90(a, k), tf.image.rot90(b, k)
        a.set_shape((lr_size, lr_size, 3))
        b.set_shape((size, size, 3))
        return to_signed(a), to_signed(b)

    ds = ds.map(crop, num_parallel_calls=tf.data.AUTOTUNE)
    if shuffle:
        ds = ds.shuffle(256, seed=seed)
    return ds.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)
