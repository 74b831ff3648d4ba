"""Throughput of every gankit model's ``train_step`` against the same networks trained by a
plain Keras 3 loop written the way the keras.io examples write it, in the same process.

    python benchmarks/train_step.py                     # all models, default sizes
    python benchmarks/train_step.py --models DCGAN --steps 30 --repeats 5 --json out.json
    python benchmarks/train_step.py --readme            # also write the READMEs' benchmark tables
    python benchmarks/train_step.py --processes 5       # each model in 5 fresh processes, medians

For each model, at its default size (28x28x1 images, the lessons' batch sizes; Pix2Pix, CycleGAN
and SRGAN at their lessons' full-mode sizes, see ``setup_image_to_image``):

* ``gankit``       — the model built and compiled with its defaults for full training on this
  machine, as ``gankit.runtime`` decides from its table ``MEASURED`` (which this benchmark's
  results fill in): 8 steps per call of the compiled step; XLA on a GPU, and on a CPU for the
  models this benchmark measured faster with it on that kind of CPU, AVX2 or AVX-512; bfloat16
  networks for the models measured faster that way on a CPU with bfloat16 units;
* ``gankit XLA`` / ``gankit no-XLA`` — the same with XLA switched the other way (to choose the
  default by measurement); ``gankit float32`` — when gankit chose bfloat16 networks, the same
  model in float32 (the "bf16 on/off" column);
* ``plain``        — a ``keras.Model`` subclass with the keras.io ``train_step`` for that game
  (keras.io's DCGAN, conditional GAN and WGAN-GP examples; ACGAN and InfoGAN written in the
  same style; the TensorFlow tutorials' pix2pix and CycleGAN steps; a two-tape SRGAN step),
  with the *same* networks in float32, compiled with Keras' defaults. The tutorials' steps are
  cheaper than the papers': pix2pix judges G(x) with the discriminator *before* its update (as
  gankit's default does; the authors' code, ``Pix2Pix(update="alternating")``, runs D again
  after updating it) and CycleGAN has no image pool (gankit's discriminators see pooled fakes,
  two more discriminator passes per step).

All three read the same synthetic batches from a repeated, prefetched ``tf.data`` pipeline
(so the disk is not measured). Every contestant is warmed up (tracing, XLA compilation)
first; then the contestants take turns, ``--repeats`` times ``--steps`` steps each, and the
fastest turn of each counts (the machine is shared: the best turn is the least disturbed).
A turn is timed from the end of its first step to the end of its last inside one ``fit``
(``timed_fit``), so ``fit``'s own start-up is not counted. ``Pix2Pix-alternating`` is Pix2Pix
with ``update="alternating"``, the authors' update order.

Small models still vary by about 10% between processes (the GAN and Pix2Pix rows), so
``--processes P`` runs each model in P fresh processes, one after another, and reports the
median of each contestant's images/s, the median of the per-process ratios and their range
(lowest-highest), which the README shows. (Timing whole ``fit`` calls, as this script once did,
made the spread look like 40%: see ``timed_fit``.)

Images/s counts the real images the discriminator sees: for WGAN and WGAN-GP one step is one
generator iteration with 5 critic updates on 64 images each, in gankit a batch of 320 sliced
in five, in keras.io's WGAN-GP the same 64-image batch five times: 320 images either way.

FLOPs of one step are counted by TensorFlow's graph profiler on the traced ``train_step``
(every MatMul/Conv2D and their gradients, the gradient penalty's double backward included);
GFLOP/s = FLOPs x steps / seconds. The machine's peaks are measured here too: the best of a
few large float32 matmuls and of a few convolutions (the DCGAN layers' own shapes at a large
batch and a classic 3x3 layer).
"""

import argparse
import json
import os
import platform
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import ops  # noqa: E402
from keras.src.trainers.trainer import model_supports_jit  # noqa: E402  what jit_compile="auto" asks

from gankit import models  # noqa: E402
from gankit import runtime  # noqa: E402
from gankit.runtime import cpu_has_bf16, cpu_vector_unit  # noqa: E402


# --- the plain keras.io loops ---------------------------------------------------------------

class PlainGAN(keras.Model):
    """keras.io "DCGAN to generate face images" (``dcgan_overriding_train_step``): fakes and reals
    concatenated into one discriminator batch, noisy labels, BinaryCrossentropy; the same
    networks in training mode (the keras.io networks have no batch norm, ours do)."""

    def __init__(self, discriminator, generator, latent_dim, labels=False):
        super().__init__()
        self.discriminator, self.generator, self.latent_dim = discriminator, generator, latent_dim
        self.conditional = labels
        self.seed_generator = keras.random.SeedGenerator(1337)

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer, self.g_optimizer, self.loss_fn = d_optimizer, g_optimizer, loss_fn
        self.d_loss_metric = keras.metrics.Mean(name="d_loss")
        self.g_loss_metric = keras.metrics.Mean(name="g_loss")

    @property
    def metrics(self):
        return [self.d_loss_metric, self.g_loss_metric]

    def G(self, z, y):
        return self.generator([z, y] if self.conditional else z, training=True)

    def D(self, x, y):
        return self.discriminator([x, y] if self.conditional else x, training=True)

    def train_step(self, data):
        real_images, y = (data[0], tf.cast(data[1], "int32")) if self.conditional else (data, None)
        batch_size = ops.shape(real_images)[0]
        random_latent_vectors = keras.random.normal(shape=(batch_size, self.latent_dim), seed=self.seed_generator)
        generated_images = self.G(random_latent_vectors, y)
        combined_images = ops.concatenate([generated_images, real_images], axis=0)
        combined_y = ops.concatenate([y, y], axis=0) if self.conditional else None
        labels = ops.concatenate([ops.ones((batch_size, 1)), ops.zeros((batch_size, 1))], axis=0)
        labels += 0.05 * keras.random.uniform(ops.shape(labels), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            predictions = self.D(combined_images, combined_y)
            d_loss = self.loss_fn(labels, predictions)
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))

        random_latent_vectors = keras.random.normal(shape=(batch_size, self.latent_dim), seed=self.seed_generator)
        misleading_labels = ops.zeros((batch_size, 1))
        with tf.GradientTape() as tape:
            predictions = self.D(self.G(random_latent_vectors, y), y)
            g_loss = self.loss_fn(misleading_labels, predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
        self.d_loss_metric.update_state(d_loss)
        self.g_loss_metric.update_state(g_loss)
        return {"d_loss": self.d_loss_metric.result(), "g_loss": self.g_loss_metric.result()}


class PlainAuxGAN(PlainGAN):
    """ACGAN / InfoGAN in the keras.io style: two tapes, keras.losses, extra heads."""

    def __init__(self, discriminator, generator, latent_dim, kind):
        super().__init__(discriminator, generator, latent_dim)
        self.kind = kind
        self.bce = keras.losses.BinaryCrossentropy(from_logits=True)
        self.sce = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    def fake_inputs(self, batch_size):
        c = keras.random.randint((batch_size,), 0, 10, dtype="int32", seed=self.seed_generator)
        if self.kind == "acgan":
            z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
            return [z, c], c, None
        z = keras.random.normal((batch_size, 62), seed=self.seed_generator)
        cont = keras.random.uniform((batch_size, 2), -1.0, 1.0, seed=self.seed_generator)
        return ops.concatenate([z, ops.one_hot(c, 10), cont], axis=-1), c, cont

    def head_losses(self, outputs, c, cont):
        if self.kind == "acgan":
            return self.sce(c, outputs[1])
        return self.sce(c, outputs[1]) + 0.1 * 0.5 * ops.mean(ops.sum(ops.square(cont - outputs[2]), axis=-1))

    def train_step(self, data):
        real_images = data[0] if isinstance(data, tuple) else data
        batch_size = ops.shape(real_images)[0]
        ones, zeros = ops.ones((batch_size, 1)), ops.zeros((batch_size, 1))
        inputs, c, cont = self.fake_inputs(batch_size)
        with tf.GradientTape() as tape:
            fake = self.generator(inputs, training=True)
            real_out = self.discriminator(real_images, training=True)
            fake_out = self.discriminator(fake, training=True)
            d_loss = self.bce(ones, real_out[0]) + self.bce(zeros, fake_out[0]) + self.head_losses(fake_out, c, cont)
            if self.kind == "acgan":
                d_loss += self.sce(tf.cast(data[1], "int32"), real_out[1])
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
        inputs, c, cont = self.fake_inputs(batch_size)
        with tf.GradientTape() as tape:
            fake_out = self.discriminator(self.generator(inputs, training=True), training=True)
            g_loss = self.bce(ones, fake_out[0]) + self.head_losses(fake_out, c, cont)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
        self.d_loss_metric.update_state(d_loss)
        self.g_loss_metric.update_state(g_loss)
        return {"d_loss": self.d_loss_metric.result(), "g_loss": self.g_loss_metric.result()}


class PlainWGAN(keras.Model):
    """keras.io "WGAN-GP overriding Model.train_step": ``d_steps`` critic updates on the same
    real batch, then one generator update; gradient penalty (gp_weight 10) or weight clipping."""

    def __init__(self, discriminator, generator, latent_dim, discriminator_extra_steps=5, gp_weight=10.0,
                 clip=None):
        super().__init__()
        self.discriminator, self.generator, self.latent_dim = discriminator, generator, latent_dim
        self.d_steps, self.gp_weight, self.clip = discriminator_extra_steps, gp_weight, clip

    def compile(self, d_optimizer, g_optimizer):
        super().compile()
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer

    def gradient_penalty(self, batch_size, real_images, fake_images):
        alpha = tf.random.uniform([batch_size, 1, 1, 1], 0.0, 1.0)
        interpolated = real_images + alpha * (fake_images - real_images)
        with tf.GradientTape() as gp_tape:
            gp_tape.watch(interpolated)
            pred = self.discriminator(interpolated, training=True)
        grads = gp_tape.gradient(pred, [interpolated])[0]
        norm = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3]))
        return tf.reduce_mean((norm - 1.0) ** 2)

    def train_step(self, real_images):
        batch_size = tf.shape(real_images)[0]
        for _ in range(self.d_steps):
            random_latent_vectors = tf.random.normal(shape=(batch_size, self.latent_dim))
            with tf.GradientTape() as tape:
                fake_images = self.generator(random_latent_vectors, training=True)
                fake_logits = self.discriminator(fake_images, training=True)
                real_logits = self.discriminator(real_images, training=True)
                d_loss = tf.reduce_mean(fake_logits) - tf.reduce_mean(real_logits)
                if self.clip is None:
                    d_loss += self.gp_weight * self.gradient_penalty(batch_size, real_images, fake_images)
            d_gradient = tape.gradient(d_loss, self.discriminator.trainable_variables)
            self.d_optimizer.apply_gradients(zip(d_gradient, self.discriminator.trainable_variables))
            if self.clip is not None:
                for w in self.discriminator.trainable_variables:
                    w.assign(tf.clip_by_value(w, -self.clip, self.clip))
        random_latent_vectors = tf.random.normal(shape=(batch_size, self.latent_dim))
        with tf.GradientTape() as tape:
            generated_images = self.generator(random_latent_vectors, training=True)
            g_loss = -tf.reduce_mean(self.discriminator(generated_images, training=True))
        gen_gradient = tape.gradient(g_loss, self.generator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(gen_gradient, self.generator.trainable_variables))
        return {"d_loss": d_loss, "g_loss": g_loss}


class PlainPix2Pix(keras.Model):
    """The TensorFlow pix2pix tutorial's ``train_step``: one generator pass, the discriminator on
    (input, target) and (input, G(input)), both tapes from the same forward pass, BCE + 100 x L1."""

    def __init__(self, discriminator, generator, l1_weight=100.0):
        super().__init__()
        self.discriminator, self.generator, self.l1_weight = discriminator, generator, l1_weight
        self.bce = keras.losses.BinaryCrossentropy(from_logits=True)

    def compile(self, d_optimizer, g_optimizer):
        super().compile()
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer

    def train_step(self, data):
        input_image, target = data
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            gen_output = self.generator(input_image, training=True)
            disc_real_output = self.discriminator([input_image, target], training=True)
            disc_generated_output = self.discriminator([input_image, gen_output], training=True)
            gan_loss = self.bce(tf.ones_like(disc_generated_output), disc_generated_output)
            gen_total_loss = gan_loss + self.l1_weight * tf.reduce_mean(tf.abs(target - gen_output))
            disc_loss = (self.bce(tf.ones_like(disc_real_output), disc_real_output)
                         + self.bce(tf.zeros_like(disc_generated_output), disc_generated_output))
        g = gen_tape.gradient(gen_total_loss, self.generator.trainable_variables)
        d = disc_tape.gradient(disc_loss, self.discriminator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(g, self.generator.trainable_variables))
        self.d_optimizer.apply_gradients(zip(d, self.discriminator.trainable_variables))
        return {"gen_total_loss": gen_total_loss, "disc_loss": disc_loss}


class PlainCycleGAN(keras.Model):
    """The TensorFlow CycleGAN tutorial's ``train_step``: one persistent tape, six generator passes
    (fake, cycled and same images both ways), four discriminator passes shared by the generator
    and discriminator losses (least squares here, as in the paper), four optimizers; no image pool."""

    def __init__(self, generator_g, generator_f, discriminator_x, discriminator_y, lam=10.0):
        super().__init__()
        self.G, self.F, self.D_X, self.D_Y, self.lam = generator_g, generator_f, discriminator_x, discriminator_y, lam

    def compile(self, make_optimizer):
        super().compile()
        self.opts = [make_optimizer() for _ in range(4)]

    def train_step(self, data):
        real_x, real_y = data
        mse = lambda a, b: tf.reduce_mean(tf.square(a - b))  # noqa: E731
        with tf.GradientTape(persistent=True) as tape:
            fake_y = self.G(real_x, training=True)
            cycled_x = self.F(fake_y, training=True)
            fake_x = self.F(real_y, training=True)
            cycled_y = self.G(fake_x, training=True)
            same_x = self.F(real_x, training=True)
            same_y = self.G(real_y, training=True)
            disc_real_x, disc_real_y = self.D_X(real_x, training=True), self.D_Y(real_y, training=True)
            disc_fake_x, disc_fake_y = self.D_X(fake_x, training=True), self.D_Y(fake_y, training=True)
            cycle = tf.reduce_mean(tf.abs(real_x - cycled_x)) + tf.reduce_mean(tf.abs(real_y - cycled_y))
            total_g = mse(disc_fake_y, 1.0) + self.lam * cycle + 0.5 * self.lam * tf.reduce_mean(tf.abs(real_y - same_y))
            total_f = mse(disc_fake_x, 1.0) + self.lam * cycle + 0.5 * self.lam * tf.reduce_mean(tf.abs(real_x - same_x))
            disc_x = 0.5 * (mse(disc_real_x, 1.0) + mse(disc_fake_x, 0.0))
            disc_y = 0.5 * (mse(disc_real_y, 1.0) + mse(disc_fake_y, 0.0))
        for opt, loss, net in zip(self.opts, (total_g, total_f, disc_x, disc_y), (self.G, self.F, self.D_X, self.D_Y)):
            opt.apply_gradients(zip(tape.gradient(loss, net.trainable_variables), net.trainable_variables))
        return {"g_loss": total_g, "d_loss": disc_y}


class PlainSRGAN(keras.Model):
    """An SRGAN step in the keras.io style: one generator pass, the discriminator on HR and SR
    patches, content (pixel MSE) + 1e-3 x adversarial loss, two tapes."""

    def __init__(self, discriminator, generator):
        super().__init__()
        self.discriminator, self.generator = discriminator, generator
        self.bce = keras.losses.BinaryCrossentropy(from_logits=True)

    def compile(self, d_optimizer, g_optimizer):
        super().compile()
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer

    def train_step(self, data):
        lr, hr = data
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            sr = self.generator(lr, training=True)
            real, fake = self.discriminator(hr, training=True), self.discriminator(sr, training=True)
            d_loss = self.bce(tf.ones_like(real), real) + self.bce(tf.zeros_like(fake), fake)
            g_loss = tf.reduce_mean(tf.square(hr - sr)) + 1e-3 * self.bce(tf.ones_like(fake), fake)
        g = g_tape.gradient(g_loss, self.generator.trainable_variables)
        d = d_tape.gradient(d_loss, self.discriminator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(g, self.generator.trainable_variables))
        self.d_optimizer.apply_gradients(zip(d, self.discriminator.trainable_variables))
        return {"g_loss": g_loss, "d_loss": d_loss}


def clone(network):
    """The same architecture and the same initial weights, as a separate model."""
    copy = keras.models.clone_model(network)
    copy.set_weights(network.get_weights())
    return copy


def adam():
    return keras.optimizers.Adam(2e-4, beta_1=0.5)


# --- the contestants: (gankit model, its plain twin, batch, images per step, labels) --------

#: the image-to-image and SR models at their lessons' full-mode sizes: name -> data kind, shapes
IMAGE_TO_IMAGE = {"Pix2Pix": ("pairs", (64, 64, 3)), "Pix2Pix-alternating": ("pairs", (64, 64, 3)),
                  "CycleGAN": ("pairs", (64, 64, 3)),
                  "SRGAN": ("sr", (48, 48, 3))}


def setup_image_to_image(name, precision="auto"):
    """Pix2Pix (lesson 7: 64x64 maps, 16 filters, batch 4), CycleGAN (lesson 8: 64x64, 16 filters,
    6 blocks, 32-filter discriminators, batch 4) and SRGAN (lesson 9: 8 blocks x 32 filters,
    48-pixel HR patches, 32-filter discriminator, batch 16, pixel content loss)."""
    shape = IMAGE_TO_IMAGE[name][1]
    if name.startswith("Pix2Pix"):  # the default (the TF tutorial's update order), or the authors'
        model = models.Pix2Pix(image_shape=shape, filters=16, precision=precision,
                               update="alternating" if name.endswith("alternating") else "simultaneous")
        plain = PlainPix2Pix(clone(model.discriminator), clone(model.generator))
        plain.compile(d_optimizer=adam(), g_optimizer=adam())
        return model, plain, 4, 4, 4
    if name == "CycleGAN":
        model = models.CycleGAN(image_shape=shape, filters=16, n_blocks=6, d_filters=32, d_layers=3,
                                precision=precision)
        plain = PlainCycleGAN(clone(model.generator), clone(model.generator_f), clone(model.discriminator_x),
                              clone(model.discriminator))
        plain.compile(make_optimizer=adam)
        return model, plain, 4, 4, 4
    model = models.SRGAN(scale=4, hr_size=shape[0], blocks=8, filters=32, d_filters=32, content="pixel",
                         residual=True, precision=precision)
    plain = PlainSRGAN(clone(model.discriminator), clone(model.generator))
    plain.compile(d_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.9), g_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.9))
    return model, plain, 16, 16, 16


def setup(name, precision="auto"):
    """(gankit model, its plain twin, batch, plain batch, images per step, labels) for ``name``;
    the gankit model built with ``precision`` (the plain twin clones its networks)."""
    if name in IMAGE_TO_IMAGE:
        return (*setup_image_to_image(name, precision), IMAGE_TO_IMAGE[name][0])
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    if name in ("GAN", "DCGAN"):
        model = getattr(models, name)(precision=precision)
        plain = PlainGAN(clone(model.discriminator), clone(model.generator), model.latent_dim)
        plain.compile(d_optimizer=adam(), g_optimizer=adam(), loss_fn=bce)
        batch = 64 if name == "GAN" else 128
        return model, plain, batch, batch, batch, False
    if name == "CGAN":
        model = models.CGAN(mismatch=False, precision=precision)  # keras.io's conditional GAN has no mismatched pairs
        plain = PlainGAN(clone(model.discriminator), clone(model.generator), model.latent_dim, labels=True)
        plain.compile(d_optimizer=adam(), g_optimizer=adam(), loss_fn=bce)
        return model, plain, 64, 64, 64, True
    if name in ("ACGAN", "InfoGAN"):
        model = getattr(models, name)(precision=precision)
        plain = PlainAuxGAN(clone(model.discriminator), clone(model.generator), model.latent_dim, name.lower())
        plain.compile(d_optimizer=adam(), g_optimizer=adam(), loss_fn=bce)
        return model, plain, 64, 64, 64, name == "ACGAN"
    if name in ("WGAN", "WGANGP"):
        model = getattr(models, name)(precision=precision)
        plain = PlainWGAN(clone(model.discriminator), clone(model.generator), model.latent_dim,
                          clip=0.01 if name == "WGAN" else None)
        opt = (lambda: keras.optimizers.RMSprop(5e-5)) if name == "WGAN" else (
            lambda: keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9))
        plain.compile(d_optimizer=opt(), g_optimizer=opt())
        # gankit: one batch of 5 x 64 sliced into the critic minibatches; keras.io: 64 used 5 times
        return model, plain, 5 * 64, 64, 5 * 64, False
    raise ValueError(f"unknown model {name!r}")


MODELS = ["GAN", "DCGAN", "CGAN", "ACGAN", "InfoGAN", "WGAN", "WGANGP", "Pix2Pix", "Pix2Pix-alternating", "CycleGAN",
          "SRGAN"]


def shape_of(name):
    return IMAGE_TO_IMAGE.get(name, (None, (28, 28, 1)))[1]


def dataset(batch, labels, shape=(28, 28, 1)):
    """Synthetic batches: ``labels`` False (images), True ((images, classes)), "pairs" ((images,
    images)) or "sr" ((LR images 4x smaller, images))."""
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (batch * 4, *shape)).astype("float32")
    if labels == "pairs":
        element = (x, rng.uniform(-1, 1, x.shape).astype("float32"))
    elif labels == "sr":
        element = (x[:, ::4, ::4], x)
    else:
        element = (x, rng.integers(0, 10, batch * 4).astype("int32")) if labels else x
    ds = tf.data.Dataset.from_tensor_slices(element)
    return ds.batch(batch, drop_remainder=True).cache().repeat().prefetch(tf.data.AUTOTUNE)


class StepClock(keras.callbacks.Callback):
    """The time at the end of every call of the compiled training function, and the index of
    the last step it ran (one step per call, or ``steps_per_execution`` steps)."""

    def __init__(self):
        super().__init__()
        self.times, self.steps = [], []

    def on_train_batch_end(self, batch, logs=None):
        self.times.append(time.perf_counter())
        self.steps.append(batch)


def timed_fit(model, ds, steps):
    """Seconds per step of about ``steps`` training steps inside ``fit``, in the steady state:
    the clock starts when the first call of the training function ends (``fit`` runs one call
    more) and stops when the last one ends, and divides by the steps run in between (a call
    runs ``steps_per_execution`` steps). ``fit``'s start-up and wind-down are left out: on the
    2-core machine they took 0.1 s in most calls and 2.6-2.9 s in some, at random, which
    halved the rate of a 30-step turn. Epoch boundaries inside one ``fit`` cost nothing extra
    (measured), so a real run pays this once per ``fit`` call."""
    clock = StepClock()
    per_call = int(getattr(model, "steps_per_execution", 1) or 1)
    if getattr(model, "_auto_steps", False):  # gankit's default: what its fit will choose
        per_call = runtime.for_model(model).steps_per_execution
    calls = -(-steps // per_call) + 1
    model.fit(ds, epochs=1, steps_per_epoch=calls * per_call, verbose=0, shuffle=False, callbacks=[clock])
    return (clock.times[-1] - clock.times[0]) / (clock.steps[-1] - clock.steps[0])


def step_flops(model, batch, labels, shape=(28, 28, 1)):
    """Float operations of one ``train_step`` (TF's graph profiler on the traced step)."""
    from tensorflow.python.profiler import model_analyzer, option_builder

    x = tf.TensorSpec((batch, *shape), tf.float32)
    if labels == "pairs":
        spec = (x, x)
    elif labels == "sr":
        spec = (tf.TensorSpec((batch, shape[0] // 4, shape[1] // 4, shape[2]), tf.float32), x)
    else:
        spec = (x, tf.TensorSpec((batch,), tf.int32)) if labels else x
    fn = tf.function(model.train_step)
    graph = fn.get_concrete_function(spec).graph
    opts = option_builder.ProfileOptionBuilder(option_builder.ProfileOptionBuilder.float_operation()) \
        .with_empty_output().build()
    return model_analyzer.profile(graph, options=opts).total_float_ops


# --- the machine's peaks --------------------------------------------------------------------

def best_rate(fn, flops, repeats=5, inner=3):
    fn()  # trace / warm up
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(inner):
            fn().numpy()
        best = min(best, (time.perf_counter() - start) / inner)
    return flops / best / 1e9


def measure_peaks(dtype="float32"):
    """(matmul, conv) GFLOP/s peaks in ``dtype`` (float32, or bfloat16 for the rows whose networks
    compute in it)."""
    matmul = 0.0
    for n in (1024, 2048):
        a = tf.cast(tf.random.normal((n, n)), dtype)
        matmul = max(matmul, best_rate(tf.function(lambda a=a: tf.matmul(a, a)), 2 * n ** 3))
    conv = 0.0
    # (batch, H, W, Cin, k, Cout, stride): a classic 3x3 layer, and DCGAN's second D layer at batch 512
    for b, h, w, cin, k, cout, s in ((32, 28, 28, 128, 3, 128, 1), (512, 14, 14, 64, 4, 128, 2)):
        x = tf.cast(tf.random.normal((b, h, w, cin)), dtype)
        f = tf.cast(tf.random.normal((k, k, cin, cout)), dtype)
        out = (h // s) * (w // s)
        flops = 2 * b * out * k * k * cin * cout
        conv = max(conv, best_rate(tf.function(lambda x=x, f=f, s=s: tf.nn.conv2d(x, f, s, "SAME")), flops))
    return matmul, conv


# --- main ---------------------------------------------------------------------------------

def bench(name, steps, repeats, jit):
    keras.utils.set_random_seed(0)
    model, _, batch, plain_batch, images, labels = setup(name)  # gankit's defaults (precision "auto")
    keras.utils.set_random_seed(0)
    reference, plain, *_ = setup(name, precision="float32")     # keras.io's loops compute in float32
    bf16 = model.generator.dtype_policy.compute_dtype == "bfloat16"
    shape = shape_of(name)
    model.compile()
    try:
        flops = step_flops(model, batch, labels, shape)
    except Exception as err:  # the profiler is a convenience; the throughput stands without it
        print(f"  ({name}: FLOP count failed: {err})", file=sys.stderr)
        flops = None
    contestants = {"gankit": (model, dataset(batch, labels, shape))}
    if jit and model.jit_compile is False and not model_supports_jit(model):
        print(f"  ({name}: XLA cannot compile one of its layers; measured without XLA only)", file=sys.stderr)
        jit = False
    if jit:
        twin = type(model).from_config(model.get_config())
        twin.compile(jit_compile=not model.jit_compile)
        contestants["gankit XLA" if twin.jit_compile else "gankit no-XLA"] = (twin, dataset(batch, labels, shape))
    if bf16:  # gankit chose bfloat16 networks on this CPU: the same model in float32, to show what it gives
        reference.compile()
        contestants["gankit float32"] = (reference, dataset(batch, labels, shape))
    contestants["plain"] = (plain, dataset(plain_batch, labels, shape))
    for m, ds in contestants.values():
        if hasattr(m, "build_optimizers"):  # CycleGAN: optimizers built before the step is traced
            m.build_optimizers()
        timed_fit(m, ds, 2)  # trace and compile
    best = {k: float("inf") for k in contestants}
    for _ in range(repeats):
        for key, (m, ds) in contestants.items():
            best[key] = min(best[key], timed_fit(m, ds, steps))
    rates = {k: images / t for k, t in best.items()}  # t: seconds per step
    row = {"model": name, "batch": batch, "images_per_step": images, "precision": model.generator.dtype_policy.name,
           "xla": bool(model.jit_compile), "plain_xla": bool(plain.jit_compile),
           "images_per_s": rates, "ratio": rates["gankit"] / rates["plain"],
           "gflop_per_step": None if flops is None else flops / 1e9,
           "gflops": None if flops is None else flops / best["gankit"] / 1e9}
    if jit:
        xla, no_xla = (rates["gankit"], rates["gankit no-XLA"]) if model.jit_compile else (
            rates["gankit XLA"], rates["gankit"])
        row["xla_speedup"] = xla / no_xla
    if bf16:
        row["bf16_speedup"] = rates["gankit"] / rates["gankit float32"]
    return row


BENCH_START, BENCH_END = "<!-- benchmark:start -->", "<!-- benchmark:end -->"
BENCH_HEAD = {
    "en": ("model", "batch", "gankit images/s", "plain loop images/s", "ratio", "XLA on/off", "bf16 on/off",
           "GFLOP/s", "% of conv peak"),
    "zh": ("模型", "批大小", "gankit 图像/秒", "普通循环 图像/秒", "倍数", "XLA 开/关", "bf16 开/关", "GFLOP/s",
           "占卷积峰值"),
}
BENCH_NOTE = {
    "en": "Measured by `python benchmarks/train_step.py --readme` on {machine} (TensorFlow {tf}, Keras {keras}); "
          "peaks (the best measured by these runs): matmul {matmul:.0f} GFLOP/s, conv {conv:.0f} GFLOP/s (float32){bf16}. "
          "\"gankit\" = the model with its defaults for full training on this machine (8 steps per call of the "
          "compiled step; XLA and bfloat16 where the model was measured faster with them on this CPU). "
          "\"ratio\" = gankit images/s ÷ the keras.io-style loop's on the same networks (float32, Keras' defaults); "
          "\"XLA on/off\" = images/s with `jit_compile=True` ÷ without; \"bf16 on/off\" = gankit's bfloat16 "
          "networks ÷ the same in float32. Each row: the best of several turns of 20-300 steps{processes}.",
    "zh": "由 `python benchmarks/train_step.py --readme` 在 {machine} 上测得（TensorFlow {tf}，Keras {keras}）；"
          "峰值（这些运行测得的最大值）：矩阵乘法 {matmul:.0f} GFLOP/s，卷积 {conv:.0f} GFLOP/s（float32）{bf16}。"
          "“gankit” = 模型在这台机器上完整训练时的默认设置（编译好的训练函数每次调用跑 8 步；在这种 CPU 上实测更快的模型"
          "才开 XLA、用 bfloat16）。“倍数” = gankit 的图像/秒 ÷ 同样网络用 keras.io 写法的普通循环（float32，Keras 默认设置）"
          "的图像/秒；“XLA 开/关” = `jit_compile=True` 与不开时的图像/秒之比；“bf16 开/关” = gankit 的 bfloat16 网络"
          "与同一模型 float32 版本的图像/秒之比。每行取几轮（每轮 20–300 步）中最快的一轮{processes}。",
}


def bench_table(result, lang="en"):
    """The README table of a benchmark result (the dict written by ``--json``)."""
    head = BENCH_HEAD[lang]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in result["rows"]:
        r = row["images_per_s"]
        gflops = row.get("gflops")
        bf16 = str(row.get("precision", "")).endswith("bfloat16") and result.get("peak_conv_gflops_bf16")
        peak = result["peak_conv_gflops_bf16"] if bf16 else result["peak_conv_gflops"]
        peak = f"{100 * gflops / peak:.0f}%" if gflops else "–"
        xla = f"{row['xla_speedup']:.2f}×" if row.get("xla_speedup") else "–"
        bf16 = f"{row['bf16_speedup']:.2f}×" if row.get("bf16_speedup") else "–"
        ratio = f"{row['ratio']:.2f}×"
        if row.get("ratio_range"):
            ratio += " ({:.2f}–{:.2f})".format(*row["ratio_range"])
        lines.append(f"| {row['model']} | {row['batch']} | {r['gankit']:.0f} | {r['plain']:.0f} | "
                     f"{ratio} | {xla} | {bf16} | {gflops or float('nan'):.1f} | {peak} |")
    counts = sorted({row.get("processes", 1) for row in result["rows"]})
    processes = ""
    if counts[-1] > 1:
        n = "–".join(str(c) for c in (counts[0], counts[-1]) if c > 1) if len(counts) > 1 else str(counts[0])
        processes = {"en": f"; rows with a range in brackets: the median over {n} fresh processes (the range: the "
                           f"lowest and highest ratio among them)",
                     "zh": f"；倍数后带括号的行：{n} 个新进程各测一次取中位数（括号内是其中最低与最高的倍数）"}[lang]
    bf16_peaks = ""
    if result.get("peak_conv_gflops_bf16"):
        bf16_peaks = {"en": "; in bfloat16 matmul {:.0f}, conv {:.0f} GFLOP/s (the bfloat16 rows' \"% of conv peak\" "
                            "is of this one)",
                      "zh": "；bfloat16 下矩阵乘法 {:.0f}、卷积 {:.0f} GFLOP/s（用 bfloat16 的行，“占卷积峰值”按这个算）"}[lang].format(
            result["peak_matmul_gflops_bf16"], result["peak_conv_gflops_bf16"])
    note = BENCH_NOTE[lang].format(machine=result["machine"], tf=result["tensorflow"], keras=result["keras"],
                                   matmul=result["peak_matmul_gflops"], conv=result["peak_conv_gflops"],
                                   repeats=result.get("repeats", "?"), steps=result.get("steps", "?"),
                                   processes=processes, bf16=bf16_peaks)
    return "\n".join(lines + ["", note])


def write_readmes(result, repo=None):
    """Put the benchmark tables between the benchmark markers of README.md and README_cn.md."""
    import pathlib

    from tools.results_table import replace_between_markers

    repo = pathlib.Path(repo or os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for lang, name in (("en", "README.md"), ("zh", "README_cn.md")):
        path = repo / name
        text = replace_between_markers(path.read_text(encoding="utf-8"), bench_table(result, lang), name,
                                       BENCH_START, BENCH_END)
        path.write_text(text, encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-jit-compare", action="store_true", help="skip the other jit_compile contestant")
    parser.add_argument("--processes", type=int, default=1,
                        help="run each model in this many fresh processes and report medians (default 1: this one)")
    parser.add_argument("--no-peaks", action="store_true", help=argparse.SUPPRESS)  # a worker of --processes
    parser.add_argument("--json", default=None, help="also write the results to this file")
    parser.add_argument("--readme", action="store_true",
                        help="also write assets/benchmark.json and the READMEs' benchmark tables")
    args = parser.parse_args(argv)

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor()) if os.path.exists("/proc/cpuinfo") else platform.processor()
    # the same model name can hide CPUs 3x apart (AVX2 vs AVX-512 EPYCs): name the widest vector unit
    cpu += {"avx512": " (AVX-512)", "avx2": " (AVX2)"}.get(cpu_vector_unit(), "")
    gpus = tf.config.list_physical_devices("GPU")
    machine = (f"{len(gpus)} GPU(s): " + ", ".join(tf.config.experimental.get_device_details(g).get("device_name", "?")
                                                   for g in gpus)) if gpus else f"{os.cpu_count()}-core {cpu}"
    print(f"machine: {machine}; TensorFlow {tf.__version__}, Keras {keras.__version__}", flush=True)
    matmul, conv = (float("nan"), float("nan")) if args.no_peaks else measure_peaks()
    print(f"measured peak: matmul {matmul:.1f} GFLOP/s, conv {conv:.1f} GFLOP/s (float32)", flush=True)
    peaks_bf16 = {}
    if not args.no_peaks and cpu_has_bf16():  # the bfloat16 rows are measured against bfloat16's peaks
        peaks_bf16 = dict(zip(("peak_matmul_gflops_bf16", "peak_conv_gflops_bf16"), measure_peaks("bfloat16")))
        print("measured peak: matmul {peak_matmul_gflops_bf16:.1f} GFLOP/s, conv {peak_conv_gflops_bf16:.1f} "
              "GFLOP/s (bfloat16)".format(**peaks_bf16), flush=True)
    rows = []
    header = (f"{'model':<8} {'batch':>5} {'gankit img/s':>12} {'XLA x':>6} {'plain img/s':>11} {'ratio':>6} "
              f"{'GFLOP/step':>10} {'GFLOP/s':>8} {'% conv peak':>11}")
    print(header, flush=True)
    for name in args.models.split(","):
        if args.processes > 1:
            row = combine_processes([in_fresh_process(name, args) for _ in range(args.processes)])
        else:
            row = bench(name, args.steps, args.repeats, not args.no_jit_compare)
        rows.append(row)
        r = row["images_per_s"]
        print(f"{name:<8} {row['batch']:>5} {r['gankit']:>12.0f} {row.get('xla_speedup', float('nan')):>5.2f}x "
              f"{r['plain']:>11.0f} {row['ratio']:>5.2f}x "
              f"{row['gflop_per_step'] or float('nan'):>10.2f} {row['gflops'] or float('nan'):>8.1f} "
              f"{100 * (row['gflops'] or float('nan')) / conv:>10.0f}%", flush=True)
    result = {"machine": machine, "tensorflow": tf.__version__, "keras": keras.__version__,
              "peak_matmul_gflops": matmul, "peak_conv_gflops": conv, **peaks_bf16, "steps": args.steps,
              "repeats": args.repeats, "processes": args.processes, "rows": rows}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
    if args.readme:
        store = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "assets", "benchmark.json")
        merged = merge_result(store, result)
        with open(store, "w") as f:
            json.dump(merged, f, indent=2)
        write_readmes(merged)
    return rows


def in_fresh_process(name, args):
    """``bench(name, ...)`` in a new Python process (this script, one model, no peaks): its row."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "row.json")
        cmd = [sys.executable, os.path.abspath(__file__), "--models", name, "--steps", str(args.steps),
               "--repeats", str(args.repeats), "--no-peaks", "--json", out]
        if args.no_jit_compare:
            cmd.append("--no-jit-compare")
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if done.returncode:
            raise RuntimeError(f"{name} in a fresh process failed:\n{done.stderr[-3000:]}")
        with open(out) as f:
            (row,) = json.load(f)["rows"]
    print(f"  {name}: one process: ratio {row['ratio']:.2f}x, gankit {row['images_per_s']['gankit']:.0f} img/s, "
          f"plain {row['images_per_s']['plain']:.0f} img/s", flush=True)
    return row


def combine_processes(rows):
    """One row from the rows of the same model measured in several processes: each
    contestant's median images/s, the median of the per-process ratios (and XLA speed-ups),
    the lowest and highest ratio (``ratio_range``), and GFLOP/s at the median gankit rate."""
    median = lambda values: float(np.median(values))  # noqa: E731
    first = rows[0]
    rates = {k: median([r["images_per_s"][k] for r in rows]) for k in first["images_per_s"]}
    ratios = [r["ratio"] for r in rows]
    row = {**first, "images_per_s": rates, "ratio": median(ratios), "ratio_range": [min(ratios), max(ratios)],
           "processes": len(rows)}
    if first.get("gflop_per_step"):
        row["gflops"] = first["gflop_per_step"] * rates["gankit"] / first["images_per_step"]
    for key in ("xla_speedup", "bf16_speedup"):
        if all(r.get(key) for r in rows):
            row[key] = median([r[key] for r in rows])
    return row


def merge_result(store, result):
    """``result`` merged into the stored one when both come from the same machine and versions
    (rows of the models measured now replace theirs; the order of MODELS is kept), else ``result``."""
    try:
        with open(store) as f:
            old = json.load(f)
    except (OSError, ValueError):
        return result
    same = all(old.get(k) == result[k] for k in ("machine", "tensorflow", "keras"))
    if not same:
        return result
    rows = {r["model"]: r for r in old.get("rows", [])}
    rows.update({r["model"]: r for r in result["rows"]})
    order = {m: i for i, m in enumerate(MODELS)}
    # the peaks: the best ever measured on this machine (a busy moment measures them low), so
    # every row's share of the peak is a conservative one
    peaks = {k: max(old.get(k, 0.0), result.get(k, 0.0)) for k in ("peak_matmul_gflops", "peak_conv_gflops",
                                                                    "peak_matmul_gflops_bf16", "peak_conv_gflops_bf16")
             if k in old or k in result}
    return {**old, **{k: v for k, v in result.items() if k != "rows"}, **peaks,
            "rows": sorted(rows.values(), key=lambda r: order.get(r["model"], len(order)))}


if __name__ == "__main__":
    main()
