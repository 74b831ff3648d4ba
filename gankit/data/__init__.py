"""Datasets as ``tf.data`` pipelines of images scaled to [-1, 1].

``load(name, split="train", batch_size=64)`` is the one entry point; ``names()`` lists the sets,
``locate(name)`` says where one lies on this machine, and ``python -m gankit.data list`` / ``get
NAME`` show and fetch them from a terminal. Families (one module each):

* :mod:`~gankit.data.images` — ``mnist``, ``fashion_mnist`` (28x28x1, integer labels; found
  offline or downloaded once into Keras' cache), ``anime_faces``, ``celeba`` (folders of pictures
  under ``$GANKIT_DATA``) and ``folder:PATH``, any folder of JPG/PNG pictures;
* :mod:`~gankit.data.toys` — ``gaussian_ring`` (8 Gaussians on a circle, 2-D), ``gaussian_1d``;
* :mod:`~gankit.data.paired` — Pix2Pix's ``maps``, ``facades``, ``edges2fashion``, ``paired_folder:PATH``;
* :mod:`~gankit.data.unpaired` — CycleGAN's ``maps_unpaired``, ``celeba2anime``, ``horse2zebra``,
  ``cycle_gan:NAME``, ``unpaired_folder:PATH_X|PATH_Y``;
* :mod:`~gankit.data.superres` — ``sr_patches`` and ``sr_images``.

Each registers its sets with ``@register(name, family, locate=...)`` (:mod:`~gankit.data.registry`);
:mod:`~gankit.data.sources` finds, downloads (to a temporary file, then renamed, so an interrupted
download never leaves a half-written file where the next run looks) and reads files;
:mod:`~gankit.data.pipeline` holds the options every set shares and the ``tf.data`` steps.

Sets are looked for under ``$GANKIT_DATA`` (several roots joined with ``os.pathsep``), then
``<repo>/data``, Keras' cache and Debian's ``/usr/share/datasets``; if all fail,
:class:`DatasetNotFoundError` names every place tried and how to fix it. Set
``GANKIT_OFFLINE=1`` (or pass ``download=False``) to skip the network.
"""

from gankit.data import images, paired, superres, toys, unpaired  # noqa: F401  (each registers its sets)
from gankit.data.errors import DatasetError, DatasetNotFoundError
from gankit.data.images import CLASS_NAMES, FOLDER_SETS, IDX_SETS, load_arrays
from gankit.data.paired import PAIRED_SETS, PAIRED_SPLITS, PIX2PIX_URL, paired_dataset, sobel_edges
from gankit.data.pipeline import (Options, decode_image, jitter_size, random_jitter, to_signed,
                                  to_uint8)
from gankit.data.registry import REGISTRY, Dataset, load, locate, names, prefixes, register, shortcut
from gankit.data.sources import (DEBIAN_DATASETS, IMAGE_SUFFIXES, KERAS_URL, data_roots, image_files,
                                 keras_cache, offline, read_idx)
from gankit.data.superres import SKIMAGE_PHOTOS, SR_BSD_HELD_OUT, SR_SPLITS, SRImage, sr_files, sr_images
from gankit.data.toys import TOY_SETS, ring_centres, toy_points
from gankit.data.unpaired import TFDS_CYCLE_GAN, unpaired_dataset

#: the old name lesson 9 uses for :func:`~gankit.data.superres.sr_files`
_sr_files = sr_files

#: ``load_<name>(split="train", **options)``: ``load(name, ...)`` with each set's own defaults
load_maps = shortcut("maps", batch_size=1, download=False)
load_facades = shortcut("facades", batch_size=1)
load_paired_folder = shortcut("paired_folder:", batch_size=1, download=False)
load_edges2fashion = shortcut("edges2fashion", batch_size=16)
load_maps_unpaired = shortcut("maps_unpaired", batch_size=1, download=False)
load_celeba2anime = shortcut("celeba2anime", batch_size=1, download=False)
load_unpaired_folder = shortcut("unpaired_folder:", batch_size=1, download=False)
load_cycle_gan = shortcut("cycle_gan:", batch_size=1)
load_horse2zebra = shortcut("horse2zebra", batch_size=1)
