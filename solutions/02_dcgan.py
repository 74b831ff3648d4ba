"""Solutions to lesson 2's exercises 1-3 (exercise 4 is open-ended).
第 2 课练习 1-3 的参考解答（练习 4 是开放题）。

1. Which kernel sizes a stride-2 transposed convolution covers evenly / 哪些卷积核大小不产生棋盘格.
2. How fast batch norm's moving variance forgets its initial value / 批归一化的滑动方差多快忘掉初始值.
3. A generator with UpSampling2D + Conv2D instead of transposed convolutions / 用 UpSampling2D + Conv2D 代替转置卷积的生成器.

Run: ``GANKIT_QUICK=1 python solutions/02_dcgan.py`` (quick) or without GANKIT_QUICK (full).
"""
import pathlib
import sys
import warnings

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

import numpy as np
import keras
from keras import layers

from gankit import config, data, models

QUICK = config.current().quick
warnings.filterwarnings("ignore")

# --- Exercise 1: coverage of a transposed convolution ------------------------------------------------
ones = np.ones((1, 8, 8, 1), "float32")
for stride in (2, 3):
    for k in range(2, 7):
        cover = np.asarray(keras.ops.conv_transpose(ones, np.ones((k, k, 1, 1), "float32"), strides=stride,
                                                    padding="same"))[0, :, :, 0]
        inner = cover[k:-k, k:-k]                                          # away from the borders
        even = inner.min() == inner.max()
        print(f"exercise 1: kernel {k}, stride {stride}: {'even' if even else 'checkerboard'}")
        assert even == (k % stride == 0), "even coverage exactly when the stride divides the kernel size"

# --- Exercise 2: moving variance after t steps ---------------------------------------------------------
TRUE_VAR = 0.04                                                            # the generator's first layer at init
for m in (0.9, 0.99):
    steps_to_forget = int(np.ceil(np.log(0.01) / np.log(m)))              # m^t < 1%
    bn = layers.BatchNormalization(momentum=m)
    rng = np.random.default_rng(0)
    t = 50 if QUICK else steps_to_forget
    for _ in range(t):
        batch = rng.normal(0, np.sqrt(TRUE_VAR), (4096, 1)).astype("float32")
        bn(batch, training=True)
    predicted = m ** t * 1.0 + (1 - m ** t) * TRUE_VAR                    # the initial 1 still weighs m^t
    moving = float(bn.moving_variance.numpy()[0])
    print(f"exercise 2: m = {m}: initial value below 1% after {steps_to_forget} steps; after {t} steps "
          f"moving variance {moving:.4f}, formula {predicted:.4f}")
    assert abs(moving - predicted) < 0.01
assert int(np.ceil(np.log(0.01) / np.log(0.9))) == 44 and int(np.ceil(np.log(0.01) / np.log(0.99))) == 459

# --- Exercise 3: UpSampling2D + Conv2D generator ------------------------------------------------------
init = keras.initializers.RandomNormal(stddev=0.02)


def upsampling_generator(latent_dim=100):
    z = keras.Input((latent_dim,))
    h = layers.Dense(7 * 7 * 128, use_bias=False, kernel_initializer=init)(z)
    h = layers.ReLU()(layers.BatchNormalization(momentum=0.9)(layers.Reshape((7, 7, 128))(h)))
    h = layers.UpSampling2D()(h)                                           # 7 -> 14: copy each pixel into 2x2
    h = layers.Conv2D(64, 3, padding="same", use_bias=False, kernel_initializer=init)(h)
    h = layers.ReLU()(layers.BatchNormalization(momentum=0.9)(h))
    h = layers.UpSampling2D()(h)                                           # 14 -> 28
    x = layers.Conv2D(1, 3, padding="same", activation="tanh", kernel_initializer=init)(h)
    return keras.Model(z, x, name="generator")


keras.utils.set_random_seed(0)
gan = models.DCGAN(generator=upsampling_generator(), seed=0)
gan.compile()
assert not any(isinstance(l, layers.Conv2DTranspose) for l in gan.generator.layers)
assert sum(isinstance(l, layers.UpSampling2D) for l in gan.generator.layers) == 2
steps, batch = (8, 32) if QUICK else (200, 64)
train = data.load("fashion_mnist", batch_size=batch, limit=steps * batch, labels=False)
logs = gan.fit(train, epochs=1, verbose=0).history
samples = gan.generate(16, seed=0)
print(f"exercise 3: {steps} steps, d_loss {logs['d_loss'][-1]:.3f}, g_loss {logs['g_loss'][-1]:.3f}, "
      f"samples {samples.shape}")
assert samples.shape == (16, 28, 28, 1) and np.all(np.isfinite(samples)) and np.abs(samples).max() <= 1
assert np.isfinite(logs["d_loss"][-1]) and np.isfinite(logs["g_loss"][-1])
