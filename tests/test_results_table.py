"""tools/results_table.py: full-mode summaries -> assets/results.json -> the READMEs' table."""

import importlib.util
import json
import pathlib

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("results_table", REPO / "tools" / "results_table.py")
results_table = importlib.util.module_from_spec(spec)
spec.loader.exec_module(results_table)

README = "# gankit\n\nintro\n\n<!-- results:start -->\nold table\n<!-- results:end -->\n\n## Data\nkept\n"


def write_summary(folder, mode="full", lesson=2, **results):
    folder.mkdir(parents=True)
    path = folder / "summary.json"
    path.write_text(json.dumps({"lesson": lesson, "mode": mode, "seconds": 60.0, "results": results,
                                "machine": "Linux x86_64, 2 CPU cores", "files": []}), encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "README.md").write_text(README, encoding="utf-8")
    (tmp_path / "README_cn.md").write_text(README.replace("intro", "简介"), encoding="utf-8")
    return tmp_path


def run(repo, *summaries):
    return results_table.main([*map(str, summaries), "--results", str(repo / "results.json"),
                               "--readme", str(repo / "README.md"), "--readme-zh", str(repo / "README_cn.md")])


def test_rows_of_a_summary():
    summary = {"lesson": 2, "mode": "full", "machine": "m", "results": {
        "eval.DCGAN.fashion_mnist.minutes": 18.5, "eval.DCGAN.fashion_mnist.fid": 12.25,
        "eval.DCGAN.fashion_mnist.recall": 0.4, "dcgan.d_loss": 0.7, "eval.bad": 1}}
    (row,) = results_table.rows_of(summary, source="lesson02-x")
    assert row == {"lesson": 2, "model": "DCGAN", "dataset": "fashion_mnist", "minutes": 18.5,
                   "metrics": {"fid": 12.25, "recall": 0.4}, "machine": "m", "run": "lesson02-x"}
    assert results_table.rows_of({**summary, "mode": "quick"}) == []


def test_table_rows_and_readme_markers(repo):
    summary = write_summary(repo / "runs" / "lesson02-20260101-000000", **{
        "eval.DCGAN.fashion_mnist.minutes": 18.46, "eval.DCGAN.fashion_mnist.fid": 12.345,
        "eval.DCGAN.fashion_mnist.fid_real": 1.5, "eval.DCGAN.fashion_mnist.classifier_score": 7.0,
        "eval.GAN.ring.modes": 8})
    write_summary(repo / "runs" / "lesson02-20260101-000001", mode="quick", **{"eval.DCGAN.mnist.fid": 99.0})
    assert run(repo, repo / "runs" / "*" / "summary.json") == 0
    text = (repo / "README.md").read_text(encoding="utf-8")
    assert "old table" not in text
    assert text.startswith("# gankit\n\nintro\n\n<!-- results:start -->\n| lesson | model |")
    assert text.endswith("<!-- results:end -->\n\n## Data\nkept\n")
    assert ("| 2 | DCGAN | fashion_mnist | 18.5 | classifier FID 12.3 (real data 1.5) · classifier score 7.00 "
            "| Linux x86_64, 2 CPU cores |") in text
    assert "| 2 | GAN | ring | – | modes 8/8 |" in text
    assert "mnist | " not in text.replace("fashion_mnist", "")  # the quick run is not a row
    zh = (repo / "README_cn.md").read_text(encoding="utf-8")
    assert "| 课 | 模型 | 数据集 |" in zh and "分类器 FID 12.3 (真实数据 1.5)" in zh and "简介" in zh
    stored = json.loads((repo / "results.json").read_text(encoding="utf-8"))
    assert sorted(stored["rows"]) == ["02/DCGAN/fashion_mnist", "02/GAN/ring"]
    assert stored["rows"]["02/DCGAN/fashion_mnist"]["run"] == summary.parent.name


def test_a_new_run_replaces_its_row_and_keeps_the_others(repo):
    first = write_summary(repo / "a" / "lesson02-1", **{"eval.DCGAN.fashion_mnist.fid": 30.0,
                                                        "eval.DCGAN.mnist.fid": 20.0})
    assert run(repo, first) == 0
    second = write_summary(repo / "b" / "lesson02-2", **{"eval.DCGAN.fashion_mnist.fid": 10.0})
    assert run(repo, second) == 0  # only the new summary is given: the mnist row must survive
    rows = json.loads((repo / "results.json").read_text(encoding="utf-8"))["rows"]
    assert rows["02/DCGAN/fashion_mnist"]["metrics"]["fid"] == 10.0
    assert rows["02/DCGAN/mnist"]["metrics"]["fid"] == 20.0
    text = (repo / "README.md").read_text(encoding="utf-8")
    assert "classifier FID 10.0" in text and "classifier FID 30.0" not in text and "classifier FID 20.0" in text
    assert text.count("<!-- results:start -->") == 1 and text.count("<!-- results:end -->") == 1


def test_no_rows_gives_a_hint(repo):
    assert run(repo, write_summary(repo / "q" / "x", mode="quick")) == 0
    assert "No full-mode run recorded yet" in (repo / "README.md").read_text(encoding="utf-8")
    assert "还没有完整模式的运行记录" in (repo / "README_cn.md").read_text(encoding="utf-8")


def test_missing_markers_fail_clearly_and_write_nothing(repo, capsys):
    (repo / "README_cn.md").write_text("no markers here\n", encoding="utf-8")
    summary = write_summary(repo / "r" / "x", **{"eval.DCGAN.mnist.fid": 5.0})
    assert run(repo, summary) == 2
    assert "must hold the markers" in capsys.readouterr().err
    assert "old table" in (repo / "README.md").read_text(encoding="utf-8")
    assert not (repo / "results.json").exists()


def test_lesson_record_metrics_writes_the_convention(tmp_path, monkeypatch):
    monkeypatch.setenv("GANKIT_RUN_DIR", str(tmp_path / "run"))
    monkeypatch.delenv("GANKIT_QUICK", raising=False)
    from gankit.lesson import Lesson

    lesson = Lesson(2)
    lesson.record_metrics("DCGAN", "fashion_mnist", minutes=3.0, fid=12.0)
    with pytest.raises(ValueError, match="may not contain"):
        lesson.record_metrics("DC.GAN", "mnist", fid=1.0)
    summary = lesson.summary()
    assert summary["mode"] == "full" and "CPU cores" in summary["machine"]
    (row,) = results_table.rows_of(summary)
    assert row["minutes"] == 3.0 and row["metrics"] == {"fid": 12.0}


def test_a_lesson_without_eval_keys_gives_one_row_from_its_own_records():
    summary = {"lesson": 4, "mode": "full", "title": "ACGAN: auxiliary classifier GAN", "machine": "m",
               "results": {"dataset": "mnist", "train_seconds": 330.0, "conditional_accuracy": 0.936,
                           "acgan.d_loss": 1.1}}
    (row,) = results_table.rows_of(summary)
    assert (row["model"], row["dataset"], row["minutes"]) == ("ACGAN", "mnist", 5.5)
    assert row["metrics"] == {"conditional_accuracy": 0.936}
    assert "conditional accuracy 93.6%" in results_table.format_metrics(row["metrics"], "en")
    assert results_table.model_name("Conditional GAN (CGAN)") == "CGAN"
    assert results_table.rows_of({**summary, "results": {"acgan.d_loss": 1.1}}) == []


def test_benchmark_tables_go_between_their_markers_in_both_readmes(tmp_path):
    spec = importlib.util.spec_from_file_location("train_step_bench", REPO / "benchmarks" / "train_step.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = {"machine": "2-core Test CPU", "tensorflow": "2.x", "keras": "3.x", "peak_matmul_gflops": 80.0,
              "peak_conv_gflops": 40.0, "steps": 20, "repeats": 3,
              "rows": [{"model": "DCGAN", "batch": 128, "images_per_s": {"gankit": 1200.0, "plain": 1000.0},
                        "ratio": 1.2, "xla_speedup": 0.9, "gflops": 26.0}]}
    for name in ("README.md", "README_cn.md"):
        (tmp_path / name).write_text("intro\n<!-- benchmark:start -->\nold\n<!-- benchmark:end -->\nkept\n",
                                     encoding="utf-8")
    bench.write_readmes(result, repo=tmp_path)
    en, zh = ((tmp_path / n).read_text(encoding="utf-8") for n in ("README.md", "README_cn.md"))
    assert "old" not in en and en.startswith("intro\n") and en.endswith("<!-- benchmark:end -->\nkept\n")
    assert "| DCGAN | 128 | 1200 | 1000 | 1.20× | 0.90× | – | 26.0 | 65% |" in en
    assert "2-core Test CPU" in en and "conv 40 GFLOP/s" in en
    assert "| DCGAN | 128 | 1200 | 1000 | 1.20× |" in zh and "批大小" in zh and "卷积 40 GFLOP/s" in zh
    (tmp_path / "README_cn.md").write_text("no markers\n", encoding="utf-8")
    with pytest.raises(Exception, match="README_cn.md must hold the markers <!-- benchmark:start -->") as err:
        bench.write_readmes(result, repo=tmp_path)
    assert type(err.value).__name__ == "ResultsError"


def test_benchmark_rows_from_several_processes_are_medians_with_the_ratio_range():
    spec = importlib.util.spec_from_file_location("train_step_bench", REPO / "benchmarks" / "train_step.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)

    def row(gankit, plain, xla, bf16):
        return {"model": "DCGAN", "batch": 128, "images_per_step": 128, "gflop_per_step": 26.0,
                "images_per_s": {"gankit": gankit, "plain": plain}, "ratio": gankit / plain, "xla_speedup": xla,
                "bf16_speedup": bf16}

    combined = bench.combine_processes([row(1800, 1800, 0.8, 1.2), row(1000, 1600, 0.7, 1.3),
                                        row(1830, 1760, 0.9, 1.1)])
    assert combined["images_per_s"] == {"gankit": 1800.0, "plain": 1760.0}
    assert combined["ratio"] == pytest.approx(1.0)                      # median of 1.0, 0.625, 1.0398
    assert combined["ratio_range"] == pytest.approx([0.625, 1830 / 1760])
    assert combined["xla_speedup"] == pytest.approx(0.8) and combined["processes"] == 3
    assert combined["bf16_speedup"] == pytest.approx(1.2)
    assert combined["gflops"] == pytest.approx(26.0 * 1800 / 128)
    result = {"machine": "m", "tensorflow": "2.x", "keras": "3.x", "peak_matmul_gflops": 500.0,
              "peak_conv_gflops": 500.0, "rows": [combined]}
    en, zh = bench.bench_table(result, "en"), bench.bench_table(result, "zh")
    assert "| 1.00× (0.62–1.04) | 0.80× | 1.20× |" in en and "median over 3 fresh processes" in en
    assert "| 1.00× (0.62–1.04) |" in zh and "3 个新进程" in zh


def test_benchmark_rows_in_bfloat16_are_measured_against_the_bfloat16_peak():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench", REPO / "benchmarks" / "train_step.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    row = {"model": "DCGAN", "batch": 128, "images_per_step": 128, "gflops": 400.0,
           "images_per_s": {"gankit": 2000.0, "plain": 1600.0}, "ratio": 1.25}
    result = {"machine": "m", "tensorflow": "2.x", "keras": "3.x", "peak_matmul_gflops": 500.0,
              "peak_conv_gflops": 500.0, "peak_matmul_gflops_bf16": 900.0, "peak_conv_gflops_bf16": 1000.0,
              "rows": [row, {**row, "model": "WGAN", "precision": "mixed_bfloat16", "bf16_speedup": 1.2}]}
    en, zh = bench.bench_table(result, "en"), bench.bench_table(result, "zh")
    assert "| DCGAN | 128 | 2000 | 1600 | 1.25× | – | – | 400.0 | 80% |" in en      # float32: of 500
    assert "| WGAN | 128 | 2000 | 1600 | 1.25× | – | 1.20× | 400.0 | 40% |" in en   # bfloat16: of 1000
    assert "in bfloat16 matmul 900, conv 1000 GFLOP/s" in en and "bfloat16 下矩阵乘法 900、卷积 1000" in zh
