"""Solutions to lesson 4's exercises 1-2 (exercises 3 and 4 are open-ended).
第 4 课练习 1-2 的参考解答（练习 3、4 是开放题）。

1. The real pictures' class term gives the generator no gradient; the fakes' class term does / 真图的类别项对生成器没有梯度.
2. An untrained class head: L_C terms near log(1/10), and how class_weight splits the discriminator's loss
   / 未训练的类别头与 class_weight 对判别器损失的影响.

Run: ``GANKIT_QUICK=1 python solutions/04_acgan.py`` (quick) or without GANKIT_QUICK (full).
"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

import numpy as np
import tensorflow as tf

from gankit import config, data, losses, models
from gankit.losses import class_cross_entropy

QUICK = config.current().quick
N = 64 if QUICK else 256

model = models.ACGAN(filters=8, seed=0)
images, labels, _ = data.load_arrays("mnist", split="test")
real = images[:N].astype("float32") / 127.5 - 1.0
real_labels = labels[:N].astype("int32")
c = np.random.default_rng(0).integers(0, 10, N).astype("int32")
z = model.latent(N, seed=0)

# --- Exercise 1 --------------------------------------------------------------------------------------
with tf.GradientTape(persistent=True) as tape:
    fake = model.generator([z, c], training=True)
    real_source, real_class = model.discriminator(real, training=True)
    fake_source, fake_class = model.discriminator(fake, training=True)
    real_term = class_cross_entropy(real_labels, real_class)              # -log P(C=c | X_real)
    fake_term = class_cross_entropy(c, fake_class)                        # -log P(C=c | X_fake)
g_weights = model.generator.trainable_weights
real_grads = tape.gradient(real_term, g_weights)
fake_grads = tape.gradient(fake_term, g_weights)
assert all(g is None for g in real_grads), "the real pictures' class term does not depend on G"
fake_norm = float(tf.linalg.global_norm(fake_grads))
assert fake_norm > 0
print(f"exercise 1: ∂(real class term)/∂G = None (no path from G); |∂(fake class term)/∂G| = {fake_norm:.3g}")

# --- Exercise 2 --------------------------------------------------------------------------------------
L_S = -float(losses.minimax_d_loss(real_source, fake_source))             # log-likelihood of the source
L_C = -float(real_term + fake_term)                                       # log-likelihood of the class
print(f"exercise 2: L_S = {L_S:.3f}, L_C = {L_C:.3f}; 2·log(1/10) = {2 * np.log(0.1):.3f}")
assert abs(L_C - 2 * np.log(0.1)) < 0.5, "an untrained class head is close to uniform over 10 classes"
for w in (0.2, 1.0, 5.0):
    d_loss = -L_S - w * L_C                                               # what ACGAN(class_weight=w) minimises
    share = w * -L_C / d_loss
    print(f"            class_weight {w}: d_loss {d_loss:.3f}, class part {share:.0%}")
    assert (share > 0.5) == (w * -L_C > -L_S)
assert 5.0 * -L_C > -L_S > 0.2 * -L_C, "w = 5: the class part dominates; w = 0.2: the source part does"
