"""gankit's models: one ``keras.Model`` subclass per paper, all sharing ``AdversarialModel``."""

from gankit.models.base import AdversarialModel
from gankit.models.gan import DCGAN, GAN
from gankit.models.cgan import CGAN, ClassConditional
from gankit.models.acgan import ACGAN
from gankit.models.infogan import InfoGAN
from gankit.models.wgan import WGAN, WGANGP
from gankit.models.srgan import SRCNN, SRGAN, SRResNet
from gankit.models.pix2pix import Pix2Pix
from gankit.models.cyclegan import CycleGAN

__all__ = ["AdversarialModel", "GAN", "DCGAN", "WGAN", "WGANGP", "ClassConditional", "CGAN", "ACGAN", "InfoGAN", "Pix2Pix", "CycleGAN", "SRCNN", "SRResNet", "SRGAN"]
