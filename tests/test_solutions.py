"""Every worked solution in ``solutions/`` runs in quick mode and passes its own checks.

One parametrised test per file, found by glob, so solutions added for any lesson are picked up.
Each runs in a subprocess from the repository root with ``GANKIT_QUICK=1`` (and offline);
a solution checks its answers with ``assert``, so exit code 0 means the answers hold.
"""

import os
import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((REPO / "solutions").glob("*.py"))


@pytest.mark.parametrize("path", SOLUTIONS, ids=[p.name for p in SOLUTIONS])
def test_solution_runs_in_quick_mode(path, tmp_path):
    env = {**os.environ, "GANKIT_QUICK": "1", "GANKIT_OFFLINE": "1", "PYTHONIOENCODING": "utf-8",
           "GANKIT_RUNS": str(tmp_path / "runs"), "MPLBACKEND": "Agg"}
    result = subprocess.run([sys.executable, str(path)], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, f"{path.name} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
