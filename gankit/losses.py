"""Adversarial losses, each a pure function of the discriminator's *logits*.

Every discriminator in gankit ends in a linear layer (no sigmoid), so all losses here
take logits ``l`` with ``D(x) = sigmoid(l)``.  Working from logits is numerically safe:
``log sigmoid(l) = -softplus(-l)`` and ``log(1 - sigmoid(l)) = -softplus(l)``.

Notation (Goodfellow et al. 2014, eq. 1):

    V(D, G) = E_x[log D(x)] + E_z[log(1 - D(G(z)))]

The discriminator *maximises* V, so its loss is -V.  Each function returns a scalar
mean over the batch, the quantity a ``GradientTape`` differentiates.
"""

import tensorflow as tf


def _mean(x):
    return tf.reduce_mean(tf.cast(x, tf.float32))


# --- minimax / non-saturating (Goodfellow et al. 2014) -------------------------------

def minimax_d_loss(real_logits, fake_logits, real_label=1.0):
    """-V(D, G) = -E[log D(x)] - E[log(1 - D(G(z)))]  (GAN paper, eq. 1).

    ``real_label < 1`` gives one-sided label smoothing (Salimans et al. 2016, §3.4):
    the real term becomes the cross-entropy against ``real_label`` instead of 1.
    """
    real_logits = tf.cast(real_logits, tf.float32)
    real_term = real_label * tf.nn.softplus(-real_logits) + (1.0 - real_label) * tf.nn.softplus(real_logits)
    return _mean(real_term) + _mean(tf.nn.softplus(fake_logits))


def minimax_g_loss(fake_logits):
    """E[log(1 - D(G(z)))], the *saturating* generator loss of eq. 1.

    Its gradient vanishes when D confidently rejects the fakes (D(G(z)) -> 0), exactly
    the situation early in training; see ``nonsaturating_g_loss``.
    """
    return -_mean(tf.nn.softplus(fake_logits))


def nonsaturating_g_loss(fake_logits):
    """-E[log D(G(z))], the "-log D trick" (GAN paper, §3): same fixed point, strong
    gradients when D(G(z)) is small."""
    return _mean(tf.nn.softplus(-tf.cast(fake_logits, tf.float32)))


# --- least squares (Mao et al. 2017, eq. 2 with a=0, b=c=1) ---------------------------

def least_squares_d_loss(real_logits, fake_logits, real_label=1.0):
    """1/2 E[(D(x) - b)^2] + 1/2 E[(D(G(z)) - a)^2] with a = 0, b = 1 (LSGAN, eq. 2).

    Here ``D`` is the raw (linear) output: LSGAN uses no sigmoid.
    """
    return 0.5 * _mean(tf.square(tf.cast(real_logits, tf.float32) - real_label)) + 0.5 * _mean(
        tf.square(tf.cast(fake_logits, tf.float32)))


def least_squares_g_loss(fake_logits):
    """1/2 E[(D(G(z)) - c)^2] with c = 1 (LSGAN, eq. 2)."""
    return 0.5 * _mean(tf.square(tf.cast(fake_logits, tf.float32) - 1.0))


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
