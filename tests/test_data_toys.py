"""gankit.data.toys: the point clouds of lessons 1 and 6."""

import numpy as np
import pytest
import tensorflow as tf

from gankit import data
from gankit.data import DatasetError


def test_gaussian_ring_points_lie_near_the_eight_centres():
    points = data.toy_points("gaussian_ring", n=4000, seed=1)
    centres = data.ring_centres()
    assert points.shape == (4000, 2) and points.dtype == np.float32
    assert centres.shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(centres, axis=1), 2.0, rtol=1e-6)
    distances = np.linalg.norm(points[:, None, :] - centres[None], axis=2)
    assert distances.min(axis=1).max() < 6 * 0.02                     # within 6 std of a centre
    counts = np.bincount(distances.argmin(axis=1), minlength=8)
    assert counts.min() > 400                                         # every mode is used (~500 each)


def test_gaussian_1d_mean_and_std():
    points = data.toy_points("gaussian_1d", n=20000, seed=0)
    assert points.shape == (20000, 1) and points.dtype == np.float32
    assert points.mean() == pytest.approx(2.0, abs=0.02)
    assert points.std() == pytest.approx(0.5, abs=0.02)
    assert data.toy_points("gaussian_1d", n=20000, mean=-1.0).mean() == pytest.approx(-1.0, abs=0.02)


def test_toys_through_load():
    batches = list(data.load("gaussian_ring", batch_size=100, limit=1000))
    assert len(batches) == 10 and tuple(batches[0].shape) == (100, 2) and batches[0].dtype == tf.float32
    x = next(iter(data.load("gaussian_1d", batch_size=50, limit=100)))
    assert tuple(x.shape) == (50, 1)
    assert data.locate("gaussian_ring") == "generated on the fly"
    with pytest.raises(DatasetError, match="toy"):
        data.toy_points("nope")
