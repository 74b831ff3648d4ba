"""Two details of the weight-clipped WGAN that Keras and the authors' code set differently:

* RMSProp's decay rate rho: Keras' default is 0.9; the WGAN authors' PyTorch code uses
  ``optim.RMSprop`` whose default (``alpha``) is 0.99;
* the authors' critic warm-up: 100 critic iterations (instead of n_critic = 5) for each of the
  first 25 generator iterations and for every 500th one after that.

Both are measured on the 8-Gaussian ring of lesson 6 (the MLP WGAN, RMSProp 5e-5, c = 0.01, m = 64)
by the modes covered, the share of high-quality samples and the sliced W1 distance to real
points after the same number of generator iterations, over several seeds; the wall time of each
run is printed too (the warm-up costs extra critic iterations).

    python benchmarks/wgan_choices.py                 # 4 settings x 3 seeds x 3000 iterations
    python benchmarks/wgan_choices.py --steps 500 --seeds 0   # a quick look

The loop below is WGAN's ``train_step`` (critic update + clipping, n times; one generator update)
written as two compiled functions, so the number of critic iterations can change from one generator
iteration to the next.
"""

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from gankit import data, losses, metrics, models  # noqa: E402

RING_STD, M, HIDDEN, LATENT = 0.05, 64, (128, 128, 128), 16


def sliced_w1(a, b, n_dirs=64):
    dirs = np.random.default_rng(0).normal(size=(n_dirs, 2))
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    return float(np.mean(np.abs(np.sort(a @ dirs.T, axis=0) - np.sort(b @ dirs.T, axis=0))))


def run(rho, warmup, seed, steps):
    keras.utils.set_random_seed(seed)
    model = models.WGAN(image_shape=(2,), latent_dim=LATENT, hidden=HIDDEN, seed=seed)
    model.compile(g_optimizer=keras.optimizers.RMSprop(5e-5, rho=rho),
                  d_optimizer=keras.optimizers.RMSprop(5e-5, rho=rho))
    model.build_optimizers()
    points = data.toy_points("gaussian_ring", n=50000, std=RING_STD, seed=seed)
    batches = iter(tf.data.Dataset.from_tensor_slices(points).shuffle(50000, seed=seed).repeat()
                   .batch(M, drop_remainder=True).prefetch(4))

    @tf.function
    def critic_step(real):
        fake = model.generator(model.sample_latent(M), training=True)
        with tf.GradientTape() as tape:
            w = losses._mean(model.critic(real, training=True)) - losses._mean(model.critic(fake, training=True))
            loss = -w
        model.apply(model.d_optimizer, tape, loss, model.critic)
        model.clip_critic()
        return w

    @tf.function
    def generator_step():
        with tf.GradientTape() as tape:
            loss = losses.wasserstein_g_loss(model.critic(model.generator(model.sample_latent(M), training=True),
                                                          training=True))
        model.apply(model.g_optimizer, tape, loss, model.generator)

    start = time.perf_counter()
    for g_iter in range(steps):
        n = 100 if warmup and (g_iter < 25 or g_iter % 500 == 0) else model.n_critic
        for _ in range(n):
            critic_step(next(batches))
        generator_step()
    seconds = time.perf_counter() - start
    samples = model.generate(2500, seed=123)
    covered, hq = metrics.mode_coverage(samples, data.ring_centres(), RING_STD)
    real = data.toy_points("gaussian_ring", n=2500, std=RING_STD, seed=999)
    return {"covered": covered, "hq": hq, "w1": sliced_w1(samples, real), "seconds": seconds}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=3000, help="generator iterations per run")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args(argv)
    flags = open("/proc/cpuinfo").read() if os.path.exists("/proc/cpuinfo") else ""
    unit = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "other"
    print(f"WGAN (clipping) on the 8-Gaussian ring, {args.steps} generator iterations, seeds {args.seeds}, "
          f"{os.cpu_count()}-core {unit} CPU")
    print(f"{'rho':>5} {'warm-up':>8} | {'modes (per seed)':>18} {'high quality':>13} {'sliced W1':>10} {'seconds':>8}")
    for rho in (0.9, 0.99):
        for warmup in (False, True):
            rows = [run(rho, warmup, seed, args.steps) for seed in args.seeds]
            modes = "/".join(str(r["covered"]) for r in rows)
            hq = statistics.mean(r["hq"] for r in rows)
            w1 = statistics.mean(r["w1"] for r in rows)
            sec = statistics.mean(r["seconds"] for r in rows)
            print(f"{rho:>5} {'yes' if warmup else 'no':>8} | {modes:>18} {hq:>13.2f} {w1:>10.3f} {sec:>8.1f}",
                  flush=True)


if __name__ == "__main__":
    main()
