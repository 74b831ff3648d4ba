"""InfoGAN (Chen et al. 2016): latent codes that mean something, learnt without labels.

G reads noise z and a code c = (a categorical code, continuous codes). An auxiliary head Q,
sharing D's body, tries to read c back from G(z, c). Its success bounds the mutual
information from below (§5, eq. 4):

    L_I(G, Q) = E_{c ~ P(c), x ~ G(z, c)}[log Q(c | x)] + H(c)  <=  I(c; G(z, c))

and the game becomes (eq. 6)   min_{G,Q} max_D  V(D, G) - lambda L_I(G, Q).

Q is a softmax for the categorical code and a unit-variance Gaussian for each continuous
code, so -log Q(c | x) = cross-entropy + 1/2 squared error + constants.
"""

import numpy as np
import keras
import tensorflow as tf

from gankit import losses, nets
from gankit.models.base import NoiseToImage


@keras.saving.register_keras_serializable(package="gankit")
class InfoGAN(NoiseToImage):
    """InfoGAN with DCGAN-style networks; the paper's MNIST setting by default: 62 noise
    dimensions, one 10-way categorical code, two continuous codes ~ U(-1, 1), lambda = 1 for
    the categorical and 0.1 for the continuous codes (§7: "a smaller lambda" keeps L_I on the
    scale of the GAN loss), Adam 2e-4 for D/Q and 1e-3 for G, and the networks of appendix C,
    table 1: ``filters=64`` gives its conv 64/128 layers and ``hidden=1024`` its fully connected
    layer in both G and D (``hidden=0`` drops it: plain DCGAN bodies).

    The generator's input is ``[noise, one_hot(category), continuous]`` (``latent_dim`` is
    its total length). ``fit`` reports ``d_loss``, ``g_loss`` and ``info_loss`` (= -lambda L_I
    up to the constant H(c)).
    """


    loss_names = ("d_loss", "g_loss", "info_loss")
    config_skip = ("latent_dim",)  # noise_dim + num_categories + num_continuous

    def __init__(self, generator=None, discriminator=None, noise_dim=62, num_categories=10, num_continuous=2,
                 image_shape=(28, 28, 1), lambda_category=1.0, lambda_continuous=0.1, filters=64, hidden=1024, seed=None,
                 **kwargs):
        self.noise_dim, self.num_categories = int(noise_dim), int(num_categories)
        self.num_continuous, self.filters, self.hidden = int(num_continuous), int(filters), int(hidden or 0)
        self.image_shape = tuple(image_shape)
        latent_dim = self.noise_dim + self.num_categories + self.num_continuous
        super().__init__(generator, discriminator, latent_dim=latent_dim, seed=seed, **kwargs)
        self.lambda_category, self.lambda_continuous = float(lambda_category), float(lambda_continuous)

    def build_network(self, name):
        if name == "generator":
            return nets.info_generator(self.latent_dim, self.image_shape, self.filters, self.hidden)
        return nets.info_discriminator(self.image_shape, self.num_categories, self.num_continuous, self.filters,
                                       hidden=self.hidden)

    def default_optimizers(self):
        return keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5)

    # -- codes ----------------------------------------------------------------------------
    def join(self, noise, category, continuous):
        """The generator's input vector [z, one_hot(c_cat), c_cont]."""
        onehot = tf.one_hot(category, self.num_categories, dtype=noise.dtype)
        return tf.concat([noise, onehot, tf.cast(continuous, noise.dtype)[:, :self.num_continuous]], axis=-1)

    def sample_codes(self, n):
        """z ~ N(0, I), c_cat ~ Cat(K), c_cont ~ U(-1, 1), drawn from the model's seed generator."""
        def draw(m):  # for the global batch; each replica keeps its slice (AdversarialModel.replica_sample)
            return (keras.random.normal((m, self.noise_dim), seed=self.seed_generator),
                    keras.random.randint((m,), 0, self.num_categories, dtype="int32", seed=self.seed_generator),
                    keras.random.uniform((m, max(self.num_continuous, 1)), -1.0, 1.0, seed=self.seed_generator))
        return self.replica_sample(draw, n)

    def info_loss(self, category, continuous, q_category, q_continuous):
        """-lambda L_I up to a constant: lambda_cat * CE(c_cat, Q) + lambda_cont * 1/2 ||c_cont - mu_Q||^2."""
        ce = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(
            category, tf.cast(q_category, tf.float32), from_logits=True))
        loss = self.lambda_category * ce
        if self.num_continuous:
            sq = tf.square(tf.cast(continuous, tf.float32) - tf.cast(q_continuous, tf.float32))
            loss += self.lambda_continuous * 0.5 * tf.reduce_mean(tf.reduce_sum(sq, axis=-1))
        return loss

    def train_step(self, data):
        real = self.real_images(data)  # labels, if any, are ignored: InfoGAN is unsupervised
        batch = tf.shape(real)[0]

        noise, category, continuous = self.sample_codes(batch)
        with tf.GradientTape() as tape:  # D and Q (one network, shared body)
            fake = self.generator(self.join(noise, category, continuous), training=True)
            real_logit, _, _ = self.discriminator(real, training=True)
            fake_logit, q_category, q_continuous = self.discriminator(fake, training=True)
            info = self.info_loss(category, continuous, q_category, q_continuous)
            d_loss = losses.minimax_d_loss(real_logit, fake_logit) + info
        self.apply(self.d_optimizer, tape, d_loss, self.discriminator)

        noise, category, continuous = self.sample_codes(batch)
        with tf.GradientTape() as tape:  # G: fool D and make c readable
            fake_logit, q_category, q_continuous = self.discriminator(
                self.generator(self.join(noise, category, continuous), training=True), training=True)
            info = self.info_loss(category, continuous, q_category, q_continuous)
            g_loss = losses.nonsaturating_g_loss(fake_logit) + info
        self.apply(self.g_optimizer, tape, g_loss, self.generator)
        return self.record(d_loss=d_loss, g_loss=g_loss, info_loss=info)

    # -- sampling (numpy) ------------------------------------------------------------------
    def latent(self, n, seed=None, category=None, continuous=None):
        """Generator inputs for ``n`` images: noise from ``seed``; codes given or drawn from it."""
        rng = np.random.default_rng(seed)
        noise = rng.standard_normal((n, self.noise_dim)).astype("float32")
        if category is None:
            category = rng.integers(0, self.num_categories, n)
        category = np.broadcast_to(np.asarray(category), (n,))
        if np.any((category < 0) | (category >= self.num_categories)):
            raise ValueError(f"category codes must lie in 0..{self.num_categories - 1}; got {category.min()}.."
                             f"{category.max()}.")
        if continuous is None:
            continuous = rng.uniform(-1, 1, (n, self.num_continuous))
        continuous = np.broadcast_to(np.asarray(continuous, "float32").reshape(-1, self.num_continuous)
                                     if self.num_continuous else np.zeros((n, 0), "float32"),
                                     (n, self.num_continuous))
        onehot = np.eye(self.num_categories, dtype="float32")[category.astype(int)]
        return np.concatenate([noise, onehot, continuous.astype("float32")], axis=1)

    def generate(self, n=None, seed=None, z=None, codes=None, batch_size=256, training=False):
        """Images (float32 numpy in [-1, 1]). ``codes={"category": int or (n,), "continuous":
        (n, num_continuous) or (num_continuous,)}`` fixes the codes; what is left out is drawn
        from ``seed``, like the noise. E.g. a sweep: same seed, category fixed, one continuous
        code running from -2 to 2 along a row."""
        if z is None:
            codes = dict(codes or {})
            unknown = set(codes) - {"category", "continuous"}
            if unknown:
                raise ValueError(f"Unknown code name(s) {sorted(unknown)}: InfoGAN's codes are 'category' "
                                 f"and 'continuous'.")
            if n is None:
                sizes = [len(np.atleast_1d(codes["category"]))] if np.ndim(codes.get("category", 0)) else []
                sizes += [len(codes["continuous"])] if np.ndim(codes.get("continuous", 0)) == 2 else []
                n = max(sizes) if sizes else None
            if n is None:
                raise ValueError("generate() needs n (how many images), codes with one row per image, or z.")
            z = self.latent(n, seed, codes.get("category"), codes.get("continuous"))
        return super().generate(z=z, batch_size=batch_size, training=training)

    def predict_codes(self, images, batch_size=256):
        """What Q reads from images: (categories (n,) int, continuous means (n, num_continuous))."""
        _, category, continuous = self.run_batched(self.discriminator, [np.asarray(images, "float32")], batch_size)
        return category.argmax(axis=1), continuous[:, :self.num_continuous]

