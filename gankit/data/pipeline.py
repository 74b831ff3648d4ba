"""The ``tf.data`` side: the options every set takes (:class:`Options`), pictures read and scaled
to [-1, 1], Pix2Pix's random jitter, and :func:`finish` (shuffle, augment, batch, prefetch)."""

import dataclasses

import numpy as np
import tensorflow as tf

from gankit.data.errors import DatasetError


@dataclasses.dataclass(frozen=True)
class Options:
    """The keyword arguments :func:`gankit.data.load` takes for every set.

    ``split``: ``"train"``, ``"test"`` ... as the set has them; ``batch_size``: examples per batch
    (``None``: single examples); ``image_size``: resize to this side (each set has its default);
    ``limit``: keep the first N examples (quick mode); ``labels``: ``(images, labels)`` for
    labelled sets, else images only; ``shuffle``/``seed``: shuffled every epoch, reproducibly;
    ``drop_remainder``: drop a last, smaller batch; ``download``: may fetch a missing set (never
    in offline mode); ``channels``: 1 or 3 forces grey or colour."""

    split: str = "train"
    batch_size: int = 64
    image_size: int = None
    limit: int = None
    labels: bool = True
    shuffle: bool = True
    seed: int = 0
    drop_remainder: bool = True
    download: bool = True
    channels: int = None

    def size(self, default):
        """``image_size``, or the set's ``default`` side when none was asked for."""
        return int(self.image_size or default)

    def first(self, items):
        """``items`` cut to ``limit`` (all of them without one)."""
        return items[:self.limit] if self.limit else items

    def finish(self, ds, n, shuffle=None, augment=None):
        """:func:`finish` with these options (``shuffle`` overrides theirs)."""
        return finish(ds, n, self.batch_size, self.shuffle if shuffle is None else shuffle, self.seed,
                      self.drop_remainder, augment)


#: the names of :class:`Options`' fields
OPTION_NAMES = tuple(field.name for field in dataclasses.fields(Options))


def finish(ds, n, batch_size, shuffle, seed, drop_remainder, augment=None):
    """The end of every pipeline: shuffle the ``n`` examples (every epoch), map ``augment`` over
    them (after shuffling, so each epoch draws new augmentations), batch, prefetch."""
    if batch_size and batch_size > n and drop_remainder:
        raise DatasetError(f"batch_size={batch_size} is larger than the {n} examples at hand; "
                           "use a smaller batch_size or a larger limit.")
    if shuffle:
        ds = ds.shuffle(min(n, 60000), seed=seed, reshuffle_each_iteration=True)
    if augment is not None:
        ds = ds.map(augment, num_parallel_calls=tf.data.AUTOTUNE)
    if batch_size:
        ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    return ds.prefetch(tf.data.AUTOTUNE)


# --- pixels ---------------------------------------------------------------------------------

def to_signed(images):
    """uint8 [0, 255] -> float32 [-1, 1]: x / 127.5 - 1 (matches the generator's tanh range)."""
    return tf.cast(images, tf.float32) / 127.5 - 1.0


def to_uint8(images):
    """float [-1, 1] -> uint8 [0, 255] (numpy), for saving pictures."""
    return np.clip(np.round((np.asarray(images) + 1.0) * 127.5), 0, 255).astype(np.uint8)


def decode_image(path, size, channels=3):
    """Read one picture, centre-crop it to a square, resize to ``size`` and scale to [-1, 1]."""
    image = tf.io.decode_image(tf.io.read_file(path), channels=channels, expand_animations=False)
    h, w = tf.shape(image)[0], tf.shape(image)[1]
    side = tf.minimum(h, w)
    image = tf.image.crop_to_bounding_box(image, (h - side) // 2, (w - side) // 2, side, side)
    image = tf.image.resize(image, (size, size), method="area", antialias=True)
    image.set_shape((size, size, channels))
    return to_signed(image)


def image_files_dataset(files, read):
    """A cached dataset of ``read(path)`` for every file (``read`` runs in parallel, once)."""
    ds = tf.data.Dataset.from_tensor_slices([str(f) for f in files])
    return ds.map(read, num_parallel_calls=tf.data.AUTOTUNE).cache()


def pictures_dataset(files, size, channels):
    """A cached dataset of the pictures ``files``, square, ``size`` x ``size``, in [-1, 1]."""
    return image_files_dataset(files, lambda p: decode_image(p, size, channels))


# --- random jitter (Pix2Pix) ----------------------------------------------------------------

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


def jitter_pairs(size):
    """The ``augment`` for :func:`finish` that jitters each ``(source, target)`` pair."""
    return lambda a, b: random_jitter(a, b, size)
