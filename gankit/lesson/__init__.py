"""The course's lessons: their catalogue, the ``Lesson`` context each lesson's code opens
with, and the terminal runner behind ``python -m gankit.lesson N``.

A lesson's single source is ``lessons/NN_name.py`` (a jupytext "percent" script whose
markdown cells carry ``lang="zh"`` or ``lang="en"``). ``tools/build_notebooks.py`` turns
it into ``notebooks/zh/NN_name.ipynb`` and ``notebooks/en/NN_name.ipynb``; the runner
executes the very same code cells in a terminal.
"""

import atexit
import datetime
import json
import os
import pathlib
import re
import sys
import threading
import time

from gankit import config

REPO = pathlib.Path(__file__).resolve().parents[2]
LESSON_DIR = REPO / "lessons"

#: number -> (Chinese title, English title)
CATALOGUE = {
    0: ("课程导览与预备知识", "Course tour and prerequisites"),
    1: ("GAN 原理与第一个 GAN", "The original GAN"),
    2: ("DCGAN：深度卷积生成对抗网络", "DCGAN: deep convolutional GANs"),
    3: ("条件生成对抗网络 CGAN", "Conditional GAN (CGAN)"),
    4: ("辅助分类器 GAN：ACGAN", "ACGAN: auxiliary classifier GAN"),
    5: ("InfoGAN：可解释的隐编码", "InfoGAN: interpretable latent codes"),
    6: ("WGAN 与 WGAN-GP", "WGAN and WGAN-GP"),
    7: ("Pix2Pix：成对图像翻译", "Pix2Pix: paired image-to-image translation"),
    8: ("CycleGAN：非成对图像翻译", "CycleGAN: unpaired image-to-image translation"),
    9: ("超分辨率：SRCNN → SRGAN → ESRGAN", "Super-resolution: SRCNN → SRGAN → ESRGAN"),
    10: ("训练技巧、评估与前沿", "Training tricks, evaluation and the frontier"),
}


def lesson_source(number):
    """``lessons/NN_*.py`` of lesson ``number``, or ``None`` if it is not written yet."""
    matches = sorted(LESSON_DIR.glob(f"{number:02d}_*.py"))
    return matches[0] if matches else None


def lesson_datasets(number, quick_mode=True):
    """The datasets lesson ``number`` checks first (its ``L.needs(...)`` line), as the tests run it:
    the arguments evaluated with a stand-in ``L`` whose ``pick`` gives the quick value and whose
    ``dataset`` gives ``GANKIT_DATASET`` or the lesson's default."""
    import ast

    source = lesson_source(number)
    if source is None:
        return ()
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.startswith("L.needs("):
            call = ast.parse(line.split("  #")[0]).body[0].value

            class Stand:
                def pick(self, full, quick):  # noqa: F811 - the name Lesson.pick uses
                    return quick if quick_mode else full

                def dataset(self, default, choices=None):
                    return config.current().dataset or default

            return tuple(eval(compile(ast.Expression(a), str(source), "eval"), {"L": Stand()}) for a in call.args)
    return ()


def available():
    return [n for n in CATALOGUE if lesson_source(n) is not None]


def quick_mode():
    """Whether quick mode is on (``GANKIT_QUICK=1`` or ``--quick``; ``gankit.config``)."""
    return config.current().quick


def runs_root():
    return config.current().runs_dir


def new_run_dir(number, root=None):
    """A fresh folder ``<root>/lessonNN-YYYYmmdd-HHMMSS[-k]``; never reuses an existing one."""
    root = pathlib.Path(root or runs_root())
    root.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    for k in range(1000):
        path = root / (f"lesson{number:02d}-{stamp}" + (f"-{k}" if k else ""))
        try:
            path.mkdir()  # atomic: fails if another run took the name
            return path
        except FileExistsError:
            continue
    raise RuntimeError(f"could not create a fresh run folder under {root}")


def machine():
    """What the lesson ran on, for results tables: OS, architecture, CPU cores, GPU if TensorFlow uses one."""
    import platform

    from gankit import runtime

    unit = runtime.cpu_vector_unit()
    kind = {"avx512": "AVX-512", "avx2": "AVX2"}.get(unit, unit)
    text = (f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU cores ({kind}"
            f"{' with bfloat16' if runtime.cpu_has_bf16() else ''})")
    tf = sys.modules.get("tensorflow")
    try:
        gpus = tf.config.list_logical_devices("GPU") if tf is not None else []
    except Exception:  # noqa: BLE001 - a machine description must never fail a lesson
        gpus = []
    return text + (f", {len(gpus)} GPU" if gpus else "")


#: TensorFlow's native start-up lines (absl/glog format, CPU-feature and CUDA probes): not errors
#: of the lesson, but "E0000 ... failed call to cuInit" on a machine without a GPU reads like a crash.
NATIVE_NOISE = re.compile(rb"^(WARNING: All log messages before absl::InitializeLog\(\) is called"
                          rb"|[IWEF]\d{4} [\d:.]+ +\d+ \S+:\d+\]"
                          rb"|To enable the following instructions: .*rebuild TensorFlow)")
_NOISE_START = re.compile(rb"^([IWEF]\d|WARNING: All|To enable)")
_quiet = None


def _pump(source, target):
    """Copy ``source`` to ``target`` (file descriptors), dropping whole lines that are native noise;
    text without a newline yet (a progress bar's carriage returns) passes at once."""
    pending = b""
    while True:
        chunk = os.read(source, 65536)
        if not chunk:
            break
        pending += chunk
        *lines, pending = pending.split(b"\n")
        out = b"".join(line + b"\n" for line in lines if not NATIVE_NOISE.match(line))
        if pending and not _NOISE_START.match(pending):
            out, pending = out + pending, b""
        if out:
            os.write(target, out)
    if pending:
        os.write(target, pending)


def quiet_native_logs():
    """Drop TensorFlow's native start-up log lines from this process's standard error (file
    descriptor 2, where C++ writes them; also what Jupyter shows under a cell). Everything else
    passes unchanged. Off with ``GANKIT_VERBOSE=1`` / ``--verbose``; called once, by ``Lesson``
    and the runner, before TensorFlow is imported."""
    global _quiet
    if _quiet is not None or config.current().verbose:
        return
    try:
        saved = os.dup(2)
        read, write = os.pipe()
        os.dup2(write, 2)
        os.close(write)
    except OSError:
        return
    thread = threading.Thread(target=_pump, args=(read, saved), daemon=True, name="gankit-quiet-stderr")
    thread.start()
    _quiet = (saved, thread)

    def restore():  # at exit: hand fd 2 back and let the pump finish what is in the pipe
        try:
            sys.stderr.flush()
        except Exception:  # noqa: BLE001 - exiting anyway
            pass
        os.dup2(saved, 2)
        thread.join(timeout=5)

    atexit.register(restore)


def in_notebook():
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython else None
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


class Lesson:
    """What a lesson's code needs from its surroundings, the same in Jupyter and the terminal.

    * ``quick`` — ``GANKIT_QUICK=1`` (or ``--quick``): fewer steps and less data, same code.
    * ``lang`` — ``"zh"`` or ``"en"`` for labels in figures (``GANKIT_LANG``, else the
      notebook's folder name, else English).
    * ``out`` — this run's own new folder (under ``runs/``) for every picture it saves.
    * ``pick(full, quick)``, ``epochs(full, quick)`` — settings per mode.
    * ``show(fig, name)`` / ``save_grid(images, name)`` — save to ``out`` and, in Jupyter,
      display inline.
    * ``label(zh, en)`` — figure text, Chinese only where a Chinese font exists.
    * ``record(**values)`` — numbers for the closing summary (``summary.json``).
    """

    current = None

    def __init__(self, number, lang=None):
        self.number = number
        settings = config.current()
        self.quick = settings.quick
        self.lang = lang or config.lang()
        self.out = settings.run_dir or new_run_dir(number)
        self.out.mkdir(parents=True, exist_ok=True)
        self.results = {}
        self.files = []
        self.started = time.time()
        Lesson.current = self
        quiet_native_logs()
        if not in_notebook():
            import matplotlib
            matplotlib.use("Agg")
        import warnings
        from gankit.viz import use_cjk_font

        warnings.filterwarnings("ignore", message="Glyph")  # a missing glyph only warns
        self.cjk_font = use_cjk_font() if self.lang == "zh" else None
        mode = "quick" if self.quick else "full"
        print(self.t(f"[gankit] 第 {number} 课 · {'快速' if self.quick else '完整'}模式 · 输出保存在 {self.out}",
                     f"[gankit] lesson {number} · {mode} mode · outputs in {self.out}"))
        earlier = self.earlier_seconds()
        if earlier:
            minutes = f"{earlier / 60:.0f} min" if earlier >= 90 else f"{earlier:.0f} s"
            print(self.t(f"[gankit] 这台机器上次以同样模式跑完本课用了 {minutes}",
                         f"[gankit] the last {mode}-mode run of this lesson on this machine took {minutes}"))

    # -- settings -------------------------------------------------------------------------
    def pick(self, full, quick):
        return quick if self.quick else full

    def epochs(self, full, quick=1):
        """Epochs to train: ``GANKIT_EPOCHS`` (``--epochs``) if given, else by mode."""
        override = config.current().epochs
        return override if override else self.pick(full, quick)

    def callbacks(self, name, resume=True):
        """Callbacks for a lesson's ``fit`` (``name``: unique within the lesson; call ``fit`` with
        ``verbose=0``): a ``gankit.train.Progress`` bar with the time left, ``StopOnNaN``, and
        under ``python -m gankit.lesson`` a ``ResumableCheckpoint`` in the run's resume folder
        (``resume=False``: none, for a ``fit`` that other code calls in pieces): a killed run
        started again with the same command loads the trainings it had finished and continues
        the interrupted one after its last finished epoch."""
        from gankit import train

        folder = config.current().resume_dir if resume else None
        return train.callbacks(folder / name if folder else None, keep=True, progress=name)

    def progress(self, name, total):
        """One ``gankit.train.Progress`` bar of ``total`` steps shared by several short ``fit``
        calls (pass it in each one's ``callbacks``; ``.close()`` it after the loop)."""
        from gankit import train

        return train.Progress(name, total=total)

    def dataset(self, default, choices=None):
        """The dataset this lesson trains on: ``GANKIT_DATASET`` (``--dataset``) if set, else
        ``default``; a name outside ``choices`` gets one clear error."""
        name = config.current().dataset or default
        if choices and name not in choices:
            from gankit.data import DatasetError

            raise DatasetError(f"Lesson {self.number} trains on one of {', '.join(choices)}; got dataset {name!r}. "
                             f"Run it with --dataset {choices[0]} (or unset GANKIT_DATASET).")
        return name

    def needs(self, *names):
        """Check, before the lesson's first section, that its datasets are here (or can be fetched
        now): a missing one stops the lesson at once with the message that says how to get it
        (``python -m gankit.data get NAME``), instead of after minutes of earlier sections."""
        from gankit import data

        for name in names:
            if data.locate(name) is None:
                data.load(name, batch_size=1, limit=1)  # downloads it now, or raises the clear message

    def t(self, zh, en):
        """The text in this lesson's language (for figure titles and printed messages)."""
        return zh if self.lang == "zh" else en

    def label(self, zh, en):
        """Text for figures: Chinese when the lesson is in Chinese *and* a Chinese font is
        installed (``apt-get install fonts-noto-cjk``), else English."""
        return zh if self.lang == "zh" and self.cjk_font else en

    # -- outputs --------------------------------------------------------------------------
    def path(self, name):
        path = self.out / name
        self.files.append(path)
        return path

    def show(self, fig, name):
        """Save a matplotlib figure as ``out/name.png``; display it in Jupyter; close it."""
        import matplotlib.pyplot as plt

        path = self.path(f"{name}.png")
        fig.savefig(path, dpi=100, bbox_inches="tight")
        if in_notebook():
            from IPython.display import display
            display(fig)
        plt.close(fig)
        return path

    def save_grid(self, images, name, nrow=None, scale=2):
        """Save a batch of images in [-1, 1] as one PNG grid; display it in Jupyter."""
        from gankit import viz

        path = viz.save_grid(images, self.path(f"{name}.png"), nrow=nrow, scale=scale)
        if in_notebook():
            from IPython.display import Image, display
            display(Image(filename=str(path)))
        return path

    def record(self, **values):
        self.results.update({k: (float(v) if hasattr(v, "__float__") and not isinstance(v, (str, bool)) else v)
                             for k, v in values.items()})

    def record_metrics(self, model, dataset, minutes=None, **metrics):
        """Closing metrics of one trained model, as ``eval.<model>.<dataset>.<metric>`` (plus
        ``...minutes``, the CPU minutes it trained); ``tools/results_table.py`` turns these
        into the READMEs' results table. ``model`` and ``dataset`` may not contain dots."""
        if "." in f"{model}{dataset}":
            raise ValueError(f"record_metrics: model and dataset names may not contain '.', got {model!r}, {dataset!r}")
        if minutes is not None:
            metrics = {"minutes": minutes, **metrics}
        self.record(**{f"eval.{model}.{dataset}.{name}": value for name, value in metrics.items()})

    def record_history(self, name, history):
        """Keep the final value of every loss in a Keras ``History`` under ``name``."""
        for key, values in getattr(history, "history", history).items():
            if values:
                self.record(**{f"{name}.{key}": float(values[-1])})

    def earlier_seconds(self):
        """How long the latest finished run of this lesson, in this mode, on this kind of machine took
        (from the ``summary.json`` files under the runs folder), or ``None``."""
        mode, here = ("quick" if self.quick else "full"), machine()
        best = None
        for path in pathlib.Path(self.out).parent.glob(f"lesson{self.number:02d}-*/summary.json"):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if data.get("mode") == mode and data.get("machine") == here and data.get("seconds"):
                stamp = path.stat().st_mtime
                if best is None or stamp > best[0]:
                    best = (stamp, float(data["seconds"]))
        return best[1] if best else None

    def summary(self):
        """Write ``summary.json`` and return it: time, mode, recorded numbers, files."""
        data = {
            "lesson": self.number,
            "title": CATALOGUE[self.number][1],
            "mode": "quick" if self.quick else "full",
            "seconds": round(time.time() - self.started, 1),
            "results": self.results,
            "machine": machine(),
            "files": sorted({str(p.relative_to(self.out)) for p in self.out.rglob("*") if p.is_file()}),
        }
        with open(self.out / "summary.json", "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2, ensure_ascii=False)
        return data
