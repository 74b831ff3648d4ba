"""Generate ``notebooks/{zh,en}/NN_name.ipynb`` from the single sources in ``lessons/``.

    python tools/build_notebooks.py           # write the notebooks
    python tools/build_notebooks.py --check   # exit 1 if any notebook is stale

Each lesson source is a jupytext percent script; markdown cells tagged ``lang="zh"`` go
to the Chinese notebook, ``lang="en"`` to the English one, code cells to both.
"""

import argparse
import pathlib
import sys

import jupytext
import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


def build(source, lang):
    notebook = jupytext.read(source, fmt="py:percent")
    cells = []
    for cell in notebook.cells:
        cell_lang = cell.metadata.pop("lang", None)
        if cell.cell_type == "markdown" and cell_lang not in (None, lang):
            continue
        cell.metadata.pop("lines_to_next_cell", None)
        cells.append(cell)
    notebook.cells = cells
    notebook.metadata = {"kernelspec": KERNEL, "language_info": {"name": "python"}, "gankit": {"lang": lang}}
    for i, cell in enumerate(notebook.cells):
        cell["id"] = f"{source.stem[:2]}-{lang}-{i:03d}"
    return nbformat.writes(notebook) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    stale = []
    for source in sorted((ROOT / "lessons").glob("[0-9][0-9]_*.py")):
        for lang in ("zh", "en"):
            target = ROOT / "notebooks" / lang / f"{source.stem}.ipynb"
            text = build(source, lang)
            if target.exists() and target.read_text(encoding="utf-8") == text:
                continue
            if args.check:
                stale.append(str(target.relative_to(ROOT)))
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
                print(f"wrote {target.relative_to(ROOT)}")
    if stale:
        print("stale notebooks (run python tools/build_notebooks.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
