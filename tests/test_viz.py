"""gankit.viz: grids, PNG/GIF output, the SampleGrid callback, latent paths, loss plots."""

import numpy as np
import pytest
from PIL import Image

from gankit import viz
from gankit.models import GAN


def test_image_grid_shape_and_placement():
    images = np.linspace(-1, 1, 5 * 4 * 4).reshape(5, 4, 4, 1).astype("float32")
    grid = viz.image_grid(images, nrow=3, pad=2)
    assert grid.dtype == np.uint8
    assert grid.shape == (2 * (4 + 2) + 2, 3 * (4 + 2) + 2)          # 2 rows of 3, single channel -> 2-D
    for i in range(5):
        r, c = divmod(i, 3)
        tile = grid[2 + r * 6: 2 + r * 6 + 4, 2 + c * 6: 2 + c * 6 + 4]
        np.testing.assert_array_equal(tile, np.round((images[i, ..., 0] + 1) * 127.5))
    assert np.all(grid[8:12, 14:18] == 255)                           # the sixth slot is padding
    assert np.all(grid[:2] == 255) and np.all(grid[:, :2] == 255)


def test_image_grid_maps_minus_one_to_black_and_one_to_white():
    images = np.stack([np.full((3, 3, 3), -1.0), np.full((3, 3, 3), 1.0), np.zeros((3, 3, 3))]).astype("float32")
    grid = viz.image_grid(images, nrow=3, pad=1, pad_value=7)
    assert grid.shape == (5, 13, 3)
    assert np.all(grid[1:4, 1:4] == 0) and np.all(grid[1:4, 5:8] == 255) and np.all(grid[1:4, 9:12] == 128)
    assert np.all(grid[0] == 7)
    # the default is a square-ish layout
    assert viz.image_grid(np.zeros((9, 2, 2, 1)), pad=0).shape == (6, 6)
    assert viz.image_grid(np.zeros((3, 2, 2)), pad=0).shape == (4, 4)          # (N, H, W) accepted


def test_save_grid_writes_a_readable_png(tmp_path):
    images = np.random.default_rng(0).uniform(-1, 1, (4, 5, 5, 3)).astype("float32")
    path = viz.save_grid(images, tmp_path / "deep" / "grid.png", nrow=2, scale=3)
    assert path.exists()
    with Image.open(path) as im:
        assert im.format == "PNG" and im.mode == "RGB"
        pixels = np.asarray(im)
    grid = viz.image_grid(images, nrow=2)
    assert pixels.shape == (grid.shape[0] * 3, grid.shape[1] * 3, 3)
    np.testing.assert_array_equal(pixels[::3, ::3], grid)              # nearest-neighbour enlargement


def test_sample_grid_callback_writes_a_png_per_epoch_and_a_gif(tmp_path):
    model = GAN(seed=0, latent_dim=8)
    model.compile(run_eagerly=True)
    x = np.random.default_rng(0).uniform(-1, 1, (8, 28, 28, 1)).astype("float32")
    callback = viz.SampleGrid(tmp_path / "samples", n=4, seed=5)
    model.fit(x, batch_size=4, epochs=2, verbose=0, callbacks=[callback])
    names = sorted(p.name for p in (tmp_path / "samples").iterdir())
    assert names == ["epoch_001.png", "epoch_002.png", "epochs.gif"]
    with Image.open(tmp_path / "samples" / "epochs.gif") as gif:
        assert gif.format == "GIF" and gif.n_frames == 2
    # the last grid is the trained model's samples of the fixed noise batch
    with Image.open(tmp_path / "samples" / "epoch_002.png") as im:
        saved = np.asarray(im)
    np.testing.assert_array_equal(saved[::2, ::2], viz.image_grid(model.generate(4, seed=5)))
    with Image.open(tmp_path / "samples" / "epoch_001.png") as im:
        assert not np.array_equal(np.asarray(im), saved)                  # training changed the samples


def test_interpolate_endpoints_and_shape():
    rng = np.random.default_rng(0)
    z0, z1 = rng.standard_normal(16), rng.standard_normal(16)
    for spherical in (True, False):
        path = viz.interpolate(z0, z1, steps=7, spherical=spherical)
        assert path.shape == (7, 16) and path.dtype == np.float32
        np.testing.assert_allclose(path[0], z0, atol=1e-5)
        np.testing.assert_allclose(path[-1], z1, atol=1e-5)
    linear = viz.interpolate(z0, z1, steps=3, spherical=False)
    np.testing.assert_allclose(linear[1], (z0 + z1) / 2, atol=1e-6)


def test_slerp_keeps_the_norm_of_equal_norm_vectors():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal(32), rng.standard_normal(32)
    b *= np.linalg.norm(a) / np.linalg.norm(b)
    norms = [np.linalg.norm(viz.slerp(a, b, t)) for t in np.linspace(0, 1, 11)]
    np.testing.assert_allclose(norms, np.linalg.norm(a), rtol=1e-6)
    # a straight line cuts inside the shell; that is what slerp avoids
    assert np.linalg.norm((a + b) / 2) < 0.9 * np.linalg.norm(a)
    # parallel vectors: falls back to a straight line, no division by zero
    np.testing.assert_allclose(viz.slerp(a, 2 * a, 0.5), 1.5 * a)


def test_interpolation_strip_shape():
    model = GAN(latent_dim=8)
    strip = viz.interpolation_strip(model, rows=2, steps=3, seed=0)
    assert strip.shape == (6, 28, 28, 1)
    z = model.latent(4, seed=0)
    np.testing.assert_allclose(strip[0], model.generate(z=z[:1])[0], atol=1e-5)   # rows start at z[2r]
    np.testing.assert_allclose(strip[2], model.generate(z=z[1:2])[0], atol=1e-5)  # and end at z[2r+1]


def test_plot_losses_writes_a_file(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    class History:
        history = {"d_loss": [1.4, 1.2, 1.1], "g_loss": [0.7, 0.9, 1.0]}

    path = tmp_path / "losses.png"
    fig = viz.plot_losses(History(), path=path, title="test")
    assert path.stat().st_size > 0
    with Image.open(path) as im:
        assert im.format == "PNG"
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["d_loss", "g_loss"]
    np.testing.assert_array_equal(lines[1].get_ydata(), [0.7, 0.9, 1.0])
    np.testing.assert_array_equal(lines[1].get_xdata(), [1, 2, 3])
    plt.close(fig)
    # a plain dict works too, and drawing into a given axis returns its figure
    fig, ax = plt.subplots()
    assert viz.plot_losses({"d_loss": [1.0]}, ax=ax) is fig
    plt.close(fig)
