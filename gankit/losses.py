"""Adversarial losses, each a pure function of the discriminator's *logits*.

Every discriminator in gankit ends in a linear layer (no sigmoid), so all losses here
take logits ``l`` with ``D(x) = sigmoid(l)``.  Working from logits is numerically safe:
``log sigmoid(l) = -softplus(-l)`` and ``log(1 - sigmoid(l)) = -softplus(l)``.

Notation (Goodfellow et al. 2014, eq. 1):

    V(D, G) = E_x[log D(x)] + E_z[log(1 - D(G(z)))]

The discriminator *maximises* V, so its loss is -V.  Each function returns a scalar
mean over the batch, the quantity a ``GradientTape`` differentiates.
"""

import keras
import tensorflow as tf


def _f32(x):
    """Logits in float32 *before* any arithmetic: under a mixed policy D's logits arrive as
    float16/bfloat16, whose 3-4 significant digits would round softplus, squares and differences."""
    return tf.cast(x, tf.float32)


def _mean(x):
    return tf.reduce_mean(_f32(x))


# --- statistics over the global batch (for losses that are not a mean of per-example terms) ----

def _replica_context():
    """The replica context of a multi-device step (``tf.distribute``), else ``None``."""
    context = tf.distribute.get_replica_context()
    return context if context is not None and context.num_replicas_in_sync > 1 else None


def batch_mean(x):
    """E over the *global* batch of per-example values ``x`` (axis 0), in float32.

    On one device this is ``reduce_mean(x, axis=0)``. Under ``tf.distribute`` each replica holds
    a slice of the batch; a loss that is a mean of per-example terms is averaged across replicas
    by ``AdversarialModel.apply``, but a loss that uses a *batch statistic* inside a non-linear
    function (RaGAN's E[C(x_f)], feature matching's E f(x)) would use each replica's own slice.
    gankit takes every such statistic over the global batch, summed across replicas with a
    differentiable all-reduce, so k replicas train exactly like one device (the same decision as
    synchronised batch norm)."""
    x = _f32(x)
    context = _replica_context()
    if context is None:
        return tf.reduce_mean(x, axis=0)
    total = context.all_reduce(tf.distribute.ReduceOp.SUM, tf.reduce_sum(x, axis=0))
    count = context.all_reduce(tf.distribute.ReduceOp.SUM, tf.cast(tf.shape(x)[0], tf.float32))
    return total / count


def gather_batch(x):
    """All examples of the global batch (this replica's first), for layers that compare each
    example with the rest of its minibatch (``nets.MinibatchDiscrimination``). The identity on
    one device; a differentiable all-gather across replicas otherwise."""
    context = _replica_context()
    if context is None:
        return x
    return context.all_gather(x, axis=0)


# --- minimax / non-saturating (Goodfellow et al. 2014) -------------------------------

def minimax_d_loss(real_logits, fake_logits, real_label=1.0):
    """-V(D, G) = -E[log D(x)] - E[log(1 - D(G(z)))]  (GAN paper, eq. 1).

    ``real_label < 1`` gives one-sided label smoothing (Salimans et al. 2016, §3.4):
    the real term becomes the cross-entropy against ``real_label`` instead of 1.
    """
    real_logits, fake_logits = _f32(real_logits), _f32(fake_logits)
    real_term = real_label * tf.nn.softplus(-real_logits) + (1.0 - real_label) * tf.nn.softplus(real_logits)
    return tf.reduce_mean(real_term) + tf.reduce_mean(tf.nn.softplus(fake_logits))


def minimax_g_loss(fake_logits):
    """E[log(1 - D(G(z)))], the *saturating* generator loss of eq. 1.

    Its gradient vanishes when D confidently rejects the fakes (D(G(z)) -> 0), exactly
    the situation early in training; see ``nonsaturating_g_loss``.
    """
    return -_mean(tf.nn.softplus(_f32(fake_logits)))


def nonsaturating_g_loss(fake_logits):
    """-E[log D(G(z))], the "-log D trick" (GAN paper, §3): same fixed point, strong
    gradients when D(G(z)) is small."""
    return _mean(tf.nn.softplus(-_f32(fake_logits)))


# --- least squares (Mao et al. 2017, eq. 2 with a=0, b=c=1) ---------------------------

def least_squares_d_loss(real_logits, fake_logits, real_label=1.0):
    """1/2 E[(D(x) - b)^2] + 1/2 E[(D(G(z)) - a)^2] with a = 0, b = 1 (LSGAN, eq. 2).

    Here ``D`` is the raw (linear) output: LSGAN uses no sigmoid.
    """
    return 0.5 * _mean(tf.square(_f32(real_logits) - real_label)) + 0.5 * _mean(tf.square(_f32(fake_logits)))


def least_squares_g_loss(fake_logits):
    """1/2 E[(D(G(z)) - c)^2] with c = 1 (LSGAN, eq. 2)."""
    return 0.5 * _mean(tf.square(_f32(fake_logits) - 1.0))


# --- Wasserstein (Arjovsky et al. 2017, eq. 3) ----------------------------------------

def wasserstein_d_loss(real_logits, fake_logits, real_label=1.0):
    """Critic loss E[D(G(z))] - E[D(x)]: minimising it maximises the Kantorovich-Rubinstein
    estimate of W(P_r, P_g) = sup_{||f||_L<=1} E_x[f(x)] - E_z[f(G(z))] (WGAN, eq. 3).
    ``real_label`` is accepted for a uniform signature and ignored."""
    del real_label
    return _mean(fake_logits) - _mean(real_logits)


def wasserstein_g_loss(fake_logits):
    """-E[D(G(z))] (WGAN, Algorithm 1, line 10)."""
    return -_mean(fake_logits)


# --- relativistic average GAN (Jolicoeur-Martineau 2018; ESRGAN, Wang et al. 2018, eq. 1-2) ------

def _relativistic(real_logits, fake_logits):
    """C(x_r) - E[C(x_f)] and C(x_f) - E[C(x_r)]: the logits of D_Ra(x_r, x_f) and D_Ra(x_f, x_r),
    with the expectations over every logit of the global batch (:func:`batch_mean`)."""
    real_logits, fake_logits = _f32(real_logits), _f32(fake_logits)
    mean = lambda t: batch_mean(tf.reshape(t, [-1]))  # noqa: E731
    return real_logits - mean(fake_logits), fake_logits - mean(real_logits)


def relativistic_d_loss(real_logits, fake_logits):
    """ESRGAN eq. 2:  L_D = -E[log D_Ra(x_r, x_f)] - E[log(1 - D_Ra(x_f, x_r))],
    D_Ra(x_r, x_f) = sigmoid(C(x_r) - E[C(x_f)]).

    Written as per-example softplus terms averaged over the batch, like every loss here (a
    ``keras.losses`` object would divide by the number of replicas a second time under
    ``tf.distribute``)."""
    real_rel, fake_rel = _relativistic(real_logits, fake_logits)
    return tf.reduce_mean(tf.nn.softplus(-real_rel)) + tf.reduce_mean(tf.nn.softplus(fake_rel))


def relativistic_g_loss(real_logits, fake_logits):
    """ESRGAN's symmetric generator loss  L_G = -E[log(1 - D_Ra(x_r, x_f))] - E[log D_Ra(x_f, x_r)]:
    the generator gets gradients from the real images' term too (through E[C(x_f)])."""
    real_rel, fake_rel = _relativistic(real_logits, fake_logits)
    return tf.reduce_mean(tf.nn.softplus(real_rel)) + tf.reduce_mean(tf.nn.softplus(-fake_rel))


# --- gradient penalty (Gulrajani et al. 2017, eq. 3) ----------------------------------------

def gradient_penalty(critic, real, fake, weight=10.0, alpha=None, seed=None, training=True):
    """lambda * E_xhat[(||grad_xhat D(xhat)||_2 - 1)^2]  on  xhat = alpha x + (1 - alpha) G(z)
    (WGAN-GP, Gulrajani et al. 2017, eq. 3 and Algorithm 1, lines 6-7).

    * ``alpha`` is drawn per example from U(0, 1), shape (batch, 1, ..., 1), and broadcast
      over the example's pixels (or coordinates): each xhat lies on the segment between one
      real and one fake example. The batch size is read with ``tf.shape`` at run time, so
      one traced graph serves every batch size.
    * The norm is ``sqrt(sum g^2 + 1e-12)``: the epsilon sits *inside* the square root,
      whose derivative is infinite at 0 (real == fake gives xhat where a constant critic
      has g = 0; ``tf.norm`` would then return NaN gradients).
    * The critic must treat examples independently (no batch norm): the penalty needs the
      gradient of D(xhat_i) with respect to xhat_i alone.

    ``alpha`` may be given (the WGAN-GP model draws its own, tests pass known values).
    Otherwise it is drawn fresh on every call: from ``seed``, a ``keras.random.SeedGenerator``
    (whose state advances with each draw, so a seeded run is repeatable and every call still gets
    new values), or from TensorFlow's global generator when ``seed`` is None. A plain int is
    refused: as a Keras seed it would give the *same* alpha on every call.
    """
    if seed is not None and not isinstance(seed, keras.random.SeedGenerator):
        raise TypeError(f"gradient_penalty(seed=...) takes a keras.random.SeedGenerator, not {type(seed).__name__}: "
                        f"an int seed would draw the same alpha on every call. Create the generator once, "
                        f"e.g. keras.random.SeedGenerator({seed!r}), and pass it to every call.")
    real = tf.cast(real, tf.float32)
    fake = tf.cast(fake, tf.float32)
    if alpha is None:
        rank = real.shape.rank
        shape = tf.concat([tf.shape(real)[:1], tf.ones([rank - 1], tf.int32)], axis=0)
        if seed is None:
            alpha = tf.random.uniform(shape, 0.0, 1.0)
        else:
            alpha = keras.random.uniform(shape, 0.0, 1.0, seed=seed)
    alpha = tf.cast(alpha, tf.float32)
    interpolates = alpha * real + (1.0 - alpha) * fake
    with tf.GradientTape() as tape:
        tape.watch(interpolates)
        scores = critic(interpolates, training=training)
    grads = tape.gradient(scores, interpolates, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    axes = list(range(1, grads.shape.rank))
    norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=axes) + 1e-12)
    return weight * tf.reduce_mean(tf.square(norms - 1.0))


# --- feature matching (Salimans et al. 2016, §3.1) ------------------------------------------

def feature_matching_loss(real_features, fake_features):
    """||E_x f(x) - E_z f(G(z))||_2^2 on an intermediate layer f of the discriminator
    (Improved Techniques for Training GANs, §3.1): the generator matches the real data's
    mean feature vector instead of maximising D's output on its samples. Features are
    flattened per example; the expectations are means over the global batch (:func:`batch_mean`:
    under ``tf.distribute`` a replica's slice would give a different, noisier loss)."""
    real = tf.reshape(_f32(real_features), [tf.shape(real_features)[0], -1])
    fake = tf.reshape(_f32(fake_features), [tf.shape(fake_features)[0], -1])
    return tf.reduce_sum(tf.square(batch_mean(real) - batch_mean(fake)))


# --- pixel losses of the image-to-image models ------------------------------------------------

def l1_loss(target, output):
    """Mean absolute error E[|y - G(x)|] over pixels and batch: Pix2Pix's L1 term (eq. 3) and
    CycleGAN's cycle-consistency and identity terms (eq. 2, the authors' ``L1Loss``).

    Both sides are cast to float32 first: under a mixed precision policy the generator's output
    is float16/bfloat16 while targets come from the data in float32 (and a 16-bit mean loses
    precision)."""
    return tf.reduce_mean(tf.abs(tf.cast(target, tf.float32) - tf.cast(output, tf.float32)))


def mse(target, output):
    """Mean squared error E[(y - G(x))^2]: SRGAN's pixel-wise content loss l^SR_MSE (eq. 4), or the
    VGG variant on feature maps (eq. 5); float32 as in :func:`l1_loss`."""
    return tf.reduce_mean(tf.square(tf.cast(target, tf.float32) - tf.cast(output, tf.float32)))


#: name -> (discriminator loss, generator loss); ``GAN(loss=name)`` picks a pair.
ADVERSARIAL_LOSSES = {
    "minimax": (minimax_d_loss, minimax_g_loss),
    "non_saturating": (minimax_d_loss, nonsaturating_g_loss),
    "least_squares": (least_squares_d_loss, least_squares_g_loss),
    "wasserstein": (wasserstein_d_loss, wasserstein_g_loss),
}


def get(name):
    """Return the ``(d_loss, g_loss)`` pair registered under ``name``."""
    try:
        return ADVERSARIAL_LOSSES[name]
    except KeyError:
        raise ValueError(
            f"Unknown adversarial loss {name!r}. Choose one of: {', '.join(sorted(ADVERSARIAL_LOSSES))}."
        ) from None


# --- class cross-entropy (ACGAN's L_C, CGAN-style heads) ---------------------------------------

def class_cross_entropy(labels, logits):
    """-E[log P(C = c | x)] from class logits (a mean over the batch)."""
    return tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(labels, tf.cast(logits, tf.float32),
                                                                       from_logits=True))
