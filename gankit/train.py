"""Training utilities shared by every gankit model and lesson: seeds, strategies, mixed
precision, and callbacks that make a long ``fit`` safe to kill and restart.

* ``set_seed(seed)`` — ``keras.utils.set_random_seed`` (Python, NumPy, TensorFlow) plus
  ``tf.config.experimental.enable_op_determinism``: the same seed gives bit-for-bit the same
  run on a CPU. (Keras compiles with XLA by default only on a GPU; deterministic ops turn
  that off too.)
* ``get_strategy("mirrored" | "multiworker" | "default")`` and ``use_strategy(name)`` —
  data parallelism with ``tf.distribute``. Every ``AdversarialModel.train_step`` averages
  its losses over the *global* batch (``AdversarialModel.apply`` divides the all-reduced sum
  of gradients by the number of replicas), draws its noise for the global batch and keeps
  its own replica's slice, and (``sync_batch_norm``, which ``compile`` applies under a
  multi-replica strategy) computes batch statistics over the
  global batch, so two replicas take the same step as one device.
* ``set_precision("mixed_float16" | "mixed_bfloat16" | "float32" | "auto")`` — mixed
  precision; with ``mixed_float16`` ``AdversarialModel.compile`` wraps both optimizers in a
  ``keras.optimizers.LossScaleOptimizer``.
* ``callbacks(resume_dir)`` — ``ResumableCheckpoint`` (atomic per-epoch checkpoints with the
  optimizers' state; a restarted run continues after the last finished epoch) and
  ``StopOnNaN`` (stops with a message that says which loss broke and what to try).
* ``ImagePool`` (the history of past fakes CycleGAN's discriminators learn from) and
  ``LinearDecay`` (constant, then linearly to 0: CycleGAN's learning-rate schedule).
"""

import json
import math
import os
import pathlib
import shutil
import time

import keras
import numpy as np
import tensorflow as tf

from gankit import config


# --- seeds --------------------------------------------------------------------------------

def set_seed(seed, deterministic=True):
    """Seed Python, NumPy and TensorFlow; with ``deterministic`` also make TF's ops
    deterministic, so two runs with the same seed give identical numbers on a CPU."""
    keras.utils.set_random_seed(int(seed))
    if deterministic:
        tf.config.experimental.enable_op_determinism()
    return int(seed)


# --- distribution -------------------------------------------------------------------------

STRATEGIES = ("default", "mirrored", "multiworker")


def get_strategy(name="default", devices=None):
    """A ``tf.distribute.Strategy`` by name.

    ``"mirrored"``: one replica per GPU (or, on a machine without GPUs, per logical CPU
    device — see ``tf.config.set_logical_device_configuration``); ``"multiworker"``:
    ``MultiWorkerMirroredStrategy`` (reads ``TF_CONFIG``); ``"default"``/``None``: the
    current (single-device) strategy.
    """
    name = name or "default"
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        if devices is None:
            gpus = tf.config.list_logical_devices("GPU")
            devices = [d.name for d in (gpus or tf.config.list_logical_devices("CPU"))]
        return tf.distribute.MirroredStrategy(devices)
    if name == "multiworker":
        return tf.distribute.MultiWorkerMirroredStrategy()
    raise ValueError(f"Unknown strategy {name!r}: use one of {', '.join(STRATEGIES)}.")


def use_strategy(name="default", devices=None):
    """Make the strategy current for everything built afterwards (no ``with scope()``
    needed), e.g. for a whole lesson run by ``python -m gankit.lesson N --strategy mirrored``."""
    strategy = get_strategy(name, devices)
    if name not in (None, "default"):
        tf.distribute.experimental_set_strategy(strategy)
    return strategy


def sync_batch_norm(model, synchronized=True):
    """Switch every BatchNormalization layer of ``model`` (nested models included) to
    cross-replica batch statistics. Under one device this changes nothing; under
    ``MirroredStrategy`` it makes each replica normalise with the *global* batch's mean and
    variance, as a single device would. Returns how many layers were switched."""
    count = 0
    for layer in model._flatten_layers(include_self=False, recursive=True):
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.synchronized = bool(synchronized)
            count += 1
    return count


def num_replicas():
    return tf.distribute.get_strategy().num_replicas_in_sync


# --- mixed precision ----------------------------------------------------------------------

POLICIES = tuple(p for p in config.PRECISIONS if p != "auto")


def set_precision(policy="float32"):
    """Set Keras' global dtype policy before building models; returns the policy's name.

    ``"auto"``: ``mixed_float16`` on a GPU with tensor cores (compute capability 7.0 or
    newer); on a CPU the global policy stays float32 and each gankit model decides for its
    own networks (``precision="auto"``, see ``gankit.runtime``:
    bfloat16 where the CPU has bfloat16 units and the model was measured faster). Any other
    policy is a choice that every gankit model built afterwards follows.
    Layers then compute in 16 bits and keep float32 weights; gankit's losses cast logits
    to float32, and ``AdversarialModel.compile`` adds loss scaling for ``mixed_float16``.
    """
    chosen = None
    if policy in (None, "auto"):
        policy = "float32"
        for gpu in tf.config.list_physical_devices("GPU"):
            capability = tf.config.experimental.get_device_details(gpu).get("compute_capability", (0, 0))
            if tuple(capability) >= (7, 0):
                policy = chosen = "mixed_float16"
    elif policy in POLICIES:
        chosen = policy
    else:
        raise ValueError(f"Unknown precision policy {policy!r}: use one of {', '.join(POLICIES)} or 'auto'.")
    keras.mixed_precision.set_global_policy(policy)
    config.export(precision=chosen)  # a setting: a notebook kernel or child process started from here sees it
    return policy


def chosen_precision():
    """The policy chosen with :func:`set_precision` or ``GANKIT_PRECISION`` (``None``: each model decides)."""
    return config.current().precision


# --- what fit will see ---------------------------------------------------------------------

def fit_batch_size(x, batch_size=None):
    """The batch size ``fit`` will train with, where it can be known before training: numpy
    arrays use ``batch_size`` (Keras' default 32, at most the number of examples); a
    ``tf.data.Dataset`` its static batch dimension or the size given to its ``batch()``. ``None``
    when unknown (a generator, a dataset built some other way)."""
    if isinstance(x, np.ndarray):
        return min(int(batch_size or 32), len(x)) if len(x) else None
    if not isinstance(x, tf.data.Dataset):
        return None
    spec = x.element_spec
    spec = tf.nest.flatten(spec)[0]
    if getattr(spec, "shape", None) is not None and spec.shape.rank and spec.shape[0] is not None:
        return int(spec.shape[0])
    dataset = x
    while dataset is not None:  # prefetch -> map -> batch -> ...: the nearest batch() decides
        size = getattr(dataset, "_batch_size", None)
        if size is not None:
            try:
                return int(size)
            except (TypeError, ValueError):
                return None
        dataset = getattr(dataset, "_input_dataset", None)
    return None


# --- callbacks ----------------------------------------------------------------------------

class StopOnNaN(keras.callbacks.Callback):
    """Stop training as soon as a logged loss is NaN or infinite, and say why it matters.

    (``keras.callbacks.TerminateOnNaN`` looks only at a log called ``loss``; GANs log
    ``d_loss``, ``g_loss`` ..., so it would never fire.)"""

    def __init__(self):
        super().__init__()
        self.stopped = None
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        for name, value in (logs or {}).items():
            try:
                value = float(value)
            except (TypeError, ValueError):
                continue
            if not math.isfinite(value):
                self.stopped = (self._epoch, batch, name, value)
                self.model.stop_training = True
                print(config.say(
                    f"\n[gankit] 训练已停止：{name} 在第 {self._epoch + 1} 轮第 {batch + 1} 批变成了 {value}。损失一旦变成 "
                    f"NaN，它涉及的每个权重也都会变成 NaN，继续训练只是浪费时间。常见原因：学习率对这个模型太高；"
                    f"判别器/评论家的分数爆炸（WGAN 既没有权重裁剪也没有梯度惩罚）；手写损失里出现 log(0)（请用作用于 "
                    f"logits 的 gankit.losses）；或者用了 mixed_float16 却没有损失缩放。最后完成的那一轮的检查点（如果有）会保留。",
                    f"\n[gankit] Training stopped: {name} became {value} at epoch {self._epoch + 1}, batch "
                    f"{batch + 1}. Once a loss is NaN every weight it touches is NaN too, so going on would "
                    f"only waste time. Common causes: a learning rate too high for this model, a "
                    f"discriminator/critic whose scores exploded (WGAN without clipping or a penalty), log(0) in "
                    f"a hand-written loss (use gankit.losses, which work on logits), or mixed_float16 without "
                    f"loss scaling. The checkpoint of the last finished epoch, if any, is kept."), flush=True)
                return


TerminateOnNaN = StopOnNaN  # the Keras name, for those who look for it


def _atomic_write_text(path, text):
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)  # atomic on POSIX: readers see the old file or the new, never half of one


class ResumableCheckpoint(keras.callbacks.Callback):
    """Checkpoint every epoch and resume an interrupted ``fit`` where it stopped.

    At the end of each epoch it writes ``directory/epoch-NNNN.weights.h5`` (every weight of
    the model, both optimizers' moments and step counts, batch-norm statistics) under a
    temporary name, renames it into place, and only then replaces ``state.json`` (epoch,
    history so far, the model's random-generator state) the same way. A kill at any moment
    leaves the previous complete checkpoint in force.

    At the start of ``fit`` it restores the newest checkpoint, if there is one, and makes
    ``fit`` start at the next epoch; the returned ``History`` holds the earlier epochs too.
    When ``fit`` finishes all its epochs the directory is deleted (a later ``fit`` with the
    same directory starts afresh), unless ``keep=True``: then the finished training's checkpoint
    stays, and a later ``fit`` with the same directory loads it and trains no further (how the
    lesson runner skips the trainings a killed run had finished).
    """

    def __init__(self, directory, keep=False, verbose=1):
        super().__init__()
        self.directory = pathlib.Path(directory)
        self.keep = keep
        self.verbose = verbose
        self.resumed_from = None
        self._history = {}

    @property
    def state_path(self):
        return self.directory / "state.json"

    def read_state(self):
        try:
            return json.loads(self.state_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def on_train_begin(self, logs=None):
        model = self.model
        model._initial_epoch = None
        self._history, self.resumed_from = {}, None
        state = self.read_state()
        if not state:
            return
        if hasattr(model, "build_optimizers"):
            model.build_optimizers()  # give the saved optimizer state variables to load into
        elif getattr(model, "optimizer", None) is not None and not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
        model.load_weights(self.directory / state["weights"])
        generator = getattr(model, "seed_generator", None)
        if generator is not None and state.get("seed_state") is not None:
            generator.state.assign(np.asarray(state["seed_state"], dtype=generator.state.dtype))
        self._history = {k: list(v) for k, v in state.get("history", {}).items()}
        self.resumed_from = int(state["epoch"])
        model._initial_epoch = self.resumed_from
        if self.verbose and self.resumed_from >= self.params.get("epochs", 0):
            print(config.say(f"[gankit] 已经训练完成：从 {self.directory} 加载了训练好的结果",
                             f"[gankit] already trained: loaded the finished training from {self.directory}"), flush=True)
        elif self.verbose:
            print(config.say(f"[gankit] 断点续训：从 {self.directory} 中第 {self.resumed_from} 轮的检查点继续",
                             f"[gankit] resuming from the checkpoint of epoch {self.resumed_from} in {self.directory}"),
                  flush=True)

    def on_epoch_end(self, epoch, logs=None):
        values = {}
        for key, value in (logs or {}).items():
            try:
                values[key] = float(value)
            except (TypeError, ValueError):
                pass
        if not all(math.isfinite(v) for v in values.values()):
            return  # never let NaN weights replace the last good checkpoint
        for key, value in values.items():
            self._history.setdefault(key, []).append(value)
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"epoch-{epoch + 1:04d}.weights.h5"
        tmp = self.directory / f"partial-{epoch + 1:04d}.weights.h5"
        self.model.save_weights(tmp)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, self.directory / name)
        generator = getattr(self.model, "seed_generator", None)
        state = {"epoch": epoch + 1, "weights": name, "history": self._history,
                 "seed_state": None if generator is None else np.asarray(generator.state).tolist()}
        _atomic_write_text(self.state_path, json.dumps(state))
        for old in self.directory.glob("*.weights.h5"):  # older checkpoints and leftovers of a kill
            if old.name != name:
                old.unlink(missing_ok=True)

    def on_train_end(self, logs=None):
        model = self.model
        model._initial_epoch = None  # Keras keeps it on the model; the next fit must not inherit it
        history = getattr(model, "history", None)
        if self.resumed_from and history is not None:
            history.history = {k: list(v) for k, v in self._history.items()}
            history.epoch = list(range(len(next(iter(self._history.values()), []))))
        state = self.read_state()
        finished = state is not None and state["epoch"] >= self.params.get("epochs", 0) and not model.stop_training
        if finished and not self.keep:
            shutil.rmtree(self.directory, ignore_errors=True)


class Progress(keras.callbacks.Callback):
    """A live progress bar for a whole ``fit`` (every epoch in one bar), with the rate, the time
    left and the latest losses; the same in a terminal and in Jupyter (``tqdm``). Give ``fit``
    ``verbose=0`` with it. Once the first steps after compilation are measured it prints one
    line saying how long this training will take *on this machine*.

    ``total`` (steps) spans several ``fit`` calls when given (a loop of short fits, one bar);
    otherwise each ``fit`` gets its own bar of ``epochs x steps`` steps."""

    def __init__(self, name, total=None, estimate=True, file=None, measure_s=3.0):
        super().__init__()
        self.name, self.total, self.estimate, self.file, self.measure_s = name, total, estimate, file, measure_s
        self.bar, self.done, self._mark, self._announced, self._epoch = None, 0, None, False, 0

    def _open(self, total):
        from tqdm.auto import tqdm

        self.bar = tqdm(total=total, desc=self.name, unit="step", dynamic_ncols=True, file=self.file,
                        mininterval=0.5, smoothing=0.1, leave=True)
        self.bar.update(self.done)

    def on_train_begin(self, logs=None):
        steps, epochs = self.params.get("steps"), self.params.get("epochs") or 1
        start = getattr(self.model, "_initial_epoch", None) or 0
        total = self.total if self.total is not None else (steps * (epochs - start) if steps else None)
        if self.bar is None and total != 0:  # 0: a finished training loaded from its checkpoint
            self._open(total)
        self._mark = None

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._seen = 0

    def on_train_batch_end(self, batch, logs=None):
        if self.bar is None:
            return
        new = batch + 1 - self._seen  # several steps per call: batch jumps by steps_per_execution
        self._seen = batch + 1
        self.done += new
        self.bar.update(new)
        if logs:
            values = {k: float(v) for k, v in logs.items() if getattr(v, "shape", ()) in ((), None)}
            self.bar.set_postfix({k: f"{v:.3g}" for k, v in values.items()}, refresh=False)
        self._announce()

    def _announce(self):
        """After the first call (tracing, compilation) time the next steps; say once what the rest costs."""
        now = time.perf_counter()
        if self._mark is None:
            self._mark = (now, self.done)
            return
        t0, d0 = self._mark
        if self._announced or not self.estimate or self.bar.total is None or now - t0 < self.measure_s or self.done == d0:
            return
        self._announced = True
        seconds = (self.bar.total - self.done) * (now - t0) / (self.done - d0)
        text = f"{seconds / 60:.1f} min" if seconds >= 90 else f"{seconds:.0f} s"
        self.bar.write(config.say(f"[gankit] {self.name}：在这台机器上还需大约 {text}（按 {self.done - d0} 步测得）",
                                  f"[gankit] {self.name}: about {text} more on this machine "
                                  f"(measured over {self.done - d0} steps)"), file=self.file)

    def on_train_end(self, logs=None):
        if self.total is None or self.done >= self.total:
            self.close()

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def callbacks(resume_dir=None, nan=True, keep=False, verbose=1, progress=None):
    """The callbacks a long ``fit`` should get: ``StopOnNaN``; given a ``resume_dir``, a
    ``ResumableCheckpoint`` in it (first, so it restores before the others start); given a
    name in ``progress``, a ``Progress`` bar under that name (then call ``fit(verbose=0)``)."""
    out = [StopOnNaN()] if nan else []
    if resume_dir is not None:
        out.insert(0, ResumableCheckpoint(resume_dir, keep=keep, verbose=verbose))
    if progress:
        out.append(Progress(progress))
    return out


# --- pieces of the image-to-image training steps (CycleGAN) -------------------------------------

class ImagePool:
    """A buffer of the ``size`` most useful past fakes (Shrivastava et al. 2017; CycleGAN §4).

    ``query(images)`` goes through the batch one image at a time, exactly like the authors'
    ``ImagePool``:

    * while the pool holds fewer than ``size`` images, the new image is stored and returned;
    * after that, with probability 1/2 the new image is returned unchanged; otherwise a stored
      image drawn uniformly is returned *and replaced* by the new one.

    So the discriminator sees a mix of today's fakes and older ones, and cannot just chase the
    generator's latest move. The state lives in ``tf.Variable``s (the images and a count) and
    ``query`` is made of TensorFlow ops only, so it runs inside a compiled ``train_step``.
    The pool is training state, not a model weight: it is not saved with the model.
    ``size=0`` turns it off (``query`` returns its input).

    Under ``tf.distribute`` (several replicas) each replica keeps its own pool of its own fakes
    (``ON_READ`` variables, read from replica 0 outside the step), as each worker of a
    data-parallel run would.
    """

    def __init__(self, image_shape, size=50, seed=None, name="image_pool"):
        self.size = int(size)
        self.image_shape = tuple(int(s) for s in image_shape)
        self.seed_generator = keras.random.SeedGenerator(seed, name=f"{name}_seed")
        local = dict(trainable=False, synchronization=tf.VariableSynchronization.ON_READ,
                     aggregation=tf.VariableAggregation.ONLY_FIRST_REPLICA)
        with tf.init_scope():
            self.images = tf.Variable(tf.zeros((max(self.size, 1), *self.image_shape)), name=f"{name}_images",
                                      **local)
            self.count = tf.Variable(0, dtype=tf.int32, name=f"{name}_count", **local)
        self._distributed = isinstance(self.images, tf.distribute.DistributedValues)

    def _put(self, slot, image):
        """Store ``image`` in ``slot`` (a per-replica variable takes a whole-tensor assign only)."""
        if self._distributed:
            return self.images.assign(tf.tensor_scatter_nd_update(self.images.read_value(), [[slot]], image[None]))
        return self.images.scatter_nd_update([[slot]], image[None])

    def reset(self):
        self.count.assign(0)
        self.images.assign(tf.zeros_like(self.images))

    def stored(self):
        """The images stored so far (numpy), in slot order."""
        return np.asarray(self.images[: int(self.count.numpy())])

    def query(self, images):
        if self.size <= 0:
            return images
        images = tf.cast(images, tf.float32)  # stored in float32 whatever the layers compute in
        n = tf.shape(images)[0]
        # Both draws are made up front for the whole batch; image i uses entry i.
        coins = keras.random.uniform((n,), 0.0, 1.0, seed=self.seed_generator)
        slots = keras.random.randint((n,), 0, self.size, seed=self.seed_generator)

        def one(i, out):
            image = images[i]
            count = self.count.read_value()

            def fill():
                with tf.control_dependencies([self._put(count, image)]):
                    self.count.assign_add(1)
                return tf.identity(image)

            def swap():
                slot = slots[i]
                old = tf.identity(self.images[slot])
                with tf.control_dependencies([old]):
                    self._put(slot, image)
                return old

            chosen = tf.cond(count < self.size, fill,
                             lambda: tf.cond(coins[i] > 0.5, swap, lambda: tf.identity(image)))
            with tf.control_dependencies([chosen]):  # image i+1 must see what image i stored
                return i + 1, out.write(i, chosen)

        out = tf.TensorArray(tf.float32, size=n, element_shape=self.image_shape)
        _, out = tf.while_loop(lambda i, _: i < n, one, (tf.constant(0), out), parallel_iterations=1)
        return tf.reshape(out.stack(), tf.shape(images))


@keras.saving.register_keras_serializable(package="gankit")
class LinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """CycleGAN's schedule (§4): the rate stays at ``initial_learning_rate`` for the first
    ``decay_start`` optimizer steps (half of ``total_steps`` by default) and then falls
    linearly to 0 at ``total_steps``:

        lr(t) = lr_0 * min(1, (T - t) / (T - t_0)),  clipped at 0.

    The paper counts epochs (100 constant + 100 decaying); counting steps is the same line
    drawn finer. ``CycleGAN.compile(total_steps=...)`` gives both optimizers this schedule.
    """

    def __init__(self, initial_learning_rate=2e-4, total_steps=1000, decay_start=None):
        self.initial_learning_rate = float(initial_learning_rate)
        self.total_steps = int(total_steps)
        self.decay_start = int(self.total_steps // 2 if decay_start is None else decay_start)
        if not 0 <= self.decay_start < self.total_steps:
            raise ValueError(f"decay_start must lie in [0, total_steps); got {self.decay_start} and "
                             f"total_steps={self.total_steps}.")

    def __call__(self, step):
        t = tf.cast(step, tf.float32)
        left = (self.total_steps - t) / float(self.total_steps - self.decay_start)
        return self.initial_learning_rate * tf.clip_by_value(left, 0.0, 1.0)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "total_steps": self.total_steps,
                "decay_start": self.decay_start}
