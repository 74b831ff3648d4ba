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


# --- progress you can see, and reruns that skip finished work -------------------------------------

def test_progress_bar_counts_every_step_and_says_how_long_the_rest_takes(tmp_path):
    import io

    from gankit import train

    model = tiny_model()
    model.compile(steps_per_execution=2)          # the bar must count steps, not calls
    out = io.StringIO()
    bar = train.Progress("tiny", file=out, measure_s=0.0)
    model.fit(tiny_data(64), epochs=3, batch_size=8, verbose=0, callbacks=[bar])
    assert bar.done == 3 * 8 and bar.bar is None  # 3 epochs x 8 steps, closed at the end
    text = out.getvalue()
    assert "tiny" in text and "24/24" in text and "d_loss" in text
    assert "[gankit] tiny: about " in text and "more on this machine (measured over" in text


def test_a_finished_training_is_loaded_not_retrained_and_keeps_its_sample_grids(tmp_path):
    from gankit import train, viz

    def run():
        model = tiny_model()
        grids = viz.SampleGrid(tmp_path / "grids", n=4)
        history = model.fit(tiny_data(), epochs=2, batch_size=16, verbose=0,
                            callbacks=[*train.callbacks(tmp_path / "ckpt", keep=True, progress="tiny"), grids])
        return model, grids, history

    first, first_grids, first_history = run()
    assert int(first.g_optimizer.iterations) == 4 and len(first_grids.frames) == 2
    again, grids, history = run()                 # the same command after a kill: nothing left to train
    assert int(again.g_optimizer.iterations) == 4  # the saved optimizer state, no new step
    for a, b in zip(first.weights, again.weights):
        np.testing.assert_array_equal(np.array(a), np.array(b))
    assert len(grids.frames) == 2                 # read back from epoch_001.png, epoch_002.png
    np.testing.assert_array_equal(grids.frames[-1], first_grids.frames[-1])
    assert history.history["d_loss"] == first_history.history["d_loss"]


def test_a_sample_grid_half_written_when_the_run_was_killed_is_drawn_again_not_read(tmp_path):
    """A kill between the checkpoint and its epoch's grid (seen in CI: PIL could not read the
    torn epoch_008.png and the resumed lesson crashed): the checkpoint's own epoch is drawn again
    from the loaded weights, a torn earlier grid is left out."""
    from gankit import train, viz

    def run():
        model = tiny_model()
        grids = viz.SampleGrid(tmp_path / "grids", n=4)
        model.fit(tiny_data(), epochs=2, batch_size=16, verbose=0,
                  callbacks=[*train.callbacks(tmp_path / "ckpt", keep=True, progress="tiny"), grids])
        return grids

    first = run()
    last = tmp_path / "grids" / "epoch_002.png"
    last.write_bytes(last.read_bytes()[:100])                       # torn: a PNG header and no more
    (tmp_path / "grids" / "epoch_001.png").write_bytes(b"")
    again = run()
    assert len(again.frames) == 1                                   # epoch 1 lost, epoch 2 drawn again
    np.testing.assert_array_equal(again.frames[-1], first.frames[-1])
    from PIL import Image
    with Image.open(last) as image:                                 # and written again, whole
        np.testing.assert_array_equal(np.asarray(image)[::2, ::2], first.frames[-1])


def test_images_are_written_atomically(tmp_path, monkeypatch):
    from PIL import Image

    from gankit import viz

    path = tmp_path / "grid.png"
    viz.save_image(np.zeros((4, 4), np.uint8), path)
    before = path.read_bytes()

    def dies_half_way(self, fp, *args, **kwargs):
        pathlib.Path(fp).write_bytes(b"\x89PNG half")
        raise KeyboardInterrupt

    monkeypatch.setattr(Image.Image, "save", dies_half_way)
    with pytest.raises(KeyboardInterrupt):
        viz.save_image(np.full((4, 4), 255, np.uint8), path)
    assert path.read_bytes() == before                              # the old picture, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grid.png"]  # no temporary file left


def test_sigkill_after_a_finished_training_reruns_the_lesson_without_retraining_it(tmp_path):
    """Lesson 1 in quick mode, killed once its MNIST GAN (``L.callbacks("gan")``) has finished:
    the same command loads that training instead of repeating it, and the lesson completes."""
    import time

    from helpers import missing_data

    missing_data("mnist")
    env = {**os.environ, "GANKIT_QUICK": "1", "GANKIT_OFFLINE": "1"}
    command = [sys.executable, "-m", "gankit.lesson", "1", "--quick", "--lang", "en", "--out", str(tmp_path)]
    child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.time() + 300
    state = None
    while time.time() < deadline and child.poll() is None:
        found = list(tmp_path.glob("lesson01-*/.resume/gan/state.json"))
        if found:
            try:
                state = json.loads(found[0].read_text())
            except (ValueError, OSError):  # being replaced this very moment
                state = None
            if state and state["epoch"] == 8:  # the lesson's quick-mode epochs: finished
                break
        time.sleep(0.2)
    assert child.poll() is None, "the lesson ended before the test could kill it"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert state and state["epoch"] == 8

    rerun = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stdout[-2000:] + rerun.stderr[-2000:]
    assert "continuing the unfinished run" in rerun.stdout
    assert "already trained: loaded the finished training" in rerun.stdout
    assert "Done: lesson 1" in rerun.stdout


def test_tensorflow_start_up_lines_are_dropped_and_everything_else_kept():
    code = ("import os, sys\n"
            "from gankit.lesson import quiet_native_logs\n"
            "quiet_native_logs()\n"
            "os.write(2, b'WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\\n')\n"
            "os.write(2, b'E0000 00:00:1796672188.307524    1613 cuda_platform.cc:52] failed call to cuInit: (303)\\n')\n"
            "os.write(2, b'I0000 00:00:1796672183.990279    1613 cudart_stub.cc:31] Could not find cuda drivers\\n')\n"
            "os.write(2, b'a real native message\\n')\n"
            "sys.stderr.write('\\rprogress 1'); sys.stderr.flush()\n"
            "raise SystemExit('the last words')\n")
    env = {**os.environ, "GANKIT_VERBOSE": "0"}
    quiet = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True)  # bytes: keep \r
    assert quiet.stderr == b"a real native message\n\rprogress 1the last words\n"
    env["GANKIT_VERBOSE"] = "1"
    loud = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert "cuInit" in loud.stderr and "InitializeLog" in loud.stderr


def test_summary_shows_headline_numbers_as_a_table_and_every_file_by_kind(capsys):
    from gankit.lesson import runner

    summary = {"lesson": 2, "mode": "full", "seconds": 10.0,
               "results": {"eval.DCGAN.fashion_mnist.classifier_fid": 41.23456, "eval.DCGAN.fashion_mnist.minutes": 6.0,
                           "eval.GAN (MLP).mnist.classifier_fid": 80.0, "dcgan.d_loss": 1.2},
               "files": [f"samples/epoch_{k:03d}.png" for k in range(1, 16)] + ["samples/epochs.gif", "dcgan.keras",
                                                                                  "summary.json"]}
    runner.print_summary(summary, "/runs/x", "en", wall=25.0)
    out = capsys.readouterr().out
    assert "in 25 s, start-up included" in out
    rows = [line for line in out.splitlines() if "classifier_fid" in line]
    assert len(rows) == 2 and rows[0].index("fashion_mnist") == rows[1].index("mnist")  # aligned columns
    assert "classifier_fid 41.23" in rows[0] and "minutes 6" in rows[0]
    assert "dcgan.d_loss" not in out and "All 4 recorded numbers are in summary.json" in out
    assert "pictures (15): " in out and "samples/epoch_015.png" in out and "…" not in out
    assert "animations (1): samples/epochs.gif" in out and "models (1): dcgan.keras" in out
