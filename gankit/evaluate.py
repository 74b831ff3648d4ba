"""``python -m gankit.evaluate PATH [--dataset NAME] [--n N] [--seed S] [--k K] [--json]``.

PATH is a saved generator (a ``.keras`` file of a gankit model, or a Keras model from a
latent vector to images) or a lesson's run folder (``runs/lessonNN-...``), whose ``.keras``
files are all evaluated. The dataset comes from ``--dataset``, else from the run folder's
``summary.json`` (the ``dataset`` a lesson records). Prints one table: classifier FID,
classifier score and precision/recall of ``n`` samples against ``n`` real test images, and
the same numbers for ``n`` real training images as the reference row.
Bad input gets one paragraph and exit code 2.
"""

import argparse
import json
import pathlib
import re
import sys
import unicodedata

from gankit.config import say

USAGE = "python -m gankit.evaluate PATH [--dataset mnist|fashion_mnist] [--n 2000] [--seed 0] [--k 3] [--json]"


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def parse(argv):
    parser = _Parser(prog="python -m gankit.evaluate",
                     description="Evaluate a saved generator or a lesson's run folder with gankit.metrics.")
    parser.add_argument("path", help="a .keras generator file or a lesson run folder")
    parser.add_argument("--dataset", default=None, help="mnist or fashion_mnist (default: from summary.json)")
    parser.add_argument("--n", type=int, default=2000, help="samples and real images compared (default 2000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the latent vectors and real subsets")
    parser.add_argument("--k", type=int, default=3, help="k of the k-NN precision/recall (default 3)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    args = parser.parse_args(argv)
    if not 10 <= args.n <= 10000:
        raise UsageError(f"--n must be between 10 and 10000 (the size of the test split), not {args.n}")
    if args.k < 1 or args.k >= args.n:
        raise UsageError(f"--k must be at least 1 and below --n, not {args.k}")
    return args


def _natural(path):
    """Sort key: numbers by value, so step50 comes before step150."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", str(path))]


def find_models(path):
    """``(model files, summary.json data or {})`` for a .keras file or a run folder."""
    path = pathlib.Path(path).expanduser()
    if path.is_file():
        if path.suffix != ".keras":
            raise UsageError(f"{path} is not a .keras file")
        folder, files = path.parent, [path]
    elif path.is_dir():
        folder, files = path, sorted(path.rglob("*.keras"), key=_natural)
        if not files:
            raise UsageError(f"the folder {path} holds no .keras model file (lesson 2 saves dcgan.keras in its "
                             "run folder; run it first, e.g. python -m gankit.lesson 2 --quick)")
    else:
        raise UsageError(f"{path} does not exist")
    summary = {}
    if (folder / "summary.json").is_file():
        try:
            summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        except ValueError:
            summary = {}
    return files, summary


IMAGE_TO_IMAGE_LESSONS = (7, 8, 9)  # Pix2Pix, CycleGAN, super-resolution


def pick_dataset(args, summary):
    from gankit.metrics import CLASSIFIER_DATASETS

    lesson = summary.get("lesson")
    if lesson in IMAGE_TO_IMAGE_LESSONS and args.dataset is None:
        raise UsageError(f"this is a run folder of lesson {lesson}, whose models translate or upscale images; "
                         f"gankit.evaluate measures generators that turn noise into MNIST or Fashion-MNIST images "
                         f"(lessons 1-6 and 10). Lesson {lesson} measures its own models as it runs (PSNR, SSIM, "
                         f"sharpness ...): see the numbers in its summary.json")
    dataset = args.dataset or summary.get("results", {}).get("dataset")
    if dataset is None:
        raise UsageError("the dataset is unknown: pass --dataset mnist or --dataset fashion_mnist "
                         "(a run folder's summary.json says it when the lesson recorded it)")
    if dataset not in CLASSIFIER_DATASETS:
        raise UsageError(f"there is no classifier for the dataset {dataset!r}; gankit.evaluate knows "
                         f"{', '.join(CLASSIFIER_DATASETS)}")
    return dataset


#: (key, Chinese title, English title, format)
COLUMNS = (("fid", "FID ↓", "FID ↓", "{:.2f}"), ("classifier_score", "得分 ↑", "score ↑", "{:.2f}"),
           ("precision", "精确率 ↑", "precision ↑", "{:.3f}"), ("recall", "召回率 ↑", "recall ↑", "{:.3f}"))


def _width(text):
    """Columns a string takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _ljust(text, width):
    return text + " " * max(0, width - _width(text))


def _rjust(text, width):
    return " " * max(0, width - _width(text)) + text


def real_row_name():
    """The reference row's name in the learner's language."""
    return say("（真实训练图像）", "(real train images)")


def table(rows, dataset, n):
    """Rows of ``(name, metrics dict)`` as aligned text, in the learner's language (``config.say``)."""
    zh = say(True, False)
    width = max(_width(name) for name, _ in rows) + 2
    lines = [say(f"gankit.evaluate · {dataset} · {n} 个样本对比 {n} 张真实测试图像（分类器特征；↓ 越低越好 / ↑ 越高越好）",
                 f"gankit.evaluate · {dataset} · {n} samples vs {n} real test images "
                 "(classifier features; ↓ lower / ↑ higher is better)"),
             _ljust(say("模型", "model"), width) + "".join(_rjust(zh_title if zh else title, 13)
                                                          for _, zh_title, title, _ in COLUMNS)]
    lines.append("-" * _width(lines[-1]))
    for name, metrics in rows:
        lines.append(_ljust(name, width) + "".join(f"{fmt.format(metrics[key]):>13}" for key, _, _, fmt in COLUMNS))
    return "\n".join(lines)


def evaluate(args):
    from gankit import metrics

    files, summary = find_models(args.path)
    dataset = pick_dataset(args, summary)
    root = pathlib.Path(args.path).expanduser()
    rows, results = [], {}
    for file in files:
        name = str(file.relative_to(root)) if root.is_dir() else file.name
        results[name] = metrics.evaluate_generator(file, dataset, n=args.n, seed=args.seed, k=args.k)
        rows.append((name, results[name]))
    reference = metrics.evaluate_real(dataset, n=args.n, seed=args.seed, k=args.k)
    rows.append((real_row_name(), reference))
    if args.json:
        print(json.dumps({"dataset": dataset, "n": args.n, "models": results, "real": reference}, indent=2))
    else:
        print(table(rows, dataset, args.n))
    return results


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = parse(argv)
        from gankit.data import DatasetError
        from gankit.metrics import MetricsError

        try:
            evaluate(args)
        except (MetricsError, DatasetError) as err:
            raise UsageError(str(err).rstrip(".")) from None
    except UsageError as err:
        print(f"gankit.evaluate: {err}. Usage: {USAGE}. PATH is a saved generator (.keras, e.g. the "
              "dcgan.keras that lesson 2 saves) or a lesson's run folder under runs/; the dataset is read from "
              "the folder's summary.json unless --dataset is given.", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
