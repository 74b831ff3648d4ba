"""gankit.losses against the formulas, computed by hand with numpy on fixed logits."""

import numpy as np
import pytest
import tensorflow as tf

from gankit import losses

REAL = np.array([2.0, -0.5, 0.3, 1.7], dtype=np.float32)
FAKE = np.array([-1.2, 0.4, -3.0, 0.9, 0.0], dtype=np.float32)  # a different batch size on purpose


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x.astype(np.float64)))


def value(t):
    return float(np.asarray(t))


# --- each loss equals its formula ---------------------------------------------------------

def test_minimax_d_loss_is_minus_v():
    # -V = -E[log D(x)] - E[log(1 - D(G(z)))]
    expected = -np.mean(np.log(sigmoid(REAL))) - np.mean(np.log(1 - sigmoid(FAKE)))
    assert value(losses.minimax_d_loss(REAL, FAKE)) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("smooth", [0.9, 0.75])
def test_minimax_d_loss_one_sided_label_smoothing(smooth):
    # real term: cross-entropy against the target `smooth` instead of 1; fake term unchanged
    d_real, d_fake = sigmoid(REAL), sigmoid(FAKE)
    expected = (-np.mean(smooth * np.log(d_real) + (1 - smooth) * np.log(1 - d_real))
                - np.mean(np.log(1 - d_fake)))
    got = value(losses.minimax_d_loss(REAL, FAKE, real_label=smooth))
    assert got == pytest.approx(expected, rel=1e-5)
    assert got != pytest.approx(value(losses.minimax_d_loss(REAL, FAKE)), rel=1e-3)


def test_saturating_g_loss():
    # E[log(1 - D(G(z)))], which G minimises
    expected = np.mean(np.log(1 - sigmoid(FAKE)))
    assert value(losses.minimax_g_loss(FAKE)) == pytest.approx(expected, rel=1e-5)


def test_non_saturating_g_loss():
    # -E[log D(G(z))]
    expected = -np.mean(np.log(sigmoid(FAKE)))
    assert value(losses.nonsaturating_g_loss(FAKE)) == pytest.approx(expected, rel=1e-5)


def test_least_squares_losses():
    # LSGAN with a=0, b=c=1 on raw outputs (no sigmoid)
    d_expected = 0.5 * np.mean((REAL - 1.0) ** 2) + 0.5 * np.mean(FAKE ** 2)
    g_expected = 0.5 * np.mean((FAKE - 1.0) ** 2)
    assert value(losses.least_squares_d_loss(REAL, FAKE)) == pytest.approx(d_expected, rel=1e-5)
    assert value(losses.least_squares_g_loss(FAKE)) == pytest.approx(g_expected, rel=1e-5)
    smoothed = 0.5 * np.mean((REAL - 0.9) ** 2) + 0.5 * np.mean(FAKE ** 2)
    assert value(losses.least_squares_d_loss(REAL, FAKE, real_label=0.9)) == pytest.approx(smoothed, rel=1e-5)


def test_wasserstein_losses():
    # critic: E[D(G(z))] - E[D(x)]; generator: -E[D(G(z))]
    assert value(losses.wasserstein_d_loss(REAL, FAKE)) == pytest.approx(FAKE.mean() - REAL.mean(), rel=1e-5)
    assert value(losses.wasserstein_g_loss(FAKE)) == pytest.approx(-FAKE.mean(), rel=1e-5)
    # real_label is accepted for a uniform signature and has no effect
    assert value(losses.wasserstein_d_loss(REAL, FAKE, real_label=0.9)) == pytest.approx(FAKE.mean() - REAL.mean())


def test_losses_accept_column_logits_and_return_scalars():
    # discriminators return (batch, 1): the losses must reduce to a scalar all the same
    for d_loss, g_loss in losses.ADVERSARIAL_LOSSES.values():
        d = d_loss(REAL[:, None], FAKE[:, None])
        g = g_loss(FAKE[:, None])
        assert d.shape == () and g.shape == ()
        assert value(d) == pytest.approx(value(d_loss(REAL, FAKE)), rel=1e-6)


# --- numerical stability -------------------------------------------------------------------

def test_large_logits_are_finite_and_right():
    big = np.array([100.0, -100.0], dtype=np.float32)
    for d_loss, g_loss in losses.ADVERSARIAL_LOSSES.values():
        for real, fake in [(big, big), (big, -big), (-big, big)]:
            assert np.isfinite(value(d_loss(real, fake)))
            assert np.isfinite(value(g_loss(fake)))
    # a perfect discriminator: D(x) = 1, D(G(z)) = 0 -> -V = 0
    assert value(losses.minimax_d_loss(np.float32([100.0]), np.float32([-100.0]))) == pytest.approx(0.0, abs=1e-6)
    # a hopeless one: -log sigmoid(-100) = 100 (a naive log(sigmoid) would give inf)
    assert value(losses.nonsaturating_g_loss(np.float32([-100.0]))) == pytest.approx(100.0, rel=1e-5)
    assert value(losses.minimax_g_loss(np.float32([100.0]))) == pytest.approx(-100.0, rel=1e-5)
    assert value(losses.minimax_d_loss(np.float32([-100.0]), np.float32([100.0]))) == pytest.approx(200.0, rel=1e-5)


def test_large_logits_have_finite_gradients():
    logits = tf.Variable([100.0, -100.0, 0.0])
    for d_loss, g_loss in losses.ADVERSARIAL_LOSSES.values():
        with tf.GradientTape() as tape:
            total = d_loss(logits, logits) + g_loss(logits)
        assert np.all(np.isfinite(tape.gradient(total, logits).numpy()))


# --- why the non-saturating loss exists ----------------------------------------------------

def _grad(loss_fn, logit):
    x = tf.Variable([logit])
    with tf.GradientTape() as tape:
        loss = loss_fn(x)
    return float(tape.gradient(loss, x).numpy()[0])


def test_saturating_gradient_vanishes_when_d_rejects_fakes():
    # D(G(z)) = sigmoid(-10) ~ 4.5e-5: D confidently says "fake", as early in training
    sat = _grad(losses.minimax_g_loss, -10.0)
    nonsat = _grad(losses.nonsaturating_g_loss, -10.0)
    assert abs(sat) < 1e-4                          # d/dl log(1 - sigmoid(l)) = -sigmoid(l)
    assert sat == pytest.approx(-sigmoid(np.array(-10.0)), rel=1e-3)
    assert abs(nonsat) > 0.99                       # d/dl -log sigmoid(l) = -(1 - sigmoid(l))
    # and the gap widens as D(G(z)) -> 0
    assert abs(_grad(losses.minimax_g_loss, -20.0)) < abs(sat)
    assert abs(_grad(losses.nonsaturating_g_loss, -20.0)) > 0.99
    # both push the fakes' logit up (towards "real")
    assert sat < 0 and nonsat < 0


# --- the registry --------------------------------------------------------------------------

def test_get_returns_the_pairs():
    assert losses.get("minimax") == (losses.minimax_d_loss, losses.minimax_g_loss)
    assert losses.get("non_saturating") == (losses.minimax_d_loss, losses.nonsaturating_g_loss)
    assert losses.get("least_squares") == (losses.least_squares_d_loss, losses.least_squares_g_loss)
    assert losses.get("wasserstein") == (losses.wasserstein_d_loss, losses.wasserstein_g_loss)


def test_get_unknown_names_the_choices():
    with pytest.raises(ValueError) as err:
        losses.get("nope")
    message = str(err.value)
    assert "'nope'" in message
    for name in losses.ADVERSARIAL_LOSSES:
        assert name in message


@pytest.mark.parametrize("dtype", [tf.float32, tf.bfloat16, tf.float16])
def test_pixel_losses_by_hand_and_in_float32(dtype):
    """l1_loss and mse equal their hand-computed values and come back as float32 scalars when the
    generator's output is 16-bit (mixed precision) and the target float32."""
    target = np.array([[0.5, -1.0], [0.25, 1.0]], "float32")
    output = np.array([[0.0, -0.5], [0.25, -1.0]], "float32")  # exact in all three dtypes
    out = tf.cast(output, dtype)
    l1, l2 = losses.l1_loss(target, out), losses.mse(target, out)
    assert l1.dtype == tf.float32 and l2.dtype == tf.float32
    assert float(l1) == pytest.approx((0.5 + 0.5 + 0 + 2) / 4)
    assert float(l2) == pytest.approx((0.25 + 0.25 + 0 + 4) / 4)


# --- 16-bit logits (mixed precision): every loss is computed in float32 ---------------------------

TWO_SIDED = {
    "minimax_d": losses.minimax_d_loss, "least_squares_d": losses.least_squares_d_loss,
    "wasserstein_d": losses.wasserstein_d_loss,
    "relativistic_d": losses.relativistic_d_loss, "relativistic_g": losses.relativistic_g_loss,
}
ONE_SIDED = {
    "minimax_g": losses.minimax_g_loss, "non_saturating_g": losses.nonsaturating_g_loss,
    "least_squares_g": losses.least_squares_g_loss, "wasserstein_g": losses.wasserstein_g_loss,
}


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("name", list(TWO_SIDED) + list(ONE_SIDED))
def test_16_bit_logits_give_the_float32_loss_of_the_same_values(name, dtype):
    """Under a mixed policy D's logits arrive in 16 bits. The loss of those logits must equal the
    float32 loss of the very same values: softplus, squares and differences taken in 16 bits would
    round at the third digit (bfloat16 keeps 8 bits of mantissa)."""
    real16, fake16 = tf.cast(REAL * 1.37, dtype), tf.cast(FAKE * 1.37, dtype)
    real32, fake32 = tf.cast(real16, tf.float32), tf.cast(fake16, tf.float32)
    if name in TWO_SIDED:
        got, want = TWO_SIDED[name](real16, fake16), TWO_SIDED[name](real32, fake32)
    else:
        got, want = ONE_SIDED[name](fake16), ONE_SIDED[name](fake32)
    assert got.dtype == tf.float32
    assert value(got) == pytest.approx(value(want), rel=1e-6, abs=1e-7)


def test_relativistic_losses_are_plain_means_of_per_example_terms():
    """RaGAN (ESRGAN eq. 2) written out: means of softplus terms, no Keras loss object (which
    divides by the number of replicas under tf.distribute, as AdversarialModel.apply does again)."""
    sp = lambda v: np.log1p(np.exp(v.astype(np.float64)))  # noqa: E731  -log sigmoid(-v)
    real_rel, fake_rel = REAL - FAKE.mean(), FAKE - REAL.mean()
    assert value(losses.relativistic_d_loss(REAL, FAKE)) == pytest.approx(
        sp(-real_rel).mean() + sp(fake_rel).mean(), rel=1e-5)
    assert value(losses.relativistic_g_loss(REAL, FAKE)) == pytest.approx(
        sp(real_rel).mean() + sp(-fake_rel).mean(), rel=1e-5)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0"])  # one replica: the same numbers
    with strategy.scope():
        got = strategy.run(lambda: losses.relativistic_d_loss(tf.constant(REAL), tf.constant(FAKE)))
    assert value(strategy.experimental_local_results(got)[0]) == pytest.approx(
        value(losses.relativistic_d_loss(REAL, FAKE)), rel=1e-6)


# --- the gradient penalty's seed -------------------------------------------------------------------

def test_gradient_penalty_draws_fresh_alphas_from_a_seed_generator_and_refuses_an_int_seed():
    import keras

    shown = []
    critic = lambda x, training=True: (shown.append(np.array(x)), tf.reduce_sum(x, axis=1, keepdims=True))[1]  # noqa
    real, fake = np.zeros((50, 2), "float32"), np.ones((50, 2), "float32")  # xhat = 1 - alpha
    for seed in (keras.random.SeedGenerator(3), keras.random.SeedGenerator(3)):
        losses.gradient_penalty(critic, real, fake, seed=seed)
        losses.gradient_penalty(critic, real, fake, seed=seed)
    first, second, again, _ = shown
    assert not np.allclose(first, second)   # every call draws new alphas ...
    assert np.array_equal(first, again)     # ... and the same generator state repeats the same run
    with pytest.raises(TypeError, match="SeedGenerator"):
        losses.gradient_penalty(critic, real, fake, seed=3)
