"""Every worked solution in ``solutions/`` runs in quick mode and passes its own checks.

One parametrised test per file, found by glob, so solutions added for any lesson are picked up.
Each runs as ``__main__`` from the repository root with ``GANKIT_QUICK=1`` (and offline), inside
the test process, which has TensorFlow loaded already (a fresh process per solution spent most of
its time importing it); a solution checks its answers with ``assert``, so finishing means the
answers hold.
"""

import pathlib
import runpy

import pytest

REPO = pathlib.Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((REPO / "solutions").glob("*.py"))


@pytest.mark.parametrize("path", SOLUTIONS, ids=[p.name for p in SOLUTIONS])
def test_solution_runs_in_quick_mode(path, tmp_path, monkeypatch):
    import keras
    import matplotlib

    matplotlib.use("Agg")
    for name, value in {"GANKIT_QUICK": "1", "GANKIT_OFFLINE": "1", "GANKIT_RUNS": str(tmp_path / "runs")}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(REPO)
    policy = keras.config.dtype_policy()
    try:
        runpy.run_path(str(path), run_name="__main__")
    finally:
        keras.config.set_dtype_policy(policy)   # a solution must not change what later tests build
        import matplotlib.pyplot as plt
        plt.close("all")
