"""Solutions to lesson 5's exercises 1-3 (exercise 4 is open-ended).
第 5 课练习 1-3 的参考解答（练习 4 是开放题）。

1. Mutual information when the picture reveals only part of the code / 生成图只透露部分编码时的互信息.
2. The Gaussian Q's negative log-likelihood is half a squared error plus a constant / 高斯 Q 的负对数似然.
3. Matching 20 code values to 10 classes: one-to-one versus many-to-one / 20 个编码值与 10 个类别的匹配.

Run: ``GANKIT_QUICK=1 python solutions/05_infogan.py`` (quick) or without GANKIT_QUICK (full).
"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

import numpy as np
from scipy.optimize import linear_sum_assignment

from gankit import config, models

QUICK = config.current().quick


def entropy(p):
    p = np.asarray(p, dtype="float64").ravel()
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


def mutual_information(joint):
    p = np.asarray(joint, dtype="float64") / np.sum(joint)
    return entropy(p.sum(axis=1)) + entropy(p.sum(axis=0)) - entropy(p)


# --- Exercise 1 --------------------------------------------------------------------------------------
K = 10
pairs = np.zeros((K, K // 2))                                             # x shows only which pair c is in
pairs[np.arange(K), np.arange(K) // 2] = 1 / K
assert np.isclose(mutual_information(pairs), np.log(K / 2))              # H(c) - H(c|x) = log 10 - log 2
assert np.isclose(mutual_information(np.eye(20) / 20), np.log(20))       # 20 readable values: log 20
print(f"exercise 1: pairs merged: I = {mutual_information(pairs):.3f} = log 5; 20 readable values: I = log 20 = "
      f"{np.log(20):.3f}")

# --- Exercise 2 --------------------------------------------------------------------------------------
model = models.InfoGAN(filters=8, hidden=32, seed=0, lambda_category=0.0, lambda_continuous=1.0)
rng = np.random.default_rng(0)
n = 32 if QUICK else 256
category = rng.integers(0, 10, n)
continuous = rng.uniform(-1, 1, (n, 2)).astype("float32")
x = model.generate(z=model.latent(n, seed=0, category=category, continuous=continuous))
_, q_logits, q_mu = model.run_batched(model.discriminator, [x])
nll = 0.5 * (continuous - q_mu) ** 2 + 0.5 * np.log(2 * np.pi)            # -log N(c; mu, 1), per code
gankit_loss = float(model.info_loss(category, continuous, q_logits, q_mu))
by_hand = float((nll - 0.5 * np.log(2 * np.pi)).sum(axis=1).mean())       # the constant drops out of the gradient
print(f"exercise 2: continuous info loss, gankit {gankit_loss:.5f}, ½(c−μ)² by hand {by_hand:.5f}")
assert np.isclose(gankit_loss, by_hand, rtol=1e-4)

# --- Exercise 3 --------------------------------------------------------------------------------------
classes = np.repeat(np.arange(10), 100)
codes = 2 * classes + (np.arange(len(classes)) % 2)                      # every digit split into two code values
counts = np.zeros((20, 10), dtype=int)
np.add.at(counts, (codes, classes), 1)
rows, cols = linear_sum_assignment(counts, maximize=True)                 # one-to-one: only 10 codes get a class
one_to_one = counts[rows, cols].sum() / counts.sum()
many_to_one = counts.max(axis=1).sum() / counts.sum()                     # each code -> its most frequent class
print(f"exercise 3: one-to-one matching {one_to_one:.0%}, many-to-one (majority) {many_to_one:.0%}")
assert np.isclose(one_to_one, 0.5) and np.isclose(many_to_one, 1.0)
