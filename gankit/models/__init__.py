"""gankit's models: one ``keras.Model`` subclass per paper, all sharing ``AdversarialModel``."""

from gankit.models.base import AdversarialModel
from gankit.models.gan import DCGAN, GAN
from gankit.models.cgan import CGAN, ClassConditional
from gankit.models.acgan import ACGAN
from gankit.models.infogan import InfoGAN

__all__ = ["AdversarialModel", "GAN", "DCGAN", "ClassConditional", "CGAN", "ACGAN", "InfoGAN"]
