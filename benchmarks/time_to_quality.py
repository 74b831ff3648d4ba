"""Time to quality: gankit's DCGAN with its defaults against the TensorFlow tutorial's DCGAN
trained by its plain loop, each for the same wall-clock budget on this machine, scored by the
classifier FID on Fashion-MNIST (``gankit.metrics.fid`` with the Fashion-MNIST classifier;
lower is better).

    flock /tmp/gankit-long.lock nice -n 5 python benchmarks/time_to_quality.py --budget 300
    python benchmarks/time_to_quality.py --model pix2pix --budget 200 --seeds 0,1

``--model pix2pix`` compares Pix2Pix's two update orders (``update="alternating"``, the
authors', and ``"simultaneous"``, the TensorFlow tutorial's, one discriminator pass cheaper)
in lesson 7's full-mode setting (maps at 64x64, ``filters=16``, batch 4, each ``--seeds``), each for
the same budget; scored on 100 validation pairs by L1, PSNR, SSIM and the sharpness ratio
(the outputs' mean gradient magnitude over the targets', 1 = as sharp as the maps).

* gankit: ``models.DCGAN()`` + ``compile()`` (Adam 2e-4, beta_1 0.5; XLA where ``gankit.runtime.MEASURED`` says), ``data.load(
  "fashion_mnist", batch_size=128)``, ``fit`` until the budget is spent;
* tutorial (tensorflow.org/tutorials/generative/dcgan, verbatim in substance): its generator
  (Dense 7x7x256, 5x5 transposed convs 128/64/1, batch norm, LeakyReLU) and discriminator
  (5x5 convs 64/128, LeakyReLU, dropout 0.3), Adam(1e-4) for both, batch 256, one
  ``@tf.function`` step with two tapes over a single generator pass, the ``for`` loop over
  ``Dataset.from_tensor_slices(...).shuffle(60000).batch(256)``.

The clock runs from the first line of each side's training (model building and tracing
included) to the end of the budget; then each generates 10,000 images (``training=False``),
and both are compared with the 10,000 test images.
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers  # noqa: E402

from gankit import data, metrics, models  # noqa: E402


def test_images():
    ds = data.load("fashion_mnist", split="test", batch_size=1000, labels=False, shuffle=False, drop_remainder=False)
    return np.concatenate([np.asarray(b) for b in ds])


def train_images():
    ds = data.load("fashion_mnist", split="train", batch_size=1000, labels=False, shuffle=False,
                   drop_remainder=False)
    return np.concatenate([np.asarray(b) for b in ds])  # in [-1, 1], as the tutorial's (x - 127.5) / 127.5


class Budget(keras.callbacks.Callback):
    """Stops ``fit`` once ``deadline`` (a ``time.perf_counter()`` value) has passed. Checked after
    every call of the compiled training function (every step, or every ``steps_per_execution``
    steps); ``steps`` is the number of generator updates made, read from the optimizer."""

    def __init__(self, deadline):
        super().__init__()
        self.deadline = deadline

    def on_train_batch_end(self, batch, logs=None):
        if time.perf_counter() >= self.deadline:
            self.model.stop_training = True

    @property
    def steps(self):
        return int(self.model.g_optimizer.iterations)


def run_gankit(budget, name="DCGAN", precision=None, seed=0):
    """gankit's ``name`` (DCGAN, or WGANGP with its batch of 5 x 64) with its defaults on
    Fashion-MNIST for ``budget`` seconds; ``precision`` given: its networks built under that
    dtype policy (the models' ``precision`` argument)."""
    start = time.perf_counter()
    keras.utils.set_random_seed(seed)
    batch = 128 if name == "DCGAN" else 5 * 64
    ds = data.load("fashion_mnist", batch_size=batch, labels=False, seed=seed)
    model = getattr(models, name)(seed=seed, precision=precision or "auto")
    model.compile()
    stop = Budget(start + budget)
    history = model.fit(ds, epochs=10_000, callbacks=[stop], verbose=0)
    seconds = time.perf_counter() - start
    images = model.generate(10_000, seed=1)
    return {"seconds": seconds, "steps": stop.steps, "epochs": len(history.history["d_loss"]),
            "batch": batch, "images": images, "policy": model.generator.dtype_policy.name}


def tutorial_generator():
    model = keras.Sequential([
        keras.Input((100,)),
        layers.Dense(7 * 7 * 256, use_bias=False), layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Reshape((7, 7, 256)),
        layers.Conv2DTranspose(128, (5, 5), strides=(1, 1), padding="same", use_bias=False),
        layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Conv2DTranspose(64, (5, 5), strides=(2, 2), padding="same", use_bias=False),
        layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Conv2DTranspose(1, (5, 5), strides=(2, 2), padding="same", use_bias=False, activation="tanh"),
    ])
    return model


def tutorial_discriminator():
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(64, (5, 5), strides=(2, 2), padding="same"), layers.LeakyReLU(), layers.Dropout(0.3),
        layers.Conv2D(128, (5, 5), strides=(2, 2), padding="same"), layers.LeakyReLU(), layers.Dropout(0.3),
        layers.Flatten(), layers.Dense(1),
    ])


def run_tutorial(budget, train):
    start = time.perf_counter()
    tf.random.set_seed(0)
    BUFFER_SIZE, BATCH_SIZE, noise_dim = 60000, 256, 100
    train_dataset = tf.data.Dataset.from_tensor_slices(train).shuffle(BUFFER_SIZE).batch(BATCH_SIZE)
    generator, discriminator = tutorial_generator(), tutorial_discriminator()
    cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)

    def discriminator_loss(real_output, fake_output):
        return cross_entropy(tf.ones_like(real_output), real_output) + cross_entropy(tf.zeros_like(fake_output),
                                                                                   fake_output)

    def generator_loss(fake_output):
        return cross_entropy(tf.ones_like(fake_output), fake_output)

    generator_optimizer = keras.optimizers.Adam(1e-4)
    discriminator_optimizer = keras.optimizers.Adam(1e-4)

    @tf.function
    def train_step(images):
        noise = tf.random.normal([BATCH_SIZE, noise_dim])
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            generated_images = generator(noise, training=True)
            real_output = discriminator(images, training=True)
            fake_output = discriminator(generated_images, training=True)
            gen_loss = generator_loss(fake_output)
            disc_loss = discriminator_loss(real_output, fake_output)
        gradients_of_generator = gen_tape.gradient(gen_loss, generator.trainable_variables)
        gradients_of_discriminator = disc_tape.gradient(disc_loss, discriminator.trainable_variables)
        generator_optimizer.apply_gradients(zip(gradients_of_generator, generator.trainable_variables))
        discriminator_optimizer.apply_gradients(zip(gradients_of_discriminator, discriminator.trainable_variables))

    steps, epochs, deadline = 0, 0, start + budget
    while time.perf_counter() < deadline:
        for image_batch in train_dataset:
            train_step(image_batch)
            steps += 1
            if time.perf_counter() >= deadline:
                break
        epochs += 1
    seconds = time.perf_counter() - start
    noise = np.random.default_rng(1).standard_normal((10_000, noise_dim)).astype("float32")
    images = np.concatenate([np.asarray(generator(noise[i:i + 500], training=False))
                             for i in range(0, len(noise), 500)])
    return {"seconds": seconds, "steps": steps, "epochs": epochs, "batch": BATCH_SIZE, "images": images}


def run_pix2pix(update, budget, seed, eval_pairs):
    """Lesson 7's full-mode Pix2Pix (maps, 64x64, filters 16, batch 4) with ``update``, trained
    for ``budget`` seconds from the first line; scored on ``eval_pairs`` (inputs, targets)."""
    from gankit.metrics import mean_gradient_magnitude

    start = time.perf_counter()
    keras.utils.set_random_seed(seed)
    ds = data.load("maps", split="train", batch_size=4, image_size=64, channels=3, seed=seed)
    model = models.Pix2Pix(image_shape=(64, 64, 3), filters=16, seed=seed, update=update)
    model.compile()
    stop = Budget(start + budget)
    history = model.fit(ds, epochs=10_000, callbacks=[stop], verbose=0)
    seconds = time.perf_counter() - start
    x, y = eval_pairs
    out = model.translate(x, batch_size=32)
    return {"seconds": seconds, "steps": stop.steps, "epochs": len(history.history["d_loss"]), "batch": 4,
            "l1": float(np.abs(out - y).mean()), "psnr": metrics.psnr(out, y), "ssim": metrics.ssim(out, y),
            "sharpness_ratio": float(mean_gradient_magnitude(out).mean() / mean_gradient_magnitude(y).mean())}


def main_pix2pix(args):
    pairs = list(data.load("maps", split="val", batch_size=None, limit=100, shuffle=False, image_size=64, channels=3))
    eval_pairs = tuple(np.stack([np.asarray(p[i]) for p in pairs]) for i in (0, 1))
    results = {}
    for seed in [int(s) for s in args.seeds.split(",")]:
        for update in ("alternating", "simultaneous"):
            row = run_pix2pix(update, args.budget, seed, eval_pairs)
            results[f"{update} seed {seed}"] = row
            print(f"Pix2Pix {update:<12} seed {seed}: {row['seconds']:5.0f} s  {row['steps']:5d} steps "
                  f"({row['epochs']} epoch(s) begun)  L1 {row['l1']:.4f}  PSNR {row['psnr']:.2f}  "
                  f"SSIM {row['ssim']:.3f}  sharpness {row['sharpness_ratio']:.3f}", flush=True)
    return results


def run_cyclegan(policy, budget, seed, val):
    """Lesson 8's full-mode CycleGAN (maps at 64x64, 16 filters, 6 blocks, 32-filter
    discriminators, batch 4) built under ``policy``, trained for ``budget`` seconds; scored on
    the validation pairs ``val`` = (photos, maps): G(x)'s L1 to the true maps and its pixel
    accuracy (delta 16), and the cycle's reconstruction L1 |F(G(x)) - x|."""
    from gankit.metrics import pixel_accuracy

    start = time.perf_counter()
    keras.utils.set_random_seed(seed)
    ds = data.load("maps_unpaired", image_size=64, batch_size=4, seed=seed)
    model = models.CycleGAN(image_shape=(64, 64, 3), filters=16, n_blocks=6, d_filters=32, d_layers=3, seed=seed,
                            precision=policy)
    model.compile()
    stop = Budget(start + budget)
    history = model.fit(ds, epochs=10_000, callbacks=[stop], verbose=0)
    seconds = time.perf_counter() - start
    x, y = val
    there, back = model.cycle(x, "x2y")
    return {"seconds": seconds, "steps": stop.steps, "epochs": len(history.history["d_loss"]), "batch": 4,
            "map_l1": float(np.abs(there - y).mean()), "pixel_accuracy_16": pixel_accuracy(there, y, tolerance=16),
            "reconstruction_l1": float(np.abs(back - x).mean()), "policy": model.generator.dtype_policy.name}


def main_precision(args):
    """``--models`` (DCGAN, WGANGP, CycleGAN), each in float32 and in ``mixed_bfloat16``, the
    same budget each."""
    names = args.models.split(",")
    real = test_images() if set(names) - {"CycleGAN"} else None
    val = None
    if "CycleGAN" in names:
        x, y = next(iter(data.load("maps", split="val", image_size=64, batch_size=100, shuffle=False)))
        val = (x.numpy(), y.numpy())
    results = {}
    for seed in [int(s) for s in args.seeds.split(",")]:
        for name in names:
            for policy in ("float32", "mixed_bfloat16"):
                if name == "CycleGAN":
                    row = run_cyclegan(policy, args.budget, seed, val)
                    results[f"{name} {policy} seed {seed}"] = row
                    print(f"CycleGAN {policy:<15} seed {seed}: {row['seconds']:5.0f} s  {row['steps']:5d} steps  "
                          f"map L1 {row['map_l1']:.4f}  pixel accuracy {row['pixel_accuracy_16']:.3f}  "
                          f"reconstruction L1 {row['reconstruction_l1']:.4f}", flush=True)
                    continue
                row = run_gankit(args.budget, name, policy, seed)
                row["fid"] = metrics.fid(row.pop("images"), real, "fashion_mnist")
                results[f"{name} {policy} seed {seed}"] = row
                print(f"{name:<7} {policy:<15} seed {seed}: {row['seconds']:5.0f} s  {row['steps']:5d} steps of "
                      f"{row['batch']} ({row['epochs']} epoch(s) begun)  classifier FID {row['fid']:.2f}", flush=True)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=("dcgan", "pix2pix", "precision"), default="dcgan")
    parser.add_argument("--budget", type=float, default=300, help="seconds of training for each side")
    parser.add_argument("--seeds", default="0",
                        help="pix2pix, precision: comma-separated seeds, both contestants for each")
    parser.add_argument("--models", default="DCGAN,WGANGP", help="precision: DCGAN, WGANGP and/or CycleGAN")
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    if args.model in ("pix2pix", "precision"):
        results = (main_pix2pix if args.model == "pix2pix" else main_precision)(args)
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"budget_s": args.budget, "model": args.model, "results": results}, f, indent=2)
        return results
    real, train = test_images(), train_images()
    results = {}
    for name, fn in (("gankit DCGAN", lambda: run_gankit(args.budget)),
                     ("TF tutorial DCGAN", lambda: run_tutorial(args.budget, train))):
        row = fn()
        row["fid"] = metrics.fid(row.pop("images"), real, "fashion_mnist")
        results[name] = row
        print(f"{name:<18} {row['seconds']:6.0f} s  {row['steps']:5d} steps of {row['batch']} "
              f"({row['epochs']} epoch(s) begun)  classifier FID {row['fid']:.2f}", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"budget_s": args.budget, "results": results}, f, indent=2)
    return results


if __name__ == "__main__":
    main()
