"""第 10 课（训练技巧、评估与前沿）练习 1–3 的参考答案；练习 4 是开放题，没有唯一答案。
Solutions to exercises 1–3 of lesson 10 (training tricks, evaluation and the frontier); exercise 4 is open and has
no single answer.

    GANKIT_QUICK=1 python solutions/10_tricks_evaluation.py   # seconds: pure computations
    python solutions/10_tricks_evaluation.py                  # the same with more repetitions
"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # run from a checkout without installing

import numpy as np
import tensorflow as tf

from gankit import config, losses, metrics

QUICK = config.current().quick

# --- Exercise 1: FID is biased upwards for small samples -------------------------------------------------
# Two samples of the SAME distribution have a true Fréchet distance of 0; the estimate is positive and shrinks
# roughly like 1/n, which is why FIDs are comparable only at equal sample sizes.
dim, repeats = 32, 2 if QUICK else 5
rng = np.random.default_rng(0)
mixing = rng.normal(size=(dim, dim)) / np.sqrt(dim)          # a correlated Gaussian "feature" distribution
fid_at = {}
for n in (250, 500, 1000, 2000):
    fid_at[n] = float(np.mean([metrics.fid_from_features(rng.normal(size=(n, dim)) @ mixing,
                                                         rng.normal(size=(n, dim)) @ mixing) for _ in range(repeats)]))
    print(f"exercise 1: n = {n:>4}: FID between two samples of one distribution {fid_at[n]:.3f}")
values = list(fid_at.values())
assert all(v > 0 for v in values) and all(a > b for a, b in zip(values, values[1:]))   # positive, falling with n
assert 2.5 < fid_at[250] / fid_at[2000] < 16                                              # about 8x for 8x the samples

# --- Exercise 2: the spectral norm by power iteration ------------------------------------------------------
W = rng.normal(size=(64, 32))
u = rng.normal(size=64)
for _ in range(30 if QUICK else 100):                        # power iteration on W W^T
    v = W.T @ u
    v /= np.linalg.norm(v)
    u = W @ v
    u /= np.linalg.norm(u)
sigma = float(u @ W @ v)
sigma_svd = float(np.linalg.svd(W, compute_uv=False)[0])
assert abs(sigma - sigma_svd) < 1e-3 * sigma_svd
assert abs(np.linalg.svd(W / sigma, compute_uv=False)[0] - 1.0) < 1e-3     # W / sigma(W) is 1-Lipschitz as a map
print(f"exercise 2: sigma by power iteration {sigma:.5f}, by SVD {sigma_svd:.5f}")

# --- Exercise 3: WGAN-LP's one-sided penalty against WGAN-GP's two-sided one -----------------------------
def lipschitz_penalty(critic, real, fake, weight=10.0, alpha=None):
    """lambda * E[max(0, ||grad D(x_hat)|| - 1)^2] (Petzka et al. 2018): no penalty below norm 1."""
    x_hat = tf.convert_to_tensor(alpha * real + (1.0 - alpha) * fake)
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat)
    g = tape.gradient(scores, x_hat)
    norm = tf.sqrt(tf.reduce_sum(tf.square(g), axis=list(range(1, len(g.shape)))) + 1e-12)
    return weight * tf.reduce_mean(tf.square(tf.maximum(0.0, norm - 1.0)))


real = rng.uniform(-1, 1, (16, 8)).astype("float32")
fake = rng.uniform(-1, 1, (16, 8)).astype("float32")
alpha = rng.uniform(0, 1, (16, 1)).astype("float32")
direction = rng.normal(size=8).astype("float32")
direction /= np.linalg.norm(direction)
for slope in (0.5, 1.0, 2.5):                                # a linear critic has gradient norm = slope everywhere
    w = slope * direction

    def linear(v, training=False, w=w):
        return tf.reduce_sum(v * w, axis=1, keepdims=True)

    gp = float(losses.gradient_penalty(linear, real, fake, weight=10.0, alpha=alpha))
    lp = float(lipschitz_penalty(linear, real, fake, weight=10.0, alpha=alpha))
    print(f"exercise 3: slope {slope}: WGAN-GP penalty {gp:7.4f}, WGAN-LP penalty {lp:7.4f}")
    assert abs(gp - 10 * (slope - 1) ** 2) < 1e-3                       # two-sided: also punishes slope < 1
    assert abs(lp - 10 * max(0.0, slope - 1) ** 2) < 1e-3                # one-sided: only slope > 1
