"""The original GAN (Goodfellow et al. 2014) and DCGAN (Radford et al. 2016).

DCGAN is the same game with convolutional networks and the paper's optimizer settings,
so it only overrides the networks and defaults; the ``train_step`` is written once, here.
"""

import keras
import tensorflow as tf

from gankit import losses, nets
from gankit.models.base import NoiseToImage


@keras.saving.register_keras_serializable(package="gankit")
class GAN(NoiseToImage):
    """Goodfellow et al. 2014, Algorithm 1: ``d_steps`` (k) discriminator updates, then one
    generator update, per batch.

    Discriminator ascends  V(D, G) = E_x[log D(x)] + E_z[log(1 - D(G(z)))]   (eq. 1);
    the generator descends ``loss``'s generator term: ``"non_saturating"`` (-log D(G(z)),
    the paper's recommendation, default), ``"minimax"`` (log(1 - D(G(z))), saturating),
    ``"least_squares"`` (LSGAN) or ``"wasserstein"``.

    With k > 1 every D update draws fresh z but reuses this step's real minibatch (Algorithm 1
    samples a new one each time; feed a k-times larger batch if you need that exactly).

    Defaults follow the minimal Keras MLP GAN that the course starts from: z of 64 dims, G 64->256->784 (tanh),
    D 784->128->1 with LeakyReLU(0.01), Adam(3e-4).

    Training tricks (lesson 10), all off by default:

    * ``label_smoothing=0.9`` — one-sided label smoothing (Salimans et al. 2016, §3.4): the
      target for *real* examples in D's loss (fakes keep 0; G's loss is unchanged). It is the
      real label itself, not the amount taken off 1; same as ``real_label``.
    * ``feature_matching=True`` — G minimises ||E f(x) - E f(G(z))||^2 (Salimans et al. §3.1)
      on D's layer ``feature_layer`` (default: the input of D's last layer).
    * ``minibatch_discrimination=B`` — a ``nets.MinibatchDiscrimination`` layer of B kernels
      (``kernel_dim`` each) before D's logit (Salimans et al. §3.2).
    * ``pack=m`` — PacGAN (Lin et al. 2018): D reads m examples stacked along the last axis;
      a batch of n gives n // m real packs and n // m fake packs (``fit`` refuses a batch size
      below m; a last, partial batch smaller than m makes one pack of repeated examples).
    * ``spectral_norm=True`` — D's Dense/Conv2D layers wrapped in
      ``keras.layers.SpectralNormalization`` (SNGAN, Miyato et al. 2018).

    The last three change D's architecture and are applied when the model builds its own D;
    a ``discriminator`` passed in is used as given (it must accept packed inputs if pack > 1).
    """


    def __init__(self, generator=None, discriminator=None, latent_dim=64, image_shape=(28, 28, 1),
                 loss="non_saturating", d_steps=1, real_label=1.0, seed=None, label_smoothing=None,
                 feature_matching=False, feature_layer=None, minibatch_discrimination=0, kernel_dim=5, pack=1,
                 spectral_norm=False, **kwargs):
        self.image_shape = tuple(image_shape)
        self.pack = int(pack)
        self.minibatch_discrimination = int(minibatch_discrimination)
        self.kernel_dim = int(kernel_dim)
        self.spectral_norm = bool(spectral_norm)
        if self.pack < 1:
            raise ValueError(f"pack must be a whole number >= 1 (examples per discriminator input), not {pack}.")
        if label_smoothing is not None and not 0.5 < float(label_smoothing) <= 1.0:
            raise ValueError(f"label_smoothing is the target for real examples, e.g. 0.9 (Salimans et al. 2016), "
                             f"so it lies in (0.5, 1]; got {label_smoothing}. (It is not the amount taken off 1.)")
        super().__init__(generator, discriminator, latent_dim=latent_dim, seed=seed, **kwargs)
        self.loss = loss
        self.d_loss_fn, self.g_loss_fn = losses.get(loss)
        self.d_steps = int(d_steps)
        self.label_smoothing = None if label_smoothing is None else float(label_smoothing)
        self.real_label = float(real_label if label_smoothing is None else label_smoothing)
        self.feature_matching = bool(feature_matching)
        self.feature_layer = feature_layer
        if self.feature_matching:
            self._set_feature_net()

    def build_network(self, name):
        if name == "generator":
            return self.build_generator(self.latent_dim, self.image_shape)
        return self.build_tricked_discriminator()

    def build_generator(self, latent_dim, image_shape):
        return nets.mlp_generator(latent_dim, image_shape)

    def build_discriminator(self, image_shape):
        return nets.mlp_discriminator(image_shape)

    def build_tricked_discriminator(self):
        """``build_discriminator`` for packed inputs, then minibatch discrimination and spectral
        normalisation if asked for (``nets`` section "training tricks")."""
        network = self.build_discriminator(nets.packed_shape(self.image_shape, self.pack))
        if self.minibatch_discrimination:
            network = nets.with_minibatch_discrimination(network, self.minibatch_discrimination, self.kernel_dim)
        if self.spectral_norm:
            network = nets.spectral_normalized(network)
        return network

    def _set_feature_net(self):
        """f(x) for feature matching: D's layer ``feature_layer``, or the input of its last layer.
        It shares D's weights; it is kept out of Keras' attribute tracking (not saved twice)."""
        d = self.discriminator
        try:
            features = d.get_layer(self.feature_layer).output if self.feature_layer else d.layers[-1].input
        except ValueError:
            raise ValueError(f"feature_layer={self.feature_layer!r} is not a layer of the discriminator "
                             f"{d.name!r}; its layers are {[layer.name for layer in d.layers]}.") from None
        self.__dict__["_feature_net"] = keras.Model(d.inputs, features, name="discriminator_features")

    def pack_samples(self, x):
        """PacGAN: ``pack`` consecutive examples -> one discriminator input (identity for pack=1)."""
        return nets.pack_samples(x, self.pack)

    def score(self, images, batch_size=256):
        if self.pack > 1:
            raise ValueError(f"score() rates single images, but this model's discriminator (pack={self.pack}) "
                             f"rates packs of {self.pack}; score packs with discriminator(nets.pack_samples(x, "
                             f"{self.pack})) instead.")
        return super().score(images, batch_size)

    def default_optimizers(self):
        return keras.optimizers.Adam(3e-4), keras.optimizers.Adam(3e-4)

    def check_batch_size(self, batch_size):
        super().check_batch_size(batch_size)
        if batch_size < self.pack:
            raise ValueError(f"This GAN packs {self.pack} examples into each discriminator input (PacGAN, "
                             f"pack={self.pack}), but the batch size is {batch_size}: a batch must hold at least "
                             f"one pack. Use batch_size >= {self.pack} (a multiple of {self.pack} wastes nothing).")

    def train_step(self, data):
        real = self.real_images(data)
        batch = tf.shape(real)[0]
        real = self.pack_samples(real)  # PacGAN packs (pack=1: unchanged)

        # k steps on D: maximise V, i.e. minimise -V (Algorithm 1, inner loop).
        for _ in range(self.d_steps):
            z = self.sample_latent(batch)
            with tf.GradientTape() as tape:
                fake = self.pack_samples(self.generator(z, training=True))
                real_logits = self.discriminator(real, training=True)
                fake_logits = self.discriminator(fake, training=True)
                d_loss = self.d_loss_fn(real_logits, fake_logits, real_label=self.real_label)
            self.apply(self.d_optimizer, tape, d_loss, self.discriminator)

        # one step on G with fresh noise; only G's weights move (D is read, not updated).
        z = self.sample_latent(batch)
        with tf.GradientTape() as tape:
            fake = self.pack_samples(self.generator(z, training=True))
            if self.feature_matching:  # Salimans et al. 2016, §3.1: match D's mean features
                g_loss = losses.feature_matching_loss(tf.stop_gradient(self._feature_net(real, training=True)),
                                                      self._feature_net(fake, training=True))
            else:
                g_loss = self.g_loss_fn(self.discriminator(fake, training=True))
        self.apply(self.g_optimizer, tape, g_loss, self.generator)

        return self.record(d_loss=d_loss, g_loss=g_loss)



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
