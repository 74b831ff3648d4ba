"""Tools for the tests that guard the path each model's ``train_step`` really runs.

* ``Probe`` / ``probed``: wrap a network so every call it gets is logged with its ``training``
  flag and its input (eager runs: ``compile(run_eagerly=True)``). A test then checks that the
  step calls the networks in training mode, with fresh noise, on the right slices of the batch.
* ``recording``: wrap a model's sampling method (``sample_latent``, ``sample_labels`` ...) so the
  noise the step drew can be fed to a loss written by hand.
* ``hand_step`` / ``assert_step``: with plain SGD an update is ``-lr x gradient``, so a
  network's first step must equal ``-lr`` times the gradient of the paper's loss, written out
  in the test from the paper's equation. A flipped sign, a dropped term, an ignored weight or
  a reused batch all change that gradient (Adam's first step, ``lr x sign(g)``, would hide most
  of them).
"""

import contextlib

import keras
import numpy as np
import tensorflow as tf

LR = 0.05


class Probe(keras.layers.Layer):
    """The identity, logging ``(tag, training, input)`` on every eager call."""

    def __init__(self, log, tag, **kwargs):
        super().__init__(**kwargs)
        self.__dict__["log"] = log  # not through Keras' attribute tracking, which would copy the list
        self.tag = tag

    def call(self, x, training=None):
        if tf.executing_eagerly():
            self.log.append((self.tag, training, np.array(x)))
        elif not isinstance(x, keras.KerasTensor):  # inside a compiled step: log when it runs
            def keep(value):
                self.log.append((self.tag, training, value.numpy()))
                return 0
            tf.py_function(keep, [x], tf.int32)  # stateful: tf.function runs it although unused
        return x


def probed(network, log, tag):
    """``network`` behind a ``Probe``: same weights (the network itself is a layer of the copy)."""
    x = keras.Input(network.inputs[0].shape[1:], name=f"{tag}_input")
    return keras.Model(x, network(Probe(log, tag)(x)), name=network.name)


def calls(log, tag):
    return [(training, x) for t, training, x in log if t == tag]


def recording(model, method):
    """Replace ``model.method`` by a wrapper that keeps every value it returns (eager runs)."""
    original = getattr(model, method)
    seen = []

    def wrapper(*args, **kwargs):
        out = original(*args, **kwargs)
        seen.append(tf.nest.map_structure(np.array, out))
        return out

    setattr(model, method, wrapper)
    return seen


def snapshot(network):
    return [np.array(w) for w in network.trainable_weights]


@contextlib.contextmanager
def weights_of(network, values):
    """``network`` temporarily holds ``values`` (e.g. its weights before the step)."""
    current = snapshot(network)
    for w, v in zip(network.trainable_weights, values):
        w.assign(v)
    try:
        yield network
    finally:
        for w, v in zip(network.trainable_weights, current):
            w.assign(v)


def hand_step(network, loss_fn, lr=LR):
    """The change one SGD(lr) step on ``loss_fn()`` makes to ``network``'s trainable weights."""
    with tf.GradientTape() as tape:
        loss = loss_fn()
    grads = tape.gradient(loss, network.trainable_weights)
    return [np.zeros(w.shape, "float32") if g is None else -lr * np.array(g)
            for w, g in zip(network.trainable_weights, grads)]


def assert_step(before, network, want, what, rtol=2e-3):
    """The weights moved from ``before`` by ``want`` (up to float rounding), and really moved."""
    scale = max(float(np.abs(d).max()) for d in want)
    assert scale > 1e-7, f"{what}: the hand-computed step is zero; the test would prove nothing"
    for w, b, d in zip(network.trainable_weights, before, want):
        got = np.array(w) - b
        assert np.abs(got - d).max() <= rtol * scale + 1e-7, \
            f"{what}: {w.path} moved by {np.abs(got).max():.4g}, the paper's loss says {np.abs(d).max():.4g} " \
            f"(max difference {np.abs(got - d).max():.3g})"


def sgd(model, run_eagerly=True, **kwargs):
    """Compile ``model`` with SGD(LR) for both players; eager by default (recorders need it;
    probes also log from a compiled step, which has no XLA here: ``py_function`` cannot compile)."""
    model.compile(g_optimizer=keras.optimizers.SGD(LR), d_optimizer=keras.optimizers.SGD(LR),
                  run_eagerly=run_eagerly, jit_compile=False, **kwargs)
    return model


# --- tests that need a dataset ------------------------------------------------------------------

def missing_data(*names):
    """Skip the calling test when one of the datasets ``names`` is not on this machine, with one
    line naming it and the command that gets it; with ``GANKIT_REQUIRE_DATA=1`` (``.ci/run`` sets
    it) fail instead, so CI can never pass by skipping."""
    import os

    import pytest

    from gankit import data

    for name in names:
        if data.locate(name) is None:
            message = (f"dataset {name!r} is not on this machine: python -m gankit.data get {name} "
                       f"(or point GANKIT_DATA at a folder that holds it)")
            if os.environ.get("GANKIT_REQUIRE_DATA", "") not in ("", "0"):
                pytest.fail(message + "; GANKIT_REQUIRE_DATA is set, so a missing dataset fails the test")
            pytest.skip(message)
