"""The shared adversarial ``keras.Model``: everything every GAN in gankit has in common.

A concrete model (``GAN``, ``Pix2Pix`` ...) adds only what its paper adds: its networks, its
default optimizers and its ``train_step``. :class:`AdversarialModel` holds

* networks by name (``network_names``), built in one hook (``build_network``) under the
  dtype policy ``gankit.runtime`` picks, unless the caller passes them in;
* two optimizers, one per side (``compile(g_optimizer=..., d_optimizer=...)``): each
  ``apply`` touches only its own networks' weights, which replaces Keras 2's
  ``d.trainable = False`` combined-model recipe;
* loss trackers (``keras.metrics.Mean``), one per name in ``loss_names``; ``train_step``
  returns exactly those names (``record``), so ``fit``'s progress bar and ``History`` show them;
* serialization written once: ``get_config`` saves every constructor argument (read back from
  the attribute of the same name) and every network, so ``model.save("x.keras")`` and
  ``keras.models.load_model`` round-trip.

Two kinds of model build on it: :class:`NoiseToImage` (``G: z -> x``; ``latent``, ``generate``,
``score``) and :class:`ImageToImage` (``G: x -> y``; ``translate``).
"""

import inspect

import numpy as np
import keras
import tensorflow as tf

from gankit import nets, runtime, train


@keras.saving.register_keras_serializable(package="gankit")
class AdversarialModel(keras.Model):
    """Base class: networks trained against each other with two optimizers."""

    #: names of the ``keras.metrics.Mean`` trackers; ``train_step`` returns these keys.
    loss_names = ("d_loss", "g_loss")
    #: the networks, by constructor argument and attribute name; the first trains with ``g_optimizer``
    network_names = ("generator", "discriminator")
    #: whether the generator reads a noise vector (``latent_dim``)
    takes_noise = False
    #: constructor arguments ``get_config`` does not save (a subclass saves them its own way)
    config_skip = ()

    def __init__(self, generator=None, discriminator=None, seed=None, precision="auto", **kwargs):
        given = {"generator": generator, "discriminator": discriminator,
                 **{name: kwargs.pop(name, None) for name in self.network_names[2:]}}
        super().__init__(**kwargs)
        self.precision = precision
        if any(net is None for net in given.values()):
            with runtime.precision_scope(runtime.dtype_policy(self, precision)):
                given = {name: net if net is not None else self.build_network(name) for name, net in given.items()}
        for name, net in given.items():
            setattr(self, name, net)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.loss_names}
        self.built = True  # the networks are functional models, built at construction

    def build_network(self, name):
        """Build the network called ``name`` (one of ``network_names``) when the caller gave none;
        runs under the model's dtype policy. Subclasses build their paper's networks here."""
        raise TypeError(f"{type(self).__name__} has no default {name}: pass {name}=<a keras.Model>.")

    def networks(self):
        """Every network this model trains, in ``network_names`` order."""
        return [getattr(self, name) for name in self.network_names]

    def measured_as(self):
        """The row of ``runtime.MEASURED`` this model runs by (default: its class's, along the MRO)."""
        return None

    # -- training machinery -------------------------------------------------------------
    def default_optimizers(self):
        """(g_optimizer, d_optimizer) used when ``compile`` is given none. Subclasses cite their paper."""
        return (keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5))

    def compile(self, g_optimizer=None, d_optimizer=None, steps_per_execution="auto", **kwargs):
        """``jit_compile`` and ``steps_per_execution`` default to what ``gankit.runtime`` resolves
        for this model on this machine (``"auto"``: chosen at ``fit``, from the steps per epoch)."""
        kwargs.setdefault("optimizer", None)
        kwargs.setdefault("jit_compile", runtime.for_model(self).jit_compile)
        self._auto_steps = steps_per_execution == "auto"
        super().compile(steps_per_execution=1 if self._auto_steps else int(steps_per_execution), **kwargs)
        default_g, default_d = self.default_optimizers()
        self.g_optimizer = keras.optimizers.get(g_optimizer) if g_optimizer is not None else default_g
        self.d_optimizer = keras.optimizers.get(d_optimizer) if d_optimizer is not None else default_d
        if self.generator.dtype_policy.name == "mixed_float16":  # float16 gradients underflow without loss scaling
            wrap = lambda o: o if isinstance(o, keras.optimizers.LossScaleOptimizer) else (  # noqa: E731
                keras.optimizers.LossScaleOptimizer(o))
            self.g_optimizer, self.d_optimizer = wrap(self.g_optimizer), wrap(self.d_optimizer)
        if tf.distribute.get_strategy().num_replicas_in_sync > 1:  # batch statistics over the global batch
            train.sync_batch_norm(self)

    @property
    def metrics(self):
        return list(self.trackers.values())

    def record(self, **values):
        """Update the trackers with this step's values and return their running means."""
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

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

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    def expected_image_shape(self):
        """Per-example shape ``fit`` expects of ``x`` (``None``: each model's ``fit`` checks its inputs)."""
        return None

    def fit(self, x=None, *args, **kwargs):
        """``keras.Model.fit``, after checking that the images fit the model (a clear error
        instead of a shape mismatch deep inside ``train_step``) and that the batch size is one
        the model can learn from; ``steps_per_execution="auto"`` is resolved here."""
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
        batch_size = train.fit_batch_size(x, kwargs.get("batch_size"))
        if batch_size is not None:
            self.check_batch_size(batch_size)
        if getattr(self, "_auto_steps", False):
            k = runtime.for_model(self, kwargs.get("steps_per_epoch")).steps_per_execution
            if k != self.steps_per_execution:
                self.steps_per_execution = k
                self.train_function = None  # traced for the old number of steps per call
        return super().fit(x, *args, **kwargs)

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

    # -- serialization --------------------------------------------------------------------
    @classmethod
    def config_arguments(cls):
        """The constructor arguments ``get_config`` saves: every named argument of every
        ``__init__`` along the MRO, except the networks and ``config_skip``."""
        names = []
        for klass in cls.__mro__:
            if "__init__" not in vars(klass) or not issubclass(klass, AdversarialModel):
                continue
            for p in inspect.signature(klass.__init__).parameters.values():
                if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name != "self" and p.name not in names:
                    names.append(p.name)
        skip = set(cls.network_names) | set(cls.config_skip)
        return [name for name in names if name not in skip]

    def get_config(self):
        """``name``, every network (serialized) and every constructor argument, read back from the
        attribute of the same name (so a model stores each argument it takes as ``self.<name>``)."""
        config = {"name": self.name}
        for name in self.network_names:
            config[name] = keras.saving.serialize_keras_object(getattr(self, name))
        for name in self.config_arguments():
            if not hasattr(self, name):
                raise TypeError(f"{type(self).__name__}.__init__ takes `{name}` but keeps no attribute self.{name}: "
                                f"get_config saves each constructor argument from the attribute of the same name. "
                                f"Store it in __init__ (self.{name} = {name}) or name it in config_skip.")
            value = getattr(self, name)
            config[name] = list(value) if isinstance(value, tuple) else value
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for name in cls.network_names:
            if config.get(name) is not None:
                config[name] = keras.saving.deserialize_keras_object(config[name])
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
        """Create both optimizers' variables for the weights ``apply`` updates: the generator
        side's (networks named ``generator*``) and the discriminator side's."""
        side = lambda prefix: [w for name in self.network_names if name.startswith(prefix)  # noqa: E731
                               for w in getattr(self, name).trainable_variables]
        self.g_optimizer.build(side("generator"))
        self.d_optimizer.build(side("discriminator"))


@keras.saving.register_keras_serializable(package="gankit")
class NoiseToImage(AdversarialModel):
    """Base of the models whose generator maps noise to images, ``G: z -> x`` (GAN, DCGAN, WGAN,
    CGAN, ACGAN, InfoGAN): ``latent``, ``generate`` and ``score``, and ``fit`` checks the images
    against the generator's output shape."""

    takes_noise = True

    def __init__(self, generator=None, discriminator=None, latent_dim=None, **kwargs):
        self.latent_dim = None if latent_dim is None else int(latent_dim)  # build_network may read it
        super().__init__(generator, discriminator, **kwargs)
        self.latent_dim = int(self.generator.inputs[0].shape[-1])  # a generator given decides

    def expected_image_shape(self):
        return tuple(self.generator.outputs[0].shape[1:])

    @staticmethod
    def real_images(data):
        """``fit`` passes ``x`` or ``(x, y)`` / ``(x, y, w)``; unconditional GANs use ``x`` only."""
        return data[0] if isinstance(data, (tuple, list)) else data

    def sample_latent(self, n):
        """z ~ N(0, I) of shape (n, latent_dim), drawn from the model's own seed generator."""
        return self.replica_sample(lambda m: keras.random.normal((m, self.latent_dim), seed=self.seed_generator), n)

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

    def score(self, images, batch_size=256):
        """D(x) = sigmoid(logit) for a batch of images (numpy), e.g. to rank samples."""
        logits = self.run_batched(self.discriminator, [np.asarray(images, dtype="float32")], batch_size)
        logits = logits[0] if isinstance(logits, list) else logits  # heads beyond the first: not a score
        return 1.0 / (1.0 + np.exp(-logits[:, 0]))


@keras.saving.register_keras_serializable(package="gankit")
class ImageToImage(AdversarialModel):
    """Base of the models whose generator maps images to images (Pix2Pix, CycleGAN, SRGAN): no
    noise vector, ``translate`` instead of ``generate``, and ``fit`` on pairs (checked by each model)."""

    config_skip = ("latent_dim",)

    def __init__(self, generator=None, discriminator=None, latent_dim=None, **kwargs):
        del latent_dim  # saved by gankit versions before this base existed; an image model has none
        super().__init__(generator, discriminator, **kwargs)
        self.latent_dim = None

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
