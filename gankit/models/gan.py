"""The original GAN (Goodfellow et al. 2014) and DCGAN (Radford et al. 2016).

DCGAN is the same game with convolutional networks and the paper's optimizer settings,
so it only overrides the networks and defaults; the ``train_step`` is written once, here.
"""

import keras
import tensorflow as tf

from gankit import losses, nets
from gankit.models.base import AdversarialModel


@keras.saving.register_keras_serializable(package="gankit")
class GAN(AdversarialModel):
    """Goodfellow et al. 2014, Algorithm 1: ``d_steps`` (k) discriminator updates, then one
    generator update, per batch.

    Discriminator ascends  V(D, G) = E_x[log D(x)] + E_z[log(1 - D(G(z)))]   (eq. 1);
    the generator descends ``loss``'s generator term: ``"non_saturating"`` (-log D(G(z)),
    the paper's recommendation, default), ``"minimax"`` (log(1 - D(G(z))), saturating),
    ``"least_squares"`` (LSGAN) or ``"wasserstein"``.

    With k > 1 every D update draws fresh z but reuses this step's real minibatch (Algorithm 1
    samples a new one each time; feed a k-times larger batch if you need that exactly).

    Defaults follow seed 001's MLP GAN: z of 64 dims, G 64->256->784 (tanh),
    D 784->128->1 with LeakyReLU(0.01), Adam(3e-4).
    """

    def __init__(self, generator=None, discriminator=None, latent_dim=64, image_shape=(28, 28, 1),
                 loss="non_saturating", d_steps=1, real_label=1.0, seed=None, **kwargs):
        self.image_shape = tuple(image_shape)
        generator = generator or self.build_generator(latent_dim, self.image_shape)
        discriminator = discriminator or self.build_discriminator(self.image_shape)
        super().__init__(generator, discriminator, latent_dim=latent_dim, seed=seed, **kwargs)
        self.loss = loss
        self.d_loss_fn, self.g_loss_fn = losses.get(loss)
        self.d_steps = int(d_steps)
        self.real_label = float(real_label)

    def build_generator(self, latent_dim, image_shape):
        return nets.mlp_generator(latent_dim, image_shape)

    def build_discriminator(self, image_shape):
        return nets.mlp_discriminator(image_shape)

    def default_optimizers(self):
        return keras.optimizers.Adam(3e-4), keras.optimizers.Adam(3e-4)

    def train_step(self, data):
        real = self.real_images(data)
        batch = tf.shape(real)[0]

        # k steps on D: maximise V, i.e. minimise -V (Algorithm 1, inner loop).
        for _ in range(self.d_steps):
            z = self.sample_latent(batch)
            with tf.GradientTape() as tape:
                fake = self.generator(z, training=True)
                real_logits = self.discriminator(real, training=True)
                fake_logits = self.discriminator(fake, training=True)
                d_loss = self.d_loss_fn(real_logits, fake_logits, real_label=self.real_label)
            self.apply(self.d_optimizer, tape, d_loss, self.discriminator)

        # one step on G with fresh noise; only G's weights move (D is read, not updated).
        z = self.sample_latent(batch)
        with tf.GradientTape() as tape:
            fake_logits = self.discriminator(self.generator(z, training=True), training=True)
            g_loss = self.g_loss_fn(fake_logits)
        self.apply(self.g_optimizer, tape, g_loss, self.generator)

        return self.record(d_loss=d_loss, g_loss=g_loss)

    def get_config(self):
        return {**super().get_config(), "image_shape": list(self.image_shape), "loss": self.loss,
                "d_steps": self.d_steps, "real_label": self.real_label}


@keras.saving.register_keras_serializable(package="gankit")
class DCGAN(GAN):
    """Radford et al. 2016: the GAN game with the all-convolutional networks of
    ``nets.dcgan_generator`` / ``nets.dcgan_discriminator``, z ~ N(0, I) of 100 dims,
    Adam(lr=2e-4, beta_1=0.5) for both networks (§4)."""

    def __init__(self, generator=None, discriminator=None, latent_dim=100, image_shape=(28, 28, 1),
                 filters=64, **kwargs):
        self.filters = int(filters)
        super().__init__(generator, discriminator, latent_dim=latent_dim, image_shape=image_shape, **kwargs)

    def build_generator(self, latent_dim, image_shape):
        return nets.dcgan_generator(latent_dim, image_shape, filters=self.filters)

    def build_discriminator(self, image_shape):
        return nets.dcgan_discriminator(image_shape, filters=self.filters)

    def default_optimizers(self):
        return keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters}
