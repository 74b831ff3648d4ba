"""Solutions to lesson 1's exercises 1-3 (exercise 4 is open-ended).
第 1 课练习 1-3 的参考解答（练习 4 是开放题）。

1. C(G) as p_g = N(mu, 1) moves, and JS of two non-overlapping distributions / C(G) 随 mu 的变化，不重叠分布的 JS 散度.
2. Saturating vs non-saturating generator gradients against a strong discriminator / 判别器很强时两种生成器损失的梯度.
3. Repairing recipe B of section 1.8 in Keras 3 / 在 Keras 3 里修好 1.8 节的写法 B.

Run: ``GANKIT_QUICK=1 python solutions/01_gan.py`` (quick) or without GANKIT_QUICK (full).
"""
import pathlib
import sys
import warnings

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

import numpy as np
import keras
import tensorflow as tf

from gankit import config, data, losses, nets

QUICK = config.current().quick
warnings.filterwarnings("ignore")

# --- Exercise 1 ------------------------------------------------------------------------------------
x = np.linspace(-12.0, 12.0, 40001)


def normal_pdf(x, mean, std):
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * np.sqrt(2 * np.pi))


def kl(p, q):
    mask = p > 0
    return np.trapezoid(p[mask] * np.log(p[mask] / q[mask]), x[mask])


def js(p, q):
    m = 0.5 * (p + q)
    return 0.5 * kl(p, m) + 0.5 * kl(q, m)


p_data = normal_pdf(x, 2.0, 0.5)
mus = np.linspace(-6, 2, 17 if QUICK else 81)
c_of_g = np.array([2 * js(p_data, normal_pdf(x, mu, 1.0)) - np.log(4) for mu in mus])
assert np.all(np.diff(c_of_g) < 0), "C(G) falls as p_g moves towards p_data"
# far from the data, C(G) is almost flat at 2 log 2 - log 4 = 0: JS gives the generator hardly any signal
assert -0.01 < c_of_g[0] <= 0 and abs(c_of_g[0] - c_of_g[1]) < 1e-3
print(f"exercise 1: C(G) from {c_of_g[0]:.4f} (mu = -6) to {c_of_g[-1]:.4f} (mu = 2); −log 4 = {-np.log(4):.4f}")
uniform_far = np.where((x > 6) & (x < 8), 0.5, 0.0)                       # U(6, 8): no overlap with N(2, 0.5²) in practice
assert abs(js(p_data, uniform_far) - np.log(2)) < 1e-3
print(f"            JS(p_data, U(6, 8)) = {js(p_data, uniform_far):.4f} = log 2 = {np.log(2):.4f}")

# --- Exercise 2 ------------------------------------------------------------------------------------
keras.utils.set_random_seed(0)
G = nets.mlp_generator(4, (1,), hidden=(32, 32), output_activation=None)
D = nets.mlp_discriminator((1,), hidden=(32, 32))
opt = keras.optimizers.Adam(1e-2)
z = np.random.default_rng(0).normal(size=(512, 4)).astype("float32")
real = next(iter(data.load("gaussian_1d", batch_size=512, limit=512)))     # N(2, 0.5²), the lesson's toy
fake = G(z)                                                              # G stays as it is: poor


@tf.function
def d_step():
    with tf.GradientTape() as tape:
        d_loss = losses.minimax_d_loss(D(real, training=True), D(fake, training=True))
    opt.apply_gradients(zip(tape.gradient(d_loss, D.trainable_weights), D.trainable_weights))


for _ in range(200 if QUICK else 500):                                   # pre-train D alone
    d_step()
d_fake = float(tf.reduce_mean(tf.sigmoid(D(G(z)))))


def g_grad_norm(loss_fn):
    with tf.GradientTape() as tape:
        loss = loss_fn(D(G(z)))
    return float(tf.linalg.global_norm(tape.gradient(loss, G.trainable_weights)))


saturating, non_saturating = g_grad_norm(losses.minimax_g_loss), g_grad_norm(losses.nonsaturating_g_loss)
print(f"exercise 2: mean D(G(z)) = {d_fake:.3f}; |∇G| saturating {saturating:.2e}, non-saturating {non_saturating:.2e}")
assert d_fake < 0.2 and non_saturating > 3 * saturating

# --- Exercise 3 ------------------------------------------------------------------------------------
def tiny_pair():
    keras.utils.set_random_seed(1)
    g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="tanh")], name="g")
    d = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1, activation="sigmoid")], name="d")
    return g, d


def changed(model, step):
    before = [w.numpy().copy() for w in model.weights]
    step()
    return any(not np.allclose(a, w.numpy()) for a, w in zip(before, model.weights))


real_8 = np.random.default_rng(0).normal(size=(16, 8)).astype("float32")
noise_4 = np.random.default_rng(1).uniform(-1, 1, size=(16, 4)).astype("float32")
labels_2m = np.array([1.0] * 16 + [0.0] * 16, "float32")
ones_m = np.ones(16, "float32")

# Recipe B, repaired: the flag must be right when each model's training function is first built,
# i.e. at its first train_on_batch, not at compile(). So switch it just before each first call.
g, d = tiny_pair()
d.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(0.1))
gan = keras.Sequential([g, d])
gan.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(0.1))
for step in range(2):
    X = np.concatenate([real_8, g.predict(noise_4, verbose=0)])
    d.trainable = True                       # (only matters the first time: the function is then fixed)
    assert changed(d, lambda: d.train_on_batch(X, labels_2m)), "D must learn"
    d.trainable = False
    d_before = [w.numpy().copy() for w in d.weights]
    assert changed(g, lambda: gan.train_on_batch(noise_4, ones_m)), "the combined model must move G"
    assert all(np.allclose(a, w.numpy()) for a, w in zip(d_before, d.weights)), "... and leave D alone"
print("exercise 3: recipe B repaired — d.train_on_batch trains D, gan.train_on_batch trains only G")
