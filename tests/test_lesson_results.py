"""tools/lesson_results.py: a full-mode run's figures and numbers land in assets/ and in the lesson."""

import json
import pathlib
import shutil
import sys

import numpy as np
from PIL import Image

REPO = pathlib.Path(__file__).resolve().parents[1]


def test_a_full_run_is_copied_into_the_lesson_and_a_second_run_replaces_it(tmp_path, monkeypatch):
    sys.path.insert(0, str(REPO / "tools"))
    import lesson_results

    repo = tmp_path / "repo"
    (repo / "lessons").mkdir(parents=True)
    lesson = repo / "lessons" / "01_gan.py"
    shutil.copy(REPO / "lessons" / "01_gan.py", lesson)
    monkeypatch.setattr(lesson_results, "REPO", repo)
    monkeypatch.setattr(lesson_results, "ASSETS", repo / "assets" / "lessons")
    run = tmp_path / "lesson01-x"
    run.mkdir()
    Image.fromarray(np.zeros((900, 300, 3), "uint8")).save(run / "mnist_final.png")
    summary = {"lesson": 1, "mode": "full", "seconds": 480.0, "machine": "Linux x86_64, 2 CPU cores (AVX2)",
               "results": {"eval.GAN (MLP).mnist.fid": 21.5, "eval.GAN (MLP).mnist.minutes": 2.04, "gan.d_loss": 1.0}}
    (run / "summary.json").write_text(json.dumps(summary))
    assert lesson_results.main([str(run), "--no-build"]) == 0
    text = lesson.read_text(encoding="utf-8")
    assert "![digits generated at the end of training](../../assets/lessons/01/mnist_final.png)" in text
    # the READMEs' labels in each language, the training minutes in a column of their own
    assert "| GAN (MLP) | mnist | 2.0 min | classifier FID 21.5 |" in text
    assert "| GAN (MLP) | mnist | 2.0 分钟 | 分类器 FID 21.5 |" in text
    assert "(AVX2), 8 minutes in all" in text and "共 8 分钟" in text
    assert max(Image.open(repo / "assets/lessons/01/mnist_final.png").size) == lesson_results.MAX_SIDE
    summary["seconds"] = 600.0                      # a later run replaces the cells, never adds a second pair
    (run / "summary.json").write_text(json.dumps(summary))
    assert lesson_results.main([str(run), "--no-build"]) == 0
    text = lesson.read_text(encoding="utf-8")
    assert text.count("full-mode-results:start") == 1 and "(AVX2), 10 minutes in all" in text
    assert "(AVX2), 8 minutes in all" not in text
    import jupytext
    cells = jupytext.read(lesson, fmt="py:percent").cells
    marked = [c for c in cells if "full-mode-results" in c.source]
    assert [c.cell_type for c in marked] == ["markdown", "markdown"]
    # --refresh rebuilds the cells from results.json alone, exactly as the run made them
    made = lesson.read_text(encoding="utf-8")
    lesson.write_text(made.replace("10 minutes in all", "edited by hand"), encoding="utf-8")
    assert lesson_results.main(["--refresh", "1", "--no-build"]) == 0
    assert lesson.read_text(encoding="utf-8") == made
    quick = {**summary, "mode": "quick"}
    (run / "summary.json").write_text(json.dumps(quick))
    assert lesson_results.main([str(run), "--no-build"]) == 2
