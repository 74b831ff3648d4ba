"""``python -m gankit.lesson [N] [--quick] [--lang zh|en] [--epochs E] [--out DIR] [--seed S]
[--strategy default|mirrored|multiworker] [--precision auto|float32|mixed_float16|mixed_bfloat16]``.

Without N it lists the lessons. With N it executes the code cells of ``lessons/NN_*.py``
in order (the same cells the notebooks hold), prints the lesson's section headings in the
chosen language as it goes, and ends with a summary: time taken, final losses and
metrics, and where the pictures are. Bad input gets one paragraph and exit code 2.

Resume: a run folder holds ``.unfinished`` (the run's arguments) until the lesson has run to
its end, and ``.resume/`` with one checkpoint per long ``fit`` (``Lesson.callbacks``). Started
again with the same arguments after a crash or a ``kill -9``, the runner adopts that folder
and every ``fit`` that has a checkpoint continues after its last finished epoch. A finished
run's folder is never reused, so its outputs are never overwritten.

``--seed S``: deterministic TensorFlow ops and every ``keras.utils.set_random_seed(k)`` of
the lesson shifted to ``k + S`` (``--seed 0`` keeps the lesson's own seeds): the same command
gives bit-for-bit the same quick-mode run on a CPU. Deterministic ops make Keras turn XLA off
(it is not deterministic), so a seeded full-mode run is slower.
"""

import argparse
import json
import linecache
import pathlib
import shutil
import sys
import time
import traceback

from gankit import config
from gankit import lesson as course


class UsageError(Exception):
    pass


def read_cells(source, lang=None):
    """The cells of a lesson source as ``(kind, text)``, keeping markdown cells whose
    ``lang`` metadata is ``lang`` (or that carry none) and every code cell."""
    import jupytext

    notebook = jupytext.read(source, fmt="py:percent")
    cells = []
    for cell in notebook.cells:
        cell_lang = cell.metadata.get("lang")
        if cell.cell_type == "markdown" and lang and cell_lang not in (None, lang):
            continue
        cells.append((cell.cell_type, cell.source))
    return cells


def lesson_list(lang="zh"):
    rows = []
    for n, (zh, en) in course.CATALOGUE.items():
        mark = " " if course.lesson_source(n) else "·"
        rows.append(f" {mark}{n:>3}  {zh} / {en}" + ("" if course.lesson_source(n) else "   (coming / 即将推出)"))
    return "\n".join(rows)


def _valid():
    return ", ".join(str(n) for n in course.available())


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def parse(argv):
    parser = _Parser(prog="python -m gankit.lesson", add_help=True,
                     description="Run a lesson of the gankit GAN course from the terminal.")
    parser.add_argument("lesson", nargs="?", help="lesson number (omit to list the lessons)")
    parser.add_argument("--quick", action="store_true", help="quick mode: seconds to a minute on a CPU")
    parser.add_argument("--lang", default=None,
                        help=f"{' or '.join(config.LANGS)}: headings and figure labels (default: GANKIT_LANG if set, "
                             f"else the locale: zh where LANG/LC_ALL starts with zh, else en)")
    parser.add_argument("--epochs", type=int, default=None, help="override the lesson's number of epochs")
    parser.add_argument("--out", default=None, help="folder in which a new run folder is made (default runs/)")
    parser.add_argument("--seed", type=int, default=None, help="deterministic run: shift the lesson's seeds by S")
    parser.add_argument("--strategy", default="default",
                        help=f"{', '.join(config.STRATEGIES)} (mirrored: all GPUs)")
    parser.add_argument("--precision", default=None, help=", ".join(config.PRECISIONS))
    parser.add_argument("--dataset", default=None,
                        help="train on another dataset where the lesson offers one (e.g. fashion_mnist in lessons 3-5)")
    parser.add_argument("--verbose", action="store_true",
                        help="keep TensorFlow's native start-up log lines (dropped by default)")
    args = parser.parse_args(argv)
    if args.strategy not in config.STRATEGIES:
        raise UsageError(f"--strategy must be one of {', '.join(config.STRATEGIES)}, not {args.strategy!r}")
    if args.precision not in (None, *config.PRECISIONS):
        raise UsageError(f"--precision must be one of {', '.join(config.PRECISIONS)}, not {args.precision!r}")
    if args.lang is not None and args.lang not in config.LANGS:
        raise UsageError(f"--lang must be one of {', '.join(config.LANGS)}, not {args.lang!r}")
    if args.epochs is not None and args.epochs < 1:
        raise UsageError(f"--epochs must be a positive whole number, not {args.epochs}")
    if args.out is not None and pathlib.Path(args.out).expanduser().exists() \
            and not pathlib.Path(args.out).expanduser().is_dir():
        raise UsageError(f"--out must be a folder (new run folders are made inside it), but {args.out!r} is a file; "
                         f"give a folder, e.g. --out ~/gan-runs")
    if args.lesson is not None:
        try:
            args.lesson = int(args.lesson)
        except ValueError:
            raise UsageError(f"the lesson must be a number, not {args.lesson!r}") from None
        if args.lesson not in course.CATALOGUE:
            raise UsageError(f"there is no lesson {args.lesson}")
        if course.lesson_source(args.lesson) is None:
            raise UsageError(f"lesson {args.lesson} ({course.CATALOGUE[args.lesson][1]}) is not written yet")
    return args


def terminal_lang(lang=None):
    """``--lang`` if given, else ``GANKIT_LANG``, else the locale's (``config.locale_lang``)."""
    return lang or config.current().lang or config.locale_lang()


UNFINISHED = ".unfinished"
STARTED = time.time()  # the runner's start, so the summary's time includes TensorFlow's start-up


def run_key(number, quick, lang, epochs, seed, strategy, precision, dataset=None):
    """What makes two invocations 'the same command' for resuming."""
    settings = config.current()
    return {"lesson": number, "quick": bool(quick) or settings.quick, "lang": lang,
            "epochs": epochs or settings.epochs, "seed": seed,
            "strategy": strategy or "default", "precision": precision,
            "dataset": dataset or settings.dataset}


def adopt_or_create(number, key, out=None):
    """The newest unfinished run folder of this lesson made with the same arguments, else a new one.
    Returns ``(folder, adopted)``."""
    root = pathlib.Path(out or course.runs_root())
    if root.is_dir():
        for folder in sorted(root.glob(f"lesson{number:02d}-*"), reverse=True):
            try:
                if json.loads((folder / UNFINISHED).read_text(encoding="utf-8")) == key:
                    return folder, True
            except (OSError, ValueError):
                continue
    folder = course.new_run_dir(number, out)
    (folder / UNFINISHED).write_text(json.dumps(key), encoding="utf-8")
    return folder, False


def finish(folder):
    """The lesson ran to its end: drop the checkpoints and the marker (marker last)."""
    shutil.rmtree(pathlib.Path(folder) / ".resume", ignore_errors=True)
    (pathlib.Path(folder) / UNFINISHED).unlink(missing_ok=True)


def _shift_seeds(offset):
    """Make the lesson's ``keras.utils.set_random_seed(k)`` calls use ``k + offset``."""
    import keras

    original = getattr(keras.utils.set_random_seed, "gankit_original", keras.utils.set_random_seed)

    def set_random_seed(seed):
        return original(int(seed) + offset)

    set_random_seed.gankit_original = original
    keras.utils.set_random_seed = set_random_seed


def run(number, quick=False, lang=None, epochs=None, out=None, seed=None, strategy="default", precision=None,
        dataset=None):
    """Execute lesson ``number``'s code cells; return its summary dict."""
    lang = terminal_lang(lang)
    config.export(lang=lang)  # before anything prints: library messages follow it (config.say)
    key = run_key(number, quick, lang, epochs, seed, strategy, precision, dataset)
    if dataset:
        config.export(dataset=dataset)
    run_dir, adopted = adopt_or_create(number, key, out)
    if adopted:
        print(config.say(f"[gankit] 继续 {run_dir} 中未完成的运行（同一课、同样的参数）",
                         f"[gankit] continuing the unfinished run in {run_dir} (same lesson and arguments)"), flush=True)
    config.export(run_dir=run_dir, resume_dir=run_dir / ".resume")
    if seed is not None or strategy != "default" or precision:
        from gankit import train

        if seed is not None:
            train.set_seed(seed)
            _shift_seeds(seed)
        if precision:
            train.set_precision(precision)
        if strategy != "default":
            replicas = train.use_strategy(strategy).num_replicas_in_sync
            print(config.say(f"[gankit] {strategy} 分布式策略：{replicas} 个副本",
                             f"[gankit] {strategy} strategy: {replicas} replica(s)"), flush=True)
    if quick:
        config.export(quick=True)
    if epochs:
        config.export(epochs=epochs)
    import matplotlib
    matplotlib.use("Agg")

    source = course.lesson_source(number)
    title = course.CATALOGUE[number][0 if lang == "zh" else 1]
    print(f"=== {('第 %d 课' % number) if lang == 'zh' else 'Lesson %d' % number} · {title} ===", flush=True)
    namespace = {"__name__": "__lesson__", "__file__": str(source)}
    for i, (kind, text) in enumerate(read_cells(source, lang)):
        if kind == "markdown":
            for line in text.splitlines():
                if line.startswith("#"):
                    print(f"\n--- {line.lstrip('#').strip()}", flush=True)
                    break
            continue
        filename = f"{source.name} [cell {i}]"
        # register the cell's text as IPython does, so inspect.getsource works on its functions
        # (tf.function's AutoGraph needs it; without it, it warns and runs them unconverted)
        linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
        code = compile(text, filename, "exec")
        exec(code, namespace)
    finish(run_dir)  # before the summary, so its file list has no marker in it
    config.export(resume_dir=None)
    lesson = course.Lesson.current
    return lesson.summary() if lesson else {"lesson": number, "results": {}, "files": []}


FILE_GROUPS = (("图像", "pictures", (".png", ".jpg", ".jpeg")), ("动图", "animations", (".gif",)),
               ("模型", "models", (".keras", ".h5")), ("其他", "other", None))


#: the headline table's metric names in Chinese (the others, fid, psnr ..., read the same)
METRIC_NAMES_ZH = {"minutes": "分钟", "precision": "精确率", "recall": "召回率", "classifier_score": "分类器得分",
                   "fid_real": "真实图像 fid", "modes": "覆盖峰数", "hq_share": "高质量比例",
                   "pixel_accuracy": "像素准确率", "sharpness_ratio": "清晰度比", "blank_map": "空白地图",
                   "psnr_held_out": "留出集 psnr", "grid_energy_held_out": "留出集格点能量",
                   "unsupervised_accuracy": "无监督准确率", "slant_rho": "倾斜度 ρ", "width_rho": "粗细 ρ"}


def headline_table(results, lang="en"):
    """The lesson's headline numbers (``Lesson.record_metrics``: ``eval.<model>.<dataset>.<metric>``)
    as aligned rows ``model  dataset  metric=value ...``; everything else stays in summary.json."""
    names = METRIC_NAMES_ZH if lang == "zh" else {}
    rows = {}
    for key, value in results.items():
        parts = key.split(".")
        if len(parts) == 4 and parts[0] == "eval" and isinstance(value, (int, float)):
            rows.setdefault((parts[1], parts[2]), []).append(f"{names.get(parts[3], parts[3])} {value:.4g}")
    if not rows:
        return []
    width = [max(len(k[i]) for k in rows) for i in (0, 1)]
    return [f"  {m:<{width[0]}}  {d:<{width[1]}}  " + " · ".join(v) for (m, d), v in rows.items()]


def print_summary(summary, run_dir, lang, wall=None):
    zh = lang == "zh"
    seconds = summary["seconds"] if wall is None else wall
    print("\n" + "=" * 60)
    print((f"完成：第 {summary['lesson']} 课（{summary['mode']} 模式），用时 {seconds:.0f} 秒（含启动）" if zh else
           f"Done: lesson {summary['lesson']} ({summary['mode']} mode) in {seconds:.0f} s, start-up included"))
    table = headline_table(summary["results"], lang)
    if table:
        print("主要结果：" if zh else "Headline results:")
        print("\n".join(table))
    if summary["results"]:
        print(f"全部 {len(summary['results'])} 项数值见 summary.json" if zh else
              f"All {len(summary['results'])} recorded numbers are in summary.json")
    print(("输出文件（{n} 个）在：" if zh else "{n} files in: ").format(n=len(summary["files"])) + str(run_dir))
    left = list(summary["files"])
    for zh_name, en_name, suffixes in FILE_GROUPS:
        group = [f for f in left if suffixes is None or pathlib.Path(f).suffix.lower() in suffixes]
        left = [f for f in left if f not in group]
        if group:
            print(f"  {zh_name if zh else en_name} ({len(group)}): " + ", ".join(group))


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = parse(argv)
    except UsageError as err:
        print(f"gankit.lesson: {err}. Usage: python -m gankit.lesson N [--quick] [--lang zh|en] "
              f"[--epochs E] [--out DIR] [--seed S] [--strategy default|mirrored|multiworker] "
              f"[--precision auto|float32|mixed_float16|mixed_bfloat16] [--dataset NAME], where N is one of the lessons written "
              f"so far: {_valid()}. "
              "Run 'python -m gankit.lesson' with no arguments to list all lessons with their titles.",
              file=sys.stderr)
        return 2
    if args.lesson is None:
        print("gankit 课程 / course — python -m gankit.lesson N [--quick] [--lang zh|en]\n")
        print(lesson_list())
        return 0

    if args.verbose:
        config.export(verbose=True)
    course.quiet_native_logs()  # before TensorFlow is imported
    from gankit.data import DatasetError

    try:
        summary = run(args.lesson, quick=args.quick, lang=args.lang, epochs=args.epochs, out=args.out,
                      seed=args.seed, strategy=args.strategy, precision=args.precision, dataset=args.dataset)
    except DatasetError as err:
        print(f"\ngankit.lesson: lesson {args.lesson} needs data it could not find. {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        settings = config.current()
        saved = sorted(p.parent.name for p in settings.resume_dir.glob("*/state.json")) if settings.resume_dir else []
        say = config.say
        again = (say(f"再运行同一条命令即可继续：它会加载已保存的训练（{', '.join(saved)}），从最后完成的一轮之后接着训练。",
                     f"Run the same command again to continue: it loads what was saved ({', '.join(saved)}) and goes "
                     f"on after the last finished epoch.") if saved else
                 say("还没有哪个训练完成过一轮，所以再运行同一条命令会在同一个文件夹里从头开始这一课。",
                     "No training had finished an epoch yet, so the same command again starts the lesson over in "
                     "the same folder."))
        print(say(f"\ngankit.lesson：{time.time() - STARTED:.0f} 秒后被中断；已有的文件在 {settings.run_dir}。{again}",
                  f"\ngankit.lesson: interrupted after {time.time() - STARTED:.0f} s; files so far are in "
                  f"{settings.run_dir}. {again}"), file=sys.stderr)
        return 130
    except Exception:  # a real bug: show where, then fail
        traceback.print_exc()
        return 1
    settings = config.current()
    print_summary(summary, settings.run_dir, terminal_lang(args.lang), wall=time.time() - STARTED)
    return 0
