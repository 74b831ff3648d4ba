"""Plain image sets: MNIST and Fashion-MNIST (IDX files, with labels) and folders of pictures
(``anime_faces``, ``celeba``, ``folder:PATH``).

Where the IDX sets are looked for, in order:

1. ``$GANKIT_DATA/<folder>/`` (several roots may be joined with ``os.pathsep``), then
   ``<repo>/data/<folder>/``: the IDX ``.gz`` files of the original distribution;
2. Keras' cache (``~/.keras/datasets``, or ``$KERAS_HOME/datasets``);
3. Debian's ``/usr/share/datasets/<folder>/`` (``apt-get install dataset-fashion-mnist``);
4. the network, into Keras' cache (:func:`~gankit.data.sources.fetch`, atomic).
"""

import pathlib

import tensorflow as tf

from gankit.data import sources
from gankit.data.errors import DatasetError, DatasetNotFoundError
from gankit.data.pipeline import pictures_dataset, to_signed
from gankit.data.registry import lookup, register
from gankit.data.sources import KERAS_URL, data_roots, image_files, keras_cache, offline, read_idx_pair, read_npz

IDX_SETS = {
    # name: (folder names to look for, file prefix per split, keras cache layout)
    # sha256 of Keras' mnist.npz: the checksum keras.datasets.mnist verifies
    "mnist": {"folders": ("mnist",), "keras_npz": "mnist.npz", "keras_dir": None,
              "sha256": "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"},
    "fashion_mnist": {"folders": ("fashion-mnist", "fashion_mnist"), "keras_npz": None,
                      "keras_dir": "fashion-mnist"},
}
FOLDER_SETS = {
    "anime_faces": {"folders": ("anime-faces", "anime_faces"), "size": 64,
                    "hint": "the 64x64 anime avatars of lesson 2 (e.g. a Kaggle 'anime faces' download)"},
    "celeba": {"folders": ("celeba", "img_align_celeba"), "size": 64,
               "hint": "aligned CelebA JPGs (img_align_celeba)"},
}
CLASS_NAMES = {
    "mnist": [str(i) for i in range(10)],
    "fashion_mnist": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
}


# --- IDX sets (with labels) -----------------------------------------------------------------

def _download_idx(name, split):
    spec = IDX_SETS[name]
    if spec["keras_npz"]:
        dest = keras_cache() / spec["keras_npz"]
        sources.fetch(KERAS_URL + spec["keras_npz"], dest, sha256=spec.get("sha256"))
        return read_npz(dest, split), dest
    folder = keras_cache() / spec["keras_dir"]
    for path in sources.idx_files(folder, split):
        if not path.exists():
            sources.fetch(KERAS_URL + path.name, path)
    return read_idx_pair(folder, split), folder


def _idx_candidates(name, split):
    """(description, reader) for every offline place ``name`` may be, in search order."""
    spec = IDX_SETS[name]
    for root in data_roots():
        for folder in spec["folders"]:
            yield root / folder, lambda f=root / folder: read_idx_pair(f, split)
    if spec["keras_npz"]:
        path = keras_cache() / spec["keras_npz"]
        yield path, lambda: read_npz(path, split)
    else:
        folder = keras_cache() / spec["keras_dir"]
        yield folder, lambda: read_idx_pair(folder, split)
    for folder in spec["folders"]:
        path = sources.DEBIAN_DATASETS / folder
        yield path, lambda f=path: read_idx_pair(f, split)


def load_arrays(name, split="train", download=True):
    """``(images uint8 (N, 28, 28, 1), labels int32 (N,))`` of an IDX dataset, and where they came from.

    Returns ``images, labels, source``.
    """
    if split not in ("train", "test"):
        raise DatasetError(f"Unknown split {split!r} for {name}: use 'train' or 'test'.")
    if name not in IDX_SETS:
        lookup(name)
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
        + ("or run 'apt-get install dataset-fashion-mnist' on Debian/Ubuntu (as root), " if name == "fashion_mnist" else "")
        + f"or, online once, run: python -m gankit.data get {name}"
    )


def _idx_locator(name):
    return lambda split: load_arrays(name, split, download=False)[2]


def _idx_dataset(name, opts):
    images, y, _ = load_arrays(name, opts.split, download=opts.download)
    images, y = opts.first(images), opts.first(y)
    ds = tf.data.Dataset.from_tensor_slices((images, y) if opts.labels else images)

    def prepare(x, *rest):
        x = to_signed(x)
        if opts.image_size and opts.image_size != x.shape[0]:
            x = tf.image.resize(x, (opts.image_size, opts.image_size), method="bilinear")
        if opts.channels == 3:
            x = tf.image.grayscale_to_rgb(x)
        return (x, *rest) if rest else x

    ds = ds.map(prepare, num_parallel_calls=tf.data.AUTOTUNE).cache()
    return opts.finish(ds, len(images))


@register("mnist", "images", locate=_idx_locator("mnist"), splits=("train", "test"))
def _mnist(opts):
    """Handwritten digits 0-9, 28x28x1, with labels (60,000 train, 10,000 test)."""
    return _idx_dataset("mnist", opts)


@register("fashion_mnist", "images", locate=_idx_locator("fashion_mnist"), splits=("train", "test"))
def _fashion_mnist(opts):
    """Zalando's garments in 10 classes, 28x28x1, with labels (60,000 train, 10,000 test)."""
    return _idx_dataset("fashion_mnist", opts)


# --- folders of pictures --------------------------------------------------------------------

def picture_folder(name):
    """The folder of the named picture set ``name`` (FOLDER_SETS) under a data root."""
    spec = FOLDER_SETS[name]
    folder, tried = sources.find_folder(spec["folders"])
    if folder is not None:
        return folder
    raise DatasetNotFoundError(
        f"Dataset {name!r} was not found; gankit looked in: {', '.join(tried)}. It has no public "
        f"download gankit can fetch for you. Put {spec['hint']} in a folder named '{spec['folders'][0]}' "
        "and set GANKIT_DATA to the folder that contains it, or train on any folder of pictures "
        "with load('folder:PATH').")


def _own_folder(path):
    path = pathlib.Path(path).expanduser()
    if not path.is_dir():
        raise DatasetNotFoundError(
            f"'folder:' points at {path}, which is not a folder. Give the path of a folder that holds "
            "your JPG/PNG pictures, e.g. load('folder:/home/me/pictures/cats').")
    return path


def _pictures(name, folder, opts, size):
    files = image_files(folder)
    if opts.split != "train":
        raise DatasetError(f"{name!r} is one folder with no test split: use split='train'.")
    files = opts.first(files)
    return opts.finish(pictures_dataset(files, opts.size(size), opts.channels or 3), len(files))


def _folder_set(name):
    """The ``register`` arguments of a named folder set: its locator and where to get it."""
    spec = FOLDER_SETS[name]
    return dict(locate=lambda split: str(picture_folder(name)),
                hint=f"no download: put {spec['hint']} in $GANKIT_DATA/{spec['folders'][0]}/")


@register("anime_faces", "images", **_folder_set("anime_faces"))
def _anime_faces(opts):
    """Anime faces (no labels), 64x64 by default, from $GANKIT_DATA/anime-faces/."""
    return _pictures("anime_faces", picture_folder("anime_faces"), opts, FOLDER_SETS["anime_faces"]["size"])


@register("celeba", "images", **_folder_set("celeba"))
def _celeba(opts):
    """CelebA's aligned celebrity faces (no labels), 64x64 by default, from $GANKIT_DATA/celeba/."""
    return _pictures("celeba", picture_folder("celeba"), opts, FOLDER_SETS["celeba"]["size"])


@register("folder:", "images", prefix=True, hint="PATH: a folder of your own pictures",
          locate=lambda split, path: str(_own_folder(path)))
def _folder(opts, path):
    """Any folder of your own JPG/PNG pictures, centre-cropped to a square, 64x64 by default."""
    return _pictures(f"folder:{path}", _own_folder(path), opts, 64)

