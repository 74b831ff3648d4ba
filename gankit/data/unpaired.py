"""Unpaired two-domain sets for CycleGAN: ``maps_unpaired``, ``celeba2anime``, the CycleGAN
paper's sets through tensorflow_datasets (``cycle_gan:NAME``, ``horse2zebra``) and your own
``unpaired_folder:PATH_X|PATH_Y``. Elements are ``(x, y)``, an x and a y that are not a pair."""

import pathlib

import tensorflow as tf

from gankit.data.errors import DatasetError, DatasetNotFoundError
from gankit.data.images import picture_folder
from gankit.data.paired import find_paired, paired_folder, paired_locator, split_pair
from gankit.data.pipeline import decode_image, image_files_dataset, pictures_dataset
from gankit.data.registry import register
from gankit.data.sources import image_files, offline

#: the tensorflow_datasets ``cycle_gan`` configurations (Zhu et al. 2017's unpaired sets)
TFDS_CYCLE_GAN = ("apple2orange", "summer2winter_yosemite", "horse2zebra", "monet2photo", "cezanne2photo",
                  "ukiyoe2photo", "vangogh2photo", "maps", "cityscapes", "facades", "iphone2dslr_flower")


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


def _domains(opts, x, n_x, y, n_y):
    """:func:`unpaired_dataset` with ``opts``' batching and shuffling."""
    return unpaired_dataset(x, n_x, y, n_y, opts.batch_size, opts.shuffle, opts.seed, opts.drop_remainder)


def _train_only(name, opts):
    if opts.split != "train":
        raise DatasetError(f"{name} has no test split (two folders of pictures): use split='train'.")


def _aerial(photo, road_map):
    return photo


def _map(photo, road_map):
    return road_map


@register("maps_unpaired", "unpaired", locate=paired_locator("maps"), splits=("train", "val"))
def _maps_unpaired(opts, disjoint=False):
    """pix2pix's maps as two *unpaired* domains: X = aerial photos (left halves), Y = maps (right
    halves) of the same ``split`` pictures, each domain shuffled on its own so an aerial photo
    and its own map only meet by chance, as the CycleGAN paper trains on this set (§5.1).
    ``disjoint=True`` goes further: X comes from the first half of the pictures and Y from the
    second, so no photo's map is ever in the training set. Elements ``(x, y)``; ``limit`` keeps
    the first N pictures. For evaluation against the true maps use ``load("maps", split="val")``."""
    root = find_paired("maps", opts.download)
    files = opts.first([str(p) for p in paired_folder(root, opts.split, "maps_unpaired")])
    size, channels = opts.size(256), opts.channels or 3

    def domain(names, pick):  # each domain caches its own halves: two readers of one cache collide
        return image_files_dataset(names, lambda p: pick(*split_pair(p, size, channels, "a2b")))

    half = len(files) // 2 if disjoint else 0
    x_files, y_files = (files[:half], files[half:]) if disjoint else (files, files)
    return _domains(opts, domain(x_files, _aerial), len(x_files), domain(y_files, _map), len(y_files))


def _celeba2anime_locator(split):
    return f"{picture_folder('celeba')} + {picture_folder('anime_faces')}"


@register("celeba2anime", "unpaired", locate=_celeba2anime_locator,
          hint="no download: needs both celeba and anime_faces (see those two lines)")
def _celeba2anime(opts, limit_y=None, crop=0.85):
    """Photo -> cartoon (the PaddlePaddle course's example): X = real faces (``celeba``), Y = anime faces
    (``anime_faces``), both 64 x 64 by default. Unpaired and of different sizes (5,000 and
    10,000 here): the larger set sets the epoch. ``limit`` caps both domains, ``limit_y`` the
    anime side alone. ``crop`` keeps the central ``crop`` share of CelebA's square so the face
    fills the picture about as much as in the anime set (1.0 = the whole centre square).
    One folder each, no test split: ``split="train"`` only."""
    _train_only("celeba2anime", opts)
    size, channels = opts.size(64), opts.channels or 3
    faces = opts.first([str(p) for p in image_files(picture_folder("celeba"))])
    anime = opts.first([str(p) for p in image_files(picture_folder("anime_faces"))])
    if limit_y:
        anime = anime[:limit_y]

    def face(path):
        image = decode_image(path, 2 * size, channels)
        if crop < 1.0:
            image = tf.image.central_crop(image, crop)
        image = tf.image.resize(image, (size, size), method="area", antialias=True)
        image.set_shape((size, size, channels))
        return image

    x = image_files_dataset(faces, face)
    return _domains(opts, x, len(faces), pictures_dataset(anime, size, channels), len(anime))


@register("unpaired_folder:", "unpaired", prefix=True, hint="PATH_X|PATH_Y: two folders of your own pictures")
def _unpaired_folder(opts, path):
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
    _train_only("unpaired_folder:", opts)
    size, channels = opts.size(128), opts.channels or 3
    x_files, y_files = (opts.first(image_files(f)) for f in folders)
    return _domains(opts, pictures_dataset(x_files, size, channels), len(x_files),
                    pictures_dataset(y_files, size, channels), len(y_files))


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


@register("cycle_gan:", "unpaired", prefix=True,
          hint="NAME: a set of the CycleGAN paper through tensorflow_datasets (online once)")
def _cycle_gan(opts, path):
    """``load("cycle_gan:NAME")``: one of the CycleGAN paper's unpaired sets (``TFDS_CYCLE_GAN``,
    e.g. ``horse2zebra``, ``monet2photo``) through tensorflow_datasets, resized to ``image_size``
    (default 256). Needs the internet the first time; offline it raises DatasetNotFoundError."""
    if path not in TFDS_CYCLE_GAN:
        raise DatasetError(f"Unknown cycle_gan set {path!r}; tensorflow_datasets has: {', '.join(TFDS_CYCLE_GAN)}.")
    (a, b), (n_a, n_b) = _tfds_cycle_gan(path, opts.split, opts.download)
    size, channels = opts.size(256), opts.channels

    def prepare(image):
        image = tf.image.resize(tf.cast(image, tf.float32), (size, size), method="area", antialias=True)
        if channels == 1:
            image = tf.image.rgb_to_grayscale(image)
        return image / 127.5 - 1.0

    if opts.limit:
        a, b, n_a, n_b = a.take(opts.limit), b.take(opts.limit), min(n_a, opts.limit), min(n_b, opts.limit)
    a = a.map(prepare, num_parallel_calls=tf.data.AUTOTUNE).cache()
    b = b.map(prepare, num_parallel_calls=tf.data.AUTOTUNE).cache()
    return _domains(opts, a, n_a, b, n_b)


@register("horse2zebra", "unpaired", splits=("train", "test"))
def _horse2zebra(opts):
    """Horses (X) and zebras (Y), the CycleGAN paper's best-known set (1,067 / 1,334 training
    pictures), through tensorflow_datasets: ``load("cycle_gan:horse2zebra")``."""
    return _cycle_gan(opts, "horse2zebra")
