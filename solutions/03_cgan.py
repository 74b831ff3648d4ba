"""Solutions to lesson 3's exercises 1-2 (exercise 3 is open-ended).
第 3 课练习 1-2 的参考解答（练习 3 是开放题）。

1. The wrong labels y' = (y + u) mod K: never the right one, every wrong class equally likely / 错误标签的取法.
2. A two-layer perceptron regressing pictures from labels still gives the class averages / 两层感知机回归仍得到平均图像.

Run: ``GANKIT_QUICK=1 python solutions/03_cgan.py`` (quick) or without GANKIT_QUICK (full).
"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

import numpy as np
import keras

from gankit import config, data

QUICK = config.current().quick

# --- Exercise 1 --------------------------------------------------------------------------------------
K, N = 10, 200_000
rng = np.random.default_rng(0)
y = rng.integers(0, K, N)
y_wrong = (y + rng.integers(1, K, N)) % K                                 # u uniform in 1..K-1
assert not np.any(y_wrong == y)
for k in range(K):                                                        # given y = k, y' is uniform on the others
    share = np.bincount(y_wrong[y == k], minlength=K) / np.sum(y == k)
    assert share[k] == 0 and np.allclose(np.delete(share, k), 1 / (K - 1), atol=0.01)
print("exercise 1: y' never equals y; given y, each of the 9 wrong classes has probability 1/9")

# --- Exercise 2 --------------------------------------------------------------------------------------
images, labels, _ = data.load_arrays("mnist")
n = 6000 if QUICK else 60000
x = images[:n].reshape(n, -1).astype("float32") / 127.5 - 1.0
onehot = np.eye(10, dtype="float32")[labels[:n]]
class_means = np.stack([x[labels[:n] == k].mean(axis=0) for k in range(10)])

keras.utils.set_random_seed(0)
mlp = keras.Sequential([keras.Input((10,)), keras.layers.Dense(256, activation="relu"), keras.layers.Dense(784)])
mlp.compile(optimizer=keras.optimizers.Adam(3e-3), loss="mse")
mlp.fit(onehot, x, batch_size=256, epochs=8 if QUICK else 20, verbose=0)
predicted = mlp.predict(np.eye(10, dtype="float32"), verbose=0)
gap = float(np.abs(predicted - class_means).mean())
print(f"exercise 2: mean |MLP output − class mean| = {gap:.3f} (pixels in [-1, 1])")
# Only 10 different inputs exist, so whatever the network, the squared error is smallest at the class means.
assert gap < 0.05
