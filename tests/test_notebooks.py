"""The notebooks are generated from ``lessons/`` and complete in both languages.

(Executing the notebooks is the website build's job, in ``tests/test_site.py``; ``pytest notebooks/`` runs them with
nbval. These checks are static.)
"""

import json
import pathlib
import re
import subprocess
import sys

import jupytext
import pytest

REPO = pathlib.Path(__file__).resolve().parents[1]
SOURCES = sorted((REPO / "lessons").glob("[0-9][0-9]_*.py"))
CJK = re.compile(r"[\u4e00-\u9fff]")
FIRST_CELL = """import pathlib, sys
_root = next((p for p in [pathlib.Path.cwd(), *pathlib.Path.cwd().parents] if (p / "gankit").is_dir()), None)
if _root and str(_root) not in sys.path:
    sys.path.insert(0, str(_root))
from gankit.lesson import Lesson
L = Lesson({n})"""

per_lesson = pytest.mark.parametrize(
    "source", SOURCES or [pytest.param(None, marks=pytest.mark.skip(reason="no lesson in lessons/ yet"))],
    ids=lambda p: p.stem if p else "none")


def notebook(lang, source):
    path = REPO / "notebooks" / lang / f"{source.stem}.ipynb"
    assert path.is_file(), f"{path.relative_to(REPO)} is missing: run python tools/build_notebooks.py"
    return json.loads(path.read_text(encoding="utf-8"))


def test_notebooks_are_up_to_date():
    result = subprocess.run([sys.executable, "tools/build_notebooks.py", "--check"], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_notebook_without_a_source():
    stems = {s.stem for s in SOURCES}
    for lang in ("zh", "en"):
        orphans = [p.name for p in (REPO / "notebooks" / lang).glob("*.ipynb") if p.stem not in stems]
        assert not orphans, f"notebooks/{lang} has notebooks with no lessons/ source: {orphans}"


@per_lesson
def test_both_languages_exist_and_are_complete(source):
    zh, en = notebook("zh", source), notebook("en", source)
    assert zh["metadata"]["gankit"]["lang"] == "zh" and en["metadata"]["gankit"]["lang"] == "en"
    md = {lang: [c for c in nb["cells"] if c["cell_type"] == "markdown"] for lang, nb in (("zh", zh), ("en", en))}
    assert len(md["zh"]) == len(md["en"]) > 0, (
        f"{source.name}: {len(md['zh'])} Chinese markdown cells but {len(md['en'])} English ones")
    # code cells are shared: the same in both notebooks
    code = {lang: ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
            for lang, nb in (("zh", zh), ("en", en))}
    assert code["zh"] == code["en"]


@per_lesson
def test_markdown_cells_come_in_zh_en_pairs(source):
    cells = jupytext.read(source, fmt="py:percent").cells
    markdown = [c for c in cells if c.cell_type == "markdown"]
    untagged = [c.source[:60] for c in markdown if c.metadata.get("lang") not in ("zh", "en")]
    assert not untagged, f"{source.name}: markdown cells without lang=\"zh\"/\"en\": {untagged}"
    for cell in markdown:
        if cell.metadata["lang"] == "zh":
            assert CJK.search(cell.source), f"{source.name}: a lang=\"zh\" cell has no Chinese: {cell.source[:80]!r}"
    # each run of markdown between code cells alternates zh, en, zh, en ...
    run = []
    for cell in cells + [None]:
        if cell is not None and cell.cell_type == "markdown":
            run.append(cell.metadata["lang"])
            continue
        assert run == ["zh", "en"] * (len(run) // 2), (
            f"{source.name}: markdown cells before a code cell are {run}, not zh/en pairs (Chinese first)")
        run = []


@per_lesson
def test_lesson_opens_and_closes_as_required(source):
    number = int(source.stem[:2])
    code = [c.source.strip() for c in jupytext.read(source, fmt="py:percent").cells if c.cell_type == "code"]
    first, _, needs = code[0].partition("\nL.needs(")
    assert first == FIRST_CELL.format(n=number), f"{source.name}: the first code cell is not the standard one"
    if number:  # every lesson that trains checks its datasets before its first section
        assert needs and "\n" not in needs, f"{source.name}: the first code cell must end with L.needs(<datasets>)"
    assert code[-1] == "L.summary()", f"{source.name}: the last code cell must be L.summary()"
