"""Conditional GAN (Mirza & Osindero 2014): both players see the condition y.

    min_G max_D  V(D, G) = E_{x,y}[log D(x | y)] + E_{z,y}[log(1 - D(G(z | y) | y))]   (CGAN, eq. 2)

``ClassConditional`` holds what every class-conditional model shares (labels in, checked
labels out, ``generate(n, labels=...)``); ``CGAN`` adds the CGAN game with the two
discriminator designs of Hung-yi Lee's lecture on conditional GANs.
"""

import numpy as np
import keras
import tensorflow as tf

from gankit import losses, nets
from gankit.models.base import NoiseToImage


@keras.saving.register_keras_serializable(package="gankit")
class ClassConditional(NoiseToImage):
    """A generator ``G([z, y])`` with integer class labels ``y`` in ``[0, num_classes)``."""

    def __init__(self, generator=None, discriminator=None, num_classes=10, latent_dim=None, seed=None, **kwargs):
        self.num_classes = int(num_classes)
        super().__init__(generator, discriminator, latent_dim=latent_dim, seed=seed, **kwargs)

    def check_labels(self, labels, n=None):
        """Integer labels as an int32 array, or a clear error (wrong count, outside the classes)."""
        labels = np.asarray(labels)
        if labels.ndim == 0:
            labels = np.full(n if n is not None else 1, labels)
        if labels.ndim != 1 or (labels.size and not np.issubdtype(labels.dtype, np.integer)):
            raise ValueError(f"labels must be integer class indices, one per image (a list or 1-D array); "
                             f"got an array of shape {labels.shape} and dtype {labels.dtype}.")
        if n is not None and len(labels) != n:
            raise ValueError(f"generate() was asked for {n} images but given {len(labels)} labels; "
                             f"give one label per image, or a single label for all of them.")
        bad = labels[(labels < 0) | (labels >= self.num_classes)]
        if bad.size:
            raise ValueError(f"Label {int(bad[0])} is outside this {type(self).__name__}'s classes: it was built "
                             f"with num_classes={self.num_classes}, so labels must lie in 0..{self.num_classes - 1}.")
        return labels.astype("int32")

    def class_rows(self, per_class):
        """Labels 0,0,..,1,1,..: ``per_class`` of each class, for a grid with one row per class."""
        return np.repeat(np.arange(self.num_classes, dtype="int32"), per_class)

    def generate(self, n=None, labels=None, seed=None, z=None, batch_size=256, training=False):
        """Images of the requested classes (float32 numpy in [-1, 1]).

        ``labels``: one class per image, or one class for all ``n``; by default the classes in
        turn (0, 1, ..., K-1, 0, ...). The same ``seed`` gives the same z.
        """
        if z is None:
            if n is None:
                n = len(labels) if labels is not None and np.ndim(labels) else None
            if n is None:
                raise ValueError("generate() needs n (how many images), labels (one per image) or z.")
            z = self.latent(n, seed)
        z = np.asarray(z, dtype="float32")
        labels = np.arange(len(z)) % self.num_classes if labels is None else labels
        labels = self.check_labels(labels, len(z))
        return self.run_batched(self.generator, [z, labels], batch_size, training)

    def call(self, inputs, training=False):
        z, labels = inputs
        return self.generator([z, labels], training=training)

    def fit(self, x=None, *args, **kwargs):
        spec = x.element_spec if isinstance(x, tf.data.Dataset) else None
        if spec is not None and not isinstance(spec, (tuple, list)):
            raise ValueError(f"{type(self).__name__} learns from (images, labels) pairs, but this dataset yields "
                             f"images only. Load it with labels: gankit.data.load(name, labels=True).")
        if isinstance(x, np.ndarray) and (not args and kwargs.get("y") is None):
            raise ValueError(f"{type(self).__name__}.fit needs labels: fit(images, labels, ...).")
        y = args[0] if args else kwargs.get("y")
        if y is not None:
            self.check_labels(np.asarray(y).reshape(-1))
        return super().fit(x, *args, **kwargs)


@keras.saving.register_keras_serializable(package="gankit")
class CGAN(ClassConditional):
    """Mirza & Osindero 2014 with DCGAN networks, G(z | y) and D(x | y).

    ``design="joint"``: one logit for "real *and* matching y". With ``mismatch=True`` (the
    algorithm of Hung-yi Lee's lecture; Reed et al. 2016's matching-aware D), D also learns to reject real
    images paired with a wrong label, so it cannot ignore y:

        L_D = -log D(x | y) - log(1 - D(G(z | y) | y)) - log(1 - D(x | y'))      y' != y

    ``design="two_scores"``: D gives a realism logit r(x) and a match logit m(x, y):

        L_D = [-log r(x) - log(1 - r(G(z | y)))] + [-log m(x, y) - log(1 - m(x, y'))]
        L_G = -log r(G(z | y)) - log m(G(z | y), y)

    The generator loss is the non-saturating one in both designs.
    """

    def __init__(self, generator=None, discriminator=None, latent_dim=100, image_shape=(28, 28, 1),
                 num_classes=10, design="joint", mismatch=True, filters=64, seed=None, **kwargs):
        self.image_shape = tuple(image_shape)
        self.design, self.filters = design, int(filters)
        super().__init__(generator, discriminator, num_classes=num_classes, latent_dim=latent_dim, seed=seed,
                         **kwargs)
        self.mismatch = bool(mismatch)

    def build_network(self, name):
        if name == "generator":
            return nets.conditional_generator(self.latent_dim, self.image_shape, self.num_classes, self.filters)
        return nets.conditional_discriminator(self.image_shape, self.num_classes, self.filters, design=self.design)

    def default_optimizers(self):
        # DCGAN's settings (the CGAN paper used SGD with momentum on MLPs; with conv nets Adam is standard).
        return keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5)

    def wrong_labels(self, labels):
        """y' = (y + u) mod K with u uniform in 1..K-1: a label guaranteed to differ from y."""
        shift = self.replica_sample(lambda m: keras.random.randint(
            (m,), 1, self.num_classes, dtype="int32", seed=self.seed_generator), tf.shape(labels)[0])
        return (tf.cast(labels, "int32") + shift) % self.num_classes

    def train_step(self, data):
        real, labels = data[0], tf.cast(tf.reshape(data[1], [-1]), "int32")
        batch = tf.shape(real)[0]
        wrong = self.wrong_labels(labels)

        z = self.sample_latent(batch)
        with tf.GradientTape() as tape:
            fake = self.generator([z, labels], training=True)
            real_out = self.discriminator([real, labels], training=True)
            fake_out = self.discriminator([fake, labels], training=True)
            if self.design == "joint":
                d_loss = losses.minimax_d_loss(real_out, fake_out)
                if self.mismatch:  # a real image with the wrong label is a "fake" pair too
                    wrong_logits = tf.cast(self.discriminator([real, wrong], training=True), tf.float32)
                    d_loss += tf.reduce_mean(tf.nn.softplus(wrong_logits))
            else:
                mismatched = self.discriminator([real, wrong], training=True)
                d_loss = (losses.minimax_d_loss(real_out[:, :1], fake_out[:, :1])
                          + losses.minimax_d_loss(real_out[:, 1:], mismatched[:, 1:]))
        self.apply(self.d_optimizer, tape, d_loss, self.discriminator)

        z = self.sample_latent(batch)
        with tf.GradientTape() as tape:
            fake_out = self.discriminator([self.generator([z, labels], training=True), labels], training=True)
            g_loss = losses.nonsaturating_g_loss(fake_out[:, :1])
            if self.design == "two_scores":
                g_loss += losses.nonsaturating_g_loss(fake_out[:, 1:])
        self.apply(self.g_optimizer, tape, g_loss, self.generator)
        return self.record(d_loss=d_loss, g_loss=g_loss)

