"""Toy point clouds, generated on the fly: ``gaussian_ring`` (8 Gaussians on a circle, 2-D) and
``gaussian_1d``."""

import numpy as np
import tensorflow as tf

from gankit.data.errors import DatasetError
from gankit.data.registry import register

TOY_SETS = ("gaussian_ring", "gaussian_1d")


def toy_points(name, n=20000, seed=0, radius=2.0, std=0.02, modes=8, mean=2.0):
    """Samples of a toy distribution as float32 numpy.

    ``gaussian_ring``: ``modes`` Gaussians (std ``std``) evenly spaced on a circle of
    ``radius`` (the 8-Gaussian mixture of the unrolled-GAN and WGAN-GP papers), shape (n, 2).
    ``gaussian_1d``: N(mean, 0.5^2), shape (n, 1).
    """
    rng = np.random.default_rng(seed)
    if name == "gaussian_ring":
        angles = 2 * np.pi * rng.integers(0, modes, n) / modes
        centres = radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
        return (centres + std * rng.standard_normal((n, 2))).astype("float32")
    if name == "gaussian_1d":
        return (mean + 0.5 * rng.standard_normal((n, 1))).astype("float32")
    raise DatasetError(f"{name!r} is not a toy set; toys are {', '.join(TOY_SETS)}.")


def ring_centres(radius=2.0, modes=8):
    angles = 2 * np.pi * np.arange(modes) / modes
    return (radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)).astype("float32")


def _toy(name, opts, shape):
    points = opts.first(toy_points(name, seed=opts.seed, **shape))
    return opts.finish(tf.data.Dataset.from_tensor_slices(points), len(points))


def _generated(split):
    return "generated on the fly"


@register("gaussian_ring", "toy", locate=_generated)
def _gaussian_ring(opts, n=20000, radius=2.0, std=0.02, modes=8):
    """8 Gaussians on a circle (2-D points): ``radius``, ``std``, ``modes`` may be changed."""
    return _toy("gaussian_ring", opts, dict(n=n, radius=radius, std=std, modes=modes))


@register("gaussian_1d", "toy", locate=_generated)
def _gaussian_1d(opts, n=20000, mean=2.0):
    """N(mean, 0.5^2) in one dimension (``mean`` may be changed)."""
    return _toy("gaussian_1d", opts, dict(n=n, mean=mean))
