"""gankit's models: one ``keras.Model`` subclass per paper, all sharing ``AdversarialModel``; the
noise-to-image GANs through ``NoiseToImage``, the image-to-image ones (Pix2Pix, CycleGAN, SRGAN)
through ``ImageToImage``."""

from gankit.models.base import AdversarialModel, ImageToImage, NoiseToImage
from gankit.models.gan import DCGAN, GAN
from gankit.models.cgan import CGAN, ClassConditional
from gankit.models.acgan import ACGAN
from gankit.models.infogan import InfoGAN
from gankit.models.wgan import WGAN, WGANGP
from gankit.models.srcnn import SRCNN, SRResNet
from gankit.models.srgan import SRGAN
from gankit.models.pix2pix import Pix2Pix
from gankit.models.cyclegan import CycleGAN

__all__ = ["AdversarialModel", "NoiseToImage", "ImageToImage", "GAN", "DCGAN", "WGAN", "WGANGP", "ClassConditional", "CGAN", "ACGAN", "InfoGAN", "Pix2Pix", "CycleGAN", "SRCNN", "SRResNet", "SRGAN"]
