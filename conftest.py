"""Test-wide settings: quick mode for every notebook, run folders in a temporary place, no network."""

import os
import tempfile

os.environ.setdefault("GANKIT_QUICK", "1")
os.environ.setdefault("GANKIT_OFFLINE", "1")
os.environ.setdefault("GANKIT_VERBOSE", "1")  # keep fd 2 as pytest captures it (test_resilience checks the filter)
os.environ.setdefault("GANKIT_RUNS", tempfile.mkdtemp(prefix="gankit-test-runs-"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def lesson_datasets(number, quick_mode=True):
    """The datasets lesson ``number`` checks first (its ``L.needs(...)`` line), as the tests run it:
    the arguments evaluated with a stand-in ``L`` whose ``pick`` gives the quick value and whose
    ``dataset`` gives ``GANKIT_DATASET`` or the lesson's default."""
    import ast
    import pathlib

    source = next(iter(sorted((pathlib.Path(__file__).parent / "lessons").glob(f"{number:02d}_*.py"))), None)
    if source is None:
        return ()
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.startswith("L.needs("):
            call = ast.parse(line.split("  #")[0]).body[0].value

            class Stand:
                def pick(self, full, quick):  # noqa: F811 - the name Lesson.pick uses
                    return quick if quick_mode else full

                def dataset(self, default, choices=None):
                    return os.environ.get("GANKIT_DATASET") or default

            return tuple(eval(compile(ast.Expression(a), str(source), "eval"), {"L": Stand()}) for a in call.args)
    return ()


def pytest_collection_modifyitems(config, items):
    """A lesson notebook whose datasets this machine lacks is skipped with one line naming them and
    the command that gets them; with ``GANKIT_REQUIRE_DATA=1`` (``.ci/run``) it runs and fails."""
    import pytest

    if os.environ.get("GANKIT_REQUIRE_DATA", "") not in ("", "0"):
        return
    missing = {}
    for item in items:
        path = str(getattr(item, "path", getattr(item, "fspath", "")))
        if not path.endswith(".ipynb"):
            continue
        name = os.path.basename(path)
        if name[:2].isdigit() and name not in missing:
            from gankit import data

            missing[name] = [d for d in lesson_datasets(int(name[:2])) if data.locate(d) is None]
        if missing.get(name):
            names = ", ".join(missing[name])
            item.add_marker(pytest.mark.skip(reason=f"needs {names}: python -m gankit.data get "
                                                    f"{' '.join(missing[name])} (or set GANKIT_DATA)"))
