"""Test-wide settings: quick mode for every notebook, run folders in a temporary place, no network."""

import os
import tempfile

os.environ.setdefault("GANKIT_QUICK", "1")
os.environ.setdefault("GANKIT_OFFLINE", "1")
os.environ.setdefault("GANKIT_VERBOSE", "1")  # keep fd 2 as pytest captures it (tests/test_resilience.py checks the filter)
os.environ.setdefault("GANKIT_RUNS", tempfile.mkdtemp(prefix="gankit-test-runs-"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
