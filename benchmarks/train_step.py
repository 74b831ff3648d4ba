"""Throughput of every gankit model's ``train_step`` against the same networks trained by a
plain Keras 3 loop written the way the keras.io examples write it, in the same process.

    python benchmarks/train_step.py                     # all models, default sizes
    python benchmarks/train_step.py --models DCGAN --steps 30 --repeats 5 --json out.json

For each model, at its default size (28x28x1 images, the lessons' batch sizes):

* ``gankit``       — ``model.compile()`` with the defaults (Keras' ``jit_compile="auto"``: XLA on a
  GPU, none on a CPU);
* ``gankit XLA``   — the same with ``jit_compile=True`` (to choose the default by measurement);
* ``plain``        — a ``keras.Model`` subclass with the keras.io ``train_step`` for that game
  (keras.io's DCGAN, conditional GAN and WGAN-GP examples; ACGAN and InfoGAN written in the
  same style), with the *same* generator and discriminator, compiled with Keras' defaults.

All three read the same synthetic batches from a repeated, prefetched ``tf.data`` pipeline
(so the disk is not measured). Every contestant is warmed up (tracing, XLA compilation)
first; then the contestants take turns, ``--repeats`` times ``--steps`` steps each, and the
fastest turn of each counts (the machine is shared: the best turn is the least disturbed).

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

from gankit import models  # noqa: E402


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


def clone(network):
    """The same architecture and the same initial weights, as a separate model."""
    copy = keras.models.clone_model(network)
    copy.set_weights(network.get_weights())
    return copy


def adam():
    return keras.optimizers.Adam(2e-4, beta_1=0.5)


# --- the contestants: (gankit model, its plain twin, batch, images per step, labels) --------

def setup(name):
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    if name in ("GAN", "DCGAN"):
        model = getattr(models, name)()
        plain = PlainGAN(clone(model.discriminator), clone(model.generator), model.latent_dim)
        plain.compile(d_optimizer=adam(), g_optimizer=adam(), loss_fn=bce)
        batch = 64 if name == "GAN" else 128
        return model, plain, batch, batch, batch, False
    if name == "CGAN":
        model = models.CGAN(mismatch=False)  # keras.io's conditional GAN has no mismatched pairs
        plain = PlainGAN(clone(model.discriminator), clone(model.generator), model.latent_dim, labels=True)
        plain.compile(d_optimizer=adam(), g_optimizer=adam(), loss_fn=bce)
        return model, plain, 64, 64, 64, True
    if name in ("ACGAN", "InfoGAN"):
        model = getattr(models, name)()
        plain = PlainAuxGAN(clone(model.discriminator), clone(model.generator), model.latent_dim, name.lower())
        plain.compile(d_optimizer=adam(), g_optimizer=adam(), loss_fn=bce)
        return model, plain, 64, 64, 64, name == "ACGAN"
    if name in ("WGAN", "WGANGP"):
        model = getattr(models, name)()
        plain = PlainWGAN(clone(model.discriminator), clone(model.generator), model.latent_dim,
                          clip=0.01 if name == "WGAN" else None)
        opt = (lambda: keras.optimizers.RMSprop(5e-5)) if name == "WGAN" else (
            lambda: keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9))
        plain.compile(d_optimizer=opt(), g_optimizer=opt())
        # gankit: one batch of 5 x 64 sliced into the critic minibatches; keras.io: 64 used 5 times
        return model, plain, 5 * 64, 64, 5 * 64, False
    raise ValueError(f"unknown model {name!r}")


MODELS = ["GAN", "DCGAN", "CGAN", "ACGAN", "InfoGAN", "WGAN", "WGANGP"]


def dataset(batch, labels, shape=(28, 28, 1)):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (batch * 4, *shape)).astype("float32")
    y = rng.integers(0, 10, batch * 4).astype("int32")
    ds = tf.data.Dataset.from_tensor_slices((x, y) if labels else x)
    return ds.batch(batch, drop_remainder=True).cache().repeat().prefetch(tf.data.AUTOTUNE)


def timed_fit(model, ds, steps):
    start = time.perf_counter()
    keras.Model.fit(model, ds, epochs=1, steps_per_epoch=steps, verbose=0, shuffle=False)
    return time.perf_counter() - start


def step_flops(model, batch, labels, shape=(28, 28, 1)):
    """Float operations of one ``train_step`` (TF's graph profiler on the traced step)."""
    from tensorflow.python.profiler import model_analyzer, option_builder

    x = tf.TensorSpec((batch, *shape), tf.float32)
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


def measure_peaks():
    matmul = 0.0
    for n in (1024, 2048):
        a = tf.random.normal((n, n))
        matmul = max(matmul, best_rate(tf.function(lambda a=a: tf.matmul(a, a)), 2 * n ** 3))
    conv = 0.0
    # (batch, H, W, Cin, k, Cout, stride): a classic 3x3 layer, and DCGAN's second D layer at batch 512
    for b, h, w, cin, k, cout, s in ((32, 28, 28, 128, 3, 128, 1), (512, 14, 14, 64, 4, 128, 2)):
        x = tf.random.normal((b, h, w, cin))
        f = tf.random.normal((k, k, cin, cout))
        out = (h // s) * (w // s)
        flops = 2 * b * out * k * k * cin * cout
        conv = max(conv, best_rate(tf.function(lambda x=x, f=f, s=s: tf.nn.conv2d(x, f, s, "SAME")), flops))
    return matmul, conv


# --- main ---------------------------------------------------------------------------------

def bench(name, steps, repeats, jit):
    keras.utils.set_random_seed(0)
    model, plain, batch, plain_batch, images, labels = setup(name)
    model.compile()
    try:
        flops = step_flops(model, batch, labels)
    except Exception as err:  # the profiler is a convenience; the throughput stands without it
        print(f"  ({name}: FLOP count failed: {err})", file=sys.stderr)
        flops = None
    contestants = {"gankit": (model, dataset(batch, labels))}
    if jit:
        twin = type(model).from_config(model.get_config())
        twin.compile(jit_compile=not model.jit_compile)
        contestants["gankit XLA" if twin.jit_compile else "gankit no-XLA"] = (twin, dataset(batch, labels))
    contestants["plain"] = (plain, dataset(plain_batch, labels))
    for m, ds in contestants.values():
        timed_fit(m, ds, 2)  # trace and compile
    best = {k: float("inf") for k in contestants}
    for _ in range(repeats):
        for key, (m, ds) in contestants.items():
            best[key] = min(best[key], timed_fit(m, ds, steps))
    rates = {k: images * steps / t for k, t in best.items()}
    row = {"model": name, "batch": batch, "images_per_step": images,
           "xla": bool(model.jit_compile), "plain_xla": bool(plain.jit_compile),
           "images_per_s": rates, "ratio": rates["gankit"] / rates["plain"],
           "gflop_per_step": None if flops is None else flops / 1e9,
           "gflops": None if flops is None else flops * steps / best["gankit"] / 1e9}
    if jit:
        xla, no_xla = (rates["gankit"], rates["gankit no-XLA"]) if model.jit_compile else (
            rates["gankit XLA"], rates["gankit"])
        row["xla_speedup"] = xla / no_xla
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-jit-compare", action="store_true", help="skip the other jit_compile contestant")
    parser.add_argument("--json", default=None, help="also write the results to this file")
    args = parser.parse_args(argv)

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor()) if os.path.exists("/proc/cpuinfo") else platform.processor()
    gpus = tf.config.list_physical_devices("GPU")
    machine = (f"{len(gpus)} GPU(s): " + ", ".join(tf.config.experimental.get_device_details(g).get("device_name", "?")
                                                   for g in gpus)) if gpus else f"{os.cpu_count()}-core {cpu}"
    print(f"machine: {machine}; TensorFlow {tf.__version__}, Keras {keras.__version__}", flush=True)
    matmul, conv = measure_peaks()
    print(f"measured peak: matmul {matmul:.1f} GFLOP/s, conv {conv:.1f} GFLOP/s (float32)", flush=True)
    rows = []
    header = (f"{'model':<8} {'batch':>5} {'gankit img/s':>12} {'XLA x':>6} {'plain img/s':>11} {'ratio':>6} "
              f"{'GFLOP/step':>10} {'GFLOP/s':>8} {'% conv peak':>11}")
    print(header, flush=True)
    for name in args.models.split(","):
        row = bench(name, args.steps, args.repeats, not args.no_jit_compare)
        rows.append(row)
        r = row["images_per_s"]
        print(f"{name:<8} {row['batch']:>5} {r['gankit']:>12.0f} {row.get('xla_speedup', float('nan')):>5.2f}x "
              f"{r['plain']:>11.0f} {row['ratio']:>5.2f}x "
              f"{row['gflop_per_step'] or float('nan'):>10.2f} {row['gflops'] or float('nan'):>8.1f} "
              f"{100 * (row['gflops'] or float('nan')) / conv:>10.0f}%", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine, "tensorflow": tf.__version__, "keras": keras.__version__,
                       "peak_matmul_gflops": matmul, "peak_conv_gflops": conv, "rows": rows}, f, indent=2)
    return rows


if __name__ == "__main__":
    main()
