"""How much of what a lesson prints is in Chinese, in a Chinese run.

    python tools/count_output_lang.py 2            # run lesson 2: python -m gankit.lesson 2 --quick --lang zh
    python tools/count_output_lang.py all          # every written lesson, one after the other
    python tools/count_output_lang.py 0 3 --save DIR   # also keep each run's output as DIR/lessonNN.txt
    python tools/count_output_lang.py --read out.txt   # count a saved output instead of running
    python tools/count_output_lang.py 2 --show     # list the counted lines that have no Chinese

How it counts (per lesson, then overall as the sum of lines):

* It runs the lesson in quick mode in Chinese (``--quick --lang zh``, run folders in a temporary
  place) and reads its standard output: what the lesson's code and gankit print there (the
  runner, ``Lesson``, ``gankit.train``'s progress messages, ``gankit.evaluate``'s tables, the
  closing summary). Standard error is not counted: Python and TensorFlow warnings and the live
  progress bars (tqdm) are written there.
* Text is split into lines at ``\\n`` and ``\\r`` (a progress bar redraws with ``\\r``).
* Left out: blank lines; progress-bar lines (``step/s``, ``it/s``, ``s/step``, ``|█``); the section
  headings the runner copies from the lesson's Chinese markdown (``=== ...``, ``--- ...``: they are
  the lesson's text, not its output); Keras' own ``model.summary()`` tables (``Model: "..."``,
  box-drawing rows, ``Total params:`` ...: Keras prints them, in English); lines with no word at all (only numbers, punctuation,
  arrows, table rules); lines whose only Latin words are code names (``d_loss``, ``keras.Model``,
  anything with ``_``, a digit or a dot inside, a keyword ``name=``, a path with ``/``, a quoted
  ``'string'`` as Python prints lists of names, ``FID``, ``DCGAN``, ``PSNR`` ... see ``NAMES``) -
  such a line reads the same in both languages; and lines of Python source code that a lesson
  prints on purpose (``inspect.getsource``): a line equal to a line of ``gankit/**/*.py``.
* Counted: every other line. It is Chinese when it holds at least one Chinese character
  (U+4E00-U+9FFF), otherwise English.

The share is Chinese lines / counted lines. Exit code 1 when the overall share is below
``--min`` (default 0.9).
"""

import argparse
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")
BAR = re.compile(r"step/s|it/s|s/step|s/it|\|█|█\||\d+%\|")
HEADING = re.compile(r"^\s*(===|---) ")
#: Keras' own model.summary() table (Keras prints it in English; not the lesson's or gankit's text)
KERAS_SUMMARY = re.compile(r"^\s*([┏┃┡│└━─]|Model: \"|(Total|Trainable|Non-trainable) params:)")
WORD = re.compile(r"[A-Za-z]{3,}")
CODE = re.compile(r"'[^']*'|\S*/\S*|\w+(?:\.\w+)+|\w*(?:_|\d)\w*|\w+=")
#: names that read the same in a Chinese text (models, metrics, datasets, libraries, units)
NAMES = {
    "gan", "dcgan", "cgan", "acgan", "infogan", "wgan", "lsgan", "srgan", "esrgan", "srcnn", "srresnet",
    "pix2pix", "cyclegan", "mlp", "fid", "psnr", "ssim", "mnist", "cifar", "svhn", "adam", "relu",
    "tanh", "sigmoid", "keras", "tensorflow", "numpy", "gpu", "cpu", "bce", "nan", "inf", "png", "json",
    "gankit", "python", "log", "exp", "svd", "rgb", "min", "max", "std", "mean", "sum", "vgg", "kernel",
    "lipschitz", "wasserstein", "patchgan", "unet", "adain", "softmax", "logits", "logit", "backend",
    "jax", "torch", "float", "slerp", "dtype", "theta", "sigma", "psi", "imagegan", "joint", "celeba",
}


def source_lines():
    """Every stripped line of gankit's own source: printed source code is code, not text."""
    return {line.strip() for path in (REPO / "gankit").rglob("*.py")
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


SOURCE = source_lines()


def classify(line):
    """``None`` (left out), ``"zh"`` or ``"en"`` for one printed line (see the module docstring)."""
    text = line.strip()
    if not text or BAR.search(text) or HEADING.match(line) or KERAS_SUMMARY.match(line) or text in SOURCE:
        return None
    if CJK.search(text):
        return "zh"
    words = [w for w in WORD.findall(CODE.sub(" ", text)) if w.lower() not in NAMES]
    return "en" if words else None


def lines_of(output):
    return [part for line in output.split("\n") for part in line.split("\r")]


def count(output):
    """``(Chinese lines, counted lines, English lines)`` of one output."""
    kinds = [(line, classify(line)) for line in lines_of(output)]
    english = [line for line, kind in kinds if kind == "en"]
    zh = sum(1 for _, kind in kinds if kind == "zh")
    return zh, zh + len(english), english


def run_lesson(number, timeout):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "GANKIT_LANG": "zh", "GANKIT_QUICK": "1",
           "GANKIT_RUNS": tempfile.mkdtemp(prefix="gankit-count-lang-")}
    env.pop("GANKIT_VERBOSE", None)
    start = time.time()
    result = subprocess.run([sys.executable, "-m", "gankit.lesson", str(number), "--quick", "--lang", "zh"],
                            cwd=REPO, env=env, capture_output=True, text=True, encoding="utf-8", timeout=timeout)
    if result.returncode != 0:
        sys.stderr.write(result.stderr[-3000:])
        raise SystemExit(f"lesson {number} failed (exit {result.returncode})")
    return result.stdout, time.time() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lessons", nargs="*", help="lesson numbers, or 'all'")
    parser.add_argument("--read", nargs="+", default=[], help="count saved output files instead of running")
    parser.add_argument("--save", type=pathlib.Path, help="keep each run's standard output in this folder")
    parser.add_argument("--show", action="store_true", help="list the counted lines without Chinese")
    parser.add_argument("--min", type=float, default=0.9, help="the overall share required (exit 1 below it)")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds allowed per lesson")
    args = parser.parse_args(argv)

    sources = []
    if args.lessons == ["all"]:
        sys.path.insert(0, str(REPO))
        from gankit.lesson import available

        args.lessons = [str(n) for n in available()]
    for name in args.lessons:
        sources.append((f"lesson {int(name)}", int(name)))
    sources += [(path, pathlib.Path(path)) for path in args.read]
    if not sources:
        parser.error("name lessons to run (or 'all'), or --read saved output files")

    total_zh = total = 0
    print(f"{'output':<34}{'Chinese':>9}{'counted':>9}{'share':>8}{'seconds':>9}")
    for name, source in sources:
        if isinstance(source, int):
            output, seconds = run_lesson(source, args.timeout)
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                (args.save / f"lesson{source:02d}.txt").write_text(output, encoding="utf-8")
        else:
            output, seconds = source.read_text(encoding="utf-8"), None
        zh, counted, english = count(output)
        total_zh, total = total_zh + zh, total + counted
        share = zh / counted if counted else 1.0
        print(f"{name:<34}{zh:>9}{counted:>9}{share:>8.1%}" + (f"{seconds:>9.0f}" if seconds else ""), flush=True)
        if args.show:
            for line in english:
                print(f"    en: {line.strip()}")
    share = total_zh / total if total else 1.0
    print(f"{'overall':<34}{total_zh:>9}{total:>9}{share:>8.1%}")
    return 0 if share >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())
