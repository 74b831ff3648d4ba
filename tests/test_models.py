"""gankit.models: GAN and DCGAN train, sample, save and fail the way they promise to."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from gankit import nets, runtime
from gankit.models import DCGAN, GAN, AdversarialModel

BATCH = 8
N_BATCHES = 3
# Only the module fixture trains in graph mode (the path the lessons take); the other tests
# run eagerly: tracing train_step costs seconds, a few eager steps of tiny models do not.
EAGER = {"run_eagerly": True}


def images(n=BATCH * N_BATCHES, shape=(28, 28, 1), seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, *shape)).astype("float32")


def small(kind, **kwargs):
    """Small but real models: the MLP GAN as is, DCGAN with 8 base filters."""
    if kind == "GAN":
        return GAN(seed=0, **kwargs)
    return DCGAN(seed=0, filters=8, **kwargs)


def snapshot(weights):
    return [np.array(w) for w in weights]


def changed(before, after):
    return [not np.array_equal(b, np.array(a)) for b, a in zip(before, after)]


@pytest.fixture(scope="module", params=["GAN", "DCGAN"])
def fitted(request):
    """One epoch of ``N_BATCHES`` batches, with weights recorded before training."""
    model = small(request.param)
    model.compile()
    g_before = snapshot(model.generator.trainable_weights)
    d_before = snapshot(model.discriminator.trainable_weights)
    history = model.fit(images(), batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    return model, g_before, d_before, history


# --- training ------------------------------------------------------------------------------

def test_fit_updates_both_networks(fitted):
    model, g_before, d_before, _ = fitted
    assert all(changed(g_before, model.generator.trainable_weights)), "a generator weight did not move"
    assert all(changed(d_before, model.discriminator.trainable_weights)), "a discriminator weight did not move"


def test_fit_losses_are_finite_and_keys_match_loss_names(fitted):
    model, _, _, history = fitted
    assert set(history.history) == set(model.loss_names) == {"d_loss", "g_loss"}
    for name in model.loss_names:
        assert len(history.history[name]) == 1
        assert np.isfinite(history.history[name][0])
    assert [m.name for m in model.metrics] == list(model.loss_names)


def test_train_step_returns_exactly_the_loss_names(fitted):
    model = fitted[0]
    logs = model.train_step(tf.constant(images(BATCH)))
    assert list(logs) == list(model.loss_names)
    assert all(np.isfinite(float(v)) for v in logs.values())
    # (x, y) batches are accepted too: unconditional models ignore the labels
    logs = model.train_step((tf.constant(images(BATCH)), tf.zeros((BATCH,), tf.int32)))
    assert list(logs) == list(model.loss_names)


def test_each_optimizer_holds_only_its_own_networks_state(fitted):
    model = fitted[0]
    assert model.g_optimizer is not model.d_optimizer
    # Adam keeps (iteration, learning_rate) plus two slots per trainable weight it updates
    assert len(model.d_optimizer.variables) == 2 + 2 * len(model.discriminator.trainable_weights)
    assert len(model.g_optimizer.variables) == 2 + 2 * len(model.generator.trainable_weights)
    # Algorithm 1 with k = 1: one D step and one G step per batch (fixture plus train_step test may add)
    assert int(model.d_optimizer.iterations) == int(model.g_optimizer.iterations) >= N_BATCHES


@pytest.mark.parametrize("kind", ["GAN", "DCGAN"])
def test_d_step_updates_only_d_and_g_step_only_g(kind):
    # With one optimizer frozen (SGD, lr 0), whatever moves was moved by the other one.
    x = images(2 * BATCH)
    model = small(kind)
    model.compile(g_optimizer=keras.optimizers.SGD(0.0), d_optimizer=keras.optimizers.Adam(1e-3), **EAGER)
    g0, d0 = snapshot(model.generator.trainable_weights), snapshot(model.discriminator.trainable_weights)
    model.fit(x, batch_size=BATCH, epochs=1, verbose=0)
    assert not any(changed(g0, model.generator.trainable_weights)), "the D update changed G"
    assert any(changed(d0, model.discriminator.trainable_weights))

    model = small(kind)
    model.compile(g_optimizer=keras.optimizers.Adam(1e-3), d_optimizer=keras.optimizers.SGD(0.0), **EAGER)
    g0, d0 = snapshot(model.generator.trainable_weights), snapshot(model.discriminator.trainable_weights)
    model.fit(x, batch_size=BATCH, epochs=1, verbose=0)
    assert not any(changed(d0, model.discriminator.trainable_weights)), "the G update changed D"
    assert any(changed(g0, model.generator.trainable_weights))


def test_d_steps_gives_k_discriminator_updates_per_generator_update():
    model = GAN(seed=0, latent_dim=16, d_steps=3)
    model.compile(**EAGER)
    model.fit(images(2 * BATCH), batch_size=BATCH, epochs=1, verbose=0)
    assert int(model.g_optimizer.iterations) == 2
    assert int(model.d_optimizer.iterations) == 6


@pytest.mark.parametrize("loss", ["minimax", "least_squares", "wasserstein"])
def test_every_loss_trains(loss):
    model = GAN(seed=0, latent_dim=16, loss=loss)
    model.compile(**EAGER)
    history = model.fit(images(BATCH), batch_size=BATCH, epochs=1, verbose=0)
    assert all(np.isfinite(v[0]) for v in history.history.values())


def test_unknown_loss_is_refused():
    with pytest.raises(ValueError, match="non_saturating"):
        GAN(loss="nope")


# --- defaults and architecture -------------------------------------------------------------

def test_compile_defaults_follow_the_papers():
    gan = GAN()
    gan.compile()
    for opt in (gan.g_optimizer, gan.d_optimizer):
        assert isinstance(opt, keras.optimizers.Adam)
        assert float(opt.learning_rate) == pytest.approx(3e-4)
    assert gan.g_optimizer is not gan.d_optimizer

    dcgan = DCGAN(filters=8)
    dcgan.compile()
    for opt in (dcgan.g_optimizer, dcgan.d_optimizer):
        assert isinstance(opt, keras.optimizers.Adam)
        assert float(opt.learning_rate) == pytest.approx(2e-4)
        assert float(opt.beta_1) == pytest.approx(0.5)
    assert dcgan.g_optimizer is not dcgan.d_optimizer
    assert dcgan.latent_dim == 100 and GAN().latent_dim == 64


def test_compile_accepts_optimizer_names_and_objects():
    model = GAN()
    rms = keras.optimizers.RMSprop(5e-5)
    model.compile(g_optimizer="sgd", d_optimizer=rms)
    assert isinstance(model.g_optimizer, keras.optimizers.SGD)
    assert model.d_optimizer is rms


MODELS = [
    pytest.param(lambda: GAN(), (28, 28, 1), id="GAN-28x28x1"),
    pytest.param(lambda: DCGAN(filters=8), (28, 28, 1), id="DCGAN-28x28x1"),
    pytest.param(lambda: DCGAN(filters=8, image_shape=(32, 32, 3)), (32, 32, 3), id="DCGAN-32x32x3"),
    pytest.param(lambda: DCGAN(filters=8, image_shape=(64, 64, 3)), (64, 64, 3), id="DCGAN-64x64x3"),
]


@pytest.mark.parametrize("make, shape", MODELS)
def test_discriminator_returns_one_logit_from_a_linear_layer(make, shape):
    model = make()
    last = model.discriminator.layers[-1]
    assert isinstance(last, keras.layers.Dense) and last.units == 1
    assert last.activation is keras.activations.linear, "the losses expect logits (from_logits), not D(x)"
    assert tuple(model.discriminator.output.shape) == (None, 1)
    assert tuple(model.discriminator.input.shape[1:]) == shape
    # a logit can be any real number: scores are sigmoids of it, strictly inside (0, 1)
    s = model.score(images(4, shape))
    assert s.shape == (4,) and np.all((s > 0) & (s < 1))


@pytest.mark.parametrize("make, shape", MODELS)
def test_generate_shape_range_and_seeding(make, shape):
    model = make()
    a = model.generate(5, seed=1)
    assert a.dtype == np.float32 and a.shape == (5, *shape)
    assert a.min() >= -1.0 and a.max() <= 1.0
    np.testing.assert_array_equal(a, model.generate(5, seed=1))
    assert not np.allclose(a, model.generate(5, seed=2))
    # the same images from the same latent vectors, in any batch size
    z = model.latent(5, seed=1)
    np.testing.assert_allclose(model.generate(z=z, batch_size=2), a, atol=1e-6)


def test_generate_needs_n_or_z():
    with pytest.raises(ValueError, match="needs n"):
        GAN().generate()


def test_dcgan_generator_uses_the_deliberate_batch_norm_momentum():
    model = DCGAN(filters=8)
    bns = [layer for layer in model.generator.layers if isinstance(layer, keras.layers.BatchNormalization)]
    assert bns, "DCGAN's generator has batch norm on every layer but the output"
    assert all(layer.momentum == pytest.approx(0.9) for layer in bns)
    # ... and none on the output layer, which is tanh
    assert model.generator.layers[-1].activation is keras.activations.tanh


@pytest.mark.parametrize("side", [30, 29, 6, 100])
def test_dcgan_rejects_sides_that_do_not_halve_to_4_to_7(side):
    with pytest.raises(ValueError) as err:
        DCGAN(image_shape=(side, side, 1), filters=8)
    message = str(err.value)
    assert str(side) in message and "4-7" in message and "28, 32, 64" in message


@pytest.mark.parametrize("side, doublings", [(28, 2), (32, 3), (64, 4), (14, 1), (128, 5)])
def test_dcgan_sides_that_work(side, doublings):
    n, base = nets._num_doublings(side)
    assert (n, 4 <= base <= 7, base * 2 ** n) == (doublings, True, side)


# --- saving --------------------------------------------------------------------------------

ROUND_TRIP = [
    pytest.param(lambda: GAN(seed=3, latent_dim=16, loss="least_squares", d_steps=2, real_label=0.9), id="GAN"),
    pytest.param(lambda: DCGAN(seed=3, filters=8, loss="minimax", d_steps=2, latent_dim=12), id="DCGAN"),
]


@pytest.mark.parametrize("make", ROUND_TRIP)
def test_save_and_load_round_trip(make, tmp_path):
    model = make()
    model.compile(**EAGER)
    model.fit(images(2 * BATCH), batch_size=BATCH, epochs=1, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)

    assert type(loaded) is type(model)
    for key in ("loss", "d_steps", "latent_dim", "real_label", "image_shape", "seed"):
        assert loaded.get_config()[key] == model.get_config()[key], key
    if isinstance(model, DCGAN):
        assert loaded.filters == model.filters
    for net in ("generator", "discriminator"):  # same networks (JSON turns tuples into lists: compare structure)
        a, b = getattr(model, net), getattr(loaded, net)
        assert [type(x) for x in a.layers] == [type(x) for x in b.layers]
        assert a.count_params() == b.count_params()
    np.testing.assert_array_equal(loaded.generate(6, seed=11), model.generate(6, seed=11))
    np.testing.assert_array_equal(loaded.score(images(4)), model.score(images(4)))


def test_loaded_model_can_go_on_training(tmp_path):
    # the optimizers (kind, settings and state) come back with the .keras file
    model = GAN(seed=0, latent_dim=16)
    model.compile(d_optimizer=keras.optimizers.RMSprop(5e-5), **EAGER)
    model.fit(images(2 * BATCH), batch_size=BATCH, epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert isinstance(loaded.d_optimizer, keras.optimizers.RMSprop)
    assert float(loaded.d_optimizer.learning_rate) == pytest.approx(5e-5)
    assert isinstance(loaded.g_optimizer, keras.optimizers.Adam)
    assert int(loaded.d_optimizer.iterations) == int(model.d_optimizer.iterations) == 2
    history = loaded.fit(images(2 * BATCH), batch_size=BATCH, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][0])
    assert int(loaded.g_optimizer.iterations) == 4


def test_uncompiled_model_round_trips(tmp_path):
    model = GAN(latent_dim=8)
    model.save(tmp_path / "u.keras")
    loaded = keras.models.load_model(tmp_path / "u.keras")
    np.testing.assert_array_equal(loaded.generate(2, seed=0), model.generate(2, seed=0))


def test_models_are_registered_for_loading():
    for cls in (AdversarialModel, GAN, DCGAN):
        assert keras.saving.get_registered_object(f"gankit>{cls.__name__}") is cls


# --- data of the wrong shape ---------------------------------------------------------------

def _check_shape_message(message, data_shape, model_shape):
    assert str(data_shape) in message and str(model_shape) in message
    assert "image_shape=" in message and "image_size=" in message and "channels=" in message
    assert "\n" not in message.strip()


def test_fit_refuses_numpy_images_of_the_wrong_shape():
    model = GAN(latent_dim=8)
    model.compile()
    with pytest.raises(ValueError) as err:
        model.fit(images(BATCH, (32, 32, 3)), batch_size=BATCH, verbose=0)
    _check_shape_message(str(err.value), (32, 32, 3), (28, 28, 1))
    assert int(model.d_optimizer.iterations) == 0  # refused before any training step


def test_fit_refuses_a_dataset_of_the_wrong_shape():
    model = DCGAN(filters=8, image_shape=(32, 32, 3))
    model.compile()
    x = images(BATCH, (28, 28, 1))
    labelled = tf.data.Dataset.from_tensor_slices((x, np.zeros(BATCH, "int32"))).batch(4)
    with pytest.raises(ValueError) as err:
        model.fit(labelled, verbose=0)
    _check_shape_message(str(err.value), (28, 28, 1), (32, 32, 3))
    with pytest.raises(ValueError, match=r"\(28, 28, 1\)"):
        model.fit(tf.data.Dataset.from_tensor_slices(x).batch(4), verbose=0)


def test_fit_accepts_a_dataset_of_the_right_shape():
    from gankit import data

    # the 2-D toy of lesson 1: points, not images, through the same check
    model = GAN(seed=0, latent_dim=4, image_shape=(2,),
                generator=nets.mlp_generator(4, (2,), hidden=(16,), output_activation=None),
                discriminator=nets.mlp_discriminator((2,), hidden=(16,)))
    model.compile(**EAGER)
    history = model.fit(data.load("gaussian_ring", batch_size=16, limit=64), epochs=1, shuffle=False, verbose=0)
    assert np.isfinite(history.history["g_loss"][0])
    assert model.generate(3, seed=0).shape == (3, 2)


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
    chosen = {name for name, (build, _) in _xla_cases().items() if build().resolve_jit_compile() is True}
    assert chosen == with_xla
    model = _xla_cases()["GAN (all tricks)"][0]()
    model.compile(jit_compile=False)
    assert model.jit_compile is False  # an explicit choice stands


def test_models_not_measured_faster_keep_keras_auto(monkeypatch):
    from gankit import models

    monkeypatch.delenv("GANKIT_QUICK", raising=False)
    for model in (models.CycleGAN(image_shape=(16, 16, 3), filters=4, n_blocks=1, d_filters=4, d_layers=1),
                  models.SRGAN(hr_size=16, blocks=1, filters=4, d_filters=4, content="pixel")):
        assert model.resolve_jit_compile() == "auto"
        model.compile()
        assert model.jit_compile is False


# --- several steps per call of the compiled training function ----------------------------------

def test_steps_per_execution_auto_is_one_in_quick_mode_and_divides_steps_per_epoch(monkeypatch):
    model = DCGAN(image_shape=(16, 16, 1), latent_dim=8, filters=4, seed=0)
    assert model.resolve_steps_per_execution() == 1                 # quick mode (the tests' conftest)
    monkeypatch.delenv("GANKIT_QUICK", raising=False)
    assert model.resolve_steps_per_execution() == 8
    assert model.resolve_steps_per_execution(steps_per_epoch=100) == 4  # gcd: whole groups fill the epoch
    assert model.resolve_steps_per_execution(steps_per_epoch=3) == 1


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
    from gankit import train

    monkeypatch.delenv("GANKIT_QUICK", raising=False)
    monkeypatch.setattr(runtime, "cpu_has_bf16", lambda: True)
    monkeypatch.setattr(train, "_chosen", None)
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
        assert model.resolve_jit_compile() == "auto"          # no XLA on a CPU for bfloat16 networks
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


# --- the updates GAN's train_step makes, against eq. 1 written out ----------------------------------

def test_gan_updates_follow_eq_1_with_fresh_noise_for_each_player():
    """D ascends E[log D(x)] + E[log(1 - D(G(z)))] (here with a real label of 0.9, one-sided smoothing);
    G descends -E[log D(G(z'))] with fresh z' (the non-saturating loss, §3)."""
    from helpers import assert_step, hand_step, recording, sgd, weights_of
    from helpers import snapshot as weights

    model = sgd(GAN(image_shape=(2,), latent_dim=4, label_smoothing=0.9, seed=0))
    zs = recording(model, "sample_latent")
    G, D = model.generator, model.discriminator
    g0, d0 = weights(G), weights(D)
    x = np.random.default_rng(0).normal(size=(8, 2)).astype("float32")
    model.fit(x, batch_size=8, epochs=1, shuffle=False, verbose=0)
    z_d, z_g = zs
    assert not np.array_equal(z_d, z_g)
    sig = tf.sigmoid
    with weights_of(G, g0), weights_of(D, d0):
        fake = np.array(G(z_d, training=True))

        def d_loss():
            p_real, p_fake = sig(D(x, training=True)), sig(D(fake, training=True))
            return (-tf.reduce_mean(0.9 * tf.math.log(p_real) + 0.1 * tf.math.log(1 - p_real))
                    - tf.reduce_mean(tf.math.log(1 - p_fake)))
        want_d = hand_step(D, d_loss)
    assert_step(d0, D, want_d, "GAN discriminator")
    with weights_of(G, g0):
        want_g = hand_step(G, lambda: -tf.reduce_mean(tf.math.log(sig(D(G(z_g, training=True), training=True)))))
    assert_step(g0, G, want_g, "GAN generator")
