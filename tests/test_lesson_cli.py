"""``python -m gankit.lesson``: the listing, one-paragraph usage errors (exit 2), fresh run
folders, and a real quick run of lesson 0."""

import json
import os
import pathlib
import re
import subprocess
import sys

import pytest

from gankit import lesson as course

REPO = pathlib.Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")


def run_cli(*args, timeout=60, env=None):
    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    return subprocess.run([sys.executable, "-m", "gankit.lesson", *args], cwd=REPO, env=full_env,
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout)


def test_catalogue_has_eleven_bilingual_lessons():
    assert sorted(course.CATALOGUE) == list(range(11))
    for zh, en in course.CATALOGUE.values():
        assert CJK.search(zh), zh
        assert en and not CJK.search(en), en


def test_no_arguments_lists_every_lesson_in_both_languages():
    result = run_cli()
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "" or "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    for number, (zh, en) in course.CATALOGUE.items():
        row = [line for line in lines if re.match(rf"\s*[ ·]?\s*{number}\s", line)]
        assert len(row) == 1, f"lesson {number} is listed {len(row)} times"
        assert zh in row[0] and en in row[0]
        written = course.lesson_source(number) is not None
        assert ("coming" in row[0]) != written


def test_help_exits_zero():
    result = run_cli("--help")
    assert result.returncode == 0
    assert "--quick" in result.stdout and "--lang" in result.stdout


def _unwritten():
    missing = [n for n in course.CATALOGUE if course.lesson_source(n) is None]
    return missing[-1] if missing else None


BAD_ARGUMENTS = [
    pytest.param(["99"], "99", id="unknown-lesson"),
    pytest.param(["-1"], None, id="negative"),
    pytest.param(["two"], "two", id="not-a-number"),
    pytest.param(["0", "--bogus"], "--bogus", id="unknown-flag"),
    pytest.param(["0", "--lang", "fr"], "fr", id="lang-fr"),
    pytest.param(["0", "--epochs", "0"], "--epochs", id="epochs-0"),
    pytest.param(["0", "--epochs", "many"], "many", id="epochs-not-a-number"),
    pytest.param(["0", "1"], None, id="two-lessons"),
]


def _check_usage_error(result, mentions):
    assert result.returncode == 2, (result.returncode, result.stderr)
    err = result.stderr.strip()
    assert err.startswith("gankit.lesson:")
    assert "Traceback" not in err and result.stdout.strip() == ""
    assert "\n\n" not in err, "one paragraph"
    assert len(err.splitlines()) <= 3
    assert "python -m gankit.lesson" in err
    if mentions:
        assert mentions in err
    if course.available():  # the valid lessons are listed
        assert ", ".join(str(n) for n in course.available()) in err


@pytest.mark.parametrize("args, mentions", BAD_ARGUMENTS)
def test_bad_input_gets_one_paragraph_and_exit_2(args, mentions):
    _check_usage_error(run_cli(*args), mentions)


def test_out_naming_an_existing_file_is_a_usage_error_not_a_traceback(tmp_path):
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("x")
    _check_usage_error(run_cli("2", "--quick", "--out", str(not_a_folder)), "is a file")


def test_a_lesson_not_written_yet_is_a_usage_error():
    number = _unwritten()
    if number is None:
        pytest.skip("every lesson is written: no unwritten lesson to ask for")
    result = run_cli(str(number), "--quick")
    _check_usage_error(result, "not written yet")
    assert course.CATALOGUE[number][1] in result.stderr


def test_new_run_dir_never_reuses_a_folder(tmp_path):
    first = course.new_run_dir(3, root=tmp_path)
    second = course.new_run_dir(3, root=tmp_path)        # within the same second: same time stamp
    third = course.new_run_dir(3, root=tmp_path)
    assert len({first, second, third}) == 3
    for path in (first, second, third):
        assert path.is_dir() and path.parent == tmp_path and path.name.startswith("lesson03-")
        assert list(path.iterdir()) == []                # brand new, empty


def test_run_dir_defaults_to_gankit_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("GANKIT_RUNS", str(tmp_path / "runs"))
    path = course.new_run_dir(7)
    assert path.parent == tmp_path / "runs" and path.name.startswith("lesson07-")


def test_lesson_context_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("GANKIT_RUN_DIR", str(tmp_path / "run"))
    monkeypatch.setenv("GANKIT_QUICK", "1")
    monkeypatch.delenv("GANKIT_EPOCHS", raising=False)
    L = course.Lesson(1, lang="zh")
    assert L.out == tmp_path / "run" and L.out.is_dir()
    assert L.quick and L.pick(full=100, quick=2) == 2 and L.epochs(50, 1) == 1
    assert L.t(zh="生成器", en="generator") == "生成器"
    monkeypatch.setenv("GANKIT_EPOCHS", "4")
    assert L.epochs(50, 1) == 4
    monkeypatch.setenv("GANKIT_QUICK", "0")
    assert not course.Lesson(1, lang="en").quick
    L.record(loss=1.5, name="x")
    summary = L.summary()
    assert summary["results"] == {"loss": 1.5, "name": "x"}
    assert json.loads((L.out / "summary.json").read_text(encoding="utf-8"))["lesson"] == 1


@pytest.mark.skipif(course.lesson_source(0) is None, reason="lessons/00_*.py is not written yet")
def test_lesson_0_runs_in_quick_mode(tmp_path):
    result = run_cli("0", "--quick", "--lang", "en", "--out", str(tmp_path), timeout=300,
                     env={"GANKIT_QUICK": "1"})
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    runs = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert len(runs) == 1 and runs[0].name.startswith("lesson00-")
    summary = json.loads((runs[0] / "summary.json").read_text(encoding="utf-8"))
    assert summary["lesson"] == 0 and summary["mode"] == "quick"
    pngs = list(runs[0].rglob("*.png"))
    assert pngs, "lesson 0 saved no picture"
    assert {p.name for p in pngs} <= set(summary["files"])
    assert str(runs[0]) in result.stdout          # the closing summary says where the files are


def test_dataset_choice_from_the_command_line(tmp_path, monkeypatch):
    """``--dataset`` reaches the lesson as GANKIT_DATASET; a name the lesson does not offer is a
    DatasetError (which the runner turns into one paragraph and exit code 2)."""
    from gankit.data import DatasetError
    from gankit.lesson import runner

    monkeypatch.setenv("GANKIT_RUN_DIR", str(tmp_path / "run"))
    monkeypatch.delenv("GANKIT_DATASET", raising=False)
    assert runner.parse(["3", "--dataset", "fashion_mnist"]).dataset == "fashion_mnist"
    L = course.Lesson(3)
    assert L.dataset("mnist", choices=("mnist", "fashion_mnist")) == "mnist"
    monkeypatch.setenv("GANKIT_DATASET", "fashion_mnist")
    assert L.dataset("mnist", choices=("mnist", "fashion_mnist")) == "fashion_mnist"
    monkeypatch.setenv("GANKIT_DATASET", "cifar10")
    with pytest.raises(DatasetError, match="cifar10") as err:
        L.dataset("mnist", choices=("mnist", "fashion_mnist"))
    assert "--dataset mnist" in str(err.value)
    key = runner.run_key(3, True, "en", None, None, "default", None, "fashion_mnist")
    assert key["dataset"] == "fashion_mnist"


def test_a_lesson_checks_its_data_before_its_first_section(tmp_path, monkeypatch):
    from gankit.data import DatasetNotFoundError
    from gankit.data import sources

    monkeypatch.setenv("GANKIT_RUNS", str(tmp_path))
    monkeypatch.setenv("GANKIT_DATA", str(tmp_path / "empty"))
    monkeypatch.setenv("GANKIT_OFFLINE", "1")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(sources, "DEBIAN_DATASETS", tmp_path / "no-debian")
    monkeypatch.setattr(sources, "REPO", tmp_path)
    lesson = course.Lesson(1, lang="en")
    lesson.needs("gaussian_1d")                      # a set made on the fly is always there
    with pytest.raises(DatasetNotFoundError) as err:
        lesson.needs("gaussian_1d", "mnist")
    assert "python -m gankit.data get mnist" in str(err.value)


def test_a_test_that_needs_a_missing_dataset_is_skipped_or_failed_on_request(tmp_path):
    """``helpers.missing_data``: one line naming the dataset and the command; a failure under
    GANKIT_REQUIRE_DATA=1, as in CI."""
    test = tmp_path / "test_needs.py"
    test.write_text("from helpers import missing_data\n\ndef test_it():\n    missing_data('mnist')\n")
    env = {**os.environ, "GANKIT_DATA": str(tmp_path / "none"), "KERAS_HOME": str(tmp_path / "keras"),
           "PYTHONPATH": str(REPO / "tests")}
    env.pop("GANKIT_REQUIRE_DATA", None)
    command = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", str(test)]
    if any(pathlib.Path("/usr/share/datasets/mnist").glob("*")):
        pytest.skip("this machine has MNIST from Debian: nothing is missing")
    skipped = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert "1 skipped" in skipped.stdout and "python -m gankit.data get mnist" in skipped.stdout, skipped.stdout
    env["GANKIT_REQUIRE_DATA"] = "1"
    failed = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert failed.returncode == 1 and "GANKIT_REQUIRE_DATA is set" in failed.stdout, failed.stdout


def test_a_lesson_says_how_long_its_last_run_on_this_kind_of_machine_took(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GANKIT_RUNS", str(tmp_path))
    monkeypatch.delenv("GANKIT_RUN_DIR", raising=False)
    first = course.Lesson(0, lang="en")
    first.summary()                                          # a finished quick run of lesson 0
    data = json.loads((first.out / "summary.json").read_text())
    data["seconds"] = 42.0
    (first.out / "summary.json").write_text(json.dumps(data))
    other = tmp_path / "lesson00-19990101-000000"            # another machine's run: not an estimate here
    other.mkdir()
    (other / "summary.json").write_text(json.dumps({**data, "machine": "elsewhere", "seconds": 999.0}))
    capsys.readouterr()
    course.Lesson(0, lang="en")
    assert "the last quick-mode run of this lesson on this machine took 42 s" in capsys.readouterr().out
