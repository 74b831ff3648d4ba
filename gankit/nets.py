"""Network builders shared by the models (functional ``keras.Model``s).

Convention: every discriminator ends in ``Dense(1)`` / a 1-channel conv with *no*
activation and returns logits; the losses in :mod:`gankit.losses` apply the sigmoid.
Every generator ends in ``tanh`` and returns images in [-1, 1].
"""

import math

import keras
from keras import layers


def dcgan_init():
    """Weights drawn from N(0, 0.02), as the DCGAN paper (Radford et al. 2016, §4) prescribes."""
    return keras.initializers.RandomNormal(mean=0.0, stddev=0.02)


# --- the 2014 MLP GAN (the MLP of seed 001) -----------------------------------------------

def mlp_generator(latent_dim=64, image_shape=(28, 28, 1), hidden=(256,), slope=0.01, output_activation="tanh",
                  name="generator"):
    """z -> Dense(256) -> LeakyReLU(0.01) -> Dense(prod(shape)) -> tanh -> reshape.

    For the 1-D/2-D toys of lessons 1 and 6 pass ``image_shape=(2,)`` and
    ``output_activation=None``: points are not confined to [-1, 1].
    """
    z = keras.Input((latent_dim,), name="z")
    h = z
    for units in hidden:
        h = layers.Dense(units)(h)
        h = layers.LeakyReLU(slope)(h)
    h = layers.Dense(math.prod(image_shape), activation=output_activation)(h)
    x = layers.Reshape(image_shape)(h)
    return keras.Model(z, x, name=name)


def mlp_discriminator(image_shape=(28, 28, 1), hidden=(128,), slope=0.01, name="discriminator"):
    """x -> flatten -> Dense(128) -> LeakyReLU(0.01) -> Dense(1) (a logit)."""
    x = keras.Input(image_shape, name="image")
    h = layers.Flatten()(x)
    for units in hidden:
        h = layers.Dense(units)(h)
        h = layers.LeakyReLU(slope)(h)
    logit = layers.Dense(1, name="logit")(h)
    return keras.Model(x, logit, name=name)


# --- DCGAN (Radford et al. 2016) -------------------------------------------------------

def _num_doublings(size):
    """How many x2 up-samplings reach ``size`` from a base of 4..7 pixels (28 -> 2, 32 -> 3, 64 -> 4)."""
    side, n = size, 0
    while size % 2 == 0 and size // 2 >= 4:
        size //= 2
        n += 1
    if n == 0 or size > 7:
        raise ValueError(f"DCGAN needs an image side that halves to 4-7 pixels (e.g. 28, 32, 64); got {side}, "
                         f"which stops halving at {size}. Resize the images (data.load(..., image_size=32)).")
    return n, size


def dcgan_generator(latent_dim=100, image_shape=(28, 28, 1), filters=64, bn_momentum=0.9, name="generator"):
    """z -> project & reshape to (s0, s0, filters*2^(n-1)) -> n fractional-strided convs -> tanh.

    DCGAN guidelines (§3): no pooling, transposed convs to up-sample, batch norm on every
    layer but the output, ReLU inside, tanh at the output, no hidden fully connected layer
    (the first Dense is the paper's "project and reshape", a matrix multiply of z).

    ``bn_momentum=0.9`` (Keras' default is 0.99) makes the moving averages that sampling
    with ``training=False`` uses follow the weights within ~10 steps instead of ~100, so
    samples early in training are not spoilt by stale statistics.
    """
    z = keras.Input((latent_dim,), name="z")
    return keras.Model(z, dcgan_upsampler(z, image_shape, filters, bn_momentum), name=name)


def dcgan_upsampler(h, image_shape, filters=64, bn_momentum=0.9):
    """The body of ``dcgan_generator`` applied to a vector tensor ``h`` (z, or z joined with a
    condition): project & reshape, then fractional-strided convs up to ``image_shape``."""
    n, s0 = _num_doublings(image_shape[0])
    ch = filters * 2 ** (n - 1)
    init = dcgan_init()
    h = layers.Dense(s0 * s0 * ch, use_bias=False, kernel_initializer=init)(h)
    h = layers.Reshape((s0, s0, ch))(h)
    h = layers.BatchNormalization(momentum=bn_momentum)(h)
    h = layers.ReLU()(h)
    for i in range(n - 1):
        ch //= 2
        h = layers.Conv2DTranspose(ch, 4, strides=2, padding="same", use_bias=False, kernel_initializer=init)(h)
        h = layers.BatchNormalization(momentum=bn_momentum)(h)
        h = layers.ReLU()(h)
    return layers.Conv2DTranspose(image_shape[-1], 4, strides=2, padding="same", activation="tanh",
                                  kernel_initializer=init, name="image")(h)


def dcgan_discriminator(image_shape=(28, 28, 1), filters=64, bn_momentum=0.9, slope=0.2, name="discriminator"):
    """x -> n strided convs (LeakyReLU 0.2, batch norm except on the first) -> Dense(1) logit.

    Strided convolutions replace pooling (DCGAN §3); the final layer flattens the last
    feature map into a single logit, as in the paper.
    """
    x = keras.Input(image_shape, name="image")
    h = dcgan_features(x, filters, bn_momentum, slope)
    logit = layers.Dense(1, kernel_initializer=dcgan_init(), name="logit")(h)
    return keras.Model(x, logit, name=name)


def dcgan_features(x, filters=64, bn_momentum=0.9, slope=0.2):
    """The body of ``dcgan_discriminator`` applied to an image tensor: strided convs, flattened.
    Conditional discriminators put their heads (class, code, match) on these features."""
    n, _ = _num_doublings(x.shape[1])
    init = dcgan_init()
    h = x
    ch = filters
    for i in range(n):
        h = layers.Conv2D(ch, 4, strides=2, padding="same", use_bias=i == 0, kernel_initializer=init)(h)
        if i > 0:  # no batch norm on D's input layer (DCGAN §3)
            h = layers.BatchNormalization(momentum=bn_momentum)(h)
        h = layers.LeakyReLU(slope)(h)
        ch *= 2
    return layers.Flatten()(h)


# --- conditional networks (CGAN, ACGAN, InfoGAN) --------------------------------------------

def one_hot(labels, num_classes, name=None):
    """Integer labels -> one-hot vectors, the condition y of Mirza & Osindero 2014 (§4.1).

    Why not a learned ``Embedding``? Keras initialises embeddings at +-0.05, so beside z ~ N(0, I)
    the label would start almost invisible to G and D and conditioning is learnt slowly; a
    one-hot vector carries the label at full strength from the first step, and the first
    Dense/conv layer after it *is* a learned embedding (one_hot(y) @ W picks row y of W)."""
    return layers.CategoryEncoding(num_tokens=num_classes, output_mode="one_hot", name=name)(labels)


def conditional_generator(latent_dim=100, image_shape=(28, 28, 1), num_classes=10, filters=64, bn_momentum=0.9,
                          name="generator"):
    """G(z | y): [z, y] -> concat(z, one_hot(y)) -> the DCGAN up-sampler (CGAN, Mirza & Osindero 2014, §3.2;
    ACGAN, Odena et al. 2017, §3)."""
    z = keras.Input((latent_dim,), name="z")
    y = keras.Input((), dtype="int32", name="label")
    h = layers.Concatenate()([z, one_hot(y, num_classes, name="label_one_hot")])
    return keras.Model([z, y], dcgan_upsampler(h, image_shape, filters, bn_momentum), name=name)


def conditional_discriminator(image_shape=(28, 28, 1), num_classes=10, filters=64, design="joint",
                              bn_momentum=0.9, slope=0.2, name="discriminator"):
    """D(x | y) in the two designs of seed 002 (Hung-yi Lee's lecture on conditional GANs).

    * ``"joint"``: one network sees the pair. one_hot(y) is spread over the image plane as
      ``num_classes`` constant channels and stacked onto x, so the first convolution already
      mixes picture and label. Output: one logit, "x is real *and* matches y".
    * ``"two_scores"``: the network reads x alone into features f(x); a realism head scores
      f(x), and a match head scores [f(x), one_hot(y)]. Output: two logits (realism, match),
      so "looks fake" and "does not fit the label" are judged separately.
    """
    if design not in ("joint", "two_scores"):
        raise ValueError(f"Unknown conditional discriminator design {design!r}: use 'joint' or 'two_scores'.")
    x = keras.Input(image_shape, name="image")
    y = keras.Input((), dtype="int32", name="label")
    init = dcgan_init()
    code = one_hot(y, num_classes)
    if design == "joint":
        planes = layers.UpSampling2D(size=tuple(image_shape[:2]))(layers.Reshape((1, 1, num_classes))(code))
        h = dcgan_features(layers.Concatenate()([x, planes]), filters, bn_momentum, slope)
        out = layers.Dense(1, kernel_initializer=init, name="logit")(h)
    else:
        f = dcgan_features(x, filters, bn_momentum, slope)
        realism = layers.Dense(1, kernel_initializer=init, name="realism")(f)
        m = layers.LeakyReLU(slope)(layers.Dense(128, kernel_initializer=init)(layers.Concatenate()([f, code])))
        match = layers.Dense(1, kernel_initializer=init, name="match")(m)
        out = layers.Concatenate(name="logits")([realism, match])
    return keras.Model([x, y], out, name=name)


def auxiliary_classifier_discriminator(image_shape=(28, 28, 1), num_classes=10, filters=64, bn_momentum=0.9,
                                       slope=0.2, name="discriminator"):
    """ACGAN's D (Odena et al. 2017, §3): shared conv features, two heads, P(S | x) as one
    source logit and P(C | x) as ``num_classes`` class logits."""
    x = keras.Input(image_shape, name="image")
    f = dcgan_features(x, filters, bn_momentum, slope)
    source = layers.Dense(1, kernel_initializer=dcgan_init(), name="source")(f)
    classes = layers.Dense(num_classes, kernel_initializer=dcgan_init(), name="classes")(f)
    return keras.Model(x, [source, classes], name=name)


def info_discriminator(image_shape=(28, 28, 1), num_categories=10, num_continuous=2, filters=64, bn_momentum=0.9,
                       slope=0.2, name="discriminator"):
    """InfoGAN's D and Q sharing one body (Chen et al. 2016, §5): a real/fake logit, and
    Q(c | x) as categorical logits and the means of the continuous codes (a factored Gaussian
    with fixed unit variance, whose log-likelihood is -1/2 squared error + const)."""
    x = keras.Input(image_shape, name="image")
    f = dcgan_features(x, filters, bn_momentum, slope)
    init = dcgan_init()
    logit = layers.Dense(1, kernel_initializer=init, name="logit")(f)
    q = layers.Dense(128, use_bias=False, kernel_initializer=init)(f)
    q = layers.LeakyReLU(slope)(layers.BatchNormalization(momentum=bn_momentum)(q))
    category = layers.Dense(num_categories, kernel_initializer=init, name="q_category")(q)
    continuous = layers.Dense(max(num_continuous, 1), kernel_initializer=init, name="q_continuous")(q)
    return keras.Model(x, [logit, category, continuous], name=name)


# --- the Keras-2 network of seed 004, rebuilt in Keras 3 for comparison ------------------

def keras2_generator(latent_dim=100, name="keras2_generator"):
    """Seed 004's generator: Dense(1024) tanh -> Dense(7*7*128) BN tanh -> UpSampling2D + 5x5
    convs, tanh everywhere. Kept as the 'before' picture of lesson 2."""
    z = keras.Input((latent_dim,))
    h = layers.Dense(1024, activation="tanh")(z)
    h = layers.Dense(128 * 7 * 7)(h)
    h = layers.BatchNormalization()(h)
    h = layers.Activation("tanh")(h)
    h = layers.Reshape((7, 7, 128))(h)
    h = layers.UpSampling2D()(h)
    h = layers.Conv2D(64, 5, padding="same", activation="tanh")(h)
    h = layers.UpSampling2D()(h)
    x = layers.Conv2D(1, 5, padding="same", activation="tanh")(h)
    return keras.Model(z, x, name=name)


def keras2_discriminator(name="keras2_discriminator"):
    """Seed 004's discriminator: 5x5 convs with tanh and max-pooling, Dense(1024), one logit."""
    x = keras.Input((28, 28, 1))
    h = layers.Conv2D(64, 5, padding="same", activation="tanh")(x)
    h = layers.MaxPooling2D()(h)
    h = layers.Conv2D(128, 5, activation="tanh")(h)
    h = layers.MaxPooling2D()(h)
    h = layers.Flatten()(h)
    h = layers.Dense(1024, activation="tanh")(h)
    logit = layers.Dense(1)(h)
    return keras.Model(x, logit, name=name)


# --- image-to-image networks (Pix2Pix U-Net, PatchGAN, instance norm, CycleGAN ResNet) ---------


# --- super-resolution networks (SRCNN, SRResNet, SRGAN discriminator) --------------------------


# --- training tricks (minibatch discrimination, spectral normalisation, packing) ---------------
