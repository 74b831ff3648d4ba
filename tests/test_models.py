"""gankit.models: GAN and DCGAN train, sample, save and fail the way they promise to."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from gankit import nets
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


# --- get_config, written once in the base ---------------------------------------------------------

def test_get_config_saves_every_constructor_argument_of_a_subclass(tmp_path):
    """A subclass adds an argument and stores it: get_config picks it up without being written
    again, and the saved model reloads with it."""

    @keras.saving.register_keras_serializable(package="gankit_test")
    class WiderGAN(GAN):
        def __init__(self, width=3, **kwargs):
            self.width = int(width)
            super().__init__(**kwargs)

    model = WiderGAN(width=5, latent_dim=8, d_steps=2, seed=3)
    config = model.get_config()
    assert {"width", "latent_dim", "d_steps", "seed", "precision", "image_shape"} <= set(config)
    assert config["width"] == 5 and config["d_steps"] == 2 and config["image_shape"] == [28, 28, 1]
    model.save(tmp_path / "w.keras")
    loaded = keras.models.load_model(tmp_path / "w.keras")
    assert type(loaded) is WiderGAN and loaded.width == 5 and loaded.d_steps == 2 and loaded.latent_dim == 8
    np.testing.assert_array_equal(loaded.generate(2, seed=0), model.generate(2, seed=0))


def test_get_config_names_an_argument_the_subclass_forgot_to_store():
    class Forgetful(GAN):
        def __init__(self, width=3, **kwargs):
            super().__init__(**kwargs)

    with pytest.raises(TypeError, match=r"Forgetful.__init__ takes `width` but keeps no attribute self.width"):
        Forgetful(latent_dim=8).get_config()


def test_networks_are_built_by_the_hook_only_when_not_given():
    given = nets.mlp_generator(8, (28, 28, 1))
    model = GAN(generator=given, seed=0)
    assert model.generator is given and model.latent_dim == 8       # latent_dim read from the given generator
    assert model.networks() == [model.generator, model.discriminator]
    with pytest.raises(TypeError, match="has no default discriminator"):
        AdversarialModel(generator=given)
