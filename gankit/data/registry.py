"""One registry for every kind of set: ``@register(name, family, locate=...)`` on a loader, and
:func:`names`, :func:`locate` and :func:`load` answer through it.

A loader is called as ``loader(opts, **set_options)`` (``loader(opts, path, **set_options)`` for
a prefix such as ``folder:``), ``opts`` the :class:`~gankit.data.pipeline.Options` every set
shares; the keyword arguments of its signature after those are the options of that set alone
(``direction=`` for maps, ``modes=`` for the toy ring ...). A locator is called as
``locate(split)`` (``locate(split, path)``) and answers where the set is read from offline, as
text, or raises :class:`DatasetNotFoundError`; it never downloads.
"""

import dataclasses
import inspect

from gankit.data.errors import DatasetError, DatasetNotFoundError
from gankit.data.pipeline import OPTION_NAMES, Options


@dataclasses.dataclass(frozen=True)
class Dataset:
    """One registered set (or, with ``prefix``, every ``prefix + PATH``)."""

    name: str
    family: str              # "images", "toy", "paired", "unpaired", "super-resolution"
    loader: object           # loader(opts, [path,] **set_options) -> tf.data.Dataset
    locate: object = None    # locate(split, [path]) -> text, or raises DatasetNotFoundError
    prefix: bool = False
    #: how to get it when it is missing: None = gankit downloads it (``python -m gankit.data get``),
    #: else one line saying where to get it; for a prefix, what follows the prefix
    hint: str = None
    #: the splits ``python -m gankit.data get`` fetches
    splits: tuple = ("train",)

    def set_options(self):
        """The names of the options of this set alone, or None when it takes any (``**options``)."""
        params = list(inspect.signature(self.loader).parameters.values())[1 + self.prefix:]
        if any(p.kind is p.VAR_KEYWORD for p in params):
            return None
        return [p.name for p in params]


#: name (or prefix) -> Dataset
REGISTRY = {}
#: the families, in the order names() lists them
FAMILIES = ("images", "toy", "paired", "unpaired", "super-resolution")


def register(name, family, locate=None, prefix=False, hint=None, splits=("train",)):
    """Decorator: ``loader`` answers ``load(name, ...)`` (or ``load(name + "PATH")`` when
    ``prefix`` is true, e.g. ``paired_folder:``); see the module docstring for the calls."""
    def add(loader):
        REGISTRY[name] = Dataset(name, family, loader, locate, prefix, hint, tuple(splits))
        return loader
    return add


def names():
    """Every dataset name ``load`` accepts (plus ``PREFIX:PATH`` for each of :func:`prefixes`)."""
    return [entry.name for entry in _listed() if not entry.prefix]


def prefixes():
    return [entry.name for entry in _listed() if entry.prefix]


def _listed():
    """The registered sets, family by family (FAMILIES), each family's in the order registered."""
    return sorted(REGISTRY.values(), key=lambda entry: FAMILIES.index(entry.family))


def lookup(name):
    """``(Dataset, {"path": ...} or {})`` for ``name``, or a DatasetError listing the names."""
    entry = REGISTRY.get(name)
    if entry is not None and not entry.prefix:
        return entry, {}
    for prefix in prefixes():
        if name.startswith(prefix):
            return REGISTRY[prefix], {"path": name[len(prefix):]}
    raise DatasetError(
        f"Unknown dataset {name!r}. gankit knows: {', '.join(names())}, and "
        f"{', '.join(repr(p + 'PATH') for p in prefixes())} (e.g. load('folder:~/photos/cats') for any "
        "folder of your own pictures).")


def locate(name, split="train"):
    """Where ``name`` would be read from offline (a path as text), or ``None``: for the
    environment check of lesson 0. Never downloads."""
    entry, extra = lookup(name)
    if entry.locate is None:
        return None  # a prefix set with nothing to find, or one that is only downloaded
    try:
        return entry.locate(split, **extra)
    except DatasetNotFoundError:
        return None


def load(name, split="train", **options):
    """A batched, shuffled, prefetched ``tf.data.Dataset`` of ``name``.

    Elements are ``(images, labels)`` for labelled sets when ``labels`` is true, else
    ``images`` (float32, NHWC, in [-1, 1]); toys yield point batches, paired and unpaired sets
    ``(x, y)``. The keyword arguments every set takes are those of
    :class:`~gankit.data.pipeline.Options` (``batch_size=64``, ``image_size``, ``limit``,
    ``labels``, ``shuffle``, ``seed``, ``drop_remainder``, ``download``, ``channels``); the others
    are the set's own (e.g. ``direction=`` for ``maps``, ``modes=`` for ``gaussian_ring``).
    """
    entry, extra = lookup(name)
    opts = Options(split=split, **{k: options.pop(k) for k in OPTION_NAMES if k in options})
    allowed = entry.set_options()
    unknown = [] if allowed is None else sorted(set(options) - set(allowed))
    if unknown:
        raise DatasetError(f"Options {unknown} do not apply to {name!r}{_owners(unknown)}.")
    try:
        return entry.loader(opts, **extra, **options)
    except DatasetNotFoundError as err:
        raise with_get_hint(err, entry) from None


def with_get_hint(err, entry):
    """``err`` with the command that fetches ``entry``, where gankit can download it."""
    if entry.prefix or entry.hint is not None or "python -m gankit.data get" in str(err):
        return err
    return DatasetNotFoundError(f"{err} Or fetch it once, while online: python -m gankit.data get {entry.name}")


def _owners(options):
    """'; they are options of the toy sets gaussian_ring, ...' for options other sets take."""
    owners = [e for e in REGISTRY.values() if set(options) <= set(e.set_options() or ())]
    if not owners:
        return " (it takes only the options every set takes)"
    families = sorted({e.family for e in owners})
    return f"; they are options of the {'/'.join(families)} sets {', '.join(e.name for e in owners)}"


def shortcut(name, **defaults):
    """A public ``load_<name>(split="train", **options)`` (``load_<name>(path, ...)`` for a prefix):
    :func:`load` with the set's own ``defaults`` (e.g. ``batch_size=1``)."""
    entry = REGISTRY[name]

    def call(*args, split="train", **options):
        full = name + str(args[0]) if entry.prefix else name
        positional = args[1:] if entry.prefix else args
        if positional:
            split, = positional
        return load(full, split, **{**defaults, **options})

    call.__name__ = call.__qualname__ = "load_" + name.rstrip(":")
    call.__doc__ = inspect.getdoc(entry.loader)
    return call
