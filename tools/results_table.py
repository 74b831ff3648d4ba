"""Build the READMEs' results table from the ``summary.json`` of full-mode lesson runs.

    python tools/results_table.py                       # runs/*/summary.json
    python tools/results_table.py runs/lesson02-*/summary.json other/summary.json
    python tools/results_table.py --no-readme           # only update assets/results.json, print the table

A lesson records the closing metrics of each model it trains with
``L.record_metrics(model, dataset, minutes=..., fid=..., ...)``, which stores them in its
summary as ``eval.<model>.<dataset>.<metric>``. A full-mode summary without such keys but with
a ``dataset`` gives one row: the model named by the lesson's title, ``train_seconds`` as its
minutes and the known metrics it recorded at the top level (e.g. ``conditional_accuracy``). Every full-mode summary's rows are merged into
``assets/results.json``, keyed by lesson, model and dataset: a new run of the same lesson,
model and dataset replaces its row, and rows from earlier runs (perhaps on other machines) are
kept. The table is then written between ``<!-- results:start -->`` and ``<!-- results:end -->``
in README.md (English) and README_cn.md (Chinese); nothing else in the READMEs changes.
Quick-mode summaries are skipped: their numbers only show that the code runs.
"""

import argparse
import glob
import json
import pathlib
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent
START, END = "<!-- results:start -->", "<!-- results:end -->"
READMES = {"en": REPO / "README.md", "zh": REPO / "README_cn.md"}

#: metric name -> (English label, Chinese label, format); others are shown as "name value"
METRICS = {
    "fid": ("classifier FID", "分类器 FID", "{:.1f}"),
    "fid_real": ("(real data", "(真实数据", "{:.1f})"),
    "classifier_score": ("classifier score", "分类器得分", "{:.2f}"),
    "precision": ("precision", "精确率", "{:.2f}"),
    "recall": ("recall", "召回率", "{:.2f}"),
    "conditional_accuracy": ("conditional accuracy", "条件准确率", "{:.1%}"),
    "modes": ("modes", "覆盖模式", "{:.3g}/8"),
    "hq_share": ("high-quality share", "高质量样本比例", "{:.0%}"),
    "psnr": ("PSNR", "PSNR", "{:.2f} dB"),
    "ssim": ("SSIM", "SSIM", "{:.3f}"),
    "psnr_held_out": ("held-out photos PSNR", "留出照片 PSNR", "{:.2f} dB"),
    "grid_energy_held_out": ("x4 grid energy", "×4 格点能量", "{:.2f}"),
    "pixel_accuracy": ("per-pixel accuracy (δ=16)", "逐像素准确率（δ=16）", "{:.1%}"),
    "blank_map": ("(blank map", "(空白地图", "{:.1%})"),
    "unsupervised_accuracy": ("unsupervised accuracy", "无监督准确率", "{:.1%}"),
    "slant_rho": ("slant ρ along its code", "倾斜度沿其编码的 ρ", "{:+.2f}"),
    "width_rho": ("stroke-width ρ along its code", "笔画粗细沿其编码的 ρ", "{:+.2f}"),
}
HEADERS = {
    "en": ("lesson", "model", "dataset", "CPU minutes trained", "metrics", "machine"),
    "zh": ("课", "模型", "数据集", "训练用时（CPU 分钟）", "指标", "机器"),
}
EMPTY = {
    "en": "_No full-mode run recorded yet: run a lesson in full mode (`python -m gankit.lesson N`), then "
          "`python tools/results_table.py`._",
    "zh": "_还没有完整模式的运行记录：先以完整模式运行一课（`python -m gankit.lesson N`），再运行 "
          "`python tools/results_table.py`。_",
}
NOTE = {
    "en": "FID and score use gankit's own MNIST / Fashion-MNIST classifiers (`gankit.metrics`), so they are not "
          "comparable with Inception FIDs in papers; \"real data\" is the FID of real training images at the same n, "
          "the best a generator can reach.",
    "zh": "FID 和得分用的是 gankit 自己训练的 MNIST / Fashion-MNIST 分类器（`gankit.metrics`），不能和论文里基于 "
          "Inception 的 FID 直接比较；“真实数据”是同样样本数下真实训练图像的 FID，也就是生成器能达到的下限。",
}


class ResultsError(Exception):
    """Bad input; the message says what to fix."""


def rows_of(summary, source=""):
    """The table rows of one summary dict: one per (model, dataset) recorded under ``eval.``."""
    if summary.get("mode") != "full":
        return []
    rows = {}
    for key, value in summary.get("results", {}).items():
        parts = key.split(".")
        if len(parts) != 4 or parts[0] != "eval":
            continue
        _, model, dataset, metric = parts
        row = rows.setdefault((model, dataset), {
            "lesson": int(summary["lesson"]), "model": model, "dataset": dataset, "minutes": None,
            "metrics": {}, "machine": summary.get("machine") or "unknown", "run": source})
        if metric == "minutes":
            row["minutes"] = value
        else:
            row["metrics"][metric] = value
    if not rows and "dataset" in summary.get("results", {}):
        return [fallback_row(summary, source)]
    return list(rows.values())


def model_name(title):
    """'Conditional GAN (CGAN)' -> 'CGAN', 'ACGAN: auxiliary classifier GAN' -> 'ACGAN'."""
    if "(" in title and title.endswith(")"):
        return title[title.rindex("(") + 1:-1]
    return title.split(":")[0].strip()


def fallback_row(summary, source=""):
    """One row for a full-mode lesson that records no ``eval.*`` metrics but says its ``dataset``:
    its top-level known metrics (e.g. ``conditional_accuracy``) and ``train_seconds``."""
    results = summary["results"]
    seconds = results.get("train_seconds")
    return {"lesson": int(summary["lesson"]), "model": model_name(summary.get("title", "?")),
            "dataset": results["dataset"], "minutes": None if seconds is None else seconds / 60,
            "metrics": {k: v for k, v in results.items() if k in METRICS},
            "machine": summary.get("machine") or "unknown", "run": source}


def row_key(row):
    return f"{row['lesson']:02d}/{row['model']}/{row['dataset']}"


def collect(patterns):
    """Rows of every full-mode summary matching ``patterns`` (paths or globs), later runs last."""
    paths = []
    for pattern in patterns:
        found = sorted(glob.glob(str(pattern))) or ([pattern] if pathlib.Path(pattern).is_file() else [])
        paths += [pathlib.Path(p) for p in found]
    rows, skipped = [], []
    for path in sorted(set(paths), key=lambda p: (p.parent.name, str(p))):  # run folders sort by date
        try:
            summary = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise ResultsError(f"{path} is not a readable summary.json ({err})") from None
        found = rows_of(summary, source=path.parent.name)
        if not found:
            skipped.append(f"{path} ({summary.get('mode', '?')} mode"
                           + (", no eval.* metrics" if summary.get("mode") == "full" else "") + ")")
        rows += found
    return rows, skipped


def merge(store, rows):
    """``store`` (``{"rows": {key: row}}``) with ``rows`` added; same key -> the new row wins."""
    merged = dict(store.get("rows", {}))
    for row in rows:
        merged[row_key(row)] = row
    return {"rows": dict(sorted(merged.items()))}


def format_metrics(metrics, lang):
    parts = []
    for name, value in sorted(metrics.items(), key=lambda kv: (list(METRICS).index(kv[0])
                                                                if kv[0] in METRICS else len(METRICS), kv[0])):
        label_en, label_zh, fmt = METRICS.get(name, (name, name, "{:.4g}"))
        label = label_zh if lang == "zh" else label_en
        try:
            text = fmt.format(value)
        except (TypeError, ValueError):
            text = str(value)
        parts.append(f"{label} {text}")
    return " · ".join(parts).replace(" · (", " (")


def table(store, lang="en"):
    """The markdown table (with its note) of every row in ``store``."""
    rows = list(store.get("rows", {}).values())
    if not rows:
        return EMPTY[lang]
    head = HEADERS[lang]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in sorted(rows, key=lambda r: (r["lesson"], r["model"], r["dataset"])):
        minutes = "–" if row.get("minutes") is None else f"{row['minutes']:.1f}"
        lines.append(f"| {row['lesson']} | {row['model']} | {row['dataset']} | {minutes} | "
                     f"{format_metrics(row['metrics'], lang)} | {row.get('machine', 'unknown')} |")
    return "\n".join(lines + ["", NOTE[lang]])


def replace_between_markers(text, content, where="README", start=START, end=END):
    """``text`` with everything between the markers ``start`` and ``end`` replaced by ``content``."""
    if text.count(start) != 1 or text.count(end) != 1 or text.index(start) > text.index(end):
        raise ResultsError(f"{where} must hold the markers {start} and {end} once each, in that order")
    head, rest = text.split(start)
    _, tail = rest.split(end)
    return f"{head}{start}\n{content}\n{end}{tail}"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python tools/results_table.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("summaries", nargs="*", default=[str(REPO / "runs" / "*" / "summary.json")],
                        help="summary.json files or globs (default: runs/*/summary.json)")
    parser.add_argument("--results", default=str(REPO / "assets" / "results.json"),
                        help="the merged store of rows (default assets/results.json)")
    parser.add_argument("--readme", default=str(READMES["en"]), help="English README to update")
    parser.add_argument("--readme-zh", default=str(READMES["zh"]), help="Chinese README to update")
    parser.add_argument("--no-readme", action="store_true", help="only update the results file and print")
    args = parser.parse_args(argv)
    try:
        rows, skipped = collect(args.summaries)
        results = pathlib.Path(args.results)
        store = json.loads(results.read_text(encoding="utf-8")) if results.is_file() else {"rows": {}}
        store = merge(store, rows)
        updates = []
        if not args.no_readme:  # check both READMEs before writing anything
            for lang, path in (("en", pathlib.Path(args.readme)), ("zh", pathlib.Path(args.readme_zh))):
                text = path.read_text(encoding="utf-8") if path.is_file() else ""
                updates.append((path, replace_between_markers(text, table(store, lang), str(path))))
        results.parent.mkdir(parents=True, exist_ok=True)
        results.write_text(json.dumps(store, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        for path, text in updates:
            path.write_text(text, encoding="utf-8")
    except ResultsError as err:
        print(f"results_table: {err}.", file=sys.stderr)
        return 2
    print(f"{len(rows)} row(s) from full-mode runs; {len(store['rows'])} row(s) in {args.results}.")
    quick = [line for line in skipped if "(quick mode)" in line]
    for line in skipped:
        if line not in quick:
            print(f"  skipped {line}")
    if quick:
        print(f"  skipped {len(quick)} quick-mode summaries (their numbers only show that the code runs)")
    print(table(store, "en"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
