"""Super-resolution data: ``sr_patches`` (aligned LR/HR training patches) and ``sr_images`` (whole
pictures for evaluation), from BSD100, Set5 and scikit-image's photos, or DIV2K online."""

import pathlib

import numpy as np
import tensorflow as tf

from gankit.data.errors import DatasetError, DatasetNotFoundError
from gankit.data.pipeline import to_signed
from gankit.data.registry import register
from gankit.data import sources
from gankit.data.sources import data_roots, image_files, offline

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
    roots = data_roots() + [sources.REPO.parent / "shared" / "data"]
    return sources.find_folder([f"sr/{name}"], roots)[0]


def _sr_root(name):
    folder = _sr_folder(name)
    if folder is None:
        raise DatasetNotFoundError(f"sr/{name} not found")
    return folder


def sr_files(split):
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
    for name, path in sr_files(split)[:limit]:
        lr, hr = _read_rgb(path, scale)
        out.append(SRImage(name, lr.astype("float32") / 127.5 - 1, hr.astype("float32") / 127.5 - 1))
    return out


@register("sr_images", "super-resolution", locate=lambda split: str(_sr_root("Set5")),
          hint="no download: put Set5's five PNGs in $GANKIT_DATA/sr/Set5/")
def _sr_images(opts, scale=4):
    """``load("sr_images", split="set5" | "held_out" | "train")``: (lr, hr) pairs one picture per
    batch (sizes differ)."""
    pictures = sr_images(opts.split, scale=scale, limit=opts.limit)
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


@register("sr_patches", "super-resolution", locate=lambda split: str(_sr_root("BSD100")),
          hint="no download: put BSD100's photos in $GANKIT_DATA/sr/BSD100/ (scikit-image's photos are used too)")
def _sr_patches(opts, scale=4, patches_per_image=16, source="local", augment=None):
    """``load("sr_patches", ...)``: batches ``(lr, hr)`` in [-1, 1], hr a random ``image_size``
    patch (default 96, a multiple of ``scale``) of a photo, lr the aligned patch of its bicubic
    ``1/scale`` down-sampling. One epoch = ``patches_per_image`` patches per photo, new ones every
    epoch (with ``shuffle=False`` the same ones every time). ``limit`` keeps the first N photos.

    ``source="local"`` (default): the ``split`` photos of :func:`sr_images` (training: BSD100 1-90
    + skimage photos; Set5 and the held-out photos are never in ``train``). ``source="div2k"``:
    DIV2K through ``tensorflow_datasets`` (``div2k/bicubic_x{scale}``; a download of ~4 GB once).
    """
    size = opts.size(96)
    if size % scale:
        raise DatasetError(f"image_size={size} (the HR patch) must be a multiple of scale={scale}.")
    lr_size = size // scale
    augment = (opts.split == "train") if augment is None else augment
    if source == "div2k":
        return _div2k_patches(opts, size, scale, augment)
    if source != "local":
        raise DatasetError(f"Unknown source {source!r} for sr_patches: use 'local' or 'div2k'.")
    pairs = [_read_rgb(path, scale) for _, path in opts.first(sr_files(opts.split))]
    pairs = [(lr, hr) for lr, hr in pairs if min(lr.shape[:2]) >= lr_size]
    if not pairs:
        raise DatasetError(f"No {opts.split} photo is large enough for {size}-pixel HR patches.")
    n = len(pairs) * int(patches_per_image)
    state = np.random.default_rng(opts.seed)

    def patches():
        rng = state if opts.shuffle else np.random.default_rng(opts.seed)
        for _ in range(n):
            lr, hr = pairs[rng.integers(len(pairs))]
            yield _aligned_crop(rng, lr, hr, lr_size, scale, augment)

    ds = tf.data.Dataset.from_generator(patches, output_signature=(
        tf.TensorSpec((lr_size, lr_size, 3), tf.uint8), tf.TensorSpec((size, size, 3), tf.uint8)))
    ds = ds.map(lambda a, b: (to_signed(a), to_signed(b)))
    return opts.finish(ds, n, shuffle=False)


def _div2k_patches(opts, size, scale, augment):
    name = f"div2k/bicubic_x{scale}"
    try:
        import tensorflow_datasets as tfds
        ds = tfds.load(name, split="train" if opts.split == "train" else "validation", shuffle_files=opts.shuffle,
                       download=bool(opts.download) and not offline())
    except Exception as err:  # noqa: BLE001  not installed, offline, or not yet downloaded
        raise DatasetNotFoundError(
            f"DIV2K ({name}) could not be loaded through tensorflow_datasets: {type(err).__name__}: "
            f"{str(err).splitlines()[0] if str(err) else ''}. Online, 'pip install tensorflow-datasets' and "
            "run again (it downloads ~4 GB once); offline, use the default source='local' (BSD100 + "
            "scikit-image photos).") from None
    lr_size, seed = size // scale, opts.seed

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
    if opts.shuffle:
        ds = ds.shuffle(256, seed=seed)
    return ds.batch(opts.batch_size, drop_remainder=opts.drop_remainder).prefetch(tf.data.AUTOTUNE)
