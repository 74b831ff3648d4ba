"""Paired image-to-image sets for Pix2Pix: ``maps``, ``facades``, ``edges2fashion`` and your own
``paired_folder:PATH``. Elements are ``(input, target)`` pairs, aligned pixel for pixel."""

import pathlib
import tarfile

import numpy as np
import tensorflow as tf

from gankit.data import sources
from gankit.data.errors import DatasetError, DatasetNotFoundError
from gankit.data.images import load_arrays
from gankit.data.pipeline import Options, image_files_dataset, jitter_pairs, to_signed
from gankit.data.registry import register
from gankit.data.sources import data_roots, image_files, keras_cache, offline

#: pix2pix datasets of the authors' archive (Isola et al. 2017): name -> which half is the usual input
PIX2PIX_URL = "http://efrosgans.eecs.berkeley.edu/pix2pix/datasets/{name}.tar.gz"
PAIRED_SETS = {
    # maps: aerial photo left (A), map right (B); the usual task is aerial -> map (A -> B)
    "maps": {"folders": ("maps",), "size": 256, "direction": "a2b", "online": False},
    # facades: photo left (A), architectural label map right (B); the usual task is labels -> photo (B -> A)
    "facades": {"folders": ("facades",), "size": 256, "direction": "b2a", "online": True},
}
PAIRED_SPLITS = {"train": ("train",), "val": ("val",), "test": ("test", "val")}


def split_pair(path, size, channels, direction):
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
    opts = Options(split=split, batch_size=batch_size, limit=limit, shuffle=shuffle, seed=seed,
                   drop_remainder=drop_remainder)
    return _pairs(files, opts, int(image_size), channels, direction, jitter)


def _pairs(files, opts, size, channels, direction, jittered):
    if direction not in ("a2b", "b2a"):
        raise DatasetError(f"direction must be 'a2b' (left half -> right half) or 'b2a'; got {direction!r}.")
    files = opts.first([str(f) for f in files])
    jittered = opts.split == "train" if jittered is None else bool(jittered)
    ds = image_files_dataset(files, lambda p: split_pair(p, size, channels, direction))
    return opts.finish(ds, len(files), augment=jitter_pairs(size) if jittered else None)


def _numbered(files):
    """Sort ``1.jpg, 2.jpg, 10.jpg`` by number (the pix2pix archives' names), others by name."""
    return sorted(files, key=lambda p: (0, int(p.stem), "") if p.stem.isdigit() else (1, 0, p.name))


def paired_folder(root, split, name):
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


def find_paired(name, download):
    """The folder of the paired set ``name``: GANKIT_DATA, <repo>/data, Keras' cache, else the
    pix2pix archive (when allowed), else a DatasetNotFoundError saying how to get it."""
    folder, tried = sources.find_folder(PAIRED_SETS[name]["folders"], data_roots() + [keras_cache()])
    if folder is not None:
        return folder
    url = PIX2PIX_URL.format(name=name)
    if download and not offline():
        try:
            archive = keras_cache() / f"{name}.tar.gz"
            if not archive.exists():
                sources.fetch(url, archive)
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


def paired_locator(name):
    """Where the paired set ``name`` lies offline (for ``register(..., locate=)``)."""
    return lambda split: str(find_paired(name, download=False))


def _paired_set(name, opts, direction, jittered):
    spec = PAIRED_SETS[name]
    if opts.split not in PAIRED_SPLITS:
        raise DatasetError(f"Unknown split {opts.split!r} for {name}: use 'train', 'val' or 'test'.")
    files = paired_folder(find_paired(name, opts.download), opts.split, name)
    return _pairs(files, opts, opts.size(spec["size"]), opts.channels or 3, direction or spec["direction"],
                  jittered)


@register("maps", "paired", locate=paired_locator("maps"), splits=("train", "val"))
def _maps(opts, direction="a2b", jitter=None):
    """pix2pix's maps pairs (400 train, 100 val; 512x256 JPGs, aerial photo left, map right).
    Elements ``(input, target)``: aerial photo -> map for ``direction="a2b"`` (the default),
    map -> aerial photo for ``"b2a"``. Found under ``$GANKIT_DATA/maps``, else downloaded once
    from the pix2pix archive."""
    return _paired_set("maps", opts, direction, jitter)


@register("facades", "paired", locate=paired_locator("facades"), splits=("train", "val", "test"))
def _facades(opts, direction="b2a", jitter=None):
    """CMP facades (400 train, 100 val, 106 test): label map -> photo by default. Downloaded once from
    the pix2pix archive into Keras' cache; offline, a DatasetNotFoundError says how to get it."""
    return _paired_set("facades", opts, direction, jitter)


@register("paired_folder:", "paired", prefix=True,
          hint="PATH: a folder of your own side-by-side pairs (input left | target right)")
def _paired_folder(opts, path, direction="a2b", jitter=None):
    """Your own pairs: a folder of side-by-side pictures (input left | target right, as in the pix2pix
    archives; ``direction="b2a"`` swaps them), with optional ``train/``, ``val/``, ``test/`` sub-folders."""
    root = pathlib.Path(path).expanduser()
    if not root.is_dir():
        raise DatasetNotFoundError(
            f"'paired_folder:' points at {root}, which is not a folder. Give a folder of side-by-side pictures "
            "(input on the left half, target on the right), e.g. load('paired_folder:/home/me/sketch2photo').")
    return _pairs(paired_folder(root, opts.split, f"paired_folder:{root}"), opts, opts.size(256),
                  opts.channels or 3, direction, jitter)


# --- edges2fashion: pairs made from Fashion-MNIST -------------------------------------------

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


def _fashion_edges_locator(split):
    return load_arrays("fashion_mnist", "train", download=False)[2] + " (edges made on the fly)"


@register("edges2fashion", "paired", locate=_fashion_edges_locator, splits=("train", "test"))
def _edges2fashion(opts, classes=None, threshold=0.25, jitter=False):
    """Paired ``(edges, garment)`` made on the fly from Fashion-MNIST, the small cousin of pix2pix's
    edges -> bags (the PaddlePaddle course's example): the target is the garment resized to ``image_size`` (32 by default),
    the input its Sobel edge map (``sobel_edges``). ``classes``: keep only these labels, e.g.
    ``classes=[8]`` for bags only. ``channels=3`` gives RGB copies. Split 'train' or 'test'."""
    images, labels, _ = load_arrays("fashion_mnist", "test" if opts.split in ("test", "val") else "train",
                                    download=opts.download)
    if classes is not None:
        keep = np.isin(labels, np.atleast_1d(classes))
        if not keep.any():
            raise DatasetError(f"edges2fashion: no Fashion-MNIST images with classes {classes}; labels are 0..9.")
        images = images[keep]
    images = opts.first(images)
    size = opts.size(32)
    target = to_signed(images)
    if size != 28:
        target = tf.clip_by_value(tf.image.resize(target, (size, size), method="bilinear"), -1.0, 1.0)
    source = sobel_edges(target, threshold)
    if opts.channels == 3:
        source, target = tf.image.grayscale_to_rgb(source), tf.image.grayscale_to_rgb(target)
    ds = tf.data.Dataset.from_tensor_slices((source, target))
    return opts.finish(ds, len(images), augment=jitter_pairs(size) if jitter else None)
