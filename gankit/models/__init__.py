"""gankit's models: one ``keras.Model`` subclass per paper, all sharing ``AdversarialModel``."""

from gankit.models.base import AdversarialModel
from gankit.models.gan import DCGAN, GAN

__all__ = ["AdversarialModel", "GAN", "DCGAN"]
