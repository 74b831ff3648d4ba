"""第 9 课（超分辨率）练习 1–3 的参考答案；练习 4 是开放题，没有唯一答案。
Solutions to exercises 1–3 of lesson 9 (super-resolution); exercise 4 is open and has no single answer.

    GANKIT_QUICK=1 python solutions/09_super_resolution.py   # seconds: computations, no training
    python solutions/09_super_resolution.py                  # the same on all of Set5 and larger tensors
"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # run from a checkout without installing

import numpy as np
import keras

from gankit import config, data, metrics, nets
from gankit.nets import bicubic

QUICK = config.current().quick
SCALE = 4

# --- Exercise 1: how much does the evaluation protocol move bicubic's PSNR on Set5? ----------------------
pictures = data.sr_images("set5", scale=SCALE, limit=2 if QUICK else None)
rows = {}
for name, y_channel, crop in [("RGB, no crop", False, 0), ("RGB, crop 4", False, SCALE),
                              ("Y, no crop", True, 0), ("Y, crop 4 (the convention)", True, SCALE)]:
    rows[name] = np.mean([metrics.psnr(bicubic(p.lr, SCALE)[None], p.hr[None], y_channel=y_channel, crop=crop)
                          for p in pictures])
    print(f"exercise 1: bicubic on Set5, {name:<28} {rows[name]:6.2f} dB")
spread = max(rows.values()) - min(rows.values())
# the protocol alone moves the number by more than SRCNN gains over bicubic in the lesson (0.5 dB)
assert spread > 0.5, spread
assert rows["Y, crop 4 (the convention)"] > rows["Y, no crop"]          # the border is where bicubic is worst

# --- Exercise 2: the pixel-shuffle index formula against nets.PixelShuffle -------------------------------
r, C, H, W = 2, 3, 4, 5
x = np.random.default_rng(0).normal(size=(1, H, W, C * r * r)).astype("float32")
y = np.asarray(nets.PixelShuffle(r)(x))
by_formula = np.empty((1, H * r, W * r, C), "float32")
for yy in range(H * r):
    for xx in range(W * r):
        for c in range(C):
            by_formula[0, yy, xx, c] = x[0, yy // r, xx // r, C * r * (yy % r) + C * (xx % r) + c]
assert np.array_equal(y, by_formula)
print("exercise 2: output (y, x, c) = input (y // r, x // r, C r (y mod r) + C (x mod r) + c): checked")

# --- Exercise 3: ICNR initialisation (Aitken et al. 2017) ------------------------------------------------
# A sub-pixel stage is conv(C -> C r²) then PixelShuffle(r). ICNR draws a kernel for C outputs and repeats it
# r² times along the output channels, in the order depth_to_space reads them (channel k -> base channel k mod C).
side = 16 if QUICK else 64
C_in, C_out = 4, 3
image = np.random.default_rng(1).normal(size=(2, side, side, C_in)).astype("float32")


def subpixel(kernel, inputs):
    conv = keras.layers.Conv2D(C_out * r * r, 3, padding="same", use_bias=False)
    conv.build((None, None, None, C_in))
    conv.set_weights([kernel])
    return np.asarray(nets.PixelShuffle(r)(conv(inputs)))


rng = np.random.default_rng(2)
base = rng.normal(size=(3, 3, C_in, C_out)).astype("float32") * 0.1
icnr = np.tile(base, (1, 1, 1, r * r))
random_kernel = rng.normal(size=(3, 3, C_in, C_out * r * r)).astype("float32") * 0.1

base_conv = keras.layers.Conv2D(C_out, 3, padding="same", use_bias=False)
base_conv.build((None, None, None, C_in))
base_conv.set_weights([base])
nearest = np.repeat(np.repeat(np.asarray(base_conv(image)), r, axis=1), r, axis=2)
assert np.allclose(subpixel(icnr, image), nearest, atol=1e-5)     # ICNR starts as conv + nearest-neighbour enlargement


def grid_strength(out):
    """How different the r² sub-pixel positions are on a constant input: 0 means no periodic grid."""
    means = np.array([[out[:, i::r, j::r].mean() for j in range(r)] for i in range(r)])
    return float(means.std())


flat = np.ones((1, side, side, C_in), "float32")
icnr_grid = grid_strength(subpixel(icnr, flat)[:, 2:-2, 2:-2])          # away from the zero-padded border
random_grid = grid_strength(subpixel(random_kernel, flat)[:, 2:-2, 2:-2])
print(f"exercise 3: on a flat input, spread between sub-pixel positions: ICNR {icnr_grid:.2e}, random {random_grid:.3f}")
assert icnr_grid < 1e-5 < random_grid                      # a random init paints a period-r grid on a flat picture
