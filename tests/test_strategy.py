"""Every model's ``train_step`` under ``tf.distribute.MirroredStrategy``: two replicas take the
same first step as one device.

TensorFlow fixes its devices when it starts, so each case runs in a fresh Python process
that first splits the CPU into two logical devices (``tf.config.set_logical_device_configuration``).
In it the same networks (same initial weights, same model seed) take one ``fit`` step on the
same global batch of 8, once on one device and once on two replicas of 4. With the losses
averaged over the global batch (``AdversarialModel.apply``), noise drawn for the global batch
(``replica_sample``) and batch norm synchronised across replicas, the weight updates and the
logged losses must agree up to float rounding.

Optimizer: plain SGD, so the update is the gradient itself (Adam's first step is
lr * sign(g) and would hide a gradient off by a factor of two).

To cover a new model, add a builder to ``BUILDERS`` (tiny networks: tracing dominates the time).
"""

import json
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHAPE = (16, 16, 1)


def _models():
    from gankit import models
    return models


def _nets():
    from gankit import nets
    return nets


#: name -> (builder, data): "images" (x), "labels" ((x, class)), "pairs" ((input, target) images,
#: also CycleGAN's unpaired (x, y)) or "sr" ((lr, hr), lr 4x smaller). WGAN and WGAN-GP use
#: n_critic=1 here: with n_critic > 1 each critic update reads its own slice of the batch, and one
#: device slices the global batch differently from two replicas slicing their halves (both are
#: correct, they are not equal).
BUILDERS = {
    "GAN": (lambda: _models().GAN(image_shape=SHAPE, latent_dim=8, seed=1), "images"),
    "DCGAN": (lambda: _models().DCGAN(image_shape=SHAPE, latent_dim=8, filters=4, seed=1), "images"),
    "CGAN": (lambda: _models().CGAN(image_shape=SHAPE, latent_dim=8, filters=4, seed=1), "labels"),
    "ACGAN": (lambda: _models().ACGAN(image_shape=SHAPE, latent_dim=8, filters=4, seed=1), "labels"),
    "InfoGAN": (lambda: _models().InfoGAN(image_shape=SHAPE, noise_dim=6, filters=4, hidden=16, seed=1), "images"),
    "WGAN": (lambda: _models().WGAN(image_shape=SHAPE, latent_dim=8, filters=4, n_critic=1, seed=1), "images"),
    "WGANGP": (lambda: _models().WGANGP(image_shape=SHAPE, latent_dim=8, filters=4, n_critic=1, seed=1), "images"),
    # Pix2Pix without its dropout: each replica draws its own dropout masks (correct, not equal)
    "Pix2Pix": (lambda: _models().Pix2Pix(generator=_nets().unet_generator(SHAPE, 1, 4, norm="instance", dropout=0),
                                          image_shape=SHAPE, d_filters=4, n_layers=1, seed=1), "pairs"),
    "CycleGAN": (lambda: _models().CycleGAN(image_shape=SHAPE, filters=4, n_blocks=1, d_filters=4, d_layers=1,
                                            seed=1), "pairs"),
    "SRGAN": (lambda: _models().SRGAN(scale=4, channels=1, hr_size=SHAPE[0], blocks=1, filters=4, d_filters=4,
                                      content="pixel", seed=1), "sr"),
    # losses and layers built on batch statistics take them over the global batch (losses.batch_mean,
    # losses.gather_batch), as synchronised batch norm does: two replicas compute what one device does
    "SRGAN-relativistic": (lambda: _models().SRGAN(scale=4, channels=1, hr_size=SHAPE[0], blocks=1, filters=4,
                                                   d_filters=4, content="pixel", adversarial="relativistic",
                                                   seed=1), "sr"),
    "GAN-feature-matching": (lambda: _models().GAN(image_shape=SHAPE, latent_dim=8, feature_matching=True, seed=1),
                             "images"),
    "GAN-minibatch-discrimination": (lambda: _models().GAN(image_shape=SHAPE, latent_dim=8, minibatch_discrimination=5,
                                                           kernel_dim=3, seed=1), "images"),
    "GAN-pack": (lambda: _models().GAN(image_shape=SHAPE, latent_dim=8, pack=2, seed=1), "images"),
}
#: relative tolerance of the weight updates (default 1e-4). SRGAN's discriminator shrinks 16x16
#: patches to 1x1 before its last batch norms: statistics over 8 numbers (two replicas: 2 x 4,
#: summed across replicas) amplify float rounding, and under load the CPU's threads sum in a
#: different order: up to ~2e-3 relative was seen, ~1e-6 on an idle machine.
TOLERANCE = {"SRGAN": 5e-3, "SRGAN-relativistic": 5e-3}
#: how far the first step must move each network for the comparison to mean something, and the
#: absolute tolerance: with minibatch discrimination D's fresh logit layer reads 128 + 5 features and
#: G's first SGD step is only ~1e-5, so both are scaled down for it.
MOVED = {"GAN-minibatch-discrimination": 1e-6}
ATOL = {"GAN-minibatch-discrimination": 1e-8}
#: every network a model trains, by attribute name (CycleGAN has two of each)
NETWORKS = ("generator", "generator_f", "discriminator", "discriminator_x")

CHILD = r"""
import json, os, sys
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
sys.path[:0] = [sys.argv[2], sys.argv[3]]
import keras, numpy as np
import test_strategy as T
from gankit import train

build, kind = T.BUILDERS[sys.argv[1]]
rng = np.random.default_rng(0)
x = rng.uniform(-1, 1, (8, *T.SHAPE)).astype("float32")
elements = {"images": x, "labels": (x, (np.arange(8) % 3).astype("int32")),
            "pairs": (x, rng.uniform(-1, 1, (8, *T.SHAPE)).astype("float32")),
            "sr": (x[:, ::4, ::4], x)}[kind]

def first_step(strategy, init=None):
    ds = tf.data.Dataset.from_tensor_slices(elements).batch(8)
    with strategy.scope():
        model = build()
        networks = [(n, getattr(model, n)) for n in T.NETWORKS if getattr(model, n, None) is not None]
        weights = [w for _, net in networks for w in net.weights]
        names = [n + "/" + w.path for n, net in networks for w in net.weights]
        for w, value in zip(weights, init or []):
            w.assign(value)
        model.compile(g_optimizer=keras.optimizers.SGD(0.1), d_optimizer=keras.optimizers.SGD(0.1),
                      jit_compile=False)
    before = [np.array(w) for w in weights]
    logs = model.fit(ds, epochs=1, verbose=0).history
    deltas = [np.array(w) - b for w, b in zip(weights, before)]
    return before, names, deltas, {k: v[0] for k, v in logs.items()}, strategy.num_replicas_in_sync

init, names, one, logs_one, n1 = first_step(tf.distribute.get_strategy())
_, _, two, logs_two, n2 = first_step(train.get_strategy("mirrored"), init)
print("RESULT " + json.dumps({
    "replicas": [n1, n2], "names": names,
    "max_diff": [float(np.max(np.abs(a - b))) if a.size else 0.0 for a, b in zip(one, two)],
    "max_delta": [float(np.max(np.abs(a))) if a.size else 0.0 for a in one],
    "logs_one": logs_one, "logs_two": logs_two}))
"""


def run_child(name, quick="1"):
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="", PYTHONHASHSEED="0", GANKIT_QUICK=quick)
    proc = subprocess.run([sys.executable, "-c", CHILD, name, str(ROOT / "tests"), str(ROOT)],
                          capture_output=True, text=True, timeout=300, env=env, cwd=ROOT)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stderr[-3000:]
    return json.loads(lines[-1][len("RESULT "):])


@pytest.mark.parametrize("name", list(BUILDERS))
def test_two_replicas_take_the_same_first_step_as_one_device(name):
    check_same_first_step(name, run_child(name))


@pytest.mark.parametrize("name", ["GAN-feature-matching", "SRGAN-relativistic"])
def test_full_mode_trains_on_two_replicas_too(name):
    """Full mode's defaults (several steps per call of the compiled step on one device) must not break
    a multi-replica run: Keras' multi-step loop fails under MirroredStrategy, so gankit takes one step
    per call there. Also the path where the global-batch statistics (all-reduce) run inside it."""
    check_same_first_step(name, run_child(name, quick="0"))


def check_same_first_step(name, result):
    assert result["replicas"] == [1, 2]
    deltas = dict(zip(result["names"], result["max_delta"]))
    # the step really moved both networks (a test of "no change == no change" proves nothing)
    moved = MOVED.get(name, 1e-4)
    assert any(v > moved for k, v in deltas.items() if k.startswith("generator")), deltas
    assert any(v > moved for k, v in deltas.items() if k.startswith("discriminator")), deltas
    for weight, diff, delta in zip(result["names"], result["max_diff"], result["max_delta"]):
        assert diff <= ATOL.get(name, 1e-5) + TOLERANCE.get(name, 1e-4) * delta, \
            f"{name}: {weight} moved by {delta:.3g} on one device but differs by {diff:.3g} on two replicas"
    # the logged losses are the global batch's, not one replica's and not a sum over replicas
    assert result["logs_one"].keys() == result["logs_two"].keys()
    for key, value in result["logs_one"].items():
        assert result["logs_two"][key] == pytest.approx(value, rel=1e-4, abs=1e-5), key


def test_strategy_names():
    from gankit import train

    assert train.get_strategy("default").num_replicas_in_sync == 1
    with pytest.raises(ValueError, match="Unknown strategy 'horovod'"):
        train.get_strategy("horovod")


def _elements(kind, n=8):
    import numpy as np
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (n, *SHAPE)).astype("float32")
    return {"images": x, "labels": (x, (np.arange(n) % 3).astype("int32")),
            "pairs": (x, rng.uniform(-1, 1, (n, *SHAPE)).astype("float32")),
            "sr": (x[:, ::4, ::4], x)}[kind]


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
@pytest.mark.parametrize("name", [name for name in BUILDERS if "-" not in name])  # the models, not their variants
def test_mixed_precision_option_trains(name, policy):
    """Every model trains under both mixed policies: 16-bit activations meet float32 targets,
    losses and penalties (a dtype mismatch is a TypeError at trace time), the losses stay
    finite, both networks move, and samples come back as float32."""
    import keras
    import numpy as np
    import tensorflow as tf
    from gankit import train

    build, kind = BUILDERS[name]
    try:
        assert train.set_precision(policy) == policy
        model = build()
        model.compile(jit_compile=False)
        networks = [getattr(model, n) for n in NETWORKS if getattr(model, n, None) is not None]
        before = [[np.array(w) for w in net.trainable_weights] for net in networks]
        # float16's dynamic loss scale starts at 2^15 and halves on every overflowing step, whose
        # update is skipped: Pix2Pix's 100 x L1 needs several steps before one goes through
        ds = tf.data.Dataset.from_tensor_slices(_elements(kind)).batch(4).repeat(8 if policy == "mixed_float16" else 1)
        logs = model.fit(ds, epochs=1, verbose=0).history
    finally:
        train.set_precision("auto")  # back to float32 and no choice made
    assert model.generator.outputs[0].dtype == policy.split("_")[1]
    scaled = isinstance(model.g_optimizer, keras.optimizers.LossScaleOptimizer)
    assert scaled == (policy == "mixed_float16")             # loss scaling only where float16 needs it
    assert all(np.isfinite(v[-1]) for v in logs.values()), logs
    for net, old in zip(networks, before):
        assert max(float(np.abs(np.array(w) - b).max()) for w, b in zip(net.trainable_weights, old)) > 0, net.name
    x = _elements(kind)
    out = {"images": lambda: model.generate(4, seed=0), "labels": lambda: model.generate(4, seed=0),
           "pairs": lambda: model.translate(x[0][:2]), "sr": lambda: model.upscale(x[0][:2])}[kind]()
    assert out.dtype == np.float32 and np.isfinite(out).all()


def test_unknown_precision_policy():
    from gankit import train

    with pytest.raises(ValueError, match="Unknown precision policy"):
        train.set_precision("float8")
