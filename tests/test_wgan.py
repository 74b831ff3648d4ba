"""WGAN, WGAN-GP, the gradient penalty, LSGAN and the ring's mode-coverage count.

Each trap of issue 5 has its test: alpha per example (not one per batch, not per pixel), the
batch size read at run time, the epsilon inside the square root, weight clipping after every
critic update, n_critic critic updates inside one compiled step, no batch norm in WGAN-GP's
critic.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from gankit import data, losses, metrics
from gankit.models import DCGAN, WGAN, WGANGP
from gankit.nets import dcgan_critic

EAGER = {"run_eagerly": True}


def images(n, shape=(28, 28, 1), seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, *shape)).astype("float32")


def snapshot(weights):
    return [np.array(w) for w in weights]


def linear_critic(w):
    """f(x) = w . x over the flattened example: grad_x f = w everywhere, so ||grad|| = ||w||."""
    w = tf.constant(np.asarray(w, "float32").reshape(-1))
    return lambda x, training=False: tf.reduce_sum(tf.reshape(x, (tf.shape(x)[0], -1)) * w, axis=1, keepdims=True)


# --- the gradient penalty --------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(2,), (4, 4, 3)])
@pytest.mark.parametrize("scale", [0.3, 1.0, 2.5])
def test_gradient_penalty_of_a_linear_critic_is_lambda_times_norm_minus_one_squared(shape, scale):
    rng = np.random.default_rng(1)
    w = rng.normal(size=shape)
    w = scale * w / np.linalg.norm(w)  # ||w|| = scale exactly
    real, fake = images(6, shape, seed=2), images(6, shape, seed=3)
    penalty = float(losses.gradient_penalty(linear_critic(w), real, fake, weight=10.0))
    assert penalty == pytest.approx(10.0 * (scale - 1.0) ** 2, rel=1e-4, abs=1e-5)


def test_gradient_penalty_is_zero_for_a_unit_gradient_and_scales_with_lambda():
    w = np.array([0.6, 0.8])  # ||w|| = 1
    x, y = images(5, (2,)), images(5, (2,), seed=1)
    assert float(losses.gradient_penalty(linear_critic(w), x, y)) == pytest.approx(0.0, abs=1e-6)
    w2 = 3 * w
    assert float(losses.gradient_penalty(linear_critic(w2), x, y, weight=1.0)) == pytest.approx(4.0, rel=1e-5)
    assert float(losses.gradient_penalty(linear_critic(w2), x, y, weight=10.0)) == pytest.approx(40.0, rel=1e-5)


class Recorder:
    """A critic that keeps the interpolates it is shown (f(x) = sum of x)."""

    def __init__(self):
        self.seen = []

    def __call__(self, x, training=False):
        self.seen.append(np.array(x))
        return tf.reduce_sum(tf.reshape(x, (tf.shape(x)[0], -1)), axis=1, keepdims=True)


def test_alpha_is_one_uniform_draw_per_example_broadcast_over_its_pixels():
    n = 2000
    real = np.zeros((n, 4, 4, 3), "float32")
    fake = np.ones((n, 4, 4, 3), "float32")
    critic = Recorder()
    losses.gradient_penalty(critic, real, fake)
    xhat = critic.seen[0]  # = alpha * 0 + (1 - alpha) * 1 = 1 - alpha
    alpha = 1.0 - xhat
    # one alpha per example: every pixel and channel of an example carries the same value ...
    assert np.allclose(alpha, alpha[:, :1, :1, :1])
    per_example = alpha[:, 0, 0, 0]
    # ... and the examples get different values, spread as U(0, 1)
    assert len(np.unique(per_example)) > n * 0.99
    assert per_example.min() >= 0.0 and per_example.max() <= 1.0
    assert per_example.mean() == pytest.approx(0.5, abs=0.03)
    assert per_example.std() == pytest.approx(np.sqrt(1 / 12), abs=0.02)


def test_interpolates_lie_on_the_segment_between_their_real_and_fake_example():
    real, fake = images(16, (2,), seed=4), images(16, (2,), seed=5)
    critic = Recorder()
    losses.gradient_penalty(critic, real, fake)
    xhat = critic.seen[0]
    # xhat = alpha real + (1 - alpha) fake, with the same alpha for both coordinates
    alpha = (xhat - fake) / (real - fake)
    assert np.allclose(alpha[:, 0], alpha[:, 1], atol=1e-4)
    assert np.all((alpha > -1e-5) & (alpha < 1 + 1e-5))


def test_given_alpha_is_used():
    real, fake = images(3, (2,)), images(3, (2,), seed=1)
    alpha = np.array([[0.0], [0.5], [1.0]], "float32")
    critic = Recorder()
    losses.gradient_penalty(critic, real, fake, alpha=alpha)
    assert np.allclose(critic.seen[0], alpha * real + (1 - alpha) * fake)


def test_no_nan_when_real_equals_fake_and_the_gradient_is_zero():
    # A critic that is flat at xhat: grad = 0, where sqrt(sum g^2) has an infinite derivative.
    x = images(4, (2,))
    flat = lambda v, training=False: tf.reduce_sum(tf.square(v - x), axis=1, keepdims=True)  # noqa: E731
    var = tf.Variable(x)
    with tf.GradientTape() as tape:
        penalty = losses.gradient_penalty(flat, var, var, weight=10.0)
    grad = tape.gradient(penalty, var)
    assert float(penalty) == pytest.approx(10.0, rel=1e-4)  # (0 - 1)^2 * 10
    assert np.all(np.isfinite(np.array(grad)))
    # a real critic, real == fake: finite penalty and finite critic gradients
    critic = dcgan_critic((28, 28, 1), filters=4)
    same = images(3)
    with tf.GradientTape() as tape:
        penalty = losses.gradient_penalty(critic, same, same)
    grads = tape.gradient(penalty, critic.trainable_weights)
    assert np.isfinite(float(penalty)) and all(np.all(np.isfinite(np.array(g))) for g in grads if g is not None)


def test_a_traced_gradient_penalty_serves_batch_sizes_it_has_not_seen():
    w = np.array([1.5, 0.0])
    f = tf.function(lambda r, fk: losses.gradient_penalty(linear_critic(w), r, fk),
                    input_signature=[tf.TensorSpec((None, 2)), tf.TensorSpec((None, 2))])
    for n in (8, 3, 17, 1):
        assert float(f(images(n, (2,)), images(n, (2,), seed=1))) == pytest.approx(2.5, rel=1e-5)


# --- the models ------------------------------------------------------------------------------

def tiny(kind, **kwargs):
    if kwargs.get("image_shape") == (2,):
        return kind(seed=0, hidden=(8, 8), latent_dim=4, **kwargs)
    return kind(seed=0, filters=4, latent_dim=8, **kwargs)


@pytest.fixture(scope="module", params=["WGAN", "WGANGP"])
def fitted(request):
    """Two generator iterations in graph mode (fit's compiled train_step), weights recorded before.
    (Small MLPs on 2-D points: tracing n_critic unrolled conv critics with a penalty costs a minute.)"""
    model = tiny({"WGAN": WGAN, "WGANGP": WGANGP}[request.param], image_shape=(2,))
    model.compile()
    g0, d0 = snapshot(model.generator.trainable_weights), snapshot(model.discriminator.trainable_weights)
    history = model.fit(images(20, (2,)), batch_size=10, epochs=1, shuffle=False, verbose=0)
    return model, g0, d0, history


def test_one_fit_changes_both_networks_and_keeps_losses_finite(fitted):
    model, g0, d0, history = fitted
    assert any(not np.array_equal(a, np.array(b)) for a, b in zip(g0, model.generator.trainable_weights))
    assert any(not np.array_equal(a, np.array(b)) for a, b in zip(d0, model.discriminator.trainable_weights))
    assert set(history.history) == set(model.loss_names)
    assert all(np.isfinite(v[-1]) for v in history.history.values())


def test_n_critic_critic_updates_per_generator_update_inside_one_step(fitted):
    model = fitted[0]
    assert model.n_critic == 5
    assert int(model.g_optimizer.iterations) == 2  # 20 examples / batch 10 = 2 fit steps
    assert int(model.d_optimizer.iterations) == model.n_critic * int(model.g_optimizer.iterations)


def test_weight_clipping_keeps_every_critic_weight_in_range():
    model = tiny(WGAN, image_shape=(2,), clip_value=0.01)
    # a large learning rate would carry weights far outside [-c, c] without the clipping
    model.compile(d_optimizer=keras.optimizers.SGD(1.0), **EAGER)
    model.fit(images(10, (2,)), batch_size=10, epochs=1, verbose=0)
    for w in model.critic.trainable_weights:
        assert np.abs(np.array(w)).max() <= 0.01 + 1e-7, w.path
    assert max(np.abs(np.array(w)).max() for w in model.critic.trainable_weights) == pytest.approx(0.01)


def test_weight_clipping_happens_after_every_critic_update_not_once_per_step():
    # With SGD(1) each update moves far; if clipping ran only after the loop, the intermediate
    # critics would be unclipped. Count: clip_critic is called n_critic times per train_step.
    model = tiny(WGAN, image_shape=(2,), n_critic=3)
    model.compile(**EAGER)
    calls = []
    original = model.clip_critic
    model.clip_critic = lambda: (calls.append(1), original())[1]
    model.fit(images(6, (2,)), batch_size=6, epochs=1, verbose=0)
    assert len(calls) == 3


def test_wgan_gp_does_not_clip_and_wgan_gp_refuses_batch_norm():
    assert WGANGP().clip_value is None
    with pytest.raises(ValueError, match="batch norm"):
        WGANGP(norm="batch")
    with pytest.raises(ValueError, match="BatchNormalization"):
        WGANGP(discriminator=dcgan_critic(norm="batch"))
    critic = tiny(WGANGP).critic
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in critic.layers)
    assert any(isinstance(layer, keras.layers.LayerNormalization) for layer in critic.layers)


def test_paper_defaults():
    wgan, gp = WGAN(), WGANGP()
    wgan.compile(), gp.compile()
    assert isinstance(wgan.d_optimizer, keras.optimizers.RMSprop)
    assert float(wgan.d_optimizer.learning_rate) == pytest.approx(5e-5)
    assert float(wgan.d_optimizer.rho) == pytest.approx(0.99) == float(wgan.g_optimizer.rho)  # the authors' code
    assert wgan.clip_value == 0.01 and wgan.n_critic == 5 and gp.n_critic == 5 and gp.gp_weight == 10.0
    assert isinstance(gp.d_optimizer, keras.optimizers.Adam)
    assert float(gp.d_optimizer.learning_rate) == pytest.approx(1e-4)
    assert float(gp.d_optimizer.beta_1) == 0.0 and float(gp.d_optimizer.beta_2) == pytest.approx(0.9)
    # the critic ends in a linear score: no sigmoid
    assert wgan.critic.layers[-1].activation.__name__ == "linear"


@pytest.mark.parametrize("shape", [(28, 28, 1), (32, 32, 3), (64, 64, 3), (2,)])
def test_shapes(shape):
    model = tiny(WGANGP, image_shape=shape)
    assert model.generate(2, seed=0).shape == (2, *shape)
    assert model.critic(np.zeros((2, *shape), "float32")).shape == (2, 1)
    assert model.net == ("mlp" if shape == (2,) else "dcgan")


def test_ring_points_train_on_a_batch_size_smaller_than_n_critic():
    model = tiny(WGANGP, image_shape=(2,))
    model.compile(**EAGER)
    history = model.fit(data.toy_points("gaussian_ring", n=3), batch_size=3, epochs=1, verbose=0)
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    assert int(model.d_optimizer.iterations) == 5


@pytest.mark.parametrize("kind", [WGAN, WGANGP])
def test_save_load_round_trip_generates_the_same(kind, tmp_path):
    model = tiny(kind, image_shape=(2,))
    model.compile(**EAGER)
    model.fit(images(10, (2,)), batch_size=10, epochs=1, verbose=0)
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded) is kind
    assert np.array_equal(loaded.generate(5, seed=3), model.generate(5, seed=3))
    strip = lambda c: {k: v for k, v in c.items() if k not in ("generator", "discriminator")}  # noqa: E731
    assert strip(loaded.get_config()) == strip(model.get_config())
    assert int(loaded.d_optimizer.iterations) == int(model.d_optimizer.iterations)


def test_lsgan_is_a_loss_option_of_dcgan():
    model = DCGAN(seed=0, filters=4, latent_dim=8, loss="least_squares")
    assert model.d_loss_fn is losses.least_squares_d_loss and model.g_loss_fn is losses.least_squares_g_loss
    model.compile(**EAGER)
    d0 = snapshot(model.discriminator.trainable_weights)
    history = model.fit(images(8), batch_size=8, epochs=1, verbose=0)
    assert all(np.isfinite(v[0]) for v in history.history.values())
    assert any(not np.array_equal(a, np.array(b)) for a, b in zip(d0, model.discriminator.trainable_weights))
    # the least-squares losses at known points (LSGAN eq. 2, a=0, b=c=1)
    assert float(losses.least_squares_d_loss(np.ones(3), np.zeros(3))) == pytest.approx(0.0)
    assert float(losses.least_squares_g_loss(np.zeros(3))) == pytest.approx(0.5)


# --- mode coverage -----------------------------------------------------------------------------

def test_mode_coverage_on_hand_made_points():
    centres = data.ring_centres()  # 8 centres on a circle of radius 2
    std = 0.02
    rng = np.random.default_rng(0)
    # 3 modes hit, 100 points each, well inside 3 std; 100 points far from every centre
    hits = np.concatenate([centres[k] + 0.5 * std * rng.standard_normal((100, 2)) for k in (0, 3, 5)])
    junk = np.zeros((100, 2))
    covered, hq = metrics.mode_coverage(np.concatenate([hits, junk]), centres, std)
    assert covered == 3 and hq == pytest.approx(0.75)


def test_mode_coverage_real_data_covers_all_and_a_few_stray_samples_do_not_count():
    centres, std = data.ring_centres(), 0.02
    covered, hq = metrics.mode_coverage(data.toy_points("gaussian_ring", n=4000, std=std), centres, std)
    assert covered == 8 and hq > 0.98  # 3 std holds 98.9 % of a 2-D Gaussian
    # mode 0 gets 500 samples, mode 1 only 5: under a quarter of its fair share of 1/8
    points = np.concatenate([np.repeat(centres[:1], 500, 0), np.repeat(centres[1:2], 5, 0)])
    assert metrics.mode_coverage(points, centres, std) == (1, 1.0)
    assert metrics.mode_coverage(points, centres, std, min_share=0.0) == (2, 1.0)
    # points just outside 3 std are not high quality
    assert metrics.mode_coverage(centres + 3.01 * std, centres, std)[1] == 0.0
    assert metrics.mode_coverage(np.zeros((0, 2)), centres, std) == (0, 0.0)


def test_critic_score_is_the_raw_linear_output():
    model = tiny(WGANGP, image_shape=(2,))
    x = images(5, (2,))
    assert np.allclose(model.score(x), np.array(model.critic(x))[:, 0], atol=1e-6)


# --- the path WGAN-GP's train_step runs (not only the stand-alone penalty) ---------------------
# Each test below fails if one line of models/wgan.py is "simplified": alpha drawn from N(0, 1),
# per pixel, once per batch or sized from the static shape; lambda ignored; a loss sign flipped;
# a network called with training=False; the same z or the same real slice reused across critic
# iterations.

from helpers import assert_step, calls, hand_step, probed, sgd, snapshot as weights, weights_of  # noqa: E402

SMALL = (8, 8, 1)


def probed_wgangp(log, **kwargs):
    """A tiny image WGAN-GP whose generator ("G") and critic ("D") log every call."""
    plain = WGANGP(image_shape=SMALL, latent_dim=4, filters=4, seed=0)
    return WGANGP(generator=probed(plain.generator, log, "G"), discriminator=probed(plain.critic, log, "D"),
                  image_shape=SMALL, seed=0, **kwargs)


@pytest.fixture
def alphas(monkeypatch):
    """Every alpha the model hands to ``losses.gradient_penalty`` (eager steps)."""
    seen, original = [], losses.gradient_penalty

    def spy(critic, real, fake, weight=10.0, alpha=None, **kwargs):
        seen.append(np.array(alpha))
        return original(critic, real, fake, weight=weight, alpha=alpha, **kwargs)

    monkeypatch.setattr(losses, "gradient_penalty", spy)
    return seen


def test_the_models_alpha_is_one_fresh_uniform_draw_per_example_broadcast_over_pixels(alphas):
    m = 64  # examples per critic iteration
    model = sgd(WGANGP(image_shape=SMALL, latent_dim=4, filters=4, seed=0))
    model.fit(images(5 * m, SMALL), batch_size=5 * m, epochs=1, shuffle=False, verbose=0)
    assert len(alphas) == 5  # one penalty per critic iteration
    for alpha in alphas:
        assert alpha.shape == (m, 1, 1, 1)        # per example, broadcast over pixels and channels
        assert len(np.unique(alpha)) == m         # not one value for the whole batch
    values = np.concatenate([a.ravel() for a in alphas])
    assert len(np.unique(values)) == 5 * m        # fresh values in every critic iteration
    assert values.min() >= 0.0 and values.max() < 1.0  # U(0, 1), not N(0, 1)
    assert values.mean() == pytest.approx(0.5, abs=0.05)
    assert values.std() == pytest.approx(np.sqrt(1 / 12), abs=0.03)


def test_the_models_alpha_is_sized_at_run_time_when_the_batch_size_is_unknown(monkeypatch):
    # the penalty returns the alpha it was given, so a traced critic_penalty hands it back
    monkeypatch.setattr(losses, "gradient_penalty", lambda critic, real, fake, weight=10.0, alpha=None, **kw: alpha)
    model = WGANGP(image_shape=SMALL, latent_dim=4, filters=4, seed=0)
    spec = tf.TensorSpec((None, *SMALL))
    draw = tf.function(model.critic_penalty, input_signature=[spec, spec])
    for n in (3, 7):
        alpha = np.array(draw(images(n, SMALL), images(n, SMALL, seed=1)))
        assert alpha.shape == (n, 1, 1, 1) and len(np.unique(alpha)) == n


def hand_penalty(critic, real, fake, alpha):
    """E[(||grad_xhat D(xhat)||_2 - 1)^2] on xhat = alpha x + (1 - alpha) G(z) (WGAN-GP eq. 3), written out."""
    xhat = tf.constant(alpha * real + (1.0 - alpha) * fake)
    with tf.GradientTape() as tape:
        tape.watch(xhat)
        score = critic(xhat, training=True)
    grad = tape.gradient(score, xhat)
    return tf.reduce_mean(tf.square(tf.sqrt(tf.reduce_sum(tf.square(grad), axis=[1, 2, 3]) + 1e-12) - 1.0))


def test_one_critic_and_one_generator_update_follow_the_papers_losses(alphas):
    log, lam = [], 7.0  # not the default 10: an ignored gp_weight shows
    model = sgd(probed_wgangp(log, n_critic=1, gp_weight=lam))
    G, D = model.generator, model.critic
    g0, d0 = weights(G), weights(D)
    x = images(8, SMALL)
    model.fit(x, batch_size=8, epochs=1, shuffle=False, verbose=0)
    z_critic, z_gen = [z for _, z in calls(log, "G")]
    alpha = alphas[0]
    # critic: minimise E[D(G(z))] - E[D(x)] + lambda E[(||grad D(xhat)|| - 1)^2]  (Algorithm 1, line 7)
    with weights_of(G, g0), weights_of(D, d0):
        fake = np.array(G(z_critic, training=True))
        mean = lambda t: tf.reduce_mean(t)  # noqa: E731
        want_d = hand_step(D, lambda: mean(D(fake, training=True)) - mean(D(x, training=True))
                           + lam * hand_penalty(D, x, fake, alpha))
    assert_step(d0, D, want_d, "critic")
    # generator: minimise -E[D(G(z))] with fresh z, judged by the critic after its update (line 11)
    with weights_of(G, g0):
        want_g = hand_step(G, lambda: -tf.reduce_mean(D(G(z_gen, training=True), training=True)))
    assert_step(g0, G, want_g, "generator")


def test_lambda_scales_the_penalty_term_of_the_critics_update():
    steps, gps, init = [], [], None
    for lam in (0.0, 10.0, 20.0):
        model = sgd(WGANGP(image_shape=SMALL, latent_dim=4, filters=4, n_critic=1, gp_weight=lam, seed=0))
        init = init or [weights(model.generator), weights(model.critic)]  # the same start for every lambda
        for net, values in zip((model.generator, model.critic), init):
            for w, v in zip(net.trainable_weights, values):
                w.assign(v)
        d0 = weights(model.critic)
        logs = model.fit(images(8, SMALL), batch_size=8, epochs=1, shuffle=False, verbose=0).history
        steps.append([np.array(w) - b for w, b in zip(model.critic.trainable_weights, d0)])
        gps.append(logs["gp"][0])
    # SGD's step is linear in lambda: step(20) - step(10) = step(10) - step(0) != 0
    for s0, s10, s20 in zip(*steps):
        np.testing.assert_allclose(s20 - s10, s10 - s0, atol=1e-6 + 1e-3 * np.abs(s10).max())
    assert max(np.abs(s10 - s0).max() for s0, s10 in zip(steps[0], steps[1])) > 1e-6
    assert gps[0] == 0.0 and gps[2] == pytest.approx(2 * gps[1], rel=1e-5) and gps[1] > 0


@pytest.mark.parametrize("eager", [True, False], ids=["eager", "compiled"])
def test_every_critic_iteration_sees_its_own_real_slice_and_fresh_z_in_training_mode(eager):
    log = []
    model = sgd(probed_wgangp(log), run_eagerly=eager)  # n_critic = 5
    x = images(10, SMALL)  # 5 critic iterations x 2 examples
    # compiled: a dataset whose batch size is unknown when the step is traced (the gather path)
    model.fit(x if eager else tf.data.Dataset.from_tensor_slices(x).batch(10), batch_size=10 if eager else None,
              epochs=1, shuffle=False, verbose=0)
    g_calls, d_calls = calls(log, "G"), calls(log, "D")
    assert all(training is True for training, _ in g_calls + d_calls), "a network was called with training=False"
    zs = [z for _, z in g_calls]
    assert len(zs) == 6  # one draw per critic iteration, one for the generator update
    assert all(not np.array_equal(zs[i], zs[j]) for i in range(6) for j in range(i))
    slices = [x[2 * i:2 * i + 2] for i in range(5)]
    seen = [next((i for i, s in enumerate(slices) if inp.shape == s.shape and np.array_equal(inp, s)), None)
            for _, inp in d_calls]
    assert [i for i in seen if i is not None] == [0, 1, 2, 3, 4]  # each slice once, in order


def test_one_critic_step_raises_the_critics_wasserstein_estimate():
    # a generator whose output does not depend on z: the fakes before and after are the same
    z = keras.Input((4,))
    image = keras.layers.Reshape(SMALL)(keras.layers.Dense(int(np.prod(SMALL)), activation="tanh",
                                                           kernel_initializer="zeros",
                                                           bias_initializer="random_uniform")(z))
    model = sgd(WGANGP(generator=keras.Model(z, image), image_shape=SMALL, latent_dim=4, filters=4, n_critic=1,
                       gp_weight=0.0, seed=0))
    x = images(8, SMALL)
    fake = model.generate(8, seed=0)
    estimate = lambda: float(np.mean(model.critic(x)) - np.mean(model.critic(fake)))  # noqa: E731
    before = estimate()
    model.fit(x, batch_size=8, epochs=1, shuffle=False, verbose=0)
    assert estimate() > before
