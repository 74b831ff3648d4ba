"""CGAN, ACGAN and InfoGAN: labels in and out, one train step each, save/load, and that the
condition really steers the generator."""

import numpy as np
import keras
import pytest
import tensorflow as tf

from gankit import models

SMALL = dict(filters=8, seed=0)


def make(kind):
    if kind == "cgan":
        return models.CGAN(latent_dim=16, **SMALL)
    if kind == "cgan_two":
        return models.CGAN(latent_dim=16, design="two_scores", **SMALL)
    if kind == "acgan":
        return models.ACGAN(latent_dim=16, **SMALL)
    return models.InfoGAN(noise_dim=8, hidden=32, **SMALL)


KINDS = ["cgan", "cgan_two", "acgan", "infogan"]


def labelled_batch(n=32, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n, 28, 28, 1)).astype("float32"), rng.integers(0, 10, n).astype("int32")


def weights_of(network):
    return [w.numpy().copy() for w in network.trainable_weights]


@pytest.mark.parametrize("kind", KINDS)
def test_one_train_step_moves_both_networks_and_reports_its_losses(kind):
    model = make(kind)
    model.compile()
    x, y = labelled_batch()
    g0, d0 = weights_of(model.generator), weights_of(model.discriminator)
    history = model.fit(x, y, batch_size=32, epochs=1, verbose=0).history
    assert set(history) == set(model.loss_names)
    assert all(np.isfinite(v[-1]) for v in history.values())
    assert any(not np.allclose(a, b.numpy()) for a, b in zip(g0, model.generator.trainable_weights))
    assert any(not np.allclose(a, b.numpy()) for a, b in zip(d0, model.discriminator.trainable_weights))


@pytest.mark.parametrize("kind", ["cgan", "acgan"])
def test_generate_returns_the_requested_count_per_class(kind):
    model = make(kind)
    labels = model.class_rows(3)
    assert labels.tolist() == [c for c in range(10) for _ in range(3)]
    images = model.generate(labels=labels, seed=1)
    assert images.shape == (30, 28, 28, 1) and images.dtype == np.float32
    assert images.min() >= -1 and images.max() <= 1
    assert model.generate(7, labels=4, seed=1).shape == (7, 28, 28, 1)  # one label for all
    np.testing.assert_array_equal(model.generate(labels=[2, 5], seed=3), model.generate(labels=[2, 5], seed=3))


@pytest.mark.parametrize("kind", ["cgan", "acgan"])
def test_the_label_changes_the_image(kind):
    model = make(kind)
    z = model.latent(4, seed=0)
    assert not np.allclose(model.generate(z=z, labels=[0] * 4), model.generate(z=z, labels=[7] * 4))


@pytest.mark.parametrize("bad, words", [([10], "outside"), ([-1], "outside"), ([0.5], "integer"),
                                        ([1, 2, 3], "3 labels")])
def test_bad_labels_get_a_clear_error(bad, words):
    model = make("cgan")
    n = 2 if words == "3 labels" else None
    with pytest.raises(ValueError, match=words):
        model.generate(n, labels=bad)


def test_label_error_names_the_valid_range():
    with pytest.raises(ValueError, match=r"num_classes=10.*0\.\.9"):
        make("acgan").generate(labels=[12])


def test_fit_refuses_images_without_labels_and_labels_outside_the_classes():
    model = make("cgan")
    model.compile()
    x, y = labelled_batch(8)
    with pytest.raises(ValueError, match="labels"):
        model.fit(tf.data.Dataset.from_tensor_slices(x).batch(4), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="labels"):
        model.fit(x, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="outside"):
        model.fit(x, y + 10, epochs=1, verbose=0)


def test_cgan_wrong_labels_always_differ_and_stay_in_range():
    model = make("cgan")
    labels = tf.constant(np.tile(np.arange(10), 50), "int32")
    wrong = model.wrong_labels(labels).numpy()
    assert np.all(wrong != labels.numpy()) and wrong.min() >= 0 and wrong.max() <= 9
    assert len(np.unique(wrong[labels.numpy() == 3])) > 5  # spread over the other classes


def test_unknown_discriminator_design_is_refused():
    with pytest.raises(ValueError, match="two_scores"):
        models.CGAN(design="both", filters=8)


def test_acgan_class_loss_is_the_cross_entropy_and_classify_gives_probabilities():
    from gankit.losses import class_cross_entropy

    logits = np.array([[2.0, 0.0, -1.0], [0.0, 0.0, 0.0]], "float32")
    labels = np.array([0, 2])
    by_hand = -np.mean([np.log(np.exp(2) / (np.exp(2) + 1 + np.exp(-1))), np.log(1 / 3)])
    assert float(class_cross_entropy(labels, logits)) == pytest.approx(by_hand, rel=1e-5)
    probs = make("acgan").classify(labelled_batch(5)[0])
    assert probs.shape == (5, 10)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_infogan_latent_layout_and_fixed_codes():
    model = make("infogan")
    assert model.latent_dim == 8 + 10 + 2
    z = model.latent(4, seed=0, category=[0, 3, 9, 3], continuous=[[0.5, -1.0]] * 4)
    np.testing.assert_array_equal(z[:, 8:18].argmax(axis=1), [0, 3, 9, 3])
    np.testing.assert_array_equal(z[:, 8:18].sum(axis=1), 1)
    np.testing.assert_array_equal(z[:, 18:], [[0.5, -1.0]] * 4)
    # the same seed and codes give the same images; another category gives other images
    a = model.generate(seed=5, codes={"category": [1, 1]})
    np.testing.assert_array_equal(a, model.generate(seed=5, codes={"category": [1, 1]}))
    assert not np.allclose(a, model.generate(seed=5, codes={"category": [2, 2]}))
    with pytest.raises(ValueError, match="'category' and 'continuous'"):
        model.generate(2, codes={"colour": 1})
    with pytest.raises(ValueError, match="0..9"):
        model.generate(2, codes={"category": 10})


def test_infogan_info_loss_matches_the_formula():
    model = make("infogan")
    category = tf.constant([1, 0])
    continuous = tf.constant([[0.5, -0.5], [1.0, 0.0]])
    q_category = tf.constant([[0.0, 1.0] + [0.0] * 8, [0.0] * 10])
    q_continuous = tf.constant([[0.0, 0.0], [1.0, 1.0]])
    ce = -np.mean([np.log(np.e / (np.e + 9)), np.log(0.1)])
    sq = 0.5 * np.mean([0.25 + 0.25, 0.0 + 1.0])
    expected = model.lambda_category * ce + model.lambda_continuous * sq
    assert float(model.info_loss(category, continuous, q_category, q_continuous)) == pytest.approx(expected, 1e-5)
    categories, means = model.predict_codes(labelled_batch(3)[0])
    assert categories.shape == (3,) and means.shape == (3, 2)


@pytest.mark.parametrize("kind", KINDS)
def test_save_and_load_round_trip(kind, tmp_path):
    model = make(kind)
    model.compile()
    x, y = labelled_batch(16)
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    path = tmp_path / f"{kind}.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded) is type(model)
    strip = lambda c: {k: v for k, v in c.items() if k not in ("generator", "discriminator")}  # noqa: E731
    assert strip(loaded.get_config()) == strip(model.get_config())
    np.testing.assert_array_equal(loaded.generate(6, seed=2), model.generate(6, seed=2))


def test_cgan_learns_to_follow_the_label():
    """Two classes that differ in brightness: after a short training the generator must make
    dark images for label 0 and bright ones for label 1 - conditioning, not just any images."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 512).astype("int32")
    x = np.where(y[:, None, None, None] == 0, -0.8, 0.8) + rng.normal(0, 0.05, (512, 28, 28, 1))
    keras.utils.set_random_seed(0)
    model = models.CGAN(latent_dim=8, num_classes=2, filters=8, seed=0)
    model.compile(g_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5),
                  d_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5))
    model.fit(x.astype("float32"), y, batch_size=32, epochs=3, verbose=0)
    dark = model.generate(32, labels=0, seed=1).mean()
    bright = model.generate(32, labels=1, seed=1).mean()
    assert bright - dark > 0.5, (dark, bright)


def test_infogan_default_networks_follow_the_papers_table_1():
    """Appendix C, table 1 (MNIST): G = FC 1024 - FC 7x7x128 - up-conv 64 - up-conv 1; D = conv 64 -
    conv 128 - FC 1024, with Q = FC 128 on D's last hidden layer. ``hidden=0`` drops both FC 1024."""
    def dense_units(network):
        return [layer.units for layer in network.layers if isinstance(layer, keras.layers.Dense)]

    paper = models.InfoGAN(seed=0)
    assert dense_units(paper.generator)[:2] == [1024, 7 * 7 * 128]
    convs = [layer.filters for layer in paper.discriminator.layers if isinstance(layer, keras.layers.Conv2D)]
    assert convs == [64, 128]
    assert dense_units(paper.discriminator)[0] == 1024 and 128 in dense_units(paper.discriminator)
    assert paper.generator.output_shape == (None, 28, 28, 1)
    plain = models.InfoGAN(hidden=0, filters=8, seed=0)
    assert 1024 not in dense_units(plain.generator) + dense_units(plain.discriminator)
    assert models.InfoGAN.from_config(plain.get_config()).hidden == 0


def test_infogan_refuses_batch_size_one_whose_batch_norm_makes_every_sample_alike():
    model = make("infogan")
    # the reason: batch norm over the batch axis alone, with one example, maps any input to beta
    from gankit import nets
    dense_bn = nets.dense_batch_norm_layers(model.generator)
    assert dense_bn and nets.dense_batch_norm_layers(model.discriminator)
    layer = dense_bn[0]
    one = layer(tf.random.normal((1, layer.moving_mean.shape[0])), training=True)
    np.testing.assert_allclose(np.asarray(one), np.asarray(layer.beta)[None], atol=1e-3)
    model.compile()
    x, _ = labelled_batch(4)
    for bad in (dict(x=x, batch_size=1), dict(x=tf.data.Dataset.from_tensor_slices(x).batch(1))):
        with pytest.raises(ValueError, match="cannot train with batch size 1"):
            model.fit(**bad, epochs=1, verbose=0)
    model.fit(x, batch_size=2, epochs=1, verbose=0)  # two examples are enough


def test_batch_norm_on_feature_maps_still_trains_with_batch_size_one():
    # DCGAN-style nets normalise feature maps (statistics over positions too): batch size 1 stays allowed
    model = models.ACGAN(latent_dim=8, filters=4, seed=0)
    from gankit import nets
    assert not nets.dense_batch_norm_layers(model.generator) and not nets.dense_batch_norm_layers(model.discriminator)
    model.compile()
    x, y = labelled_batch(2)
    history = model.fit(x, y, batch_size=1, epochs=1, verbose=0).history
    assert all(np.isfinite(v[-1]) for v in history.values())


# --- the updates each train_step makes, against the papers' losses written out -----------------------

from helpers import assert_step, hand_step, recording, sgd, snapshot  # noqa: E402
from helpers import weights_of as holding  # noqa: E402


def bce(target, logits):
    """Binary cross-entropy from logits against a constant target, mean over the batch."""
    logits = tf.cast(tf.reshape(logits, [-1]), tf.float32)
    return tf.reduce_mean(keras.losses.binary_crossentropy(tf.fill(tf.shape(logits), target)[:, None],
                                                           logits[:, None], from_logits=True))


def ce(labels, logits):
    return tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True))


def test_acgan_updates_carry_the_class_terms_on_real_and_fake_images():
    """ACGAN §3: D maximises L_S + L_C with L_C = E[log P(C=c|x_real)] + E[log P(C=c|x_fake)];
    G maximises L_C - L_S (non-saturating). A class_weight other than 1 shows if it is ignored."""
    model = sgd(models.ACGAN(latent_dim=8, filters=4, class_weight=0.7, seed=0))
    zs, cs = recording(model, "sample_latent"), recording(model, "sample_labels")
    G, D = model.generator, model.discriminator
    g0, d0 = snapshot(G), snapshot(D)
    x, y = labelled_batch(8)
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    (z_d, z_g), (c_d, c_g) = zs, cs
    with holding(G, g0), holding(D, d0):
        fake = np.array(G([z_d, c_d], training=True))

        def d_loss():
            (real_s, real_c), (fake_s, fake_c) = D(x, training=True), D(fake, training=True)
            return bce(1.0, real_s) + bce(0.0, fake_s) + 0.7 * (ce(y, real_c) + ce(c_d, fake_c))
        want_d = hand_step(D, d_loss)
    assert_step(d0, D, want_d, "ACGAN discriminator")
    with holding(G, g0):
        def g_loss():
            fake_s, fake_c = D(G([z_g, c_g], training=True), training=True)
            return bce(1.0, fake_s) + 0.7 * ce(c_g, fake_c)
        want_g = hand_step(G, g_loss)
    assert_step(g0, G, want_g, "ACGAN generator")


def test_infogan_updates_carry_the_information_term_through_ds_shared_body():
    """InfoGAN eq. 6: min_{G,Q} max_D V(D, G) - lambda L_I(G, Q), Q a head on D's body, so D's update
    (D and Q are one network) and G's both carry lambda_cat CE + lambda_cont 1/2 ||c - mu_Q||^2."""
    model = sgd(models.InfoGAN(noise_dim=8, hidden=32, filters=8, lambda_category=0.8, lambda_continuous=0.3,
                               seed=0))
    codes = recording(model, "sample_codes")
    G, D = model.generator, model.discriminator
    g0, d0 = snapshot(G), snapshot(D)
    x, _ = labelled_batch(8)
    model.fit(x, batch_size=8, epochs=1, shuffle=False, verbose=0)

    def generator_input(noise, category, continuous):
        return np.concatenate([noise, np.eye(10, dtype="float32")[category], continuous[:, :2]], axis=1)

    def info(category, continuous, q_cat, q_cont):
        return 0.8 * ce(category, q_cat) + 0.3 * 0.5 * tf.reduce_mean(tf.reduce_sum(tf.square(continuous - q_cont), 1))

    (n_d, cat_d, cont_d), (n_g, cat_g, cont_g) = codes
    with holding(G, g0), holding(D, d0):
        fake = np.array(G(generator_input(n_d, cat_d, cont_d), training=True))

        def d_loss():
            real_logit, _, _ = D(x, training=True)
            fake_logit, q_cat, q_cont = D(fake, training=True)
            return bce(1.0, real_logit) + bce(0.0, fake_logit) + info(cat_d, cont_d, q_cat, q_cont)
        want_d = hand_step(D, d_loss)
        # Q shares D's body: the information term alone moves D's first convolution
        body = D.trainable_weights[0]
        with tf.GradientTape() as tape:
            _, q_cat, q_cont = D(fake, training=True)
            only_info = info(cat_d, cont_d, q_cat, q_cont)
        assert float(tf.reduce_max(tf.abs(tape.gradient(only_info, body)))) > 0
    assert_step(d0, D, want_d, "InfoGAN discriminator + Q")
    with holding(G, g0):
        def g_loss():
            fake_logit, q_cat, q_cont = D(G(generator_input(n_g, cat_g, cont_g), training=True), training=True)
            return bce(1.0, fake_logit) + info(cat_g, cont_g, q_cat, q_cont)
        want_g = hand_step(G, g_loss)
    assert_step(g0, G, want_g, "InfoGAN generator")


def test_cgan_updates_follow_the_conditional_game_with_mismatched_pairs():
    """CGAN eq. 2: min_G max_D E[log D(x|y)] + E[log(1 - D(G(z|y)|y))]; with mismatch=True a real image
    with a wrong label is a fake pair too (Reed et al. 2016's matching-aware D)."""
    model = sgd(models.CGAN(latent_dim=8, filters=4, seed=0))
    assert model.mismatch and model.design == "joint"
    zs, wrongs = recording(model, "sample_latent"), recording(model, "wrong_labels")
    G, D = model.generator, model.discriminator
    g0, d0 = snapshot(G), snapshot(D)
    x, y = labelled_batch(8)
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    (z_d, z_g), (wrong,) = zs, wrongs
    assert not np.any(wrong == y)
    x, y, wrong = tf.constant(x), tf.constant(y), tf.constant(wrong)  # Keras takes no numpy/tensor mix
    with holding(G, g0), holding(D, d0):
        fake = G([tf.constant(z_d), y], training=True)
        want_d = hand_step(D, lambda: bce(1.0, D([x, y], training=True)) + bce(0.0, D([fake, y], training=True))
                           + bce(0.0, D([x, wrong], training=True)))
    assert_step(d0, D, want_d, "CGAN discriminator")
    with holding(G, g0):
        want_g = hand_step(G, lambda: bce(1.0, D([G([tf.constant(z_g), y], training=True), y], training=True)))
    assert_step(g0, G, want_g, "CGAN generator")
