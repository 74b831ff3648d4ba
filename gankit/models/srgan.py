"""SRGAN (Ledig et al. 2017, eq. 3): the SRResNet generator (``models.SRResNet``, in ``srcnn.py`` with
SRCNN) trained with the perceptual loss l^SR = l^SR_X (content) + 10⁻³ l^SR_Gen (adversarial) against
the paper's discriminator; ``adversarial="relativistic"`` swaps in ESRGAN's relativistic average
discriminator (Wang et al. 2018, eq. 1-2; the losses are in ``gankit.losses``).

It maps a low-resolution image in [-1, 1] to one ``scale`` times larger and has ``upscale(image)``:
a whole picture of any size (the networks are fully convolutional).

Content loss: ``content="vgg19"`` is the paper's VGG54 feature MSE (ImageNet VGG19,
``block5_conv4``, features divided by 12.75 as in the paper); ``"pixel"`` is plain MSE;
``"auto"`` takes VGG19 where its weights can be loaded, else pixels, and says why in
``content_source``. Any frozen feature network can be passed as ``feature_extractor=``, e.g.
the feature layers of an SRCNN the project trained itself (``SRCNN.features()``), which is what
lesson 9 uses where VGG19's ImageNet weights cannot be downloaded.
"""

import keras
import tensorflow as tf

from gankit import losses, nets
from gankit.models.base import ImageToImage


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
    Start from a pre-trained SRResNet: ``SRGAN(generator=srresnet.generator, ...)``. ``residual``,
    ``icnr`` and ``upsample`` shape a generator built here (see ``nets.srresnet_generator``); ``d_blur`` a
    binomial blur before each strided conv of the discriminator (``nets.srgan_discriminator``).
    """

    loss_names = ("d_loss", "g_loss", "content_loss", "adv_loss")
    config_skip = ImageToImage.config_skip + ("feature_extractor", "content_weights")  # saved by get_config

    def __init__(self, generator=None, discriminator=None, scale=4, channels=3, hr_size=96, blocks=16,
                 filters=64, d_filters=64, adversarial="standard", content="auto", adv_weight=1e-3,
                 pixel_weight=0.0, feature_extractor=None, residual=False, icnr=True, upsample="subpixel",
                 d_blur=False, seed=None, content_weights=True,
                 **kwargs):
        if adversarial not in ("standard", "relativistic"):
            raise ValueError(f"adversarial must be 'standard' or 'relativistic'; got {adversarial!r}.")
        self.scale, self.channels, self.hr_size = int(scale), int(channels), int(hr_size)
        self.blocks, self.filters, self.d_filters = int(blocks), int(filters), int(d_filters)
        self.residual, self.icnr, self.upsample, self.d_blur = bool(residual), bool(icnr), upsample, bool(d_blur)
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

    def build_network(self, name):
        if name == "generator":
            return nets.srresnet_generator(self.scale, self.channels, self.blocks, self.filters,
                                           residual=self.residual, icnr=self.icnr, upsample=self.upsample)
        return nets.srgan_discriminator((self.hr_size, self.hr_size, self.channels), self.d_filters, blur=self.d_blur)

    def upscale(self, image, pad=8, batch_size=8):
        """Super-resolve whole pictures of any size (see :func:`upscale_with`)."""
        return nets.upscale_with(self.generator, image, self.scale, pad, batch_size)

    def get_config(self):
        config = super().get_config()
        if self.content == "custom":
            config["feature_extractor"] = keras.saving.serialize_keras_object(self.feature_extractor)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if config.get("feature_extractor") is not None:
            config["feature_extractor"] = keras.saving.deserialize_keras_object(config["feature_extractor"])
        if config.get("content") == "custom":
            config.pop("content")
        else:
            config["content_weights"] = False  # the structure only: the saved weights follow
        return super().from_config(config)
