"""Build the course website: one static site per language (中文 / English), from the same lesson sources.

    python tools/build_site.py                    # = --execute quick: every lesson executed in quick mode
    python tools/build_site.py --execute full     # full mode; outputs cached, an unchanged lesson is never rerun
    python tools/build_site.py --execute cache    # no execution: the outputs stored by earlier builds
    python tools/build_site.py --lessons 2 3 --lang en   # a subset while writing

Then open ``site/_build/html/index.html`` (or ``python -m http.server -d site/_build/html``).

How it works: the notebooks are generated from ``lessons/`` exactly as ``tools/build_notebooks.py`` does, copied
into ``site/_build/src/<lang>/`` beside a home page (the course map), and each language is built by Sphinx with
MyST-NB (``site/conf.py``), the two languages in parallel. Execution goes through jupyter-cache
(``nb_execution_mode = "cache"``): a notebook's outputs are stored under a key made of its code cells (and kernel),
one cache per mode and language in ``site/_cache/`` (``--cache-dir``), so a full build executes each lesson once and
later builds reuse the outputs until a code cell changes. Executing in ``site/_build/src/zh`` makes the lesson use
Chinese labels and messages, exactly as ``notebooks/zh`` does. A cell that raises stops the build with its
traceback (as nbval did), so ``--execute quick`` checks every cell and its ``assert``s.

Pages whose outputs come from quick mode carry a banner saying so; every lesson page shows the full-mode reference
figures of ``assets/`` whatever the mode.
"""

import argparse
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import build_notebooks  # noqa: E402  (the one place notebooks are made from lessons/)

SITE = ROOT / "site"
LANGS = ("zh", "en")

# Full-mode reference figures (assets/), shown on their lesson's page in every build.
REFERENCE = {
    2: [("dcgan_fashion_mnist_epoch6.png", "Fashion-MNIST 上训练 6 个轮次的 DCGAN", "DCGAN on Fashion-MNIST after 6 epochs"),
        ("dcgan_fashion_mnist.gif", "同一批 64 个噪声向量在第 1–6 轮次的生成结果", "The same 64 noise vectors, epochs 1–6")],
    3: [("cgan_fashion_mnist_epoch12.png", "CGAN 在 Fashion-MNIST 上训练 12 轮后按类别生成，每行一类",
         "CGAN on Fashion-MNIST after 12 epochs, one row per class")],
    4: [("acgan_fashion_mnist_class_rows.png", "ACGAN 在 Fashion-MNIST 上按类别生成，每行一类",
         "ACGAN on Fashion-MNIST, one row per class")],
    6: [("wgan_gp_fashion_mnist_epoch8.png", "WGAN-GP 在 Fashion-MNIST 上训练 8 个轮次的样本",
         "WGAN-GP on Fashion-MNIST after 8 epochs")],
    8: [("cyclegan_maps_5epochs.jpg", "训练 5 个轮次后：航拍图 x、G(x)、F(G(x))、真实地图",
         "After 5 epochs: aerial photo x, G(x), F(G(x)), the true map"),
        ("cyclegan_celeba2anime_1epoch.jpg", "训练 1 个轮次后：真人脸与动漫脸的双向翻译",
         "After 1 epoch: real faces and anime faces translated both ways")],
}

TEXT = {
    "zh": {
        "home_title": "gankit：生成对抗网络课程",
        "home_intro": ("从第一性原理讲到图像翻译与超分辨率的生成对抗网络（GAN）课程，使用 Keras 3 / TensorFlow。"
                       "每一课都是一个可运行的 notebook，下面的页面包含公式、代码和执行得到的输出（图、表、数字）。"
                       '<a href="../en/index.html">English version</a> · 源代码与运行方法见仓库的 README。'),
        "map": "课程地图", "col_n": "课", "col_lesson": "课程", "col_what": "内容",
        "quick_title": "快速模式的输出",
        "quick_body": ("本页的输出（图、表、数字）来自**快速模式**（`GANKIT_QUICK=1`：更少的轮次、一小部分数据），"
                       "只说明代码能够运行，不代表模型学到了什么。"),
        "quick_ref": "完整模式的参考图见下方。",
        "quick_home": ("本站点以快速模式构建：各课页面上的输出只说明代码能够运行。"
                       "完整模式的参考图显示在相应课程的页面上。"),
        "none_title": "尚未执行",
        "none_body": "本页还没有执行得到的输出（缓存里没有这一课）：`python tools/build_site.py --execute full` 会执行它。",
        "ref_title": "完整模式的参考图",
        "ref_body": "以下是完整模式训练后的结果（保存在仓库的 `assets/` 中），与本页的构建方式无关：",
        "picker": "选择语言",
    },
    "en": {
        "home_title": "gankit: a GAN course",
        "home_intro": ("Generative Adversarial Networks from first principles to image translation and super-resolution, "
                       "with Keras 3 / TensorFlow. Every lesson is a runnable notebook; its page below shows the "
                       "equations, the code and the executed outputs (figures, tables, printed numbers). "
                       "<a href=\"../zh/index.html\">中文版</a> · how to run the course: the repository's README."),
        "map": "Course map", "col_n": "#", "col_lesson": "Lesson", "col_what": "What it covers",
        "quick_title": "Quick-mode outputs",
        "quick_body": ("The outputs on this page (figures, tables, numbers) come from **quick mode** (`GANKIT_QUICK=1`: "
                       "fewer epochs, a slice of the data): they show that the code runs, not what the model learns."),
        "quick_ref": "The full-mode reference figures are below.",
        "quick_home": ("This site was built in quick mode: the outputs on the lesson pages only show that the code runs. "
                       "The full-mode reference figures are on their lessons' pages."),
        "none_title": "Not executed yet",
        "none_body": ("This page has no executed outputs yet (the cache holds no run of this lesson): "
                      "`python tools/build_site.py --execute full` executes it."),
        "ref_title": "Full-mode reference figures",
        "ref_body": "What full-mode training gives (kept in the repository's `assets/`), whatever this page was built from:",
        "picker": "Choose a language",
    },
}


def lesson_sources(selected=None):
    sources = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.py"))
    if selected:
        wanted = {int(n) for n in selected}
        sources = [s for s in sources if int(s.stem[:2]) in wanted]
    return sources


def course_map(lang):
    """Lesson number -> what it covers, from the course map table of README.md / README_cn.md."""
    readme = ROOT / ("README_cn.md" if lang == "zh" else "README.md")
    rows = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\|\s*(\d+)\s*\|(.*?[^\\])\|", line)
        if m:
            rows.setdefault(int(m.group(1)), m.group(2).strip())
    return rows


def title_of(nb):
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return None


def admonition(kind, title, body, cls):
    return f":::{{admonition}} {title}\n:class: {kind} {cls}\n\n{body}\n:::\n"


def decorate(nb, lang, number, outputs):
    """Add the quick-mode banner and the reference figures right after the lesson's title cell.
    Markdown cells only: the code cells, and so the cache key, stay those of lessons/."""
    t = TEXT[lang]
    cells = []
    refs = REFERENCE.get(number, [])
    if outputs == "quick":
        body = t["quick_body"] + (" " + t["quick_ref"] if refs else "")
        cells.append(admonition("warning", t["quick_title"], body, "gankit-quick-banner"))
    elif outputs == "none":
        cells.append(admonition("warning", t["none_title"], t["none_body"], "gankit-quick-banner"))
    if refs:
        figures = "\n\n".join(f"![{zh if lang == 'zh' else en}](../assets/{name})\n\n*{zh if lang == 'zh' else en}*"
                              for name, zh, en in refs)
        cells.append(admonition("note", t["ref_title"], t["ref_body"] + "\n\n" + figures, "gankit-reference"))
    for cell in nb.cells:  # notebooks/zh/NN.ipynb reaches the repository's assets/ as ../../assets/; a page as ../assets/
        if cell.cell_type == "markdown" and "../../assets/" in cell.source:
            cell.source = cell.source.replace("../../assets/", "../assets/")
    at = next((i + 1 for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and title_of_cell(c)), 0)
    for k, text in enumerate(cells):
        cell = nbformat.v4.new_markdown_cell(text)
        cell["id"] = f"site-{lang}-{k}"
        nb.cells.insert(at + k, cell)
    return nb


def title_of_cell(cell):
    return any(line.startswith("# ") for line in cell.source.splitlines())


def merge_cached(nb, cache_dirs):
    """``--execute cache``: the outputs stored for these code cells, from the first cache that has them."""
    from jupyter_cache import get_cache

    for label, path in cache_dirs:
        if not (path / "global.db").exists():
            continue
        try:
            _, merged = get_cache(path).merge_match_into_notebook(nb)
            return merged, label
        except KeyError:
            continue
    return nb, "none"


def write_sources(lang, sources, execute, cache_root, src):
    """src/<lang>/index.md (the course map) and one notebook per lesson."""
    t = TEXT[lang]
    folder = src / lang
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    descriptions = course_map(lang)
    rows, names = [], []
    for source in sources:
        number = int(source.stem[:2])
        nb = nbformat.reads(build_notebooks.build(source, lang), as_version=4)
        outputs = "quick" if execute == "quick" else "full"
        if execute == "cache":
            nb, outputs = merge_cached(nb, [("full", cache_root / "full" / lang), ("quick", cache_root / "quick" / lang)])
        title = title_of(nb) or source.stem
        nb = decorate(nb, lang, number, outputs)
        nbformat.write(nb, folder / f"{source.stem}.ipynb")
        what = descriptions.get(number, "")
        rows.append(f"| {number} | [{title}]({source.stem}.ipynb) | {what} |")
        names.append(source.stem)
    home = [f"# {t['home_title']}", "", t["home_intro"], ""]
    if execute == "quick":
        home += [admonition("warning", t["quick_title"], t["quick_home"], "gankit-quick-banner"), ""]
    home += [f"## {t['map']}", "", f"| {t['col_n']} | {t['col_lesson']} | {t['col_what']} |", "|---|---|---|", *rows, "",
             "```{toctree}", ":hidden:", ":maxdepth: 1", "", *names, "```", ""]
    (folder / "index.md").write_text("\n".join(home), encoding="utf-8")


def root_page(html):
    """html/index.html: picks 中文 or English from the browser's language, with both links for everyone."""
    (html / ".nojekyll").write_text("")  # GitHub Pages: serve _static/ and _images/ as they are
    (html / "index.html").write_text("""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>gankit · GAN course</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<script>
  var zh = (navigator.languages || [navigator.language || ""]).some(function (l) { return /^zh/i.test(l); });
  if (!/[?&]stay\\b/.test(location.search)) location.replace(zh ? "zh/index.html" : "en/index.html");
</script></head>
<body style="font-family: sans-serif; margin: 3rem;">
<h1>gankit</h1>
<p><a href="zh/index.html" lang="zh">中文：生成对抗网络课程</a></p>
<p><a href="en/index.html" lang="en">English: a GAN course</a></p>
</body></html>
""", encoding="utf-8")


def mathjax(html):
    """MathJax 3, shipped by the sphinx-mathjax-offline wheel, copied once beside both sites."""
    import importlib.util

    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or not spec.origin:
        raise SystemExit("MathJax not found: pip install -r requirements.txt (sphinx-mathjax-offline)")
    static = pathlib.Path(spec.origin).parent / "static" / "mathjax"
    target = html / "_mathjax"
    if not (target / "tex-chtml.js").exists():
        keep = ("tex-chtml.js", "input", "output/chtml", "ui", "a11y", "sre", "adaptors")
        shutil.copytree(static, target, ignore=lambda d, names: [
            n for n in names if pathlib.Path(d, n).relative_to(static).as_posix().split("/")[0] not in
            {k.split("/")[0] for k in keep}])
    return target


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--execute", choices=("quick", "full", "cache"), default="quick",
                        help="quick: execute in quick mode (CI); full: execute in full mode; cache: no execution, "
                             "the outputs stored by earlier builds (full mode first, then quick)")
    parser.add_argument("--lang", nargs="+", choices=LANGS, default=list(LANGS))
    parser.add_argument("--lessons", nargs="+", metavar="N", help="only these lessons (numbers)")
    parser.add_argument("--out", default=str(SITE / "_build"), help="build folder (default site/_build)")
    parser.add_argument("--cache-dir", default=str(SITE / "_cache"),
                        help="jupyter-cache folders, one per mode and language (default site/_cache)")
    parser.add_argument("--timeout", type=int, default=None,
                        help="seconds per cell (default: 1200 in quick mode, none in full mode)")
    parser.add_argument("--serial", action="store_true", help="build the languages one after the other")
    args = parser.parse_args(argv)

    out = pathlib.Path(args.out).resolve()
    cache_root = pathlib.Path(args.cache_dir).resolve()
    sources = lesson_sources(args.lessons)
    if not sources:
        parser.error(f"no lesson matches {args.lessons}")
    src, html, logs = out / "src", out / "html", out / "logs"
    for folder in (src, html, logs):
        folder.mkdir(parents=True, exist_ok=True)
    # the lessons' own links to ../assets/ and the reference figures resolve to src/assets
    if (src / "assets").exists():
        shutil.rmtree(src / "assets")
    shutil.copytree(ROOT / "assets", src / "assets", ignore=shutil.ignore_patterns("*.json", "classifiers"))
    mathjax(html)
    root_page(html)

    start = time.time()
    jobs = []
    for lang in args.lang:
        write_sources(lang, sources, args.execute, cache_root, src)
        env = dict(os.environ)
        env.pop("GANKIT_VERBOSE", None)  # TensorFlow's start-up lines stay out of the pages
        env.update(GANKIT_SITE_LANG=lang, GANKIT_LANG=lang, TF_CPP_MIN_LOG_LEVEL=env.get("TF_CPP_MIN_LOG_LEVEL", "2"),
                   PYTHONUNBUFFERED="1")
        env.setdefault("GANKIT_RUNS", str(out / "runs"))
        startup = out / "ipython" / lang / "profile_default" / "startup"
        startup.mkdir(parents=True, exist_ok=True)
        shutil.copy(SITE / "ipython_startup" / "00_text_progress.py", startup)
        env["IPYTHONDIR"] = str(out / "ipython" / lang)
        if args.execute == "cache":
            env["GANKIT_SITE_EXECUTION"] = "off"
        else:
            env["GANKIT_SITE_EXECUTION"] = "cache"
            env["GANKIT_SITE_CACHE"] = str(cache_root / args.execute / lang)
            env["GANKIT_QUICK"] = "1" if args.execute == "quick" else "0"
            env["GANKIT_SITE_TIMEOUT"] = str(args.timeout if args.timeout is not None else
                                             (1200 if args.execute == "quick" else -1))
        # each language in its own folder (MyST-NB writes executed notebooks beside its output folder), copied
        # to html/<lang> once built, so the two sites are siblings and link to each other with ../<lang>/
        command = [sys.executable, "-m", "sphinx", "-b", "html", "-c", str(SITE), "-d", str(out / "sphinx" / lang / "doctrees"),
                   "--keep-going", str(src / lang), str(out / "sphinx" / lang / "html")]
        log = (logs / f"sphinx-{lang}.log").open("w", encoding="utf-8")
        print(f"[{lang}] sphinx-build ({args.execute}) -> {html / lang}   log: {log.name}", flush=True)
        jobs.append((lang, subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT), log))
        if args.serial:
            jobs[-1][1].wait()

    failed = []
    for lang, process, log in jobs:
        code = process.wait()
        log.close()
        text = pathlib.Path(log.name).read_text(encoding="utf-8", errors="replace")
        for line in text.splitlines():
            if re.search(r"Executed notebook|Executing notebook failed|Using cached notebook", line):
                print(f"[{lang}] {line.strip()}")
        warnings = [line for line in text.splitlines() if "WARNING" in line or "ERROR" in line]
        print(f"[{lang}] sphinx exit {code}, {len(warnings)} warnings/errors")
        if code != 0:
            failed.append(lang)
            print("\n".join(text.splitlines()[-80:]))
            continue
        if (html / lang).exists():
            shutil.rmtree(html / lang)
        shutil.copytree(out / "sphinx" / lang / "html", html / lang)
    summary = {"execute": args.execute, "langs": args.lang, "lessons": [s.stem for s in sources],
               "seconds": round(time.time() - start, 1), "failed": failed}
    (out / "build.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print(f"built in {summary['seconds']} s: open {html / 'index.html'}" if not failed else
          f"FAILED ({', '.join(failed)}) after {summary['seconds']} s; logs in {logs}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
