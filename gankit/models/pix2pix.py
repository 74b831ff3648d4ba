"""Pix2Pix (Isola et al. 2017): paired image-to-image translation with a conditional GAN.

The generator maps an input image x to an output G(x) (no noise vector: the paper's only noise
is dropout); the discriminator judges the *pair* (x, y): is y the real target of x, or G(x)?

    L_cGAN(G, D) = E_{x,y}[log D(x, y)] + E_x[log(1 - D(x, G(x)))]          (Pix2Pix, eq. 1)
    L_L1(G)      = E_{x,y}[ ||y - G(x)||_1 ]                                 (eq. 3)
    G*           = arg min_G max_D  L_cGAN(G, D) + lambda L_L1(G),  lambda = 100   (eq. 4)

L1 alone is minimised by the per-pixel *median* of the plausible outputs, a blurred compromise;
the adversarial term, scored patch by patch by a PatchGAN, penalises exactly that blur.
``gan_weight=0`` trains the L1-only baseline with the same code.
"""

import numpy as np
import keras
import tensorflow as tf

from gankit import losses, nets
from gankit.models.base import ImageToImage


@keras.saving.register_keras_serializable(package="gankit")
class Pix2Pix(ImageToImage):
    """U-Net generator + conditional PatchGAN discriminator, trained on ``(input, target)`` pairs.

    * ``image_shape``: shape of the input images; ``out_channels``: the target's channels
      (default: the same as the input's).
    * ``filters`` (generator) / ``d_filters`` (discriminator, default ``filters``): 64 in the paper;
      fewer make a CPU-sized model. ``n_layers``: PatchGAN depth (3 -> 70 x 70 patches).
    * ``l1_weight`` = lambda = 100 (eq. 4); ``gan_weight`` scales the adversarial term of G's loss
      (1 = Pix2Pix, 0 = the L1-only baseline; D is trained either way, so its loss shows how
      easily it tells the blurred outputs apart).

    The discriminator's loss is halved, as in the paper (§3.3), which slows D relative to G.

    ``norm="instance"`` (default): the paper uses batch norm with batch size 1 *and the test
    batch's statistics at test time* (§3.3), which is exactly instance normalisation; using it
    directly keeps that behaviour for any batch size, and ``translate`` gives each picture the
    same output whatever else is in its batch. ``norm="batch"`` is the literal batch norm
    (moving averages at test time, which an adversarially trained G can drift away from).

    ``update`` — the order of the two updates in one step, both from one generator pass:

    * ``"simultaneous"`` (default; the TensorFlow pix2pix tutorial): one pass of D over the fake
      pairs serves both losses, G is judged by D *before* its update;
    * ``"alternating"`` (the authors' code): D is updated on (x, y) and (x, G(x)), then G is
      judged by the *updated* D — one more pass of D over the fake pairs per step.

    The default was chosen by measurement (``benchmarks/time_to_quality.py --model pix2pix``;
    the numbers are in the README): the simultaneous order reached the same validation L1 in
    less time, because its step is cheaper.
    """

    loss_names = ("d_loss", "g_loss", "g_gan", "g_l1")

    def __init__(self, generator=None, discriminator=None, image_shape=(256, 256, 3), out_channels=None,
                 filters=64, d_filters=None, n_layers=3, norm="instance", l1_weight=100.0, gan_weight=1.0, seed=None,
                 update="simultaneous", **kwargs):
        if update not in ("alternating", "simultaneous"):
            raise ValueError(f"update must be 'alternating' (the authors' order: D first, then G judged by the "
                             f"updated D) or 'simultaneous' (both from one pass of D, as the TensorFlow "
                             f"tutorial does), not {update!r}.")
        self.update = update
        self.image_shape = tuple(int(s) for s in image_shape)
        self.out_channels = int(out_channels or self.image_shape[-1])
        self.filters, self.d_filters = int(filters), int(d_filters or filters)
        self.n_layers, self.norm = int(n_layers), norm
        super().__init__(generator, discriminator, seed=seed, **kwargs)
        self.l1_weight, self.gan_weight = float(l1_weight), float(gan_weight)

    def build_network(self, name):
        if name == "generator":
            return nets.unet_generator(self.image_shape, self.out_channels, self.filters, norm=self.norm)
        return nets.patchgan_discriminator(self.image_shape[:2] + (self.out_channels,), condition_shape=self.image_shape,
                                           filters=self.d_filters, n_layers=self.n_layers, norm=self.norm)

    def default_optimizers(self):
        # Pix2Pix §3.3: Adam, learning rate 2e-4, beta1 = 0.5, for both networks.
        return keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5)

    def train_step(self, data):
        source, target = data[0], data[1]
        if self.update == "alternating":
            return self.alternating_step(source, target)
        # Both updates from one pass of G and one pass of D over each pair (the default,
        # update="simultaneous"): G is judged by D before D's update.
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = self.generator(source, training=True)
            real_logits = self.discriminator([source, target], training=True)
            fake_logits = self.discriminator([source, fake], training=True)
            # D: real pairs (x, y) -> 1, fake pairs (x, G(x)) -> 0; the loss halved (§3.3).
            d_loss = 0.5 * losses.minimax_d_loss(real_logits, fake_logits)
            g_loss, g_gan, g_l1 = self.generator_loss(fake_logits, target, fake)
        self.apply(self.g_optimizer, g_tape, g_loss, self.generator)
        self.apply(self.d_optimizer, d_tape, d_loss, self.discriminator)
        return self.record(d_loss=d_loss, g_loss=g_loss, g_gan=g_gan, g_l1=g_l1)

    def generator_loss(self, fake_logits, target, fake):
        """G's loss: fool D on every patch (non-saturating form of eq. 1) + lambda * L1 (eq. 4).
        Returns (total, adversarial term, L1 term)."""
        g_gan = losses.nonsaturating_g_loss(fake_logits)
        g_l1 = losses.l1_loss(target, fake)  # eq. 3
        return self.gan_weight * g_gan + self.l1_weight * g_l1, g_gan, g_l1

    def alternating_step(self, source, target):
        """The authors' order (``update="alternating"``): the same losses, but D is updated on
        (x, G(x)) first and G is then judged by the *updated* D. One forward pass of G serves
        both updates, as in the authors' code; D runs once more over the fake pairs."""
        with tf.GradientTape() as g_tape:
            fake = self.generator(source, training=True)
            with g_tape.stop_recording():
                with tf.GradientTape() as d_tape:
                    real_logits = self.discriminator([source, target], training=True)
                    fake_logits = self.discriminator([source, tf.stop_gradient(fake)], training=True)
                    d_loss = 0.5 * losses.minimax_d_loss(real_logits, fake_logits)
                self.apply(self.d_optimizer, d_tape, d_loss, self.discriminator)
            g_loss, g_gan, g_l1 = self.generator_loss(self.discriminator([source, fake], training=True), target, fake)
        self.apply(self.g_optimizer, g_tape, g_loss, self.generator)
        return self.record(d_loss=d_loss, g_loss=g_loss, g_gan=g_gan, g_l1=g_l1)

    # -- translation (numpy in, numpy out) -------------------------------------------------
    def translate(self, x, batch_size=32, training=False):
        """G(x) for input images ``x`` in [-1, 1] (uint8 in [0, 255] is rescaled), float32 numpy.

        ``x`` may be a batch (N, H, W, C) of any size or a single image (H, W, C), which gives a
        single image back.

        ``training=False`` (default): dropout off and batch norm (if any) on its moving averages, so
        the same input always gives the same output (what metrics and comparisons need).
        ``training=True``: the paper's test-time setting (§2.1, §3.1): dropout stays on as the
        generator's only noise, and batch norm uses the statistics of the batch translated."""
        return self.translate_with(self.generator, x, self.image_shape, batch_size, training)

    # -- fit's input check ---------------------------------------------------------------------
    def fit(self, x=None, *args, **kwargs):
        """``keras.Model.fit`` on ``(input, target)`` pairs: a ``tf.data.Dataset`` of pairs
        (``gankit.data.load("maps")``) or ``fit(inputs, targets)`` with numpy arrays."""
        want = (self.image_shape, self.image_shape[:2] + (self.out_channels,))
        if isinstance(x, tf.data.Dataset):
            spec = x.element_spec
            if not isinstance(spec, (tuple, list)) or len(spec) < 2:
                raise ValueError("Pix2Pix learns from (input, target) pairs, but this dataset yields single images. "
                                 "Use a paired set: gankit.data.load('maps'), 'edges2fashion' or "
                                 "'paired_folder:PATH'.")
            got = tuple(tuple(s.shape[1:]) for s in spec[:2])
        elif isinstance(x, np.ndarray):
            y = args[0] if args else kwargs.get("y")
            if y is None:
                raise ValueError("Pix2Pix.fit needs targets: fit(input_images, target_images, ...).")
            got = (x.shape[1:], np.shape(y)[1:])
        else:
            got = None
        if got is not None and any(len(g) != len(w) or any(a is not None and a != b for a, b in zip(g, w))
                                   for g, w in zip(got, want)):
            raise ValueError(f"This Pix2Pix translates inputs of shape {want[0]} into targets of shape {want[1]}, "
                             f"but the pairs have shapes {got[0]} and {got[1]}. Build the model for your data "
                             f"(Pix2Pix(image_shape={got[0]}, out_channels={got[1][-1] if got[1] else None})) or load "
                             f"the data at the model's size (image_size={want[0][0]}).")
        return super().fit(x, *args, **kwargs)

