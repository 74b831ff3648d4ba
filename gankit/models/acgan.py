"""ACGAN (Odena, Olah & Shlens 2017): the discriminator also names the class.

Every fake gets a class c ~ p_c and is made by G(z, c). D outputs P(S | x) (real or fake)
and P(C | x) (which class). With the paper's log-likelihoods (§3)

    L_S = E[log P(S = real | x_real)] + E[log P(S = fake | x_fake)]
    L_C = E[log P(C = c | x_real)]    + E[log P(C = c | x_fake)]

D maximises L_S + L_C and G maximises L_C - L_S. As everywhere in gankit, G's "-L_S" part is
taken in its non-saturating form -log P(S = real | x_fake).
"""

import numpy as np
import keras
import tensorflow as tf

from gankit import losses, nets
from gankit.models.cgan import ClassConditional


@keras.saving.register_keras_serializable(package="gankit")
class ACGAN(ClassConditional):
    """ACGAN with DCGAN-style networks; D's class head doubles as a classifier (``classify``).

    Reported by ``fit``: ``d_loss`` (= -(L_S + L_C)), ``g_loss`` and ``d_class_acc``, the class
    head's accuracy on the real images of each batch.
    """

    loss_names = ("d_loss", "g_loss", "d_class_acc")

    def __init__(self, generator=None, discriminator=None, latent_dim=100, image_shape=(28, 28, 1),
                 num_classes=10, class_weight=1.0, filters=64, seed=None, **kwargs):
        self.image_shape = tuple(image_shape)
        self.filters = int(filters)
        super().__init__(generator, discriminator, num_classes=num_classes, latent_dim=latent_dim, seed=seed,
                         **kwargs)
        self.class_weight = float(class_weight)

    def build_network(self, name):
        if name == "generator":
            return nets.conditional_generator(self.latent_dim, self.image_shape, self.num_classes, self.filters)
        return nets.auxiliary_classifier_discriminator(self.image_shape, self.num_classes, self.filters)

    def default_optimizers(self):
        # ACGAN paper, appendix: Adam, lr 2e-4, beta_1 0.5, for both networks.
        return keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5)

    def sample_labels(self, n):
        """c ~ p_c, uniform over the classes."""
        return self.replica_sample(
            lambda m: keras.random.randint((m,), 0, self.num_classes, dtype="int32", seed=self.seed_generator), n)

    def train_step(self, data):
        real, labels = data[0], tf.cast(tf.reshape(data[1], [-1]), "int32")
        batch = tf.shape(real)[0]

        z, fake_labels = self.sample_latent(batch), self.sample_labels(batch)
        with tf.GradientTape() as tape:
            fake = self.generator([z, fake_labels], training=True)
            real_source, real_class = self.discriminator(real, training=True)
            fake_source, fake_class = self.discriminator(fake, training=True)
            d_loss = losses.minimax_d_loss(real_source, fake_source) + self.class_weight * (  # -(L_S + L_C)
                losses.class_cross_entropy(labels, real_class) + losses.class_cross_entropy(fake_labels, fake_class))
        self.apply(self.d_optimizer, tape, d_loss, self.discriminator)

        z, fake_labels = self.sample_latent(batch), self.sample_labels(batch)
        with tf.GradientTape() as tape:
            fake_source, fake_class = self.discriminator(self.generator([z, fake_labels], training=True),
                                                         training=True)
            g_loss = losses.nonsaturating_g_loss(fake_source) + self.class_weight * losses.class_cross_entropy(
                fake_labels, fake_class)  # -(L_C - L_S), non-saturating
        self.apply(self.g_optimizer, tape, g_loss, self.generator)

        accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(real_class, -1, output_type="int32"), labels),
                                          tf.float32))
        return self.record(d_loss=d_loss, g_loss=g_loss, d_class_acc=accuracy)

    def classify(self, images, batch_size=256):
        """P(C | x) from D's class head: (n, num_classes) probabilities for numpy images in [-1, 1]."""
        _, logits = self.run_batched(self.discriminator, [np.asarray(images, dtype="float32")], batch_size)
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

