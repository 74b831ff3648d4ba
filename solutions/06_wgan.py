"""第 6 课（WGAN 与 WGAN-GP）练习 1–3 的参考答案；练习 4 是开放题，没有唯一答案。
Solutions to exercises 1–3 of lesson 6 (WGAN and WGAN-GP); exercise 4 is open and has no single answer.

    GANKIT_QUICK=1 python solutions/06_wgan.py   # a few seconds: short training in exercise 3
    python solutions/06_wgan.py                  # full: exercise 3 trains long enough to count modes
"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # run from a checkout without installing

import numpy as np
import keras
import tensorflow as tf

from gankit import config, data, losses, metrics, models

QUICK = config.current().quick

# --- Exercise 1: P_r = U[0, 0.5], P_theta = U[theta, theta + 1] -----------------------------------------
grid = np.linspace(-3.0, 3.5, 130001)
dx = grid[1] - grid[0]


def uniform_pdf(lo, width):
    return ((grid >= lo) & (grid < lo + width)) / width


def kl(p, q):
    mask = p > 0
    return float(np.sum(p[mask] * np.log(p[mask] / q[mask])) * dx)


def js(p, q):
    m = 0.5 * (p + q)
    return 0.5 * kl(p, m) + 0.5 * kl(q, m)


def w1(p, q):
    return float(np.sum(np.abs(np.cumsum(p) - np.cumsum(q))) * dx * dx)


p_real = uniform_pdf(0.0, 0.5)
thetas = np.linspace(-2.0, 2.0, 81)
js_values = np.array([js(p_real, uniform_pdf(t, 1.0)) for t in thetas])
w_values = np.array([w1(p_real, uniform_pdf(t, 1.0)) for t in thetas])
# the intervals [0, 0.5] and [theta, theta + 1] are disjoint for theta >= 0.5 or theta <= -1 ...
disjoint = (thetas >= 0.5 + 1e-9) | (thetas <= -1.0 - 1e-9)
assert np.allclose(js_values[disjoint], np.log(2), atol=1e-3)          # ... and there JS is log 2
overlap = (thetas > -1.0 + 0.05) & (thetas < 0.5 - 0.05)
assert np.all(js_values[overlap] < np.log(2) - 1e-3)                  # overlapping: smaller
# when disjoint all earth moves one way: W1 = |difference of the means| = |(theta + 0.5) - 0.25|
assert np.allclose(w_values[disjoint], np.abs(thetas[disjoint] + 0.25), atol=2e-3)
print(f"exercise 1: JS = log 2 for theta >= 0.5 or theta <= -1; there W1 = |theta + 0.25| "
      f"(largest gap {np.abs(w_values[disjoint] - np.abs(thetas[disjoint] + 0.25)).max():.4f})")

# --- Exercise 2: LSGAN's losses by hand, and the generator gradients at a logit of 6 --------------------
rng = np.random.default_rng(0)
real_logits, fake_logits = rng.normal(size=32).astype("float32"), rng.normal(size=32).astype("float32")
a, b, c = 0.0, 1.0, 1.0
d_by_hand = 0.5 * np.mean((real_logits - b) ** 2) + 0.5 * np.mean((fake_logits - a) ** 2)
g_by_hand = 0.5 * np.mean((fake_logits - c) ** 2)
assert abs(d_by_hand - float(losses.least_squares_d_loss(real_logits, fake_logits))) < 1e-5
assert abs(g_by_hand - float(losses.least_squares_g_loss(fake_logits))) < 1e-5

s = tf.Variable([6.0])
grads = {}
for name, fn in [("non-saturating", losses.nonsaturating_g_loss), ("least squares", losses.least_squares_g_loss)]:
    with tf.GradientTape() as tape:
        loss = fn(s)                                     # one example: the mean is that example's loss
    grads[name] = float(tape.gradient(loss, s)[0])
sigmoid6 = 1.0 / (1.0 + np.exp(-6.0))
assert abs(grads["non-saturating"] - (sigmoid6 - 1.0)) < 1e-5       # -0.0025: almost no signal
assert abs(grads["least squares"] - (6.0 - 1.0)) < 1e-5              # 5: pulled back towards c = 1
print(f"exercise 2: LSGAN losses match gankit; gradients at logit 6: {grads}")

# --- Exercise 3: WGAN-GP with and without the gradient penalty on the ring ------------------------------
RING_STD, M = 0.05, 64
STEPS = 20 if QUICK else 3000
centres = data.ring_centres()
points = data.toy_points("gaussian_ring", n=20000, std=RING_STD, seed=0)
real_eval = data.toy_points("gaussian_ring", n=1000, std=RING_STD, seed=999)


def input_gradient_norms(critic, real, fake):
    alpha = np.random.default_rng(0).uniform(size=(len(real), 1)).astype("float32")
    x_hat = tf.constant(alpha * real + (1 - alpha) * fake)
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat)
    return np.linalg.norm(np.array(tape.gradient(scores, x_hat)), axis=1)


results = {}
for gp_weight in (10.0, 0.0):
    keras.utils.set_random_seed(0)
    hidden = (32, 32) if QUICK else (128, 128, 128)
    model = models.WGANGP(image_shape=(2,), latent_dim=16, hidden=hidden, gp_weight=gp_weight, seed=0)
    adam = lambda: keras.optimizers.Adam(5e-4, beta_1=0.0, beta_2=0.9)  # noqa: E731
    model.compile(g_optimizer=adam(), d_optimizer=adam())
    ds = tf.data.Dataset.from_tensor_slices(points).repeat().batch(M * model.n_critic, drop_remainder=True)
    model.fit(ds, epochs=1, steps_per_epoch=STEPS, verbose=0)
    norms = input_gradient_norms(model.critic, real_eval, model.generate(1000, seed=5))
    covered, hq = metrics.mode_coverage(model.generate(2500, seed=123), centres, RING_STD)
    results[gp_weight] = {"median_norm": float(np.median(norms)), "dev": float(np.mean((norms - 1.0) ** 2)),
                          "covered": covered}
    print(f"exercise 3: gp_weight={gp_weight:>4}: median |grad D(x_hat)| {np.median(norms):8.3f}, "
          f"mean (|grad| - 1)^2 {results[gp_weight]['dev']:10.3f}, {covered}/8 modes")

# the penalty keeps the critic's slope near 1; without it nothing bounds the slope and it grows
assert results[10.0]["dev"] < results[0.0]["dev"]
assert results[0.0]["median_norm"] > results[10.0]["median_norm"]
if not QUICK:
    assert results[10.0]["covered"] >= 6
