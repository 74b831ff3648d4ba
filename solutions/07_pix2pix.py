"""第 7 课（Pix2Pix）练习 1–3 的参考答案；练习 4 是开放题，没有唯一答案。
Solutions to exercises 1–3 of lesson 7 (Pix2Pix); exercise 4 is open and has no single answer.

    GANKIT_QUICK=1 python solutions/07_pix2pix.py   # seconds: exercise 3 trains a few steps only
    python solutions/07_pix2pix.py                  # full: exercise 3 trains a few hundred steps
"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # run from a checkout without installing

import numpy as np
import keras

from gankit import config, data, models

QUICK = config.current().quick

# --- Exercise 1: a lane at one of two positions, with probabilities 0.7 and 0.3 --------------------------
WIDTH, LANE, A, B = 40, 3, 12, 25
rng = np.random.default_rng(0)
at_a = rng.uniform(size=10000) < 0.7
targets = -np.ones((len(at_a), WIDTH), "float32")
for i, first in enumerate(np.where(at_a, A, B)):
    targets[i, first:first + LANE] = 1.0

l2_answer = targets.mean(axis=0)          # the mean minimises the expected squared error, pixel by pixel
l1_answer = np.median(targets, axis=0)    # the median minimises the expected absolute error
share = at_a.mean()
# L1 keeps the likelier lane, sharp (+1), and drops the other: right 70% of the time, never blurred
assert np.all(l1_answer[A:A + LANE] == 1.0) and np.all(l1_answer[B:B + LANE] == -1.0)
# L2 paints both lanes at an in-between grey: 2p - 1 at A, 1 - 2p at B
assert np.allclose(l2_answer[A:A + LANE], 2 * share - 1, atol=1e-6)
assert np.allclose(l2_answer[B:B + LANE], 1 - 2 * share, atol=1e-6)
print(f"exercise 1: L1 answer at lane A {l1_answer[A]:+.0f}, at lane B {l1_answer[B]:+.0f}; "
      f"L2 answer {l2_answer[A]:+.2f} and {l2_answer[B]:+.2f}")

# --- Exercise 2: jitter a pair in one call, or input and target separately --------------------------------
x, y = next(iter(data.load("edges2fashion", split="test", batch_size=None, image_size=32, limit=1, shuffle=False)))
x, y = x.numpy(), y.numpy()
size = x.shape[0]
together = [data.random_jitter(y, y, size, seed=(s, 0)) for s in range(8)]
assert all(np.array_equal(a.numpy(), b.numpy()) for a, b in together)      # one call: still aligned
apart = [(data.random_jitter(y, y, size, seed=(s, 0))[0].numpy(),          # the input's own crop and flip ...
          data.random_jitter(y, y, size, seed=(s + 100, 0))[1].numpy())    # ... and another for the target
         for s in range(8)]
# a *perfect* output (the target itself) now costs an L1 loss on most of the pairs
l1_of_perfect = [float(np.abs(a - b).mean()) for a, b in apart]
assert sum(v > 1e-3 for v in l1_of_perfect) >= 4
print(f"exercise 2: L1 between a target and itself jittered separately: {np.round(l1_of_perfect, 3)}")

# --- Exercise 3: dropout at test time --------------------------------------------------------------------
keras.utils.set_random_seed(0)
train = data.load("edges2fashion", split="train", batch_size=16, image_size=32, limit=32 if QUICK else 4096, seed=0)
model = models.Pix2Pix(image_shape=(32, 32, 1), filters=8 if QUICK else 32, seed=0)
model.compile()
model.fit(train, epochs=1 if QUICK else 3, verbose=0)

probe = x[None]
off = [model.translate(probe) for _ in range(3)]
on = np.stack([model.translate(probe, training=True) for _ in range(8)])
assert all(np.array_equal(off[0], o) for o in off)                         # training=False: deterministic
spread = float(on.std(axis=0).mean())
assert spread > 0                                                          # training=True: dropout noise
change = float(np.abs(on - off[0]).mean())
print(f"exercise 3: per-pixel std over 8 dropout samples {spread:.4f}; "
      f"mean |dropout output - deterministic output| {change:.4f} (pixels in [-1, 1])")
