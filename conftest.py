"""Test-wide settings: quick mode for every notebook, run folders in a temporary place, no network."""

import os
import tempfile

os.environ.setdefault("GANKIT_QUICK", "1")
os.environ.setdefault("GANKIT_OFFLINE", "1")
os.environ.setdefault("GANKIT_VERBOSE", "1")  # keep fd 2 as pytest captures it (test_resilience checks the filter)
os.environ.setdefault("GANKIT_RUNS", tempfile.mkdtemp(prefix="gankit-test-runs-"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


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

            from gankit.lesson import lesson_datasets

            missing[name] = [d for d in lesson_datasets(int(name[:2])) if data.locate(d) is None]
        if missing.get(name):
            names = ", ".join(missing[name])
            item.add_marker(pytest.mark.skip(reason=f"needs {names}: python -m gankit.data get "
                                                    f"{' '.join(missing[name])} (or set GANKIT_DATA)"))
