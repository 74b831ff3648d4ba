"""第 8 课（CycleGAN）练习 1–3 的参考答案；练习 4 是开放题，没有唯一答案。
Solutions to exercises 1–3 of lesson 8 (CycleGAN); exercise 4 is open and has no single answer.

    GANKIT_QUICK=1 python solutions/08_cyclegan.py   # seconds: pure computations on a few pictures
    python solutions/08_cyclegan.py                  # the same on more pictures and pool queries
"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # run from a checkout without installing

import numpy as np
import tensorflow as tf

from gankit import config, data
from gankit.train import ImagePool, LinearDecay

QUICK = config.current().quick

# --- Exercise 1: the cycle loss of a generator that ignores its input -------------------------------------
# G(x) = c for every x, so F(G(x)) = F(c) is one picture r for all x, and E|F(G(x)) - x| >= min_r E|r - x|,
# minimised pixel by pixel by the median picture. A bijective G (here the identity, with F its inverse) pays 0.
try:
    xs = np.concatenate([x.numpy() for x, _ in data.load("maps_unpaired", split="train", image_size=32, batch_size=16,
                                                         limit=32 if QUICK else 400).take(2 if QUICK else 25)])
except data.DatasetNotFoundError:                         # no maps here: aerial-like random textures will do
    xs = np.random.default_rng(0).uniform(-1, 1, (32, 32, 32, 3)).astype("float32")
median = np.median(xs, axis=0)
floor = float(np.abs(xs - median).mean())
for r in (xs.mean(axis=0), np.zeros_like(median), xs[0]):   # any other single picture F could return does worse
    assert float(np.abs(xs - r).mean()) >= floor - 1e-6
assert floor > 0.05
print(f"exercise 1: a constant G pays a forward cycle loss of at least {floor:.3f} (x lambda = 10: "
      f"{10 * floor:.2f}); an invertible G can pay 0")

# --- Exercise 2: how old is a picture that comes back from the pool? --------------------------------------
# Once the pool is full each incoming picture replaces a given slot with probability 1/2 * 1/50 = 1/100, so the
# age of the picture in a random slot is geometric with mean 1 / (1/100) = 100 pictures.
pool = ImagePool((1, 1, 1), size=50, seed=0)
query = tf.function(pool.query)
query(np.arange(50, dtype="float32").reshape(50, 1, 1, 1))          # fill the pool
ages = []
batches = 1000 if QUICK else 10000
for step in range(50, 50 + 4 * batches, 4):
    ids = np.arange(step, step + 4, dtype="float32")
    ages += list(ids - np.asarray(query(ids.reshape(4, 1, 1, 1))).reshape(-1))
ages = np.array(ages)
old = ages[ages > 0]
print(f"exercise 2: new pictures returned {np.mean(ages == 0):.3f}; mean age of an old one {old.mean():.1f} "
      f"(predicted about 100)")
assert abs(np.mean(ages == 0) - 0.5) < 0.05
# the first 50 pictures can stay a long time, so look at the ages after a warm-up of 1000 pictures
settled = ages[250:][ages[250:] > 0]
assert abs(settled.mean() - 100) < 15

# --- Exercise 3: the paper's per-epoch schedule against gankit's per-step LinearDecay ---------------------
lr0, epochs, steps_per_epoch = 2e-4, 200, 25
schedule = LinearDecay(lr0, total_steps=epochs * steps_per_epoch)
steps = np.arange(epochs * steps_per_epoch + 1)
per_step = np.array([float(schedule(s)) for s in steps[::5]])
epoch_of = steps[::5] / steps_per_epoch
per_epoch = lr0 * np.clip((epochs - np.floor(epoch_of)) / (epochs / 2), 0, 1)  # 100 flat, then 100 falling
assert np.allclose(per_step[epoch_of <= 100], lr0)                   # the first half is flat
assert per_step[-1] == 0.0                                           # and it ends at 0
gap = float(np.abs(per_step - per_epoch).max())
assert gap <= lr0 / 100 + 1e-12                                      # at most one epoch's step of the paper's line
print(f"exercise 3: per-step and per-epoch schedules differ by at most {gap:.2e} (= lr0 / 100 = {lr0 / 100:.1e})")
