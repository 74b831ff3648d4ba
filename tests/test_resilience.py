"""Resilience: a training run killed with SIGKILL continues where it stopped, checkpoints are
written atomically, NaN stops training with a message, and ``--seed`` runs repeat exactly.

The kill test trains a tiny model in a child process with ``gankit.train.callbacks``; the child
announces each finished epoch and, at the epoch chosen by the test, waits so that the parent's
``kill -9`` arrives mid-run (after that epoch's checkpoint, before the next epoch). The same
command then runs to the end; it must start at the next epoch, and its final weights must equal
those of a run that was never interrupted (bit for bit: the seed, deterministic ops, the
optimizers' moments and step counts, batch-norm statistics and the model's random-generator
state are all restored).
"""

import json
import os
import pathlib
import signal
import subprocess
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
EPOCHS = 5
KILL_AFTER = 2          # 1-based: killed after the checkpoint of epoch 2, before epoch 3 starts
RESUME_MODELS = ["DCGAN", "WGANGP"]  # builders from test_strategy.BUILDERS; add new models there

CHILD = r"""
import json, os, sys, time
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
sys.path[:0] = [sys.argv[2], sys.argv[3]]
import keras, numpy as np, tensorflow as tf
import test_strategy as T
from gankit import train

name, resume_dir, out, kill_after = sys.argv[1], sys.argv[4], sys.argv[5], int(sys.argv[6])
train.set_seed(0)
build, labels = T.BUILDERS[name]
rng = np.random.default_rng(0)
x = rng.uniform(-1, 1, (64, *T.SHAPE)).astype("float32")
y = (np.arange(64) % 3).astype("int32")
ds = tf.data.Dataset.from_tensor_slices((x, y) if labels else x).batch(16)
model = build()
model.compile()

class Announce(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        print(f"BEGIN {epoch + 1}", flush=True)
    def on_epoch_end(self, epoch, logs=None):
        print(f"DONE {epoch + 1}", flush=True)
        if epoch + 1 == kill_after:
            time.sleep(120)  # the parent kills us here

history = model.fit(ds, epochs=int(sys.argv[7]), verbose=0,
                    callbacks=[*train.callbacks(resume_dir if resume_dir != "-" else None), Announce()])
np.savez(out, *[np.array(w) for w in model.weights + model.g_optimizer.variables + model.d_optimizer.variables])
print("HISTORY " + json.dumps(history.history), flush=True)
"""


def child(name, resume_dir, out, kill_after=0, epochs=EPOCHS):
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="", PYTHONHASHSEED="0")
    return subprocess.Popen([sys.executable, "-u", "-c", CHILD, name, str(ROOT / "tests"), str(ROOT),
                             str(resume_dir), str(out), str(kill_after), str(epochs)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)


def finish(proc, timeout=240):
    stdout, stderr = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, stderr[-3000:]
    return stdout


def load(path):
    with np.load(path) as f:
        return [f[k] for k in sorted(f.files, key=lambda k: int(k.split("_")[1]))]


@pytest.mark.parametrize("name", RESUME_MODELS)
def test_sigkill_then_same_command_continues_from_the_next_epoch(name, tmp_path):
    resume = tmp_path / "resume"
    reference = child(name, "-", tmp_path / "reference.npz")             # never interrupted
    victim = child(name, resume, tmp_path / "victim.npz", kill_after=KILL_AFTER)
    for line in victim.stdout:                                          # wait for "DONE 2"
        if line.strip() == f"DONE {KILL_AFTER}":
            break
    else:
        pytest.fail("the child ended before epoch %d: %s" % (KILL_AFTER, victim.stderr.read()[-3000:]))
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    assert victim.returncode == -signal.SIGKILL
    state = json.loads((resume / "state.json").read_text())
    assert state["epoch"] == KILL_AFTER
    assert sorted(p.name for p in resume.glob("*.weights.h5")) == [f"epoch-{KILL_AFTER:04d}.weights.h5"]

    out = finish(child(name, resume, tmp_path / "resumed.npz"))         # the same command again
    began = [int(line.split()[1]) for line in out.splitlines() if line.startswith("BEGIN ")]
    assert began == list(range(KILL_AFTER + 1, EPOCHS + 1)), out        # no epoch repeated, none skipped
    history = json.loads(next(line for line in out.splitlines() if line.startswith("HISTORY "))[8:])
    assert len(history["d_loss"]) == EPOCHS                            # earlier epochs kept in History
    assert not resume.exists()                                          # finished: checkpoint removed

    ref_out = finish(reference)
    ref_history = json.loads(next(line for line in ref_out.splitlines() if line.startswith("HISTORY "))[8:])
    resumed, expected = load(tmp_path / "resumed.npz"), load(tmp_path / "reference.npz")
    assert len(resumed) == len(expected)
    for a, b in zip(resumed, expected):   # weights, BN statistics, Adam moments and step counts
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(history["d_loss"], ref_history["d_loss"], rtol=1e-6)


def test_same_seed_gives_identical_runs(tmp_path):
    first = child("DCGAN", "-", tmp_path / "a.npz", epochs=2)
    second = child("DCGAN", "-", tmp_path / "b.npz", epochs=2)
    out_a, out_b = finish(first), finish(second)
    hist = [line for line in out_a.splitlines() if line.startswith("HISTORY ")]
    assert hist and hist == [line for line in out_b.splitlines() if line.startswith("HISTORY ")]
    for a, b in zip(load(tmp_path / "a.npz"), load(tmp_path / "b.npz")):
        np.testing.assert_array_equal(a, b)


# --- in-process checks (no child) ---------------------------------------------------------

def tiny_model():
    import keras
    from gankit.models import DCGAN

    keras.utils.set_random_seed(0)
    model = DCGAN(image_shape=(16, 16, 1), latent_dim=8, filters=4, seed=1)
    model.compile()
    return model


def tiny_data(n=32):
    return np.random.default_rng(0).uniform(-1, 1, (n, 16, 16, 1)).astype("float32")


def test_a_crash_while_writing_keeps_the_previous_checkpoint(tmp_path):
    from gankit import train

    model = tiny_model()
    model.fit(tiny_data(), epochs=1, batch_size=16, verbose=0,
              callbacks=[train.ResumableCheckpoint(tmp_path, keep=True)])
    saved = [np.array(w) for w in model.weights]
    assert json.loads((tmp_path / "state.json").read_text())["epoch"] == 1

    def torn_write(path, *args, **kwargs):     # the process "dies" half-way through the next checkpoint
        pathlib.Path(path).write_bytes(b"half an HDF5 file")
        raise OSError("killed while writing")

    model.save_weights = torn_write
    with pytest.raises(OSError, match="killed while writing"):
        model.fit(tiny_data(), epochs=3, batch_size=16, verbose=0, initial_epoch=0,
                  callbacks=[train.ResumableCheckpoint(tmp_path, keep=True)])
    del model.save_weights
    state = json.loads((tmp_path / "state.json").read_text())
    assert state["epoch"] == 1 and (tmp_path / state["weights"]).exists()

    fresh = tiny_model()                       # a new process would start from epoch 1's weights
    cb = train.ResumableCheckpoint(tmp_path, keep=True, verbose=0)
    fresh.fit(tiny_data(), epochs=1, batch_size=16, verbose=0, callbacks=[cb])
    assert cb.resumed_from == 1                # nothing left to train: epochs=1 was already done
    for a, b in zip(saved, fresh.weights):
        np.testing.assert_array_equal(a, np.array(b))
    assert fresh.g_optimizer.iterations.numpy() == 2 and fresh.d_optimizer.iterations.numpy() == 2
    assert fresh._initial_epoch is None        # a later fit starts from its own initial_epoch again


def test_nan_stops_training_with_a_clear_message(capsys):
    import keras
    from gankit import train

    model = tiny_model()
    model.compile(g_optimizer=keras.optimizers.SGD(1e30), d_optimizer=keras.optimizers.SGD(1e30))
    stop = train.StopOnNaN()
    history = model.fit(tiny_data(64), epochs=5, batch_size=8, verbose=0, callbacks=[stop])
    assert stop.stopped is not None
    epoch, batch, name, value = stop.stopped
    assert epoch == 0 and name in ("d_loss", "g_loss") and not np.isfinite(value)
    assert len(history.history["d_loss"]) == 1          # stopped in the first epoch, not after five
    out = capsys.readouterr().out
    assert "Training stopped" in out and "learning rate" in out


def test_runner_adopts_only_an_unfinished_run_with_the_same_arguments(tmp_path):
    from gankit.lesson import runner

    key = runner.run_key(2, True, "zh", None, 0, "default", None)
    first, adopted = runner.adopt_or_create(2, key, tmp_path)
    assert not adopted and (first / runner.UNFINISHED).exists()
    other, adopted = runner.adopt_or_create(2, {**key, "seed": 1}, tmp_path)   # different arguments: new folder
    assert not adopted and other != first
    again, adopted = runner.adopt_or_create(2, key, tmp_path)                   # same command after a kill
    assert adopted and again == first
    (first / ".resume").mkdir()
    runner.finish(first)
    assert not (first / runner.UNFINISHED).exists() and not (first / ".resume").exists()
    new, adopted = runner.adopt_or_create(2, key, tmp_path)                     # a finished run is never reused
    assert not adopted and new not in (first, other)


def test_runner_seed_shifts_the_lessons_seeds():
    import keras
    from gankit.lesson import runner

    original = keras.utils.set_random_seed
    try:
        runner._shift_seeds(5)
        keras.utils.set_random_seed(0)
        a = np.random.rand()
        original(5)
        assert np.random.rand() == a
    finally:
        keras.utils.set_random_seed = original


def test_runner_rejects_bad_strategy_and_precision():
    from gankit.lesson import runner

    with pytest.raises(runner.UsageError, match="--strategy"):
        runner.parse(["2", "--strategy", "horovod"])
    with pytest.raises(runner.UsageError, match="--precision"):
        runner.parse(["2", "--precision", "float8"])
    args = runner.parse(["2", "--seed", "3", "--strategy", "mirrored"])
    assert args.seed == 3 and args.strategy == "mirrored"
