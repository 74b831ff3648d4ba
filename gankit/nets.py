"""Network builders shared by the models (functional ``keras.Model``s).

Convention: every discriminator ends in ``Dense(1)`` / a 1-channel conv with *no*
activation and returns logits; the losses in :mod:`gankit.losses` apply the sigmoid.
Every generator ends in ``tanh`` and returns images in [-1, 1].
"""

import math

import keras
import numpy as np
from keras import layers

from gankit import config, losses


def dcgan_init():
    """Weights drawn from N(0, 0.02), as the DCGAN paper (Radford et al. 2016, §4) prescribes."""
    return keras.initializers.RandomNormal(mean=0.0, stddev=0.02)


# --- the 2014 MLP GAN (the minimal Keras example's MLP) -----------------------------------------------

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
    """D(x | y) in the two designs of Hung-yi Lee's lecture on conditional GANs.

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


def info_generator(latent_dim=74, image_shape=(28, 28, 1), filters=64, hidden=1024, bn_momentum=0.9,
                   name="generator"):
    """InfoGAN's MNIST generator (Chen et al. 2016, appendix C, table 1): FC ``hidden`` - BN -
    ReLU, then the DCGAN up-sampler (FC 7x7x128 - BN - ReLU, up-conv 64, up-conv 1 for
    ``filters=64``). ``hidden=0`` leaves out the first fully connected layer (plain DCGAN)."""
    z = keras.Input((latent_dim,), name="z")
    h = z
    if hidden:
        h = layers.Dense(hidden, use_bias=False, kernel_initializer=dcgan_init())(h)
        h = layers.ReLU()(layers.BatchNormalization(momentum=bn_momentum)(h))
    return keras.Model(z, dcgan_upsampler(h, image_shape, filters, bn_momentum), name=name)


def info_discriminator(image_shape=(28, 28, 1), num_categories=10, num_continuous=2, filters=64, bn_momentum=0.9,
                       slope=0.2, hidden=1024, name="discriminator"):
    """InfoGAN's D and Q sharing one body (Chen et al. 2016, §5 and appendix C, table 1): conv
    64 - conv 128 - BN - FC ``hidden`` - BN, then a real/fake logit, and Q(c | x) (FC 128 - BN)
    as categorical logits and the means of the continuous codes (a factored Gaussian with fixed
    unit variance, whose log-likelihood is -1/2 squared error + const)."""
    x = keras.Input(image_shape, name="image")
    f = dcgan_features(x, filters, bn_momentum, slope)
    init = dcgan_init()
    if hidden:
        f = layers.Dense(hidden, use_bias=False, kernel_initializer=init)(f)
        f = layers.LeakyReLU(slope)(layers.BatchNormalization(momentum=bn_momentum)(f))
    logit = layers.Dense(1, kernel_initializer=init, name="logit")(f)
    q = layers.Dense(128, use_bias=False, kernel_initializer=init)(f)
    q = layers.LeakyReLU(slope)(layers.BatchNormalization(momentum=bn_momentum)(q))
    category = layers.Dense(num_categories, kernel_initializer=init, name="q_category")(q)
    continuous = layers.Dense(max(num_continuous, 1), kernel_initializer=init, name="q_continuous")(q)
    return keras.Model(x, [logit, category, continuous], name=name)


# --- the widely copied Keras-2 "DCGAN" network, rebuilt in Keras 3 for comparison ------------------

def keras2_generator(latent_dim=100, name="keras2_generator"):
    """The Keras-2 example's generator (after the keras-dcgan project): Dense(1024) tanh -> Dense(7*7*128) BN tanh -> UpSampling2D + 5x5
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
    """The Keras-2 example's discriminator: 5x5 convs with tanh and max-pooling, Dense(1024), one logit."""
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

def instance_norm(name=None):
    """Instance normalisation (Ulyanov et al. 2016) as Keras' own ``GroupNormalization`` with
    one group per channel: each (example, channel) plane is normalised over its H x W pixels,
    then scaled and shifted by learned per-channel gamma/beta. Replaces the retired TF Addons layer."""
    return layers.GroupNormalization(groups=-1, epsilon=1e-5, name=name)


def _norm_layer(norm, bn_momentum=0.9):
    if norm == "batch":
        return layers.BatchNormalization(momentum=bn_momentum, epsilon=1e-5)
    if norm == "instance":
        return instance_norm()
    if norm in (None, "none"):
        return None
    raise ValueError(f"Unknown normalisation {norm!r}: use 'batch', 'instance' or None.")


def unet_depth(size):
    """How many stride-2 encoder blocks take a ``size`` x ``size`` image down to 1 x 1
    (Pix2Pix, Isola et al. 2017, appendix 6.1.1: 8 for 256, 7 for 128, 6 for 64, 5 for 32)."""
    depth, side = 0, int(size)
    while side > 1 and side % 2 == 0:
        side //= 2
        depth += 1
    if side != 1 or depth < 2:
        raise ValueError(f"The U-Net halves the image down to 1 x 1, so its side must be a power of two "
                         f"(32, 64, 128, 256 ...); got {size}. Resize the images (image_size=...) or pass "
                         f"depth= explicitly with a side divisible by 2**depth.")
    return depth


def unet_generator(image_shape=(256, 256, 3), out_channels=3, filters=64, depth=None, norm="batch",
                   dropout=0.5, bn_momentum=0.9, name="generator"):
    """Pix2Pix's U-Net generator (Isola et al. 2017, §3.2.1 and appendix 6.1.1).

    Encoder ``C64-C128-C256-C512-C512-...`` (4x4 convs, stride 2, LeakyReLU 0.2, no norm on the
    first block nor on the 1 x 1 bottleneck); decoder ``CD512-CD512-CD512-C512-...-C64`` (4x4
    transposed convs, stride 2, ReLU, dropout 0.5 in the first three blocks, which is the
    generator's only noise source, active at test time in the paper). Skip connections: decoder
    block ``i`` is concatenated with the encoder block of the same resolution, so low-level
    detail (edges, positions) crosses the bottleneck directly. Output: ``tanh`` in [-1, 1].

    ``depth`` (encoder blocks) defaults to ``unet_depth(side)``, i.e. down to 1 x 1: 8 for
    256, 7 for 128, 6 for 64, 5 for 32. Channel counts are ``filters * 2**i`` capped at
    ``8 * filters``.
    """
    h_side = image_shape[0]
    if depth is None:
        depth = unet_depth(h_side)
    depth = int(depth)
    if depth < 2 or h_side % 2 ** depth or image_shape[1] % 2 ** depth:
        raise ValueError(f"A U-Net of depth {depth} needs image sides divisible by {2 ** depth}; "
                         f"got {tuple(image_shape[:2])}.")
    init = dcgan_init()
    x = keras.Input(image_shape, name="input_image")
    skips, h = [], x
    for i in range(depth):
        ch = filters * min(2 ** i, 8)
        innermost = i == depth - 1
        h = layers.Conv2D(ch, 4, strides=2, padding="same", kernel_initializer=init,
                          use_bias=i == 0 or innermost or norm is None, name=f"down{i + 1}_conv")(h)
        n = None if (i == 0 or innermost) else _norm_layer(norm, bn_momentum)
        if n is not None:
            h = n(h)
        h = layers.LeakyReLU(0.2, name=f"down{i + 1}")(h)
        skips.append(h)
    # decoder: from the bottleneck back up, one block per encoder block but the first
    for j, skip in enumerate(reversed(skips[:-1])):
        level = depth - 2 - j                      # encoder index this block's output is joined with
        ch = filters * min(2 ** level, 8)
        h = layers.Conv2DTranspose(ch, 4, strides=2, padding="same", kernel_initializer=init,
                                   use_bias=norm is None, name=f"up{j + 1}_conv")(h)
        n = _norm_layer(norm, bn_momentum)
        if n is not None:
            h = n(h)
        if dropout and j < 3:
            h = layers.Dropout(dropout, name=f"up{j + 1}_dropout")(h)
        h = layers.ReLU()(h)
        h = layers.Concatenate(name=f"skip{j + 1}")([h, skip])
    y = layers.Conv2DTranspose(out_channels, 4, strides=2, padding="same", activation="tanh",
                               kernel_initializer=init, name="output_image")(h)
    return keras.Model(x, y, name=name)


def patchgan_layers(n_layers=3, kernel=4):
    """(kernel, stride) of each convolution of a PatchGAN with ``n_layers`` stride-2 blocks:
    ``n_layers`` x (4, 2), then (4, 1) for the extra feature block and (4, 1) for the logit map."""
    return [(kernel, 2)] * n_layers + [(kernel, 1), (kernel, 1)]


def patchgan_receptive_field(n_layers=3, kernel=4):
    """Side (in input pixels) of the patch one output logit of the PatchGAN sees.

    Going backwards from one output pixel, each conv of kernel ``k`` widens the field by
    ``(k - 1)`` times the product of the strides below it:
    $r = 1 + \\sum_l (k_l - 1) \\prod_{m<l} s_m$. For the default ``n_layers=3`` this is
    1 + 3(1 + 2 + 4 + 8 + 8) = 70, the paper's 70 x 70 PatchGAN (Isola et al. 2017, §3.2.2);
    ``n_layers=1`` gives 16 and ``n_layers=5`` 286 (the paper's "ImageGAN" on 256 x 256).
    """
    field, jump = 1, 1
    for k, s in patchgan_layers(n_layers, kernel):
        field += (k - 1) * jump
        jump *= s
    return field


def patchgan_discriminator(image_shape=(256, 256, 3), condition_shape=None, filters=64, n_layers=3, norm="batch",
                           bn_momentum=0.9, name="discriminator"):
    """The PatchGAN discriminator (Isola et al. 2017, §3.2.2; used again by CycleGAN).

    ``C64-C128-C256-C512`` (4x4 convs, LeakyReLU 0.2, stride 2 for the first ``n_layers``,
    stride 1 for the last; no norm on the first) and a final 4x4 conv to **one channel with no
    activation**: the output is a map of logits, each judging whether one
    ``patchgan_receptive_field(n_layers)`` x same patch of the input is real (70 x 70 by default).

    * Pix2Pix (conditional): give ``condition_shape``; the model takes ``[condition, image]``
      and concatenates them along channels, so D judges the *pair* (input, output).
    * CycleGAN: leave ``condition_shape=None``; the model takes a single image.
    ``norm``: ``"batch"`` (Pix2Pix), ``"instance"`` (CycleGAN) or ``None``.
    """
    init = dcgan_init()
    image = keras.Input(image_shape, name="image")
    if condition_shape is not None:
        condition = keras.Input(condition_shape, name="condition")
        inputs = [condition, image]
        h = layers.Concatenate(name="pair")([condition, image])
    else:
        inputs = image
        h = image
    ch = filters
    for i, (k, s) in enumerate(patchgan_layers(n_layers)[:-1]):
        ch = filters * min(2 ** i, 8)
        h = layers.Conv2D(ch, k, strides=s, padding="same", kernel_initializer=init,
                          use_bias=i == 0 or norm is None, name=f"conv{i + 1}")(h)
        n = None if i == 0 else _norm_layer(norm, bn_momentum)
        if n is not None:
            h = n(h)
        h = layers.LeakyReLU(0.2)(h)
    logits = layers.Conv2D(1, 4, strides=1, padding="same", kernel_initializer=init, name="patch_logits")(h)
    return keras.Model(inputs, logits, name=name)



# CycleGAN's ResNet generator (Zhu et al. 2017, appendix 7.2; Johnson et al. 2016's network)

@keras.saving.register_keras_serializable(package="gankit")
class ReflectionPadding2D(layers.Layer):
    """Pad H and W by mirroring the border pixels (``tf.pad(mode="REFLECT")``), not with zeros.

    CycleGAN pads this way before every 7x7 and 3x3 stride-1 convolution "to reduce
    artifacts" (appendix 7.2): zero padding gives the generator a dark frame it learns to
    reproduce at the image border.
    """

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = int(padding)

    def call(self, x):
        import tensorflow as tf

        p = self.padding
        return tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]], mode="REFLECT")

    def compute_output_shape(self, shape):
        grow = lambda s: None if s is None else s + 2 * self.padding  # noqa: E731
        return (shape[0], grow(shape[1]), grow(shape[2]), shape[3])

    def get_config(self):
        return {**super().get_config(), "padding": self.padding}


def resnet_generator(image_shape=(256, 256, 3), filters=64, n_blocks=None, out_channels=None, name="generator"):
    """CycleGAN's generator (Zhu et al. 2017, appendix 7.2), in the paper's notation

        c7s1-64, d128, d256, R256 x n_blocks, u128, u64, c7s1-3

    * ``c7s1-k``: reflection pad 3, 7x7 conv stride 1 with k filters, instance norm, ReLU;
    * ``dk``: 3x3 conv stride 2 (halves H and W), instance norm, ReLU;
    * ``Rk``: residual block ``x + IN(conv3x3(ReLU(IN(conv3x3(x)))))``, reflection padded,
      no ReLU after the sum (He et al. 2016 as used by Johnson et al. 2016);
    * ``uk``: 3x3 transposed conv stride 2 (doubles H and W), instance norm, ReLU;
    * the last ``c7s1-3`` has no norm and ends in ``tanh``.

    ``filters`` is the 64 of the paper; ``n_blocks`` defaults to 9 for images of 256 px and
    more, 6 below (the paper's rule for 128 x 128). Instance norm is ``instance_norm()``
    (``GroupNormalization(groups=-1)``); weights start from N(0, 0.02). The image sides must
    be divisible by 4 (two stride-2 steps down and two up).
    """
    side = min(image_shape[0], image_shape[1])
    if image_shape[0] % 4 or image_shape[1] % 4:
        raise ValueError(f"The ResNet generator halves the image twice, so its sides must be divisible by 4; "
                         f"got {tuple(image_shape[:2])}.")
    n_blocks = int(n_blocks if n_blocks is not None else (9 if side >= 256 else 6))
    out_channels = int(out_channels or image_shape[-1])
    init = dcgan_init()
    conv = lambda ch, k, s=1, **kw: layers.Conv2D(ch, k, strides=s, use_bias=False,  # noqa: E731
                                                  kernel_initializer=init, **kw)
    x = keras.Input(image_shape, name="input_image")
    h = ReflectionPadding2D(3)(x)
    h = layers.ReLU()(instance_norm()(conv(filters, 7, padding="valid", name="c7s1")(h)))
    for i in (1, 2):                                        # d128, d256
        h = conv(filters * 2 ** i, 3, 2, padding="same", name=f"d{filters * 2 ** i}_{i}")(h)
        h = layers.ReLU()(instance_norm()(h))
    ch = filters * 4
    for b in range(n_blocks):                               # R256 x n_blocks
        r = ReflectionPadding2D(1)(h)
        r = layers.ReLU()(instance_norm()(conv(ch, 3, padding="valid", name=f"res{b + 1}_a")(r)))
        r = ReflectionPadding2D(1)(r)
        r = instance_norm()(conv(ch, 3, padding="valid", name=f"res{b + 1}_b")(r))
        h = layers.Add(name=f"res{b + 1}")([h, r])
    for i in (1, 0):                                        # u128, u64
        h = layers.Conv2DTranspose(filters * 2 ** i, 3, strides=2, padding="same", use_bias=False,
                                   kernel_initializer=init, name=f"u{filters * 2 ** i}")(h)
        h = layers.ReLU()(instance_norm()(h))
    h = ReflectionPadding2D(3)(h)
    y = layers.Conv2D(out_channels, 7, padding="valid", activation="tanh", kernel_initializer=init,
                      name="output_image")(h)
    return keras.Model(x, y, name=name)


# --- super-resolution networks (SRCNN, SRResNet, SRGAN discriminator) --------------------------

@keras.saving.register_keras_serializable(package="gankit")
class PixelShuffle(layers.Layer):
    """Sub-pixel convolution's rearrangement (Shi et al. 2016, eq. 4): (N, H, W, C r²) ->
    (N, H r, W r, C); output pixel (y, x, c) is input (y // r, x // r, C r (y mod r) + C (x mod r) + c),
    which is ``depth_to_space``."""

    def __init__(self, scale=2, **kwargs):
        super().__init__(**kwargs)
        self.scale = int(scale)

    def call(self, x):
        return keras.ops.depth_to_space(x, self.scale)

    def compute_output_shape(self, shape):
        up = lambda s: None if s is None else s * self.scale  # noqa: E731
        return (shape[0], up(shape[1]), up(shape[2]), shape[3] // self.scale ** 2)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


def cubic_matrix(n_in, scale, a=-0.5):
    """The ``(n_in * scale, n_in)`` matrix of bicubic up-sampling along one axis: Keys' cubic
    kernel (a = -0.5), half-pixel centres, taps outside the image dropped and the other weights
    renormalised, as TensorFlow's ``ResizeBicubic`` does. Output pixel j sits at input
    coordinate u = (j + 1/2) / scale - 1/2 and takes the four pixels around it with weights
    W(|u - i|): W(t) = (a+2)|t|³ - (a+3)|t|² + 1 for |t| <= 1, a|t|³ - 5a|t|² + 8a|t| - 4a for
    1 < |t| < 2 (Keys 1981)."""
    ops = keras.ops
    u = (ops.cast(ops.arange(n_in * scale), "float32") + 0.5) / float(scale) - 0.5
    taps = ops.floor(u)[:, None] + ops.convert_to_tensor([-1.0, 0.0, 1.0, 2.0])
    t = ops.abs(u[:, None] - taps)
    w = ops.where(t <= 1.0, ((a + 2) * t - (a + 3)) * t * t + 1.0,
                  ops.where(t < 2.0, ((a * t - 5 * a) * t + 8 * a) * t - 4 * a, 0.0))
    index = ops.cast(taps, "int32")
    w = ops.where((index >= 0) & (index < n_in), w, 0.0)
    w = w / ops.sum(w, axis=1, keepdims=True)
    return ops.sum(w[..., None] * ops.one_hot(ops.clip(index, 0, n_in - 1), n_in), axis=1)


@keras.saving.register_keras_serializable(package="gankit")
class ICNR(keras.initializers.Initializer):
    """ICNR initialisation of the convolution before a ``PixelShuffle(scale)`` (Aitken et al. 2017,
    "Checkerboard artifact free sub-pixel convolution", §3): draw a kernel with ``C`` output channels
    from ``initializer``, then repeat it for each of the scale² sub-pixel positions, so that
    channel j of the (k, k, C_in, C scale²) kernel is channel j mod C of the drawn one (the channel
    order of ``depth_to_space``, see :class:`PixelShuffle`). Conv + pixel shuffle then starts out
    exactly as conv + nearest-neighbour enlargement: every scale x scale block is flat, so the
    network begins without the periodic grid that independently drawn sub-pixel kernels give.
    Zero biases (Keras' default) keep that true."""

    def __init__(self, scale=2, initializer="glorot_uniform"):
        self.scale = int(scale)
        self.initializer = keras.initializers.get(initializer)

    def __call__(self, shape, dtype=None):
        *kernel, out = shape
        groups = self.scale ** 2
        if out % groups:
            raise ValueError(f"ICNR(scale={self.scale}) needs a multiple of {groups} output channels; got {out}.")
        base = self.initializer((*kernel, out // groups), dtype=dtype)
        return keras.ops.tile(base, (1,) * len(kernel) + (groups,))

    def get_config(self):
        return {"scale": self.scale, "initializer": keras.initializers.serialize(self.initializer)}

    @classmethod
    def from_config(cls, config):
        return cls(config["scale"], keras.initializers.deserialize(config["initializer"]))


@keras.saving.register_keras_serializable(package="gankit")
class BicubicUpscale(layers.Layer):
    """Resize by ``scale`` with bicubic interpolation (SRCNN's first step, Dong et al. 2014 §3.1).

    Bicubic up-sampling is linear and separable: per channel, sr = M_h · lr · M_wᵀ with the
    matrices of :func:`cubic_matrix`. Written as one ``einsum`` it equals
    ``tf.image.resize(..., "bicubic")`` (to float rounding for power-of-two scales; a test
    checks it) and, unlike TensorFlow's resize kernel, XLA compiles it, so the SR models train
    with ``jit_compile=True``. The matrices cost O(scale² · H · W) memory, nothing for the
    patches of training and a few MB for a whole photo."""

    def __init__(self, scale=4, **kwargs):
        super().__init__(**kwargs)
        self.scale = int(scale)

    def call(self, x):
        shape = keras.ops.shape(x)
        rows, cols = cubic_matrix(shape[1], self.scale), cubic_matrix(shape[2], self.scale)
        # two contractions, rows then columns: a three-operand einsum may build the (sH, H, sW, W) outer product first
        x = keras.ops.einsum("oh,bhwc->bowc", keras.ops.cast(rows, x.dtype), x)
        return keras.ops.einsum("bowc,pw->bopc", x, keras.ops.cast(cols, x.dtype))

    def compute_output_shape(self, shape):
        up = lambda s: None if s is None else s * self.scale  # noqa: E731
        return (shape[0], up(shape[1]), up(shape[2]), shape[3])

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


def srcnn(scale=4, channels=3, filters=(64, 32), kernels=(9, 1, 5), name="srcnn"):
    """SRCNN (Dong et al. 2014, §3.1-3.2): bicubic up-sampling, then patch extraction
    (9x9, 64, ReLU), non-linear mapping (1x1, 32, ReLU) and reconstruction (5x5, linear),
    F(Y) = W3 * max(0, W2 * max(0, W1 * Y + B1) + B2) + B3. Takes the low-resolution image, any size."""
    lr = keras.Input((None, None, channels), name="lr")
    h = BicubicUpscale(scale, name="bicubic")(lr)
    for f, k in zip(filters, kernels):
        h = layers.Conv2D(f, k, padding="same", activation="relu")(h)
    sr = layers.Conv2D(channels, kernels[-1], padding="same", name="reconstruction")(h)
    return keras.Model(lr, sr, name=name)


def srresnet_generator(scale=4, channels=3, blocks=16, filters=64, bn_momentum=0.9, residual=False,
                       icnr=True, upsample="subpixel", name="generator"):
    """SRGAN's generator (Ledig et al. 2017, fig. 4): conv 9x9 + PReLU; ``blocks`` residual
    blocks (conv 3x3 - BN - PReLU - conv 3x3 - BN, plus the identity); conv 3x3 - BN plus a skip
    from before the blocks; log2(scale) sub-pixel stages (conv 3x3 to 4x filters, PixelShuffle(2),
    PReLU); conv 9x9 to the image, tanh. Fully convolutional: any LR size in, ``scale`` x out.

    ``residual=True`` (not in the paper) adds the bicubic up-sampling of the input to a linear,
    zero-initialised last conv, so the network starts as bicubic interpolation and learns only
    the missing detail (VDSR's global residual, Kim et al. 2016): far fewer steps to beat bicubic,
    which a CPU budget needs.

    ``icnr=True`` initialises each sub-pixel stage's conv with :class:`ICNR` (Aitken et al. 2017),
    so that the stages start as nearest-neighbour enlargement, free of the scale-periodic grid;
    ``icnr=False`` draws its kernels like every other conv (Glorot uniform).

    ``upsample="resize"`` (not in the paper) replaces each sub-pixel stage by resize-convolution
    (Odena et al. 2016): nearest-neighbour enlargement x2, then a 3x3 conv with ``filters`` outputs,
    then PReLU. One kernel serves all four sub-pixel positions, so the stage cannot paint a
    different pattern on each; same weights per stage / 4, about the same multiply-adds."""
    if scale < 2 or scale & (scale - 1):
        raise ValueError(f"scale must be a power of two (2, 4, 8); got {scale}.")
    if upsample not in ("subpixel", "resize"):
        raise ValueError(f"upsample must be 'subpixel' or 'resize'; got {upsample!r}.")
    prelu = lambda: layers.PReLU(shared_axes=[1, 2])  # noqa: E731  one slope per channel
    lr = keras.Input((None, None, channels), name="lr")
    h = prelu()(layers.Conv2D(filters, 9, padding="same")(lr))
    skip = h
    for _ in range(blocks):
        r = layers.Conv2D(filters, 3, padding="same")(h)
        r = prelu()(layers.BatchNormalization(momentum=bn_momentum)(r))
        r = layers.BatchNormalization(momentum=bn_momentum)(layers.Conv2D(filters, 3, padding="same")(r))
        h = layers.Add()([h, r])
    h = layers.BatchNormalization(momentum=bn_momentum)(layers.Conv2D(filters, 3, padding="same")(h))
    h = layers.Add()([skip, h])
    for _ in range(int(math.log2(scale))):
        if upsample == "resize":
            h = layers.Conv2D(filters, 3, padding="same")(layers.UpSampling2D(2, interpolation="nearest")(h))
            h = prelu()(h)
            continue
        init = ICNR(2) if icnr else "glorot_uniform"
        h = layers.Conv2D(filters * 4, 3, padding="same", kernel_initializer=init)(h)
        h = prelu()(PixelShuffle(2)(h))
    if residual:
        detail = layers.Conv2D(channels, 9, padding="same", kernel_initializer="zeros", name="detail")(h)
        sr = layers.Add(name="sr")([BicubicUpscale(scale, name="bicubic")(lr), detail])
    else:
        sr = layers.Conv2D(channels, 9, padding="same", activation="tanh", name="sr")(h)
    return keras.Model(lr, sr, name=name)


@keras.saving.register_keras_serializable(package="gankit")
class Blur2D(layers.Layer):
    """A fixed binomial blur [1, 2, 1] ⊗ [1, 2, 1] / 16 per channel, stride 1, reflected borders
    (the low-pass filter of Zhang 2019, "Making convolutional networks shift-invariant again").
    Its response is 0 at the period-2 frequency: put before a stride-2 conv, it stops that conv's
    period-2 aliasing, and with it the period-2 pattern of the gradient the conv sends back."""

    def call(self, x):
        k = np.outer([1.0, 2.0, 1.0], [1.0, 2.0, 1.0]) / 16.0
        kernel = keras.ops.cast(np.tile(k[:, :, None, None], (1, 1, x.shape[-1], 1)), x.dtype)
        x = keras.ops.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="reflect")
        return keras.ops.depthwise_conv(x, kernel, strides=1, padding="valid")


def srgan_discriminator(image_shape=(96, 96, 3), filters=64, dense=1024, slope=0.2, bn_momentum=0.9,
                        blur=False, name="discriminator"):
    """SRGAN's discriminator (Ledig et al. 2017, fig. 4): eight 3x3 convs, ``filters`` doubling
    every two (64 -> 512), stride 2 in every second, BN after all but the first, LeakyReLU(0.2);
    then Dense(1024) - LeakyReLU - Dense(1), a logit for "this HR patch is real".

    ``blur=True`` (not in the paper) puts a :class:`Blur2D` before each stride-2 conv."""
    x = keras.Input(image_shape, name="hr")
    h = layers.LeakyReLU(slope)(layers.Conv2D(filters, 3, padding="same")(x))
    for i in range(1, 8):
        f = filters * 2 ** (i // 2)
        if blur and i % 2:
            h = Blur2D()(h)
        h = layers.Conv2D(f, 3, strides=2 if i % 2 else 1, padding="same")(h)
        h = layers.LeakyReLU(slope)(layers.BatchNormalization(momentum=bn_momentum)(h))
    h = layers.LeakyReLU(slope)(layers.Dense(dense)(layers.Flatten()(h)))
    return keras.Model(x, layers.Dense(1, name="logit")(h), name=name)


# --- training tricks (minibatch discrimination, spectral normalisation, packing) ---------------

@keras.saving.register_keras_serializable(package="gankit")
class MinibatchDiscrimination(layers.Layer):
    """Minibatch discrimination (Salimans et al. 2016, §3.2): let D compare each example
    with the rest of its minibatch, so a generator that collapses onto one output is caught.

    For features f(x_i) in R^A and a learned tensor T in R^{A x B x C}:

        M_i = f(x_i) T  in R^{B x C},   c_b(x_i, x_j) = exp(-||M_{i,b} - M_{j,b}||_1),
        o(x_i)_b = sum_{j=1}^{n} c_b(x_i, x_j),   output = [f(x_i), o(x_i)]  in R^{A + B}.

    The sum runs over the whole minibatch, x_i included (as in the paper), so o is at least 1.
    Real and fake batches go through D in separate calls, so each is compared with its own
    kind. Under ``tf.distribute`` "the minibatch" is the global batch: each replica compares its
    examples with every replica's (``losses.gather_batch``), so k replicas compute what one
    device computes. Defaults: B = 100 kernels of C = 5 dimensions. Memory grows as n^2 B C:
    fine for minibatches of a few hundred.
    """

    def __init__(self, num_kernels=100, kernel_dim=5, **kwargs):
        super().__init__(**kwargs)
        self.num_kernels = int(num_kernels)
        self.kernel_dim = int(kernel_dim)

    def build(self, input_shape):
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(f"MinibatchDiscrimination expects flat features (batch, A), got {tuple(input_shape)}; "
                             "put a Flatten layer before it.")
        self.T = self.add_weight(name="T", shape=(input_shape[-1], self.num_kernels * self.kernel_dim),
                                 initializer=keras.initializers.RandomNormal(stddev=0.05))

    def call(self, features):
        m = keras.ops.reshape(keras.ops.matmul(features, self.T), (-1, self.num_kernels, self.kernel_dim))
        others = losses.gather_batch(m)  # the whole minibatch (every replica's examples)
        l1 = keras.ops.sum(keras.ops.abs(m[:, None, :, :] - others[None, :, :, :]), axis=-1)  # (n, N, B)
        o = keras.ops.sum(keras.ops.exp(-l1), axis=1)                                     # (n, B)
        return keras.ops.concatenate([features, keras.ops.cast(o, features.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1] + self.num_kernels)

    def get_config(self):
        return {**super().get_config(), "num_kernels": self.num_kernels, "kernel_dim": self.kernel_dim}


def packed_shape(image_shape, pack):
    """The input shape of a PacGAN discriminator that reads ``pack`` examples at once: the
    examples are stacked along the last axis (channels of an image, coordinates of a point)."""
    image_shape = tuple(image_shape)
    return image_shape[:-1] + (image_shape[-1] * int(pack),)


def pack_samples(x, pack):
    """PacGAN packing (Lin et al. 2018, §3): (n, ..., c) -> (n // pack, ..., pack * c).

    Consecutive examples form one pack (all real or all fake); a remainder of fewer than
    ``pack`` examples is dropped. A batch of fewer than ``pack`` examples (e.g. the last, partial
    batch of an epoch) still makes one pack, filled by repeating its examples: zero packs would
    give D a mean over nothing, a NaN. ``pack=1`` returns ``x`` unchanged. Works inside a
    compiled ``train_step`` (the batch size may be unknown; the other axes must be known)."""
    pack = int(pack)
    if pack == 1:
        return x
    import tensorflow as tf

    rest = list(x.shape[1:])
    if any(d is None for d in rest):
        raise ValueError(f"pack_samples needs the per-example shape, got {tuple(x.shape)}.")
    batch = tf.shape(x)[0]
    n = tf.maximum(batch // pack, 1)
    x = tf.reshape(tf.gather(x, tf.range(n * pack) % batch), [n, pack] + rest)
    if len(rest) > 1:  # images: move the pack axis next to the channels, (n, H, W, pack, C)
        x = tf.transpose(x, [0] + list(range(2, len(rest) + 1)) + [1, len(rest) + 1])
    return tf.reshape(x, [n] + rest[:-1] + [pack * rest[-1]])


def dense_batch_norm_layers(network):
    """The ``BatchNormalization`` layers of ``network`` (nested models included) that normalise
    flat features (batch, units). Their statistics are taken over the batch axis alone, so with a
    batch of one example every feature becomes beta: every input gives the same output (e.g.
    InfoGAN's fully connected layers). Batch norm on feature maps also averages over positions
    and still works with one example (Pix2Pix's batch size 1)."""
    found = []
    for layer in network.layers:
        if isinstance(layer, keras.Model):
            found += dense_batch_norm_layers(layer)
        elif isinstance(layer, layers.BatchNormalization):
            spec = layer.input_spec
            spec = spec[0] if isinstance(spec, (list, tuple)) else spec
            if spec is not None and spec.ndim == 2:
                found.append(layer)
    return found


def spectral_normalized(network, power_iterations=1):
    """A copy of a functional ``network`` (fresh weights) whose ``Dense`` and ``Conv2D`` layers are
    wrapped in ``keras.layers.SpectralNormalization`` (SNGAN, Miyato et al. 2018, eq. 8):

        W_SN = W / sigma(W),   sigma(W) = max_{h != 0} ||W h||_2 / ||h||_2,

    sigma estimated by ``power_iterations`` step(s) of the power method per training call, with
    the vector u kept between calls (Algorithm 1). Each layer then has Lipschitz constant <= 1,
    and so has D up to its activations (LeakyReLU is 1-Lipschitz). Keras' layer writes W / sigma
    back into the kernel at every training call (a projection), rather than keeping W and
    dividing on the fly as the paper does; the forward pass is the same."""
    def wrap(layer):
        fresh = layer.__class__.from_config(layer.get_config())
        if isinstance(layer, (layers.Dense, layers.Conv2D)) and not isinstance(layer, layers.Conv2DTranspose):
            return layers.SpectralNormalization(fresh, power_iterations=power_iterations, name=f"sn_{layer.name}")
        return fresh

    return keras.models.clone_model(network, clone_function=wrap)


def with_minibatch_discrimination(network, num_kernels=100, kernel_dim=5):
    """``network`` (a functional discriminator ending in one ``Dense`` logit layer) with a
    ``MinibatchDiscrimination`` layer inserted before that last layer, and a new logit layer."""
    last = network.layers[-1]
    inner = getattr(last, "layer", last)  # a spectrally normalised Dense is a wrapper
    if not isinstance(inner, layers.Dense) or len(network.outputs) != 1:
        raise ValueError(f"with_minibatch_discrimination needs a discriminator ending in one Dense logit layer; "
                         f"{network.name!r} ends in {type(last).__name__}.")
    features = last.input
    h = MinibatchDiscrimination(num_kernels, kernel_dim, name="minibatch_discrimination")(features)
    logit = last.__class__.from_config({**last.get_config(), "name": "logit"})(h)
    return keras.Model(network.inputs, logit, name=network.name)


# --- super-resolution helpers: the content loss's feature network, whole pictures, the baseline ----

VGG19_NOTOP = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"


def vgg19_features(layer="block5_conv4", weights="imagenet"):
    """VGG19 up to ``layer`` (SRGAN's VGG54 = ``block5_conv4``), taking images in [-1, 1].

    Converts to VGG's input (0-255, BGR, ImageNet mean removed) inside the model. Raises
    ``OSError`` / ``ValueError`` / ``Exception`` from Keras when the weights cannot be loaded."""
    vgg = keras.applications.VGG19(include_top=False, weights=weights, input_shape=(None, None, 3))
    body = keras.Model(vgg.input, vgg.get_layer(layer).output)
    x = keras.Input((None, None, 3), name="image")
    rgb = (x + 1.0) * 127.5
    bgr = keras.ops.flip(rgb, axis=-1) - keras.ops.convert_to_tensor([103.939, 116.779, 123.68])
    return keras.Model(x, body(bgr) / 12.75, name="vgg19_features")


def _vgg19_available():
    """Why VGG19's ImageNet weights can or cannot be used here: (True/False, reason)."""
    from gankit.data import offline

    cached = config.current().keras_home / "models" / VGG19_NOTOP
    if cached.is_file():
        return True, f"VGG19 ImageNet weights found in {cached.parent}"
    if offline():
        return False, "VGG19's ImageNet weights are not cached and offline mode (GANKIT_OFFLINE=1) forbids the download"
    return None, "VGG19's ImageNet weights are not cached; trying the download"


def vgg19_available():
    """Whether VGG19's ImageNet weights are cached (True), cannot be fetched offline (False) or
    may be downloaded (None), with the reason."""
    return _vgg19_available()


def content_extractor(content="auto"):
    """``(feature model or None, kind, reason)`` for ``content`` in auto / vgg19 / pixel."""
    if content not in ("auto", "vgg19", "pixel"):
        raise ValueError(f"content must be 'auto', 'vgg19' or 'pixel' (or pass feature_extractor=); got {content!r}.")
    if content == "pixel":
        return None, "pixel", "pixel MSE chosen"
    ok, why = _vgg19_available()
    if ok is not False:
        try:
            return vgg19_features(), "vgg19", why.replace("; trying the download", "; downloaded")
        except Exception as err:  # noqa: BLE001  offline, firewall, damaged file
            why = f"VGG19's ImageNet weights could not be loaded ({type(err).__name__}: {str(err)[:120]})"
    if content == "vgg19":
        raise RuntimeError(why + ". Pass feature_extractor= (e.g. SRCNN.features()) or use content='pixel'.")
    return None, "pixel", why + "; falling back to pixel MSE"


def upscale_with(network, image, scale, pad=8, batch_size=8):
    """``network`` on whole pictures of any size: one HxWxC image or a batch (a list of
    differently sized images works too). Borders are padded by mirroring ``pad`` pixels (so the
    convolutions' zero padding does not darken the edge) and the padding is cut off again.
    uint8 in -> uint8 out; float in [-1, 1] -> float32 in [-1, 1]."""
    if isinstance(image, (list, tuple)):
        return [upscale_with(network, im, scale, pad, batch_size) for im in image]
    image = np.asarray(image)
    as_uint8 = image.dtype == np.uint8
    x = image.astype("float32") / 127.5 - 1.0 if as_uint8 else image.astype("float32")
    single = x.ndim == 3
    if single:
        x = x[None]
    if x.ndim != 4:
        raise ValueError(f"upscale() takes an HxWxC image or a batch NxHxWxC; got shape {image.shape}.")
    h, w = x.shape[1:3]
    p = max(0, min(pad, h, w))
    xp = np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)), mode="symmetric")
    outs = [np.asarray(network(xp[i:i + batch_size], training=False)) for i in range(0, len(xp), batch_size)]
    out = np.concatenate(outs)[:, p * scale:(p + h) * scale, p * scale:(p + w) * scale]
    out = np.clip(out, -1.0, 1.0).astype("float32")
    out = out[0] if single else out
    return np.clip(np.round((out + 1.0) * 127.5), 0, 255).astype(np.uint8) if as_uint8 else out


def bicubic(image, scale=4):
    """The classic baseline: bicubic up-sampling of LR images in [-1, 1] (HxWxC or a batch)."""
    import tensorflow as tf

    x = np.asarray(image, dtype="float32")
    single = x.ndim == 3
    x = x[None] if single else x
    out = tf.image.resize(x, (x.shape[1] * scale, x.shape[2] * scale), method="bicubic").numpy()
    out = np.clip(out, -1.0, 1.0)
    return out[0] if single else out


# --- WGAN's critic (DCGAN's discriminator without batch norm for WGAN-GP) ---------------------------

def dcgan_critic(image_shape=(28, 28, 1), filters=64, norm="layer", slope=0.2, name="critic"):
    """DCGAN's discriminator as a critic: strided convs, LeakyReLU(0.2), a linear score.

    ``norm``: ``"batch"`` (the WGAN paper's DCGAN critic), ``"layer"`` (WGAN-GP's
    recommendation: normalises each example on its own, over height, width and channels) or
    ``None``. No normalisation on the first layer, as in DCGAN.
    """
    n, _ = _num_doublings(image_shape[0])
    init = dcgan_init()
    x = keras.Input(image_shape, name="image")
    h, ch = x, filters
    for i in range(n):
        normed = i > 0 and norm is not None
        h = layers.Conv2D(ch, 4, strides=2, padding="same", use_bias=not normed, kernel_initializer=init)(h)
        if normed and norm == "batch":
            h = layers.BatchNormalization(momentum=0.9)(h)
        elif normed and norm == "layer":
            h = layers.LayerNormalization(axis=[1, 2, 3])(h)
        elif normed:
            raise ValueError(f"norm must be 'batch', 'layer' or None, not {norm!r}")
        h = layers.LeakyReLU(slope)(h)
        ch *= 2
    h = layers.Flatten()(h)
    score = layers.Dense(1, kernel_initializer=init, name="score")(h)
    return keras.Model(x, score, name=name)


def has_batch_norm(model):
    """True if any layer of ``model`` (nested models included) is a BatchNormalization."""
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            return True
        if isinstance(layer, keras.Model) and has_batch_norm(layer):
            return True
    return False
