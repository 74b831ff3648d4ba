"""The settings a gankit run takes from its surroundings, read in one place.

Every ``GANKIT_*`` environment variable is parsed here and nowhere else, by
:meth:`Settings.from_env`, with one parser for yes/no values (:func:`parse_flag`). The valid names
of the choices (strategies, precisions, languages) are listed here once; the command-line runner
uses them for its ``choices=`` and its error messages.

The environment is the way settings travel: from the runner (``python -m gankit.lesson N --quick``
sets ``GANKIT_QUICK=1`` for the lesson it runs, :func:`export`), from CI and pytest, and into a
Jupyter kernel. :func:`current` reads it when asked (a cheap dictionary lookup), so a test or a
notebook that changes a variable sees the change at once.

=====================  ====================================================================
variable               meaning
=====================  ====================================================================
GANKIT_QUICK           quick mode: fewer steps and less data, the same code (``--quick``)
GANKIT_OFFLINE         never download; a missing dataset or weight file is a clear error
GANKIT_DATA            folders (``os.pathsep``-separated) where datasets already lie
GANKIT_CLASSIFIERS     folder of the evaluation classifiers (default: ``assets/classifiers``)
GANKIT_LANG            ``zh`` or ``en``: headings, printed text, figure labels (``--lang``;
                       the runner's default follows the locale, :func:`locale_lang`)
GANKIT_EPOCHS          the lesson's number of epochs, overridden (``--epochs``)
GANKIT_DATASET         the dataset a lesson trains on, where it offers a choice (``--dataset``)
GANKIT_RUNS            where run folders are made (default: ``runs/`` in the checkout)
GANKIT_RUN_DIR         this run's folder (set by the runner)
GANKIT_RESUME_DIR      this run's checkpoints for resuming (set by the runner)
GANKIT_PRECISION       a dtype policy chosen for every network (``--precision``, ``train.set_precision``);
                       unset: each model decides (``gankit.runtime``)
GANKIT_VERBOSE         keep TensorFlow's native start-up log lines (``--verbose``; by default the
                       runner and the notebooks drop them, :func:`gankit.lesson.quiet_native_logs`)
=====================  ====================================================================

``KERAS_HOME`` (Keras' cache of downloads, default ``~/.keras``) and the locale (``LC_ALL``,
``LC_MESSAGES``, ``LANG``) are read here too; TensorFlow's own
variables (``TF_CPP_MIN_LOG_LEVEL`` ...) stay TensorFlow's.
"""

import dataclasses
import os
import pathlib

REPO = pathlib.Path(__file__).resolve().parents[1]

#: the valid names of each choice, listed once
STRATEGIES = ("default", "mirrored", "multiworker")
PRECISIONS = ("auto", "float32", "mixed_float16", "mixed_bfloat16")
LANGS = ("zh", "en")

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


def parse_flag(text, name="a flag"):
    """A yes/no value: 1/true/yes/on or 0/false/no/off/empty (any case). Anything else is an error
    that names the variable, so ``GANKIT_OFFLINE=nope`` is not silently read as "on"."""
    value = (text or "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name}={text!r} is neither yes nor no: use 1/true/yes/on or 0/false/no/off.")


def locale_lang(environ=None):
    """The language a terminal user reads, from the locale: ``zh`` when ``LC_ALL``, ``LC_MESSAGES``
    or ``LANG`` (the first one set, as the C library reads them) starts with ``zh``, else ``en``."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(name):
            return "zh" if env[name].lower().startswith("zh") else "en"
    return "en"


def _precision(text):
    if not text or text == "auto":
        return None
    if text not in PRECISIONS:
        raise ValueError(f"GANKIT_PRECISION={text!r}: use one of {', '.join(PRECISIONS)}.")
    return text


def _path(text):
    return pathlib.Path(text).expanduser() if text else None


@dataclasses.dataclass(frozen=True)
class Settings:
    """One run's settings (see the module's table for where each comes from)."""

    quick: bool = False
    offline: bool = False
    data_dirs: tuple = ()
    classifiers_dir: pathlib.Path = None
    lang: str = None
    epochs: int = None
    dataset: str = None
    runs_dir: pathlib.Path = REPO / "runs"
    run_dir: pathlib.Path = None
    resume_dir: pathlib.Path = None
    keras_home: pathlib.Path = pathlib.Path("~/.keras").expanduser()
    verbose: bool = False
    precision: str = None

    @classmethod
    def from_env(cls, environ=None):
        """The settings in ``environ`` (default ``os.environ``): the one reader of ``GANKIT_*``."""
        env = os.environ if environ is None else environ
        lang = env.get("GANKIT_LANG") or None
        if lang is not None and lang not in LANGS:
            raise ValueError(f"GANKIT_LANG={lang!r}: use one of {', '.join(LANGS)}.")
        epochs = env.get("GANKIT_EPOCHS") or None
        try:
            epochs = None if epochs is None else int(epochs)
        except ValueError:
            raise ValueError(f"GANKIT_EPOCHS={epochs!r} is not a whole number of epochs.") from None
        return cls(
            quick=parse_flag(env.get("GANKIT_QUICK"), "GANKIT_QUICK"),
            offline=parse_flag(env.get("GANKIT_OFFLINE"), "GANKIT_OFFLINE"),
            data_dirs=tuple(pathlib.Path(p).expanduser() for p in env.get("GANKIT_DATA", "").split(os.pathsep) if p),
            classifiers_dir=_path(env.get("GANKIT_CLASSIFIERS")),
            lang=lang,
            epochs=epochs,
            dataset=env.get("GANKIT_DATASET") or None,
            runs_dir=_path(env.get("GANKIT_RUNS")) or REPO / "runs",
            run_dir=_path(env.get("GANKIT_RUN_DIR")),
            resume_dir=_path(env.get("GANKIT_RESUME_DIR")),
            keras_home=_path(env.get("KERAS_HOME")) or pathlib.Path("~/.keras").expanduser(),
            verbose=parse_flag(env.get("GANKIT_VERBOSE"), "GANKIT_VERBOSE"),
            precision=_precision(env.get("GANKIT_PRECISION")),
        )


def current():
    """The settings now (read from the environment each time; see the module docstring)."""
    return Settings.from_env()


def lang():
    """The language learners read now: ``GANKIT_LANG`` (set by ``--lang`` and the runner), else the
    notebook's folder (a kernel started in ``notebooks/zh`` reads Chinese), else ``"en"``. The same
    rule as :class:`gankit.lesson.Lesson`'s ``lang``."""
    chosen = current().lang
    if chosen:
        return chosen
    folder = pathlib.Path.cwd().name
    return folder if folder in LANGS else "en"


def say(zh, en):
    """A message of the library (progress, resuming, tables) in the learner's language
    (:func:`lang`): ``zh`` when it is Chinese, else ``en``. Errors (exceptions) stay in English."""
    return zh if lang() == "zh" else en


def export(**values):
    """Hand settings on to the code this process runs next (a lesson, a notebook kernel started from
    here): ``export(quick=True, lang="en")`` sets ``GANKIT_QUICK=1``, ``GANKIT_LANG=en``; ``None``
    removes a variable."""
    names = {"quick": "GANKIT_QUICK", "offline": "GANKIT_OFFLINE", "lang": "GANKIT_LANG",
             "epochs": "GANKIT_EPOCHS", "dataset": "GANKIT_DATASET", "runs_dir": "GANKIT_RUNS",
             "run_dir": "GANKIT_RUN_DIR", "resume_dir": "GANKIT_RESUME_DIR", "verbose": "GANKIT_VERBOSE",
             "precision": "GANKIT_PRECISION"}
    for key, value in values.items():
        if key not in names:
            raise TypeError(f"export() got an unknown setting {key!r}; known: {', '.join(names)}")
        if value is None:
            os.environ.pop(names[key], None)
        elif isinstance(value, bool):
            os.environ[names[key]] = "1" if value else "0"
        else:
            os.environ[names[key]] = str(value)
