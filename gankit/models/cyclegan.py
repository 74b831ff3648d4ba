"""CycleGAN (Zhu, Park, Isola and Efros 2017): unpaired image-to-image translation.

Two domains X and Y, two generators ``G: X -> Y`` and ``F: Y -> X``, two discriminators
``D_Y`` (is this a real y?) and ``D_X``. The full objective (eq. 3 plus the identity term of §5.2)

    L(G, F, D_X, D_Y) = L_GAN(G, D_Y, X, Y) + L_GAN(F, D_X, Y, X)
                        + lambda L_cyc(G, F) + 0.5 lambda L_identity(G, F)

with the least-squares adversarial loss (§4, "Training details"), lambda = 10,

    L_cyc      = E_x ||F(G(x)) - x||_1 + E_y ||G(F(y)) - y||_1            (eq. 2)
    L_identity = E_y ||G(y) - y||_1 + E_x ||F(x) - x||_1                   (§5.2, after Taigman et al.)

Both discriminators learn from a pool of the last 50 generated images rather than only the
newest ones (Shrivastava et al. 2017), and the learning rate of Adam(2e-4, beta_1 = 0.5) stays
constant for the first half of training and decays linearly to 0 over the second half.

The decay needs the length of the *whole* training, which only the caller knows:
``compile(total_steps=epochs * steps_per_epoch)`` (lesson 8 does this). ``fit`` does not guess it
from its own ``epochs``: a training run split over several ``fit`` calls (to look at samples in
between, or after resuming) would then decay to 0 at the end of the first call and learn nothing
afterwards. Compiled without ``total_steps`` the rate stays constant, as in the paper's first half.
"""

import numpy as np
import keras
import tensorflow as tf

from gankit import losses, nets
from gankit.train import ImagePool, LinearDecay
from gankit.models.base import ImageToImage


@keras.saving.register_keras_serializable(package="gankit")
class CycleGAN(ImageToImage):
    """Zhu et al. 2017: ``G: X -> Y`` (``generator``), ``F: Y -> X`` (``generator_f``),
    ``D_Y`` (``discriminator``) and ``D_X`` (``discriminator_x``).

    ``fit`` takes batches ``(x, y)`` of *unpaired* images, e.g. ``gankit.data.load("maps_unpaired")``.
    One ``train_step`` is one iteration of the authors' code:

    1. G and F descend (one Adam over both generators' weights)
       ``L_LSGAN(G) + L_LSGAN(F) + cycle_weight * L_cyc + identity_weight * cycle_weight * L_identity``,
       where the generator's least-squares term is E[(D(G(x)) - 1)^2] (eq. of §4);
    2. D_X and D_Y descend (one Adam over both discriminators' weights) the least-squares loss
       1/2 E[(D(y) - 1)^2] + 1/2 E[D(y_fake)^2], with ``y_fake`` drawn from a pool of the last
       ``pool_size`` fakes (``ImagePool``); the halving slows D relative to G (§4).

    ``cycle_weight=0`` is the paper's "GAN alone" ablation (the identity term, a fraction of it,
    vanishes too). Networks default to ``nets.resnet_generator`` and a 70 x 70 PatchGAN with
    instance norm; ``filters``, ``n_blocks``, ``d_filters`` and ``d_layers`` shrink them for a CPU.
    """

    loss_names = ("d_loss", "g_loss", "adv_loss", "cycle_loss", "identity_loss")
    network_names = ("generator", "discriminator", "generator_f", "discriminator_x")

    def __init__(self, generator=None, discriminator=None, generator_f=None, discriminator_x=None,
                 image_shape=(256, 256, 3), filters=64, n_blocks=None, d_filters=64, d_layers=3,
                 cycle_weight=10.0, identity_weight=0.5, pool_size=50, seed=None, **kwargs):
        self.image_shape = tuple(int(s) for s in image_shape)
        self.filters, self.d_filters, self.d_layers = int(filters), int(d_filters), int(d_layers)
        self.n_blocks = None if n_blocks is None else int(n_blocks)
        super().__init__(generator, discriminator, generator_f=generator_f, discriminator_x=discriminator_x,
                         seed=seed, **kwargs)
        self.cycle_weight = float(cycle_weight)
        self.identity_weight = float(identity_weight)
        self.pool_size = int(pool_size)
        pool_seed = None if seed is None else int(seed) + 1
        self.pools = {"x": ImagePool(self.image_shape, self.pool_size, pool_seed, name="pool_x"),
                      "y": ImagePool(self.image_shape, self.pool_size,
                                     None if pool_seed is None else pool_seed + 1, name="pool_y")}

    def build_network(self, name):
        paper_name = {"generator": "generator_g", "discriminator": "discriminator_y"}.get(name, name)
        if name.startswith("generator"):
            return self.build_generator(paper_name)
        return self.build_discriminator(paper_name)

    def build_generator(self, name):
        return nets.resnet_generator(self.image_shape, filters=self.filters, n_blocks=self.n_blocks, name=name)

    def build_discriminator(self, name):
        return nets.patchgan_discriminator(self.image_shape, filters=self.d_filters, n_layers=self.d_layers,
                                           norm="instance", name=name)

    # -- the paper's names --------------------------------------------------------------
    @property
    def generator_g(self):
        """G: X -> Y (the base class's ``generator``)."""
        return self.generator

    @property
    def discriminator_y(self):
        """D_Y (the base class's ``discriminator``)."""
        return self.discriminator

    # -- training -----------------------------------------------------------------------
    def compile(self, g_optimizer=None, d_optimizer=None, total_steps=None, decay_start=None, **kwargs):
        """Adam(2e-4, beta_1=0.5) for the two generators together and for the two discriminators
        together (§4). With ``total_steps`` (epochs x steps per epoch) and no optimizer given, both
        use ``LinearDecay``: constant for the first half, linearly down to 0 over the second."""
        if total_steps:
            make = lambda: keras.optimizers.Adam(LinearDecay(2e-4, total_steps, decay_start),  # noqa: E731
                                                 beta_1=0.5)
            g_optimizer = g_optimizer if g_optimizer is not None else make()
            d_optimizer = d_optimizer if d_optimizer is not None else make()
        super().compile(g_optimizer=g_optimizer, d_optimizer=d_optimizer, **kwargs)

    @staticmethod
    def unpaired_batches(data):
        if not isinstance(data, (tuple, list)) or len(data) < 2:
            raise ValueError("CycleGAN.fit expects batches (x, y) of images from the two domains, e.g. "
                             "gankit.data.load('maps_unpaired') or fit(x=images_x, y=images_y).")
        return data[0], data[1]

    def train_step(self, data):
        real_x, real_y = self.unpaired_batches(data)
        G, F, D_X, D_Y = self.generator, self.generator_f, self.discriminator_x, self.discriminator

        # 1. both generators, one tape: adversarial + cycle + identity terms.
        with tf.GradientTape() as tape:
            fake_y = G(real_x, training=True)
            fake_x = F(real_y, training=True)
            cycled_x = F(fake_y, training=True)
            cycled_y = G(fake_x, training=True)
            # gankit's LSGAN G loss has Mao et al.'s 1/2; CycleGAN's is E[(D(G(x)) - 1)^2].
            adv = 2.0 * (losses.least_squares_g_loss(D_Y(fake_y, training=True))
                         + losses.least_squares_g_loss(D_X(fake_x, training=True)))
            cycle = losses.l1_loss(cycled_x, real_x) + losses.l1_loss(cycled_y, real_y)
            g_loss = adv + self.cycle_weight * cycle
            identity_scale = self.identity_weight * self.cycle_weight
            if identity_scale > 0:
                identity = (losses.l1_loss(real_y, G(real_y, training=True))
                            + losses.l1_loss(real_x, F(real_x, training=True)))
                g_loss += identity_scale * identity
            else:
                identity = tf.constant(0.0)
        self.apply(self.g_optimizer, tape, g_loss, [G, F])  # one Adam over both generators

        # 2. both discriminators, on real images and on fakes drawn from the pools.
        pooled_y = self.pools["y"].query(tf.stop_gradient(fake_y))
        pooled_x = self.pools["x"].query(tf.stop_gradient(fake_x))
        with tf.GradientTape() as tape:
            d_y = losses.least_squares_d_loss(D_Y(real_y, training=True), D_Y(pooled_y, training=True))
            d_x = losses.least_squares_d_loss(D_X(real_x, training=True), D_X(pooled_x, training=True))
            d_loss = d_x + d_y
        self.apply(self.d_optimizer, tape, d_loss, [D_Y, D_X])

        return self.record(d_loss=d_loss, g_loss=g_loss, adv_loss=adv, cycle_loss=cycle, identity_loss=identity)

    def expected_image_shape(self):
        return self.image_shape

    def fit(self, x=None, y=None, *args, **kwargs):
        """``AdversarialModel.fit`` with ``x`` a dataset of ``(x, y)`` batches (or two arrays).

        Both optimizers are built here, before ``fit`` traces ``train_step``: a ``tf.function``
        that creates variables on its first call is traced twice, and tracing this step (four
        networks, six generator passes) is the slow part of a short run on a CPU."""
        if getattr(self, "g_optimizer", None) is None:
            raise RuntimeError("Call model.compile() before model.fit().")
        if not self.g_optimizer.built or not self.d_optimizer.built:
            self.build_optimizers()
        return super().fit(x, y, *args, **kwargs)

    # -- using it -----------------------------------------------------------------------
    def translate(self, images, direction="x2y", batch_size=64):
        """Translate images (numpy in [-1, 1]): ``"x2y"`` runs G, ``"y2x"`` runs F. A batch
        (N, H, W, C) gives a batch back; a single image (H, W, C) gives a single image."""
        if direction not in ("x2y", "y2x"):
            raise ValueError(f"direction must be 'x2y' (G: X -> Y) or 'y2x' (F: Y -> X); got {direction!r}.")
        network = self.generator if direction == "x2y" else self.generator_f
        return self.translate_with(network, images, self.image_shape, batch_size)

    def cycle(self, images, direction="x2y", batch_size=64):
        """(translated, reconstructed): ``x -> G(x) -> F(G(x))`` for ``"x2y"``, the mirror for ``"y2x"``."""
        there = self.translate(images, direction, batch_size)
        back = self.translate(there, "y2x" if direction == "x2y" else "x2y", batch_size)
        return there, back

    def score(self, images, batch_size=256, domain="y"):
        """Mean of D's raw least-squares output over its patches (1 = looks real), per image."""
        network = self.discriminator if domain == "y" else self.discriminator_x
        out = self.run_batched(network, [np.asarray(images, dtype="float32")], batch_size)
        return out.reshape(len(out), -1).mean(axis=1)

