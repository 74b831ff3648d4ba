"""Single-image super-resolution: SRCNN, SRResNet and SRGAN / ESRGAN's relativistic loss.

* ``SRCNN`` (Dong et al. 2014): bicubic up-sampling then three convolutions, trained with
  pixel MSE; the baseline of lesson 9.
* ``SRResNet`` (Ledig et al. 2017, §2.2 and §3.2): the SRGAN generator trained with pixel MSE
  alone; the PSNR-oriented model and the starting point of the GAN stage, as in the paper.
* ``SRGAN`` (Ledig et al. 2017, eq. 3): the same generator trained with the perceptual loss
  l^SR = l^SR_X (content) + 10⁻³ l^SR_Gen (adversarial) against the paper's discriminator;
  ``adversarial="relativistic"`` swaps in ESRGAN's relativistic average discriminator
  (Wang et al. 2018, eq. 1-2).

All three map a low-resolution image in [-1, 1] to one ``scale`` times larger, and all have
``upscale(image)``: a whole picture of any size (the networks are fully convolutional).

Content loss: ``content="vgg19"`` is the paper's VGG54 feature MSE (ImageNet VGG19,
``block5_conv4``, features divided by 12.75 as in the paper); ``"pixel"`` is plain MSE;
``"auto"`` takes VGG19 where its weights can be loaded, else pixels, and says why in
``content_source``. Any frozen feature network can be passed as ``feature_extractor=``, e.g.
the feature layers of an SRCNN the project trained itself (``SRCNN.features()``), which is what
lesson 9 uses where VGG19's ImageNet weights cannot be downloaded.
"""

import numpy as np
import keras
import tensorflow as tf

from gankit import losses, nets, runtime
from gankit.models.base import ImageToImage


# --- the content loss's feature extractor ------------------------------------------------------


# --- whole pictures ----------------------------------------------------------------------------


# --- pixel-loss models: SRCNN and SRResNet -----------------------------------------------------

class _PixelSR(keras.Model):
    """A network ``lr -> sr`` trained with pixel MSE by Keras' own ``train_step``
    (``fit`` on ``(lr, hr)`` batches); ``upscale`` for whole pictures."""

    def __init__(self, net, scale=4, **kwargs):
        super().__init__(**kwargs)
        self.net = net
        self.scale = int(scale)

    def call(self, lr, training=False):
        return self.net(lr, training=training)

    def compile(self, optimizer=None, loss="mse", **kwargs):
        kwargs.setdefault("jit_compile", runtime.jit_compile(self))
        super().compile(optimizer=optimizer or self.default_optimizer(), loss=loss, **kwargs)

    def default_optimizer(self):
        return keras.optimizers.Adam(1e-4)

    def upscale(self, image, pad=8, batch_size=8):
        """Super-resolve whole pictures of any size (see :func:`upscale_with`)."""
        return nets.upscale_with(self.net, image, self.scale, pad, batch_size)

    def get_compile_config(self):
        if not getattr(self, "compiled", False) or self.optimizer is None:
            return {}
        return {"optimizer": keras.optimizers.serialize(self.optimizer)}

    def compile_from_config(self, config):
        self.compile(optimizer=keras.optimizers.deserialize(config["optimizer"]) if config.get("optimizer") else None)
        if config.get("optimizer"):  # give the saved optimizer state variables to load into
            self.optimizer.build(self.trainable_variables)

    def get_config(self):
        return {"name": self.name, "net": keras.saving.serialize_keras_object(self.net), "scale": self.scale}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["net"] = keras.saving.deserialize_keras_object(config["net"])
        return cls(**config)


@keras.saving.register_keras_serializable(package="gankit")
class SRCNN(_PixelSR):
    """Dong et al. 2014: F = conv5x5(ReLU(conv1x1(ReLU(conv9x9(bicubic(lr)))))), trained to
    minimise the pixel MSE (1/n) Σ ||F(Y_i) - X_i||² (eq. 4). 9-1-5 kernels, 64 and 32 filters.
    The paper trains with SGD at 1e-4 (1e-5 for the last layer) for 10⁸ steps; on a CPU budget
    gankit uses Adam(3e-4)."""

    def __init__(self, net=None, scale=4, channels=3, **kwargs):
        super().__init__(net or nets.srcnn(scale, channels), scale=scale, **kwargs)

    def default_optimizer(self):
        return keras.optimizers.Adam(3e-4)

    def features(self, calibrate=None):
        """A frozen copy of SRCNN's two feature layers (patch extraction 9x9 and non-linear
        mapping 1x1, after ReLU) as a network ``HR image -> feature maps``: a content-loss
        feature extractor the project trains itself, for where VGG19 cannot be loaded. Like
        SRGAN's low-level "VGG22" variant, it compares local edge and texture responses.

        ``calibrate``: HR images (a batch in [-1, 1]); the features are then divided by their
        root mean square on them, so the content loss is on the scale of a relative error
        (about 0.01-0.1), as the paper's VGG54 features divided by 12.75 are. Without it, these
        small features give a content loss so small that 10⁻³ × the adversarial loss dominates."""
        convs = [layer for layer in self.net.layers if isinstance(layer, keras.layers.Conv2D)][:-1]
        x = keras.Input((None, None, self.net.inputs[0].shape[-1]), name="image")
        h = x
        for conv in convs:
            copy = conv.__class__.from_config(conv.get_config())
            h = copy(h)
            copy.set_weights(conv.get_weights())
        if calibrate is not None:
            probe = keras.Model(x, h)
            rms = float(np.sqrt(np.mean(np.square(probe(np.asarray(calibrate, "float32"), training=False)))))
            h = keras.layers.Rescaling(1.0 / max(rms, 1e-8), name="calibration")(h)
        net = keras.Model(x, h, name="srcnn_features")
        net.trainable = False
        return net


@keras.saving.register_keras_serializable(package="gankit")
class SRResNet(_PixelSR):
    """Ledig et al. 2017: the SRGAN generator (``nets.srresnet_generator``) trained with pixel
    MSE only (§3.2: Adam, lr 1e-4, β1 = 0.9). Its ``generator`` starts the SRGAN stage.
    ``residual=True``: learn only the detail on top of bicubic (see ``nets.srresnet_generator``)."""

    def __init__(self, net=None, scale=4, channels=3, blocks=16, filters=64, residual=False, **kwargs):
        self.blocks, self.filters, self.residual = int(blocks), int(filters), bool(residual)
        net = net or nets.srresnet_generator(scale, channels, blocks, filters, residual=residual)
        super().__init__(net, scale=scale, **kwargs)

    @property
    def generator(self):
        return self.net

    def default_optimizer(self):
        return keras.optimizers.Adam(1e-4, beta_1=0.9)

    def get_config(self):
        return {**super().get_config(), "blocks": self.blocks, "filters": self.filters, "residual": self.residual}


# --- SRGAN -------------------------------------------------------------------------------------

@keras.saving.register_keras_serializable(package="gankit")
class SRGAN(ImageToImage):
    """Ledig et al. 2017: generator = SRResNet, discriminator = ``nets.srgan_discriminator``
    on ``hr_size`` patches, perceptual loss (eq. 3)

        l^SR = l^SR_X + 10⁻³ l^SR_Gen,   l^SR_Gen = Σ -log D(G(I^LR))   (eq. 6),
        l^SR_X = mean (φ(I^HR) - φ(G(I^LR)))²                            (eq. 5, VGG54),

    plus ``pixel_weight`` × pixel MSE (0 in SRGAN; ESRGAN adds an L1 term). The discriminator
    minimises the usual cross-entropy (eq. 2). ``adversarial="relativistic"`` uses ESRGAN's
    relativistic average losses instead (``losses.relativistic_d_loss`` / ``relativistic_g_loss``).

    Each ``train_step`` runs G and D once on the batch and updates both networks from the
    same forward pass (each tape's gradient only for its own network), which costs one forward
    pass of G instead of two; the paper alternates the two updates. Adam(1e-4, β1 = 0.9) for
    both (§3.2). Data: ``(lr, hr)`` batches (``gankit.data.load("sr_patches", ...)``).
    Start from a pre-trained SRResNet: ``SRGAN(generator=srresnet.generator, ...)``.
    """

    loss_names = ("d_loss", "g_loss", "content_loss", "adv_loss")

    def __init__(self, generator=None, discriminator=None, scale=4, channels=3, hr_size=96, blocks=16,
                 filters=64, d_filters=64, adversarial="standard", content="auto", adv_weight=1e-3,
                 pixel_weight=0.0, feature_extractor=None, residual=False, seed=None, content_weights=True,
                 **kwargs):
        if adversarial not in ("standard", "relativistic"):
            raise ValueError(f"adversarial must be 'standard' or 'relativistic'; got {adversarial!r}.")
        self.scale, self.channels, self.hr_size = int(scale), int(channels), int(hr_size)
        self.blocks, self.filters, self.d_filters = int(blocks), int(filters), int(d_filters)
        self.residual = bool(residual)
        with self.precision_scope(kwargs.get("precision", "auto")):
            generator = generator or nets.srresnet_generator(scale, channels, blocks, filters, residual=residual)
            discriminator = discriminator or nets.srgan_discriminator((hr_size, hr_size, channels), d_filters)
        super().__init__(generator, discriminator, seed=seed, **kwargs)
        self.adversarial = adversarial
        self.adv_weight, self.pixel_weight = float(adv_weight), float(pixel_weight)
        if feature_extractor is not None:
            self.content, self.content_source = "custom", "a feature extractor given by the caller"
        elif not content_weights:  # from_config: the structure only, the saved weights follow
            feature_extractor = {"vgg19": lambda: nets.vgg19_features(weights=None),
                                 }.get(content, lambda: None)()
            self.content, self.content_source = content, f"{content} (weights from the saved model)"
        else:
            feature_extractor, self.content, self.content_source = nets.content_extractor(content)
        if feature_extractor is not None:
            feature_extractor.trainable = False
        self.feature_extractor = feature_extractor

    def default_optimizers(self):
        return keras.optimizers.Adam(1e-4, beta_1=0.9), keras.optimizers.Adam(1e-4, beta_1=0.9)

    def fit(self, x=None, *args, **kwargs):
        if isinstance(x, tf.data.Dataset) and isinstance(x.element_spec, (tuple, list)):
            got = tuple(x.element_spec[1].shape[1:])
            want = (self.hr_size, self.hr_size, self.channels)
            if got != want:
                raise ValueError(f"SRGAN's discriminator takes {want} HR patches, the data has {got}: load "
                                 f"sr_patches with image_size={self.hr_size} or build SRGAN(hr_size={got[0]}).")
        return super().fit(x, *args, **kwargs)

    def content_loss(self, hr, sr):
        """l^SR_X: MSE between feature maps φ of the real and generated HR images (pixels when
        there is no feature extractor)."""
        if self.feature_extractor is not None:
            hr, sr = self.feature_extractor(hr), self.feature_extractor(sr)
        return losses.mse(hr, sr)

    def train_step(self, data):
        lr, hr = data[0], data[1]
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            sr = self.generator(lr, training=True)
            real_logits = self.discriminator(hr, training=True)
            fake_logits = self.discriminator(sr, training=True)
            if self.adversarial == "relativistic":
                d_loss = losses.relativistic_d_loss(real_logits, fake_logits)
                adv_loss = losses.relativistic_g_loss(real_logits, fake_logits)
            else:
                d_loss = losses.minimax_d_loss(real_logits, fake_logits)
                adv_loss = losses.nonsaturating_g_loss(fake_logits)
            content_loss = self.content_loss(hr, sr)
            g_loss = content_loss + self.adv_weight * adv_loss
            if self.pixel_weight:
                g_loss += self.pixel_weight * losses.mse(hr, sr)
        self.apply(self.d_optimizer, d_tape, d_loss, self.discriminator)
        self.apply(self.g_optimizer, g_tape, g_loss, self.generator)
        return self.record(d_loss=d_loss, g_loss=g_loss, content_loss=content_loss, adv_loss=adv_loss)

    def upscale(self, image, pad=8, batch_size=8):
        """Super-resolve whole pictures of any size (see :func:`upscale_with`)."""
        return nets.upscale_with(self.generator, image, self.scale, pad, batch_size)

    def get_config(self):
        config = {**super().get_config(), "scale": self.scale, "channels": self.channels, "hr_size": self.hr_size,
                  "blocks": self.blocks, "filters": self.filters, "d_filters": self.d_filters,
                  "adversarial": self.adversarial, "content": self.content, "adv_weight": self.adv_weight,
                  "pixel_weight": self.pixel_weight, "residual": self.residual}
        if self.content == "custom":
            config["feature_extractor"] = keras.saving.serialize_keras_object(self.feature_extractor)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator", "feature_extractor"):
            if key in config:
                config[key] = keras.saving.deserialize_keras_object(config[key])
        if config.get("content") == "custom":
            config.pop("content")
        else:
            config["content_weights"] = False
        return cls(**config)
