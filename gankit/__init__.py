"""gankit: a runnable GAN course for Keras 3 / TensorFlow.

Public API: ``gankit.models.<Paper>``, ``gankit.losses``, ``gankit.data.load``,
``gankit.viz``, ``python -m gankit.lesson N``.
"""

import os as _os

_os.environ.setdefault("KERAS_BACKEND", "tensorflow")
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__version__ = "0.1.0"
