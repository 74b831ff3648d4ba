"""Solutions to lesson 0's exercises 1-3 (exercise 4 is open-ended).
第 0 课练习 1-3 的参考解答（练习 4 是开放题）。

1. Output size of a strided convolution / 步长卷积的输出尺寸.
2. The gradient of Keras' MSE after a sigmoid neuron, checked with GradientTape / sigmoid 神经元接 MSE 的梯度.
3. The "ghost" experiment with unequal probabilities / 概率不相等的“鬼影”实验.

Run: ``GANKIT_QUICK=1 python solutions/00_tour.py`` (quick) or without GANKIT_QUICK (full).
"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

import numpy as np
import keras
import tensorflow as tf

from gankit import config

QUICK = config.current().quick

# --- Exercise 1: Conv2D(1, 3, strides=2) on a 5x5 picture ------------------------------------------
image = np.random.default_rng(0).random((1, 5, 5, 1)).astype("float32")
same = keras.layers.Conv2D(1, 3, strides=2, padding="same")(image)
valid = keras.layers.Conv2D(1, 3, strides=2, padding="valid")(image)
assert same.shape[1:3] == (int(np.ceil(5 / 2)),) * 2 == (3, 3)            # ceil(n / s)
assert valid.shape[1:3] == ((5 - 3) // 2 + 1,) * 2 == (2, 2)             # floor((n - k) / s) + 1
print(f"exercise 1: 'same' -> {tuple(same.shape[1:3])}, 'valid' -> {tuple(valid.shape[1:3])}")

# --- Exercise 2: d MSE / d w for y_hat = sigmoid(w.x + b) ------------------------------------------
x = np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, -2.0], [2.0, 1.0]], "float32")
y = np.array([[1.0], [0.0], [1.0], [0.0]], "float32")
w0, b0 = np.array([[0.5], [-0.3]], "float32"), np.array([0.1], "float32")
net = keras.layers.Dense(1, activation="sigmoid")
net.build((None, 2))
net.set_weights([w0, b0])
with tf.GradientTape() as tape:
    loss = keras.losses.MeanSquaredError()(y, net(x))
grad_w, grad_b = [g.numpy() for g in tape.gradient(loss, net.trainable_weights)]
y_hat = 1 / (1 + np.exp(-(x @ w0 + b0)))
delta = 2 * (y_hat - y) * y_hat * (1 - y_hat) / len(x)                    # no 1/2 in Keras' MSE
assert np.allclose(grad_w, x.T @ delta, atol=1e-6) and np.allclose(grad_b, delta.sum(axis=0), atol=1e-6)
p = 1 / (1 + np.exp(8.0))                                                 # saturated: z = -8, label 1
ratio = abs(2 * (p - 1) * p * (1 - p)) / abs(p - 1)
assert ratio < 1e-3
print(f"exercise 2: gradient matches 2/N·Σ(ŷ−y)ŷ(1−ŷ)x; saturated neuron: MSE/cross-entropy gradient = {ratio:.1e}")

# --- Exercise 3: unequal futures -------------------------------------------------------------------
SIZE, MOVE = 12, 3
MOVES = [(-MOVE, 0), (MOVE, 0), (0, -MOVE), (0, MOVE)]                    # up, down, left, right
PROB = np.array([1, 1, 1, 3]) / 6                                          # right 1/2, the others 1/6


def frame(row, col):
    picture = np.zeros((SIZE, SIZE), "float32")
    picture[row:row + 2, col:col + 2] = 1.0
    return picture


floor = (4 * sum(p * (1 - p) for p in PROB)) / SIZE ** 2                  # 16 ghost pixels' variances / 144
assert np.isclose(floor, 1 / 54)
starts = [(r, c) for r in range(3, 8) for c in range(3, 8)]
copies = [1, 1, 1, 3]                                                      # sample the futures with PROB
x_now = np.stack([frame(r, c) for r, c in starts for k in range(4) for _ in range(copies[k])]).reshape(-1, SIZE ** 2)
y_next = np.stack([frame(r + MOVES[k][0], c + MOVES[k][1]) for r, c in starts for k in range(4)
                   for _ in range(copies[k])]).reshape(-1, SIZE ** 2)
keras.utils.set_random_seed(0)
predictor = keras.Sequential([keras.Input((SIZE ** 2,)), keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(SIZE ** 2)])
optimizer, mse = keras.optimizers.Adam(3e-3), keras.losses.MeanSquaredError()


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        loss = mse(y, predictor(x))
    optimizer.apply_gradients(zip(tape.gradient(loss, predictor.trainable_weights), predictor.trainable_weights))
    return loss


for _ in range(300 if QUICK else 1000):
    loss = float(train_step(x_now, y_next))
guess = predictor(frame(5, 5).reshape(1, -1)).numpy().reshape(SIZE, SIZE)
expected = sum(p * frame(5 + dr, 5 + dc) for p, (dr, dc) in zip(PROB, MOVES))
print(f"exercise 3: MSE {loss:.4f} (floor 1/54 = {floor:.4f}); brightest pixel {guess.max():.2f} (expected 0.50)")
assert abs(loss - floor) < 3e-3
assert np.abs(guess - expected).max() < 0.12
