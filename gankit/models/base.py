"""The shared adversarial ``keras.Model``: everything every GAN in gankit has in common.

A concrete model (``GAN``, ``DCGAN`` ...) adds only what its paper adds: its networks, its
default optimizers and its ``train_step``. This base holds

* two optimizers, one per network (``compile(g_optimizer=..., d_optimizer=...)``): each
  ``apply_gradients`` touches only its own network's weights, which replaces Keras 2's
  ``d.trainable = False`` combined-model recipe;
* loss trackers (``keras.metrics.Mean``), one per name in ``loss_names``; ``train_step``
  returns exactly those names, so ``fit``'s progress bar and ``History`` show them;
* seeded sampling (``latent``, ``generate``) and serialization (``get_config`` /
  ``from_config``, registered) so ``model.save("x.keras")`` and ``keras.models.load_model``
  round-trip.
"""

import numpy as np
import keras
import tensorflow as tf

from gankit import nets, runtime


def fit_batch_size(x, batch_size=None):
    """The batch size ``fit`` will train with, where it can be known before training: numpy
    arrays use ``batch_size`` (Keras' default 32, at most the number of examples); a
    ``tf.data.Dataset`` its static batch dimension or the size given to its ``batch()``. ``None``
    when unknown (a generator, a dataset built some other way)."""
    if isinstance(x, np.ndarray):
        return min(int(batch_size or 32), len(x)) if len(x) else None
    if not isinstance(x, tf.data.Dataset):
        return None
    spec = x.element_spec
    spec = tf.nest.flatten(spec)[0]
    if getattr(spec, "shape", None) is not None and spec.shape.rank and spec.shape[0] is not None:
        return int(spec.shape[0])
    dataset = x
    while dataset is not None:  # prefetch -> map -> batch -> ...: the nearest batch() decides
        size = getattr(dataset, "_batch_size", None)
        if size is not None:
            try:
                return int(size)
            except (TypeError, ValueError):
                return None
        dataset = getattr(dataset, "_input_dataset", None)
    return None


@keras.saving.register_keras_serializable(package="gankit")
class AdversarialModel(keras.Model):
    """Base class: a generator and a discriminator trained against each other. By default the
    generator maps noise to images, ``G: z -> x`` (``latent``, ``generate``, ``score``);
    :class:`ImageToImage` is the base of the models whose generator maps images to images."""

    #: names of the ``keras.metrics.Mean`` trackers; ``train_step`` returns these keys.
    loss_names = ("d_loss", "g_loss")
    #: whether the generator reads a noise vector (``latent_dim``)
    takes_noise = True

    def __init__(self, generator, discriminator, latent_dim=None, seed=None, precision="auto", **kwargs):
        super().__init__(**kwargs)
        self.precision = precision
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim or generator.inputs[0].shape[-1]) if self.takes_noise else None
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.loss_names}
        self.built = True  # both networks are functional models, built at construction

    # -- training machinery -------------------------------------------------------------
    def default_optimizers(self):
        """(g_optimizer, d_optimizer) used when ``compile`` is given none. Subclasses cite their paper."""
        return (keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5))

    def compile(self, g_optimizer=None, d_optimizer=None, steps_per_execution="auto", **kwargs):
        kwargs.setdefault("optimizer", None)
        kwargs.setdefault("jit_compile", self.resolve_jit_compile())
        self._auto_steps = steps_per_execution == "auto"  # chosen per fit, see resolve_steps_per_execution
        super().compile(steps_per_execution=1 if self._auto_steps else int(steps_per_execution), **kwargs)
        default_g, default_d = self.default_optimizers()
        self.g_optimizer = keras.optimizers.get(g_optimizer) if g_optimizer is not None else default_g
        self.d_optimizer = keras.optimizers.get(d_optimizer) if d_optimizer is not None else default_d
        if self.generator.dtype_policy.name == "mixed_float16":  # float16 gradients underflow without loss scaling
            wrap = lambda o: o if isinstance(o, keras.optimizers.LossScaleOptimizer) else (  # noqa: E731
                keras.optimizers.LossScaleOptimizer(o))
            self.g_optimizer, self.d_optimizer = wrap(self.g_optimizer), wrap(self.d_optimizer)
        if tf.distribute.get_strategy().num_replicas_in_sync > 1:  # batch statistics over the global batch
            from gankit.train import sync_batch_norm
            sync_batch_norm(self)

    def resolve_jit_compile(self):
        """The ``jit_compile`` that ``compile()`` uses when it is not given (``runtime.jit_compile``:
        XLA on a CPU only where this model was measured faster with it)."""
        return runtime.jit_compile(self, self.generator.dtype_policy.compute_dtype)

    def precision_scope(self, precision="auto"):
        """Context in which a model's ``__init__`` builds its own networks: under the dtype policy
        ``runtime.dtype_policy`` picks for this model."""
        return runtime.precision_scope(runtime.dtype_policy(self, precision))

    def measured_as(self):
        """The row of ``runtime.MEASURED`` this model runs by (default: its class's, along the MRO)."""
        return None

    def resolve_steps_per_execution(self, steps_per_epoch=None):
        """``steps_per_execution`` for a ``fit`` when ``compile`` was given none (``"auto"``): see
        ``runtime.steps_per_execution``. The training is the same step for step (a test checks it);
        callbacks' ``on_train_batch_end`` then comes once per call."""
        return runtime.steps_per_execution(self, steps_per_epoch, self.distribute_strategy.num_replicas_in_sync)

    @property
    def metrics(self):
        return list(self.trackers.values())

    def record(self, **values):
        """Update the trackers with this step's values and return their running means."""
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    @staticmethod
    def real_images(data):
        """``fit`` passes ``x`` or ``(x, y)`` / ``(x, y, w)``; unconditional GANs use ``x`` only."""
        return data[0] if isinstance(data, (tuple, list)) else data

    def sample_latent(self, n):
        """z ~ N(0, I) of shape (n, latent_dim), drawn from the model's own seed generator."""
        return self.replica_sample(lambda m: keras.random.normal((m, self.latent_dim), seed=self.seed_generator), n)

    @staticmethod
    def replica_sample(draw, n):
        """``draw(m)`` for this step's *global* batch, keeping this replica's ``n`` rows.

        Under ``tf.distribute`` every replica draws the same global sample (the seed generator
        is in the same state everywhere) and keeps its own slice, so k replicas see exactly
        the noise one device would see for the whole batch. With one device it is ``draw(n)``.
        """
        context = tf.distribute.get_replica_context()
        replicas = context.num_replicas_in_sync if context is not None else 1
        if replicas == 1:
            return draw(n)
        start = tf.cast(context.replica_id_in_sync_group, tf.int32) * n
        return tf.nest.map_structure(lambda t: t[start:start + n], draw(n * replicas))

    def apply(self, optimizer, tape, loss, network):
        """One gradient step of ``loss`` on ``network``'s trainable weights only (``network`` may be
        a list of networks that share one optimizer, as CycleGAN's two generators do).

        ``loss`` is a mean over this replica's examples. Under ``tf.distribute`` the optimizer
        sums the replicas' gradients, so they are divided by the number of replicas first:
        the step follows the mean over the *global* batch, as on one device. A
        ``LossScaleOptimizer`` (mixed_float16) gets its scaled loss via ``output_gradients``
        and unscales the gradients itself."""
        networks = network if isinstance(network, (list, tuple)) else [network]
        weights = [w for net in networks for w in net.trainable_weights]
        scale = None
        if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
            scale = tf.cast(optimizer.scale_loss(tf.ones_like(loss)), loss.dtype)
        grads = tape.gradient(loss, weights, output_gradients=scale)
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        if replicas > 1:
            grads = [None if g is None else g / tf.cast(replicas, g.dtype) for g in grads]
        optimizer.apply_gradients(zip(grads, weights))

    def call(self, z, training=False):
        return self.generator(z, training=training)

    def expected_image_shape(self):
        """Per-example shape ``fit`` expects of ``x``: the generator's output shape. A model
        whose training inputs are not generator-shaped overrides this to return ``None``."""
        return tuple(self.generator.outputs[0].shape[1:])

    def fit(self, x=None, *args, **kwargs):
        """``keras.Model.fit``, after checking that the images fit the model (a clear error
        instead of a shape mismatch deep inside ``train_step``)."""
        expected = self.expected_image_shape()
        if isinstance(x, tf.data.Dataset):
            spec = x.element_spec
            spec = spec[0] if isinstance(spec, (tuple, list)) else spec
            got = tuple(spec.shape[1:]) if getattr(spec, "shape", None) is not None and spec.shape.rank else None
            kwargs.setdefault("shuffle", False)  # a Dataset shuffles itself (gankit.data.load does)
        elif isinstance(x, np.ndarray):
            got = x.shape[1:]
        else:
            got = None
        if expected is not None and got is not None and (
                len(got) != len(expected) or any(g is not None and e is not None and g != e
                                                 for g, e in zip(got, expected))):
            raise ValueError(
                f"The training images have shape {tuple(got)} per example, but this {type(self).__name__} "
                f"generates images of shape {tuple(expected)}. Either build the model for your data "
                f"({type(self).__name__}(image_shape={tuple(got)}, ...)) or load the data at the model's "
                f"size (gankit.data.load(..., image_size={expected[0]}, channels={expected[-1]})).")
        batch_size = fit_batch_size(x, kwargs.get("batch_size"))
        if batch_size is not None:
            self.check_batch_size(batch_size)
        if getattr(self, "_auto_steps", False):
            k = self.resolve_steps_per_execution(kwargs.get("steps_per_epoch"))
            if k != self.steps_per_execution:
                self.steps_per_execution = k
                self.train_function = None  # traced for the old number of steps per call
        return super().fit(x, *args, **kwargs)

    def networks(self):
        """Every network this model trains (the generator and discriminator; CycleGAN has four)."""
        return [self.generator, self.discriminator]

    def check_batch_size(self, batch_size):
        """Refuse a batch size this model cannot learn from (``fit`` calls it with the batch size
        it finds): a batch of one example where a network normalises flat features over the batch
        (``nets.dense_batch_norm_layers``) would make every sample in a batch the same."""
        if batch_size == 1:
            names = [net.name for net in self.networks() if nets.dense_batch_norm_layers(net)]
            if names:
                raise ValueError(
                    f"{type(self).__name__} cannot train with batch size 1: its {' and '.join(names)} "
                    f"normalise fully connected features with batch norm, whose statistics over one example "
                    f"turn every input into the same output (all samples would be identical). Use a batch of "
                    f"at least 2 (the paper's is 64), e.g. fit(..., batch_size=64) or data.load(..., batch_size=64).")

    # -- sampling (not in the hot path: plain numpy in and out) ----------------------------
    def latent(self, n, seed=None):
        """``n`` latent vectors as float32 numpy; the same ``seed`` always gives the same z."""
        rng = np.random.default_rng(seed)
        return rng.standard_normal((n, self.latent_dim)).astype("float32")

    def generate(self, n=None, seed=None, z=None, batch_size=256, training=False):
        """Generate ``n`` images (float32 numpy in [-1, 1]) from ``latent(n, seed)`` or from ``z``.

        ``training=False`` uses batch norm's moving averages (see ``nets.dcgan_generator``
        for why gankit's momentum makes that safe early in training).
        """
        if z is None:
            if n is None:
                raise ValueError("generate() needs n (how many images) or z (latent vectors).")
            z = self.latent(n, seed)
        return self.run_batched(self.generator, [np.asarray(z, dtype="float32")], batch_size, training)

    @staticmethod
    def run_batched(network, arrays, batch_size=256, training=False):
        """``network`` on numpy ``arrays`` (one per input, same length) in slices of ``batch_size``;
        each output concatenated back to numpy (a list when the network has several outputs)."""
        outs = []
        for i in range(0, len(arrays[0]), batch_size):
            part = [a[i:i + batch_size] for a in arrays]
            out = network(part if len(part) > 1 else part[0], training=training)
            outs.append([np.asarray(o) for o in out] if isinstance(out, (list, tuple)) else [np.asarray(out)])
        joined = [np.concatenate(column).astype("float32") for column in zip(*outs)]
        return joined if len(joined) > 1 else joined[0]

    def score(self, images, batch_size=256):
        """D(x) = sigmoid(logit) for a batch of images (numpy), e.g. to rank samples."""
        logits = self.run_batched(self.discriminator, [np.asarray(images, dtype="float32")], batch_size)
        logits = logits[0] if isinstance(logits, list) else logits  # heads beyond the first: not a score
        return 1.0 / (1.0 + np.exp(-logits[:, 0]))

    # -- serialization --------------------------------------------------------------------
    def get_config(self):
        config = {
            "name": self.name,
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "latent_dim": self.latent_dim,
            "seed": self.seed,
            "precision": self.precision,
        }
        if not self.takes_noise:
            del config["latent_dim"]
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)

    def get_compile_config(self):
        # Both optimizers' settings; Keras stores their state (moments, step count) in the
        # .keras file too, so a loaded model can go on training where it stopped.
        if not getattr(self, "compiled", False) or not hasattr(self, "g_optimizer"):
            return {}
        return {"g_optimizer": keras.optimizers.serialize(self.g_optimizer),
                "d_optimizer": keras.optimizers.serialize(self.d_optimizer),
                "built": bool(getattr(self.g_optimizer, "built", False))}

    def compile_from_config(self, config):
        get = lambda key: keras.optimizers.deserialize(config[key]) if config.get(key) else None  # noqa: E731
        self.compile(g_optimizer=get("g_optimizer"), d_optimizer=get("d_optimizer"))
        if config.get("built"):  # give the saved optimizer state variables to load into
            self.build_optimizers()

    def build_optimizers(self):
        """Create both optimizers' variables for the weights ``apply`` updates."""
        self.g_optimizer.build(self.generator.trainable_variables)
        self.d_optimizer.build(self.discriminator.trainable_variables)


class ImageToImage(AdversarialModel):
    """Base of the models whose generator maps images to images (Pix2Pix, CycleGAN, SRGAN): no
    noise vector, ``translate`` instead of ``generate``, and ``fit`` on pairs (checked by each model)."""

    takes_noise = False

    def __init__(self, generator, discriminator, seed=None, latent_dim=None, **kwargs):
        del latent_dim  # saved by gankit versions before this base existed; an image model has none
        super().__init__(generator, discriminator, seed=seed, **kwargs)

    def call(self, x, training=False):
        return self.generator(x, training=training)

    def expected_image_shape(self):
        return None  # inputs are pairs (input, target) or (x, y): each model's fit checks them

    def translate_with(self, network, images, input_shape, batch_size=32, training=False):
        """``network`` on numpy images: one image (H, W, C) gives one back, a batch (N, H, W, C) of
        any size a batch; uint8 in [0, 255] is rescaled to [-1, 1]; the output is float32 numpy.
        Images of another shape than ``input_shape`` get one clear error."""
        x = np.asarray(images)
        if x.dtype == np.uint8:
            x = x.astype("float32") / 127.5 - 1.0
        input_shape = tuple(input_shape)
        single = x.ndim == len(input_shape)
        if single:
            x = x[None]
        if x.ndim != len(input_shape) + 1 or tuple(x.shape[1:]) != input_shape:
            raise ValueError(f"translate() takes images of shape {input_shape} (or a batch of them); got an array of "
                             f"shape {tuple(np.shape(images))}. Load the data at the model's size "
                             f"(image_size={input_shape[0]}) or build the model for yours.")
        if len(x) == 0:
            return np.zeros((0,) + tuple(network.outputs[0].shape[1:]), "float32")
        out = self.run_batched(network, [x.astype("float32")], batch_size, training)
        return out[0] if single else out

    def _no_noise(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} translates images instead of sampling noise: use "
                        f"model.translate(images).")

    generate = latent = sample_latent = _no_noise

    def score(self, images, batch_size=32):
        raise TypeError(f"{type(self).__name__}'s discriminator judges images against their input or domain: call "
                        f"model.discriminator directly.")

