"""gankit.runtime: what each model runs with on this machine (XLA, steps per call, bfloat16),
decided from the measured table and the CPU's flags, and training that stays the same under it."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from gankit import runtime
from gankit.models import DCGAN

# --- XLA on a CPU for full training ------------------------------------------------------------

def _xla_cases():
    from gankit import models

    shape = (16, 16, 1)
    return {
        "GAN (all tricks)": (lambda: models.GAN(image_shape=shape, latent_dim=8, label_smoothing=0.9,
                                                feature_matching=True, minibatch_discrimination=4, pack=2,
                                                spectral_norm=True, seed=0), False),
        "DCGAN": (lambda: models.DCGAN(image_shape=shape, latent_dim=8, filters=4, seed=0), False),
        "CGAN": (lambda: models.CGAN(image_shape=shape, latent_dim=8, filters=4, seed=0), True),
        "ACGAN": (lambda: models.ACGAN(image_shape=shape, latent_dim=8, filters=4, seed=0), True),
        "InfoGAN": (lambda: models.InfoGAN(image_shape=shape, noise_dim=6, filters=4, hidden=16, seed=0), False),
        "WGAN": (lambda: models.WGAN(image_shape=shape, latent_dim=8, filters=4, seed=0), False),
        "WGANGP": (lambda: models.WGANGP(image_shape=shape, latent_dim=8, filters=4, seed=0), False),
    }


@pytest.mark.parametrize("name", list(_xla_cases()))
def test_full_training_on_a_cpu_compiles_the_step_with_xla_and_it_trains(name, monkeypatch):
    """Outside quick mode the models measured faster with XLA on a CPU compile their step with
    it (benchmarks/train_step.py); every trick and loss must then really run under XLA."""
    build, labels = _xla_cases()[name]
    monkeypatch.delenv("GANKIT_QUICK", raising=False)
    monkeypatch.setattr(runtime, "cpu_vector_unit", lambda: "avx2")  # where all seven were measured faster with XLA
    monkeypatch.setattr(runtime, "cpu_has_bf16", lambda: False)      # float32 networks (bfloat16 ones skip XLA)
    model = build()
    model.compile()
    assert model.jit_compile is True
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (16, 16, 16, 1)).astype("float32")
    y = (np.arange(16) % 3).astype("int32")
    before = [np.array(w) for w in model.generator.trainable_weights]
    logs = model.fit(x, y if labels else None, batch_size=8 if not name.startswith("WGAN") else 16, epochs=1,
                     verbose=0).history
    assert all(np.isfinite(v[-1]) for v in logs.values()), logs
    assert max(float(np.abs(np.array(w) - b).max()) for w, b in zip(model.generator.trainable_weights, before)) > 0
    monkeypatch.setenv("GANKIT_QUICK", "1")
    again = build()
    again.compile()
    assert again.jit_compile is False  # quick mode: "auto", which Keras resolves to no XLA on a CPU


def test_cpu_vector_unit_reads_the_widest_one_from_cpuinfo(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma avx512f avx512dq\n")
    assert runtime.cpu_vector_unit(info) == "avx512"
    info.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma\nbugs\t\t: avx512f_fake\n")
    assert runtime.cpu_vector_unit(info) == "avx2"
    info.write_text("processor\t: 0\nFeatures\t: fp asimd\n")  # ARM
    assert runtime.cpu_vector_unit(info) == "other"
    assert runtime.cpu_vector_unit(tmp_path / "missing") == "other"


@pytest.mark.parametrize("unit, with_xla", [
    ("avx2", {"GAN (all tricks)", "DCGAN", "CGAN", "ACGAN", "InfoGAN", "WGAN", "WGANGP"}),
    ("avx512", {"GAN (all tricks)", "InfoGAN"}),  # oneDNN's AVX-512 convolutions beat XLA's for the rest
    ("other", set()),                          # never measured: Keras' default, no XLA on a CPU
])
def test_xla_on_a_cpu_only_where_the_benchmark_measured_it_faster(unit, with_xla, monkeypatch):
    monkeypatch.delenv("GANKIT_QUICK", raising=False)
    monkeypatch.setattr(runtime, "cpu_vector_unit", lambda: unit)
    monkeypatch.setattr(runtime, "cpu_has_bf16", lambda: False)
    chosen = {name for name, (build, _) in _xla_cases().items() if runtime.for_model(build()).jit_compile is True}
    assert chosen == with_xla
    model = _xla_cases()["GAN (all tricks)"][0]()
    model.compile(jit_compile=False)
    assert model.jit_compile is False  # an explicit choice stands


def test_models_not_measured_faster_keep_keras_auto(monkeypatch):
    from gankit import models

    monkeypatch.delenv("GANKIT_QUICK", raising=False)
    for model in (models.CycleGAN(image_shape=(16, 16, 3), filters=4, n_blocks=1, d_filters=4, d_layers=1),
                  models.SRGAN(hr_size=16, blocks=1, filters=4, d_filters=4, content="pixel")):
        assert runtime.for_model(model).jit_compile == "auto"
        model.compile()
        assert model.jit_compile is False


# --- several steps per call of the compiled training function ----------------------------------

def test_steps_per_execution_auto_is_one_in_quick_mode_and_divides_steps_per_epoch(monkeypatch):
    model = DCGAN(image_shape=(16, 16, 1), latent_dim=8, filters=4, seed=0)
    assert runtime.for_model(model).steps_per_execution == 1                 # quick mode (the tests' conftest)
    monkeypatch.delenv("GANKIT_QUICK", raising=False)
    assert runtime.for_model(model).steps_per_execution == 8
    assert runtime.for_model(model, 100).steps_per_execution == 4  # gcd: whole groups fill the epoch
    assert runtime.for_model(model, 3).steps_per_execution == 1


def test_auto_steps_per_execution_never_runs_more_steps_than_asked(monkeypatch):
    """Keras runs steps in whole groups of ``steps_per_execution``: with 8 per group and
    ``steps_per_epoch=6`` it would run 8 steps an epoch. gankit's choice divides the epoch."""
    monkeypatch.delenv("GANKIT_QUICK", raising=False)
    model = DCGAN(image_shape=(16, 16, 1), latent_dim=8, filters=4, seed=0)
    model.compile(jit_compile=False)
    x = np.random.default_rng(0).uniform(-1, 1, (8, 16, 16, 1)).astype("float32")
    ds = tf.data.Dataset.from_tensor_slices(x).batch(4).repeat()
    model.fit(ds, epochs=2, steps_per_epoch=6, verbose=0)
    assert model.steps_per_execution == 2
    assert int(model.g_optimizer.iterations) == 12 and int(model.d_optimizer.iterations) == 12
    model.fit(ds, epochs=1, steps_per_epoch=16, verbose=0)          # a new choice retraces the loop
    assert model.steps_per_execution == 8 and int(model.g_optimizer.iterations) == 28


@pytest.mark.parametrize("name", ["DCGAN", "WGANGP"])
def test_several_steps_per_call_train_exactly_like_one_step_per_call(name):
    """Eight steps run inside one ``tf.while_loop`` give the same weights and logged losses as
    eight calls of one step each (same seeds: the same batches, the same noise)."""
    build = {"DCGAN": lambda: DCGAN(image_shape=(16, 16, 1), latent_dim=8, filters=4, seed=3),
             "WGANGP": lambda: __import__("gankit.models", fromlist=["WGANGP"]).WGANGP(
                 image_shape=(16, 16, 1), latent_dim=8, filters=4, n_critic=2, seed=3)}[name]
    x = np.random.default_rng(1).uniform(-1, 1, (64, 16, 16, 1)).astype("float32")
    results = []
    for k in (1, 8):
        keras.utils.set_random_seed(0)
        model = build()
        model.compile(steps_per_execution=k, jit_compile=False)
        logs = model.fit(tf.data.Dataset.from_tensor_slices(x).batch(8), epochs=1, verbose=0).history
        assert int(model.g_optimizer.iterations) == 8
        results.append(([np.array(w) for w in model.generator.weights + model.discriminator.weights], logs))
    (w1, logs1), (w8, logs8) = results
    for a, b in zip(w1, w8):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert logs1.keys() == logs8.keys()
    for key in logs1:
        assert logs8[key][-1] == pytest.approx(logs1[key][-1], rel=1e-5, abs=1e-6), key


# --- bfloat16 on CPUs with bfloat16 units ------------------------------------------------------

def test_cpu_has_bf16_reads_the_flags(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nflags\t\t: fpu avx2 avx512f avx512_bf16 avx512_vnni\n")  # AMD Zen 4/5
    assert runtime.cpu_has_bf16(info)
    info.write_text("processor\t: 0\nflags\t\t: fpu avx2 avx512f amx_bf16 amx_tile\n")      # Intel Sapphire Rapids
    assert runtime.cpu_has_bf16(info)
    info.write_text("processor\t: 0\nflags\t\t: fpu avx2 avx512f avx512_vnni\n")            # AVX-512 without bf16
    assert not runtime.cpu_has_bf16(info)
    assert not runtime.cpu_has_bf16(tmp_path / "missing")


def _bf16_cases():
    from gankit import models

    s = (16, 16, 1)
    return {
        "GAN": (lambda **k: models.GAN(image_shape=s, latent_dim=8, **k), False),  # MLPs: measured no faster
        "DCGAN": (lambda **k: models.DCGAN(image_shape=s, latent_dim=8, filters=4, **k), True),
        "CGAN": (lambda **k: models.CGAN(image_shape=s, latent_dim=8, filters=4, **k), True),
        "ACGAN": (lambda **k: models.ACGAN(image_shape=s, latent_dim=8, filters=4, **k), True),
        "InfoGAN": (lambda **k: models.InfoGAN(image_shape=s, noise_dim=6, filters=4, hidden=16, **k), True),
        "WGAN": (lambda **k: models.WGAN(image_shape=s, latent_dim=8, filters=4, **k), True),
        "WGAN points": (lambda **k: models.WGAN(image_shape=(2,), hidden=(8,), **k), False),  # float32 toys
        "WGANGP": (lambda **k: models.WGANGP(image_shape=s, latent_dim=8, filters=4, **k), True),
        "Pix2Pix": (lambda **k: models.Pix2Pix(image_shape=s, filters=4, n_layers=1, **k), False),
        "CycleGAN": (lambda **k: models.CycleGAN(image_shape=(16, 16, 3), filters=4, n_blocks=1, d_filters=4,
                                                 d_layers=1, **k), True),
        "SRGAN": (lambda **k: models.SRGAN(hr_size=16, blocks=1, filters=4, d_filters=4, content="pixel", **k),
                  False),
    }


def _policies(model):
    nets_ = [getattr(model, n) for n in ("generator", "generator_f", "discriminator", "discriminator_x")
             if getattr(model, n, None) is not None]
    return {net.dtype_policy.name for net in nets_}


@pytest.fixture
def bf16_cpu(monkeypatch):
    """Full mode on a CPU with bfloat16 units, no policy chosen."""
    monkeypatch.delenv("GANKIT_QUICK", raising=False)
    monkeypatch.setattr(runtime, "cpu_has_bf16", lambda: True)
    monkeypatch.delenv("GANKIT_PRECISION", raising=False)
    assert keras.config.dtype_policy().name == "float32"
    yield
    keras.config.set_dtype_policy("float32")


@pytest.mark.parametrize("name", list(_bf16_cases()))
def test_auto_precision_builds_bfloat16_networks_only_where_measured_faster(name, bf16_cpu):
    build, bf16 = _bf16_cases()[name]
    model = build()
    assert _policies(model) == ({"mixed_bfloat16"} if bf16 else {"float32"})
    assert keras.config.dtype_policy().name == "float32"     # the global policy is left as it was
    assert _policies(build(precision="float32")) == {"float32"}  # an explicit choice per model
    assert _policies(build(precision="mixed_bfloat16")) == {"mixed_bfloat16"}
    if bf16:
        assert runtime.for_model(model).jit_compile == "auto"          # no XLA on a CPU for bfloat16 networks
        assert type(model).from_config(model.get_config()).get_config()["precision"] == "auto"


def test_auto_precision_gives_way_to_quick_mode_a_chosen_policy_and_other_cpus(bf16_cpu, monkeypatch):
    from gankit import train

    build, _ = _bf16_cases()["DCGAN"]
    monkeypatch.setenv("GANKIT_QUICK", "1")                       # tests and CI: float32, repeatable
    assert _policies(build()) == {"float32"}
    monkeypatch.delenv("GANKIT_QUICK")
    try:
        train.set_precision("float32")                            # e.g. the runner's --precision float32
        assert _policies(build()) == {"float32"}
        train.set_precision("mixed_float16")                      # a global choice reaches every network
        assert _policies(build()) == {"mixed_float16"}
        assert train.set_precision("auto") == "float32" and train.chosen_precision() is None
        assert _policies(build()) == {"mixed_bfloat16"}           # "auto" hands the choice back to the model
    finally:
        train.set_precision("auto")
    monkeypatch.setattr(runtime, "cpu_has_bf16", lambda: False)      # AVX2 laptops: bfloat16 would be emulated
    assert _policies(build()) == {"float32"}
    with pytest.raises(ValueError, match="precision must be"):
        build(precision="half")


def test_a_precision_chosen_in_the_environment_reaches_models_built_in_another_process(monkeypatch):
    """``--precision`` travels as GANKIT_PRECISION (e.g. to a notebook kernel the runner starts):
    a process that only reads the setting builds every network in that policy."""
    build, _ = _bf16_cases()["GAN"]              # a model that would stay float32 by itself
    monkeypatch.setenv("GANKIT_PRECISION", "mixed_bfloat16")
    assert _policies(build()) == {"mixed_bfloat16"}
    monkeypatch.setenv("GANKIT_PRECISION", "half")
    with pytest.raises(ValueError, match="GANKIT_PRECISION='half'"):
        build()
