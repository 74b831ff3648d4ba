"""Pictures of training: image grids, loss curves, latent interpolation, GIFs, and the
``SampleGrid`` callback that saves a grid of a fixed noise batch after every epoch."""

import os
import pathlib

import keras
import numpy as np
from PIL import Image

from gankit.data import to_uint8


def image_grid(images, nrow=None, pad=2, pad_value=255):
    """Tile a batch (N, H, W, C) in [-1, 1] into one uint8 picture (rows of ``nrow`` images)."""
    images = to_uint8(images)
    if images.ndim == 3:
        images = images[..., None]
    n, h, w, c = images.shape
    nrow = nrow or int(np.ceil(np.sqrt(n)))
    ncol_rows = int(np.ceil(n / nrow))
    grid = np.full((ncol_rows * (h + pad) + pad, nrow * (w + pad) + pad, c), pad_value, np.uint8)
    for i, image in enumerate(images):
        r, col = divmod(i, nrow)
        grid[pad + r * (h + pad): pad + r * (h + pad) + h, pad + col * (w + pad): pad + col * (w + pad) + w] = image
    return grid[..., 0] if c == 1 else grid


def _save_atomically(image, path, **kwargs):
    """``image.save(path)`` through a temporary file and a rename: a run killed while writing leaves
    the old file or none, never half a PNG that a resumed run would fail to read."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        image.save(tmp, format=Image.registered_extensions()[path.suffix.lower()], **kwargs)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def save_image(array, path, scale=1):
    """Save a uint8 picture (H, W) or (H, W, 3) as PNG, optionally enlarged ``scale`` times
    (written atomically)."""
    image = Image.fromarray(array)
    if scale > 1:
        image = image.resize((image.width * scale, image.height * scale), Image.NEAREST)
    return _save_atomically(image, path)


def save_grid(images, path, nrow=None, scale=2):
    """``image_grid`` + ``save_image``: one PNG of a batch of generated or real images."""
    return save_image(image_grid(images, nrow), path, scale=scale)


def plot_losses(history, path=None, title="Losses", ax=None):
    """Plot every loss in a ``History`` (or its ``.history`` dict) against the epoch."""
    import matplotlib.pyplot as plt

    history = getattr(history, "history", history)
    fig = None
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 3.5))
    for name, values in history.items():
        ax.plot(np.arange(1, len(values) + 1), values, marker="o" if len(values) < 30 else None, label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    if path is not None and fig is not None:
        fig.tight_layout()
        fig.savefig(path, dpi=100)
    return fig or ax.figure


def slerp(a, b, t):
    """Spherical interpolation between latent vectors (White 2016, 'Sampling Generative
    Networks'): stays on the shell where most of a high-dimensional Gaussian's mass lies."""
    a_n, b_n = a / np.linalg.norm(a), b / np.linalg.norm(b)
    omega = np.arccos(np.clip(np.dot(a_n, b_n), -1.0, 1.0))
    if omega < 1e-6:
        return (1 - t) * a + t * b
    return (np.sin((1 - t) * omega) * a + np.sin(t * omega) * b) / np.sin(omega)


def interpolate(z0, z1, steps=10, spherical=True):
    """``steps`` latent vectors from ``z0`` to ``z1`` (inclusive), shape (steps, latent_dim)."""
    ts = np.linspace(0.0, 1.0, steps)
    if spherical:
        return np.stack([slerp(z0, z1, t) for t in ts]).astype("float32")
    return np.stack([(1 - t) * z0 + t * z1 for t in ts]).astype("float32")


def interpolation_strip(model, rows=4, steps=10, seed=0, spherical=True):
    """Rows of images along straight (or spherical) paths between random pairs of z;
    returns (rows*steps, H, W, C) images ready for ``image_grid(..., nrow=steps)``."""
    z = model.latent(2 * rows, seed=seed)
    path = np.concatenate([interpolate(z[2 * r], z[2 * r + 1], steps, spherical) for r in range(rows)])
    return model.generate(z=path)


def save_gif(frames, path, duration=300):
    """Write uint8 frames (a list of grids) as an animated GIF, the last frame held longer."""
    images = [Image.fromarray(f) for f in frames]
    durations = [duration] * (len(images) - 1) + [duration * 4]
    return _save_atomically(images[0], path, save_all=True, append_images=images[1:], duration=durations, loop=0)


class SampleGrid(keras.callbacks.Callback):
    """Save a grid of the same noise batch after each epoch (``epoch_001.png`` ...), and a
    GIF of all of them at the end of training, so progress is judged on fixed inputs."""

    def __init__(self, folder, n=64, seed=0, nrow=None, every=1, gif=True, prefix="epoch"):
        super().__init__()
        self.folder = pathlib.Path(folder)
        self.n, self.seed, self.nrow, self.every, self.gif, self.prefix = n, seed, nrow, every, gif, prefix
        self.frames = []
        self.paths = []

    def on_train_begin(self, logs=None):
        """A training resumed (or loaded finished) from its checkpoint keeps the grids its earlier
        epochs saved: they are read back, so ``frames`` and the GIF cover every epoch. The grid of
        the checkpoint's own epoch is drawn again if the run was killed before it was written (the
        model now holds exactly that epoch's weights); an earlier one that is missing or unreadable
        is left out."""
        start = getattr(self.model, "_initial_epoch", None) or 0
        if self.frames or not start:
            return
        for epoch in range(1, start + 1):
            path = self.folder / f"{self.prefix}_{epoch:03d}.png"
            try:
                with Image.open(path) as image:
                    frame = np.asarray(image)[::2, ::2]  # saved at scale 2 (nearest)
            except (OSError, ValueError):  # missing, or half-written by a run killed before this fix
                if epoch == start and not epoch % self.every:
                    self.on_epoch_end(epoch - 1)
                continue
            self.frames.append(frame)
            self.paths.append(path)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        grid = image_grid(self.model.generate(self.n, seed=self.seed), self.nrow)
        self.frames.append(grid)
        self.paths.append(save_image(grid, self.folder / f"{self.prefix}_{epoch + 1:03d}.png", scale=2))

    def on_train_end(self, logs=None):
        if self.gif and len(self.frames) > 1:
            self.paths.append(save_gif(self.frames, self.folder / f"{self.prefix}s.gif"))


_CJK_KEYS = ("CJK", "Hei", "Song", "Kai", "WenQuanYi", "PingFang", "YaHei", "Noto Sans SC", "Source Han")


def use_cjk_font():
    """Make matplotlib draw Chinese text if a font with Chinese glyphs is installed
    (e.g. ``apt-get install fonts-noto-cjk``); return the font's name, or ``None``."""
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    names = [f.name for f in font_manager.fontManager.ttflist if any(k in f.name for k in _CJK_KEYS)]
    if not names:
        return None
    plt.rcParams["font.sans-serif"] = [names[0], *plt.rcParams["font.sans-serif"]]
    plt.rcParams["axes.unicode_minus"] = False
    return names[0]
