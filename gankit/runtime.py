"""How a model runs on this machine: dtype policy, XLA, steps per call. One table, one resolver.

The training step of a GAN is the same computation everywhere; what is fastest differs by machine
and was measured, not guessed (``benchmarks/train_step.py`` for speed, ``benchmarks/time_to_quality.py``
for quality at equal wall time; the dated numbers are in README, "Speed"). This module holds only the
*decisions* those measurements led to, in :data:`MEASURED`, and :func:`resolve` turns them into the
three plain Keras settings a model uses:

* ``dtype_policy`` — the policy a model builds its own networks under (``None``: Keras' global one);
* ``jit_compile`` — ``compile``'s argument (``True``, or Keras' ``"auto"``: XLA on a GPU only);
* ``steps_per_execution`` — training steps per call of the compiled function (``fit`` takes the
  greatest common divisor with ``steps_per_epoch``, so an epoch never runs more steps than asked).

Rules (each a measured fact or a correctness constraint):

* quick mode (``GANKIT_QUICK``: tests, CI) runs a few steps: float32 (repeatable), no XLA (compiling
  costs more than it saves), one step per call (the tests want every step seen);
* a precision someone chose (``train.set_precision``, the runner's ``--precision``, a global policy
  other than float32, or a model's ``precision=``) always stands;
* bfloat16 networks only on a CPU with bfloat16 units (:func:`cpu_has_bf16`), no GPU, and only for
  the models measured faster that way at the same quality; such networks get no XLA on a CPU (XLA's
  CPU code for bfloat16 was slower than oneDNN's);
* XLA on a CPU only for the vector units (:func:`cpu_vector_unit`) where the model's step was measured
  faster with it; on a GPU Keras' ``"auto"``;
* one step per call under a multi-replica ``tf.distribute`` strategy (Keras' several-steps loop fails
  there with TensorFlow 2.21 / Keras 3, even for a plain ``Sequential``).
"""

import contextlib
import dataclasses
import math

from gankit import config

#: class name -> what the benchmarks found for it on a CPU (looked up along the class's MRO, so a
#: subclass runs like its paper's model unless it has its own row):
#: ``xla``: the vector units on which XLA made the step faster; ``bf16``: bfloat16 networks were faster
#: at the same quality; ``steps``: steps per call of the compiled step.
MEASURED = {
    "AdversarialModel": dict(xla=(), bf16=False, steps=8),
    "GAN": dict(xla=("avx2", "avx512"), bf16=False, steps=8),       # MLPs: bfloat16 no faster
    "DCGAN": dict(xla=("avx2",), bf16=True, steps=8),
    "ClassConditional": dict(xla=("avx2",), bf16=True, steps=8),     # CGAN and ACGAN
    "InfoGAN": dict(xla=("avx2", "avx512"), bf16=True, steps=8),
    "WGAN": dict(xla=("avx2",), bf16=True, steps=8),                 # WGAN-GP too
    "WGAN-points": dict(xla=("avx2",), bf16=False, steps=8),         # 2-D points need float32's digits
    "Pix2Pix": dict(xla=(), bf16=False, steps=8),
    "CycleGAN": dict(xla=(), bf16=True, steps=8),
    "SRGAN": dict(xla=(), bf16=False, steps=8),                      # bfloat16 not quality-checked
    "SRCNN": dict(xla=(), bf16=False, steps=1),                      # Keras' own train_step
    "SRResNet": dict(xla=(), bf16=False, steps=1),
}


def measured(key):
    """The row of :data:`MEASURED` for a model: ``key`` is a class, an instance or a row name."""
    if isinstance(key, str):
        return MEASURED[key]
    klass = key if isinstance(key, type) else type(key)
    variant = getattr(key, "measured_as", None)
    if not isinstance(key, type) and callable(variant) and variant() in MEASURED:
        return MEASURED[variant()]
    for parent in klass.__mro__:
        if parent.__name__ in MEASURED:
            return MEASURED[parent.__name__]
    return MEASURED["AdversarialModel"]


# --- the machine --------------------------------------------------------------------------------

def cpu_flags(cpuinfo="/proc/cpuinfo"):
    """The CPU's feature flags from ``/proc/cpuinfo`` (an empty list where it is missing or names
    none, e.g. on macOS or ARM)."""
    try:
        with open(cpuinfo) as f:
            return next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), [])
    except OSError:
        return []


def cpu_vector_unit(cpuinfo="/proc/cpuinfo"):
    """This CPU's widest vector unit: ``"avx512"``, ``"avx2"`` or ``"other"``. It decides XLA on a
    CPU: with AVX-512 TensorFlow's own (oneDNN) kernels tend to outrun XLA's code, with AVX2 XLA's
    fused kernels tend to win (two 2-core CPUs sold under one model name were of the two kinds)."""
    flags = cpu_flags(cpuinfo)
    return "avx512" if "avx512f" in flags else "avx2" if "avx2" in flags else "other"


def cpu_has_bf16(cpuinfo="/proc/cpuinfo"):
    """Whether the CPU multiplies bfloat16 in hardware (``avx512_bf16``: AMD Zen 4 and newer, Intel
    Cooper Lake and Sapphire Rapids; ``amx_bf16``: Intel's matrix units). Elsewhere TensorFlow
    emulates bfloat16, which is slower than float32."""
    flags = cpu_flags(cpuinfo)
    return "avx512_bf16" in flags or "amx_bf16" in flags


def has_gpu():
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


def replicas():
    import tensorflow as tf

    return tf.distribute.get_strategy().num_replicas_in_sync


# --- the decisions -------------------------------------------------------------------------------

MIXED = tuple(p for p in config.PRECISIONS if p != "auto")


def dtype_policy(key, precision="auto", settings=None):
    """The dtype policy a model builds its own networks under, or ``None`` for Keras' global one.
    ``precision``: ``"auto"`` (the rules above), ``None`` (the global policy) or a policy name."""
    if precision is None:
        return None
    if precision != "auto":
        if precision not in MIXED:
            raise ValueError(f"precision must be 'auto', None or one of {', '.join(MIXED)}; got {precision!r}.")
        return precision
    import keras

    settings = settings or config.current()
    if settings.precision:  # chosen for every network (--precision, train.set_precision, GANKIT_PRECISION)
        return settings.precision
    if not measured(key)["bf16"] or keras.config.dtype_policy().name != "float32":
        return None
    if settings.quick or has_gpu():
        return None
    return "mixed_bfloat16" if cpu_has_bf16() else None


@contextlib.contextmanager
def precision_scope(policy):
    """Build layers under the dtype policy ``policy`` (``None``: leave the global one alone); the
    global policy is restored afterwards."""
    if policy is None:
        yield
        return
    import keras

    old = keras.config.dtype_policy()
    keras.config.set_dtype_policy(policy)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(old)


def jit_compile(key, compute_dtype="float32", settings=None):
    """``compile``'s ``jit_compile``: ``True`` on a CPU whose vector unit the model was measured
    faster on with XLA (float32 networks, one replica, full mode), else Keras' ``"auto"``."""
    units = measured(key)["xla"]
    settings = settings or config.current()
    if not units or compute_dtype == "bfloat16" or settings.quick or has_gpu() or replicas() > 1:
        return "auto"
    return True if cpu_vector_unit() in units else "auto"


def steps_per_execution(key, steps_per_epoch=None, n_replicas=None, settings=None):
    """Training steps per call of the compiled function for a ``fit``: the measured number (8: one
    Python round trip per 8 steps; the README has the measurements), its gcd with
    ``steps_per_epoch``; 1 in quick mode and under several replicas."""
    settings = settings or config.current()
    if settings.quick or (replicas() if n_replicas is None else n_replicas) > 1:
        return 1
    k = int(measured(key)["steps"])
    return math.gcd(k, int(steps_per_epoch)) if steps_per_epoch else k


@dataclasses.dataclass(frozen=True)
class Runtime:
    """What :func:`resolve` decided for one model on this machine."""

    dtype_policy: str
    jit_compile: object
    steps_per_execution: int


def resolve(key, precision="auto", steps_per_epoch=None, settings=None):
    """All three decisions for a model (class, instance or :data:`MEASURED` row) at once."""
    settings = settings or config.current()
    policy = dtype_policy(key, precision, settings)
    if policy is None:
        import keras

        compute = keras.config.dtype_policy().compute_dtype
    else:
        compute = policy.split("_")[-1]
    return Runtime(policy, jit_compile(key, compute, settings), steps_per_execution(key, steps_per_epoch,
                                                                                      settings=settings))


def for_model(model, steps_per_epoch=None, settings=None):
    """What a built gankit model runs with on this machine: its networks' dtype policy, and the
    ``jit_compile`` and ``steps_per_execution`` its ``compile`` / ``fit`` choose when not given."""
    policy = model.generator.dtype_policy
    replicas_now = model.distribute_strategy.num_replicas_in_sync
    return Runtime(policy.name, jit_compile(model, policy.compute_dtype, settings),
                   steps_per_execution(model, steps_per_epoch, replicas_now, settings))
