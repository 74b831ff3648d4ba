"""Training tricks of lesson 10 as options of GAN / DCGAN: one-sided label smoothing, feature
matching, minibatch discrimination, PacGAN packing, spectral normalisation."""

import numpy as np
import pytest
import keras
import tensorflow as tf

from gankit import losses, models, nets


def _images(n=16, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, 28, 28, 1)).astype("float32")


def _weights(network):
    return [np.array(w) for w in network.trainable_weights]


# --- the building blocks, on hand-computed values ------------------------------------------------

def test_minibatch_discrimination_matches_the_formula():
    layer = nets.MinibatchDiscrimination(num_kernels=2, kernel_dim=1)
    f = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]], "float32")
    layer.build(f.shape)
    layer.T.assign(np.array([[1.0, 0.0], [0.0, 2.0]], "float32"))  # M_i = (f_i0, 2 f_i1), one dim per kernel
    out = np.asarray(layer(f))
    m = f * np.array([1.0, 2.0])
    expected = np.stack([np.exp(-np.abs(m[:, None, b] - m[None, :, b])).sum(axis=1) for b in range(2)], axis=1)
    # kernel 0, example 0: exp(0) + exp(-1) + exp(-2) (itself included, as in the paper)
    assert expected[0, 0] == pytest.approx(1 + np.exp(-1) + np.exp(-2))
    np.testing.assert_allclose(out, np.concatenate([f, expected], axis=1), rtol=1e-5)
    assert layer.compute_output_shape((None, 2)) == (None, 4)


def test_minibatch_discrimination_sees_a_collapsed_batch():
    keras.utils.set_random_seed(0)
    layer = nets.MinibatchDiscrimination(num_kernels=4, kernel_dim=3)
    varied = np.random.default_rng(1).normal(size=(8, 5)).astype("float32") * 3
    collapsed = np.repeat(varied[:1], 8, axis=0)
    o_varied, o_collapsed = np.asarray(layer(varied))[:, 5:], np.asarray(layer(collapsed))[:, 5:]
    np.testing.assert_allclose(o_collapsed, 8.0, rtol=1e-5)  # every exp(-0) = 1, summed over 8 examples
    assert o_varied.mean() < 6.0  # distinct examples: exp(-distance) < 1 for every other one


def test_minibatch_discrimination_rejects_images():
    with pytest.raises(ValueError, match="Flatten"):
        nets.MinibatchDiscrimination()(np.zeros((2, 4, 4, 1), "float32"))


def test_pack_samples_stacks_consecutive_examples_on_the_last_axis():
    x = np.arange(4 * 2 * 2 * 1, dtype="float32").reshape(4, 2, 2, 1)
    packed = np.asarray(nets.pack_samples(tf.constant(x), 2))
    assert packed.shape == (2, 2, 2, 2)
    np.testing.assert_array_equal(packed[1, ..., 0], x[2, ..., 0])
    np.testing.assert_array_equal(packed[1, ..., 1], x[3, ..., 0])
    points = np.arange(14, dtype="float32").reshape(7, 2)  # 7 points, packs of 3: the last one is dropped
    np.testing.assert_array_equal(np.asarray(nets.pack_samples(tf.constant(points), 3)),
                                  points[:6].reshape(2, 6))
    assert nets.pack_samples(x, 1) is x
    assert nets.packed_shape((28, 28, 1), 4) == (28, 28, 4) and nets.packed_shape((2,), 3) == (6,)


def test_feature_matching_loss_by_hand():
    real = np.array([[1.0, 2.0], [3.0, 4.0]], "float32")   # mean (2, 3)
    fake = np.array([[0.0, 0.0], [2.0, 0.0]], "float32")   # mean (1, 0)
    assert float(losses.feature_matching_loss(real, fake)) == pytest.approx(1.0 + 9.0)
    assert float(losses.feature_matching_loss(real, real)) == 0.0


def test_spectral_normalized_layers_have_unit_spectral_norm():
    keras.utils.set_random_seed(0)
    d = nets.spectral_normalized(nets.mlp_discriminator((2,), hidden=(16, 16)))
    wrapped = [layer for layer in d.layers if isinstance(layer, keras.layers.SpectralNormalization)]
    assert len(wrapped) == 3  # two hidden Dense layers and the logit
    x = np.random.default_rng(0).normal(size=(32, 2)).astype("float32")
    for _ in range(30):  # one power iteration per training call; u converges across calls
        d(x, training=True)
    for layer in wrapped:
        kernel = np.array(layer.layer.kernel).reshape(-1, layer.layer.kernel.shape[-1])
        assert np.linalg.svd(kernel, compute_uv=False)[0] == pytest.approx(1.0, rel=0.05)


# --- the options on the models ---------------------------------------------------------------------

def test_defaults_keep_the_plain_game():
    gan = models.GAN(latent_dim=8, seed=0)
    config = gan.get_config()
    assert config["pack"] == 1 and config["spectral_norm"] is False and config["feature_matching"] is False
    assert config["minibatch_discrimination"] == 0 and config["label_smoothing"] is None
    assert [type(layer).__name__ for layer in gan.discriminator.layers] == [
        type(layer).__name__ for layer in nets.mlp_discriminator().layers]


def test_label_smoothing_sets_the_real_target_only():
    gan = models.GAN(latent_dim=8, label_smoothing=0.9, seed=0)
    assert gan.real_label == 0.9 and gan.get_config()["label_smoothing"] == 0.9
    real_logits, fake_logits = tf.constant([[2.0]]), tf.constant([[-1.0]])
    smoothed = float(gan.d_loss_fn(real_logits, fake_logits, real_label=gan.real_label))
    by_hand = 0.9 * np.log1p(np.exp(-2.0)) + 0.1 * np.log1p(np.exp(2.0)) + np.log1p(np.exp(-1.0))
    assert smoothed == pytest.approx(by_hand, rel=1e-5)
    with pytest.raises(ValueError, match="target for real examples"):
        models.GAN(label_smoothing=0.1)


def test_feature_matching_uses_a_layer_of_d_sharing_its_weights():
    gan = models.DCGAN(filters=4, latent_dim=8, feature_matching=True, seed=0)
    net = gan._feature_net
    assert net.outputs[0].shape[-1] == gan.discriminator.layers[-1].input.shape[-1]
    assert {id(v) for v in net.weights} <= {id(v) for v in gan.discriminator.weights}
    named = models.GAN(latent_dim=8, feature_matching=True, feature_layer="image", seed=0)
    assert named._feature_net.outputs[0].shape[-1] == 1
    with pytest.raises(ValueError, match="not a layer"):
        models.GAN(latent_dim=8, feature_matching=True, feature_layer="nope")


def test_pack_builds_a_discriminator_for_packed_inputs():
    dcgan = models.DCGAN(filters=4, latent_dim=8, pack=3, seed=0)
    assert tuple(dcgan.discriminator.inputs[0].shape[1:]) == (28, 28, 3)
    ring = models.GAN(generator=nets.mlp_generator(4, (2,), output_activation=None), latent_dim=4,
                      image_shape=(2,), pack=2, seed=0)
    assert tuple(ring.discriminator.inputs[0].shape[1:]) == (4,)
    with pytest.raises(ValueError, match="pack"):
        models.GAN(pack=0)
    with pytest.raises(ValueError, match="packs of 3"):
        dcgan.score(_images(6))


TRICKS = {
    "label_smoothing": dict(label_smoothing=0.9),
    "feature_matching": dict(feature_matching=True),
    "minibatch_discrimination": dict(minibatch_discrimination=5, kernel_dim=3),
    "pack": dict(pack=2),
    "spectral_norm": dict(spectral_norm=True),
    "all": dict(label_smoothing=0.9, feature_matching=True, minibatch_discrimination=5, kernel_dim=3, pack=2,
                spectral_norm=True),
}


@pytest.mark.parametrize("options", list(TRICKS.values()), ids=list(TRICKS))
def test_each_trick_trains_and_round_trips(options, tmp_path):
    keras.utils.set_random_seed(0)
    model = models.DCGAN(filters=4, latent_dim=8, seed=0, **options)
    model.compile()
    g0, d0 = _weights(model.generator), _weights(model.discriminator)
    history = model.fit(_images(16), batch_size=8, epochs=1, verbose=0)
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    assert any(not np.allclose(a, b) for a, b in zip(g0, _weights(model.generator)))
    assert any(not np.allclose(a, b) for a, b in zip(d0, _weights(model.discriminator)))
    path = tmp_path / "tricked.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    for key, value in options.items():
        assert loaded.get_config()[key] == value
    z = model.latent(4, seed=1)
    np.testing.assert_allclose(loaded.generate(z=z), model.generate(z=z), atol=1e-6)
    d_in = nets.pack_samples(tf.constant(_images(4)), model.pack)
    np.testing.assert_allclose(np.asarray(loaded.discriminator(d_in)), np.asarray(model.discriminator(d_in)),
                               atol=1e-5)
    if len(options) > 1:  # all tricks at once: the loaded model goes on training too
        loaded.fit(_images(8), batch_size=8, epochs=1, verbose=0)


def test_feature_matching_generator_loss_is_the_feature_distance():
    keras.utils.set_random_seed(0)
    model = models.GAN(latent_dim=8, feature_matching=True, seed=0)
    model.compile(g_optimizer=keras.optimizers.SGD(0.0), d_optimizer=keras.optimizers.SGD(0.0))
    real = _images(8)
    z = model.latent(8, seed=3)
    model.sample_latent = lambda n: tf.constant(z)  # the same z for D's and G's step, and for us
    logs = model.train_step(tf.constant(real))       # SGD(0): no weight moves
    fake = model.generator(z)
    by_hand = float(losses.feature_matching_loss(model._feature_net(real), model._feature_net(fake)))
    assert float(logs["g_loss"]) == pytest.approx(by_hand, rel=1e-5)
    plain = float(losses.nonsaturating_g_loss(model.discriminator(fake)))
    assert by_hand != pytest.approx(plain)  # not the usual -log D(G(z))


# --- PacGAN with a batch smaller than the pack ------------------------------------------------------

def test_pacgan_refuses_a_batch_smaller_than_the_pack_clearly():
    model = models.GAN(image_shape=(2,), latent_dim=4, pack=4, seed=0)
    model.compile()
    points = np.random.default_rng(0).normal(size=(12, 2)).astype("float32")
    for bad in (dict(x=points, batch_size=2), dict(x=tf.data.Dataset.from_tensor_slices(points).batch(3))):
        with pytest.raises(ValueError, match=r"packs 4 examples .* at least one pack"):
            model.fit(**bad, epochs=1, verbose=0)


def test_pacgan_trains_through_a_last_partial_batch_smaller_than_the_pack():
    # 10 points in batches of 8: the last batch holds 2, fewer than pack = 4. Zero packs would give
    # D a mean over nothing (NaN); one pack of repeated examples keeps the epoch finite.
    model = models.GAN(image_shape=(2,), latent_dim=4, pack=4, seed=0)
    model.compile()
    points = np.random.default_rng(0).normal(size=(10, 2)).astype("float32")
    history = model.fit(points, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    assert all(np.isfinite(v).all() for v in history.values()), history
    assert all(np.isfinite(np.array(w)).all() for w in model.discriminator.weights + model.generator.weights)
    packed = np.asarray(nets.pack_samples(tf.constant(points[:2]), 4))
    np.testing.assert_array_equal(packed, np.concatenate([points[0], points[1], points[0], points[1]])[None])
