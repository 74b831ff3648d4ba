"""Super-resolution trained with a pixel loss alone: SRCNN and SRResNet (lesson 9's first two steps).

* ``SRCNN`` (Dong et al. 2014): bicubic up-sampling then three convolutions, trained with
  pixel MSE; the baseline of lesson 9.
* ``SRResNet`` (Ledig et al. 2017, §2.2 and §3.2): the SRGAN generator trained with pixel MSE
  alone; the PSNR-oriented model and the starting point of the GAN stage (``models.SRGAN``).

Both map a low-resolution image in [-1, 1] to one ``scale`` times larger and have
``upscale(image)``: a whole picture of any size (the networks are fully convolutional).
"""

import numpy as np
import keras

from gankit import nets, runtime


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
    ``residual=True``: learn only the detail on top of bicubic; ``icnr``: ICNR initialisation of the
    sub-pixel convs; ``upsample="resize"``: resize-convolution instead (see ``nets.srresnet_generator``)."""

    def __init__(self, net=None, scale=4, channels=3, blocks=16, filters=64, residual=False, icnr=True,
                 upsample="subpixel", **kwargs):
        self.blocks, self.filters, self.residual, self.icnr = int(blocks), int(filters), bool(residual), bool(icnr)
        self.upsample = upsample
        net = net or nets.srresnet_generator(scale, channels, blocks, filters, residual=residual, icnr=icnr,
                                             upsample=upsample)
        super().__init__(net, scale=scale, **kwargs)

    @property
    def generator(self):
        return self.net

    def default_optimizer(self):
        return keras.optimizers.Adam(1e-4, beta_1=0.9)

    def get_config(self):
        return {**super().get_config(), "blocks": self.blocks, "filters": self.filters, "residual": self.residual,
                "icnr": self.icnr, "upsample": self.upsample}
