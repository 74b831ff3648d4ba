"""Wasserstein GANs: WGAN (Arjovsky et al. 2017) and WGAN-GP (Gulrajani et al. 2017).

The discriminator becomes a *critic* ``f``: a real-valued score, no sigmoid, no log. Training
it to maximise  E_x[f(x)] - E_z[f(G(z))]  over 1-Lipschitz ``f`` estimates the earth-mover
distance W(P_r, P_g) (Kantorovich-Rubinstein duality, WGAN eq. 3); the generator minimises
-E_z[f(G(z))]. The two papers differ only in how they keep ``f`` Lipschitz:

* ``WGAN``   clips every critic weight to [-c, c] after each critic update (c = 0.01),
  RMSProp(5e-5, rho = 0.99 as in the authors' code) — no momentum (WGAN, Algorithm 1);
* ``WGANGP`` adds  lambda (||grad f(xhat)||_2 - 1)^2  on random interpolates (lambda = 10),
  Adam(1e-4, beta_1 = 0, beta_2 = 0.9), and a critic without batch norm (WGAN-GP, Algorithm 1).

Both run n_critic = 5 critic updates per generator update *inside one* ``train_step`` (one
compiled graph, a Python loop unrolled at trace time). Each critic update uses its own slice
of the batch and its own fresh z, as Algorithm 1 of both papers samples a new real minibatch
and new noise for every critic iteration: ``fit(batch_size=n_critic * m)`` gives critic
minibatches of m examples, and the generator update uses m fresh latent vectors. One
``fit`` step is then one *generator iteration* of the papers, and an epoch shows every real
example to the critic once (reusing one real batch five times would overfit the critic to it
and make an epoch five times as expensive). If the batch holds fewer than ``n_critic``
examples the slices wrap around, so any batch size works.

Networks: images (28x28, 32x32, 64x64 ...) get DCGAN-style convolutional nets
(``net="dcgan"``); 2-D points such as the 8-Gaussian ring get MLPs (``net="mlp"``, chosen
automatically for a 1-D ``image_shape`` like ``(2,)``).
"""

import keras
import numpy as np
import tensorflow as tf

from gankit import losses, nets
from gankit.models.base import NoiseToImage


@keras.saving.register_keras_serializable(package="gankit")
class WGAN(NoiseToImage):
    """Arjovsky et al. 2017, Algorithm 1: n_critic = 5 critic updates (each followed by
    clipping the critic's weights to [-c, c], c = ``clip_value`` = 0.01) per generator
    update; RMSProp with learning rate 5e-5 for both networks.

    Critic loss  E[f(G(z))] - E[f(x)]  (``d_loss``); generator loss  -E[f(G(z))]  (``g_loss``);
    ``w_distance`` = E[f(x)] - E[f(G(z))], the critic's estimate of W(P_r, P_g) (up to the
    Lipschitz constant the clipping allows), the number that tracks sample quality.

    ``discriminator`` is the critic (also available as ``model.critic``); the name is kept
    so every gankit model saves and loads the same way.
    """

    loss_names = ("d_loss", "g_loss", "w_distance")

    def __init__(self, generator=None, discriminator=None, latent_dim=None, image_shape=(28, 28, 1), net=None,
                 filters=64, hidden=(128, 128, 128), norm="batch", n_critic=5, clip_value=0.01, seed=None,
                 **kwargs):
        self.image_shape = tuple(image_shape)
        self.net = net or ("mlp" if len(self.image_shape) == 1 else "dcgan")
        if self.net not in ("mlp", "dcgan"):
            raise ValueError(f"net must be 'mlp' or 'dcgan', not {self.net!r}")
        self.filters = int(filters)
        self.hidden = tuple(int(h) for h in hidden)
        self.norm = norm
        if latent_dim is None:  # a generator given: its input says; else the defaults of the two nets
            latent_dim = generator.inputs[0].shape[-1] if generator is not None else 16 if self.net == "mlp" else 100
        latent_dim = int(latent_dim)
        super().__init__(generator, discriminator, latent_dim=latent_dim, seed=seed, **kwargs)
        self.n_critic = int(n_critic)
        if self.n_critic < 1:
            raise ValueError(f"n_critic must be at least 1, not {n_critic}")
        self.clip_value = None if clip_value is None else float(clip_value)

    # -- networks -------------------------------------------------------------------------
    def build_network(self, name):
        if name == "generator":
            return self.build_generator(self.latent_dim, self.image_shape)
        return self.build_critic(self.image_shape)

    def build_generator(self, latent_dim, image_shape):
        if self.net == "mlp":
            points = len(image_shape) == 1  # 2-D toys: unbounded coordinates, no tanh
            return nets.mlp_generator(latent_dim, image_shape, hidden=self.hidden,
                                      output_activation=None if points else "tanh")
        return nets.dcgan_generator(latent_dim, image_shape, filters=self.filters)

    def build_critic(self, image_shape):
        if self.net == "mlp":
            return nets.mlp_discriminator(image_shape, hidden=self.hidden, name="critic")
        return nets.dcgan_critic(image_shape, filters=self.filters, norm=self.norm)

    def measured_as(self):
        return "WGAN-points" if len(self.image_shape) == 1 else None  # 2-D points: float32 (runtime.MEASURED)

    @property
    def critic(self):
        return self.discriminator

    def default_optimizers(self):
        # rho = 0.99: the authors' code (PyTorch's RMSprop default; Keras' is 0.9). Their warm-up (100 critic
        # updates per generator update for the first 25 and every 500th) is left out: on lesson 6's ring it
        # gave no measurable gain for ~13% more critic updates (benchmarks/wgan_choices.py).
        return keras.optimizers.RMSprop(5e-5, rho=0.99), keras.optimizers.RMSprop(5e-5, rho=0.99)

    # -- training -------------------------------------------------------------------------
    def critic_penalty(self, real, fake):
        """Extra critic-loss term: none for WGAN (it clips instead)."""
        return tf.constant(0.0)

    def clip_critic(self):
        """Project every trainable critic weight back into [-c, c] (WGAN, Algorithm 1, line 7)."""
        if self.clip_value is None:
            return
        for w in self.discriminator.trainable_weights:
            w.assign(tf.clip_by_value(w, -self.clip_value, self.clip_value))

    def train_step(self, data):
        real = tf.cast(self.real_images(data), tf.float32)
        batch = tf.shape(real)[0]
        m = tf.maximum(batch // self.n_critic, 1)
        static = real.shape[0]  # known when the data has a fixed batch size (drop_remainder)
        if static is not None and static >= self.n_critic:
            m = static // self.n_critic  # static slices: static shapes, faster kernels (same examples)

        for i in range(self.n_critic):  # unrolled at trace time: n_critic updates in one graph
            if isinstance(m, int):
                real_i = real[i * m:(i + 1) * m]
            else:
                real_i = tf.gather(real, (i * m + tf.range(m)) % batch)
            fake = self.generator(self.sample_latent(m), training=True)  # outside the tape: G is not updated here
            with tf.GradientTape() as tape:
                w_distance = (losses._mean(self.discriminator(real_i, training=True))  # float32 under mixed precision
                              - losses._mean(self.discriminator(fake, training=True)))
                penalty = self.critic_penalty(real_i, fake)
                d_loss = -w_distance + penalty
            self.apply(self.d_optimizer, tape, d_loss, self.discriminator)
            self.clip_critic()

        with tf.GradientTape() as tape:
            fake_scores = self.discriminator(self.generator(self.sample_latent(m), training=True), training=True)
            g_loss = losses.wasserstein_g_loss(fake_scores)
        self.apply(self.g_optimizer, tape, g_loss, self.generator)
        return self.record(**self.step_logs(d_loss, g_loss, w_distance, penalty))

    def step_logs(self, d_loss, g_loss, w_distance, penalty):
        return {"d_loss": d_loss, "g_loss": g_loss, "w_distance": w_distance}

    def score(self, images, batch_size=256):
        """The critic's raw scores f(x) (higher = judged more real); a critic has no sigmoid."""
        return self.run_batched(self.discriminator, [np.asarray(images, dtype="float32")], batch_size)[:, 0]



@keras.saving.register_keras_serializable(package="gankit")
class WGANGP(WGAN):
    """Gulrajani et al. 2017, Algorithm 1: the WGAN game with the gradient penalty
    ``losses.gradient_penalty`` (lambda = ``gp_weight`` = 10) instead of weight clipping,
    n_critic = 5, Adam(1e-4, beta_1 = 0, beta_2 = 0.9), and a critic without batch norm
    (layer norm by default): the penalty is taken per example, and batch norm would make
    each example's score depend on the rest of the batch.

    Critic loss  E[f(G(z))] - E[f(x)] + lambda E[(||grad f(xhat)||_2 - 1)^2]  (eq. 3); the
    penalty alone is logged as ``gp``.
    """

    loss_names = ("d_loss", "g_loss", "w_distance", "gp")

    def __init__(self, generator=None, discriminator=None, norm="layer", clip_value=None, gp_weight=10.0, **kwargs):
        if norm == "batch":
            raise ValueError("WGAN-GP's critic must not use batch norm (the gradient penalty is per example); "
                             "use norm='layer' or norm=None.")
        if discriminator is not None and nets.has_batch_norm(discriminator):
            raise ValueError("This critic has a BatchNormalization layer; WGAN-GP's gradient penalty needs a critic "
                             "that scores each example on its own. Use layer norm or none "
                             "(gankit.nets.dcgan_critic(norm='layer')).")
        self.gp_weight = float(gp_weight)
        super().__init__(generator, discriminator, norm=norm, clip_value=clip_value, **kwargs)

    def default_optimizers(self):
        return (keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9),
                keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9))

    def critic_penalty(self, real, fake):
        shape = (1,) * (len(real.shape) - 1)  # one alpha per example, drawn for the global batch
        alpha = self.replica_sample(lambda m: keras.random.uniform((m, *shape), 0.0, 1.0, seed=self.seed_generator),
                                    tf.shape(real)[0])
        return losses.gradient_penalty(self.discriminator, real, fake, weight=self.gp_weight, alpha=alpha)

    def step_logs(self, d_loss, g_loss, w_distance, penalty):
        return {"d_loss": d_loss, "g_loss": g_loss, "w_distance": w_distance, "gp": penalty}
