"""Mutation check: do the tests notice when a model's key line is "simplified"?

Each mutant is one textual change to a model file (a flipped sign, a dropped weight, noise drawn
the wrong way). For each, the repository is copied to a temporary folder, the change applied and
the model's tests run there; a mutant that leaves them green is a hole in the tests.

    python tools/mutants.py              # every mutant (a few minutes on 2 cores)
    python tools/mutants.py --only wgan  # the mutants whose name contains "wgan"

Exit status 1 if any mutant survives (or no longer applies: the code moved, update the list).
"""

import argparse
import os
import pathlib
import shlex
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
WGAN = "gankit/models/wgan.py"

#: name -> (file, original text, mutated text, tests to run)
MUTANTS = {
    "wgan-gp alpha ~ N(0, 1)": (
        WGAN, "keras.random.uniform((m, *shape), 0.0, 1.0, seed=self.seed_generator)",
        "keras.random.normal((m, *shape), seed=self.seed_generator)", "tests/test_wgan.py"),
    "wgan-gp alpha per pixel": (
        WGAN, "shape = (1,) * (len(real.shape) - 1)", "shape = tuple(real.shape[1:])", "tests/test_wgan.py"),
    "wgan-gp one alpha per batch": (
        WGAN, "keras.random.uniform((m, *shape), 0.0, 1.0, seed=self.seed_generator)",
        "keras.random.uniform((1, *shape), 0.0, 1.0, seed=self.seed_generator)", "tests/test_wgan.py"),
    "wgan-gp alpha sized from the static shape": (
        WGAN, "                                    tf.shape(real)[0])",
        "                                    real.shape[0] or 1)", "tests/test_wgan.py"),
    "wgan-gp lambda ignored": (
        WGAN, "fake, weight=self.gp_weight, alpha=alpha)", "fake, alpha=alpha)", "tests/test_wgan.py"),
    "wgan critic loss sign flipped": (
        WGAN, "d_loss = -w_distance + penalty", "d_loss = w_distance + penalty", "tests/test_wgan.py"),
    "wgan generator loss sign flipped": (
        WGAN, "g_loss = losses.wasserstein_g_loss(fake_scores)", "g_loss = -losses.wasserstein_g_loss(fake_scores)",
        "tests/test_wgan.py"),
    "wgan critic called with training=False": (
        WGAN, "w_distance = (losses._mean(self.discriminator(real_i, training=True))",
        "w_distance = (losses._mean(self.discriminator(real_i, training=False))", "tests/test_wgan.py"),
    "wgan-gp penalty's critic with training=False": (
        WGAN, "fake, weight=self.gp_weight, alpha=alpha)", "fake, weight=self.gp_weight, alpha=alpha, training=False)",
        "tests/test_wgan.py"),
    "wgan same z in every critic iteration": (
        WGAN, "fake = self.generator(self.sample_latent(m), training=True)",
        "z_once = z_once if i else self.sample_latent(m)\n            fake = self.generator(z_once, training=True)",
        "tests/test_wgan.py"),
    "wgan same real slice (static batch)": (
        WGAN, "real_i = real[i * m:(i + 1) * m]", "real_i = real[0:m]", "tests/test_wgan.py"),
    "wgan same real slice (unknown batch)": (
        WGAN, "real_i = tf.gather(real, (i * m + tf.range(m)) % batch)", "real_i = tf.gather(real, tf.range(m) % batch)",
        "tests/test_wgan.py"),
    "gan: D's fake term on the generator's z of the G step": (
        "gankit/models/gan.py", "        z = self.sample_latent(batch)\n        with tf.GradientTape() as tape:\n            fake = self.pack_samples(self.generator(z, training=True))\n            if",
        "        with tf.GradientTape() as tape:\n            fake = self.pack_samples(self.generator(z, training=True))\n            if",
        "tests/test_models.py -k gan_updates"),
    "gan: label smoothing ignored": (
        "gankit/models/gan.py", "d_loss = self.d_loss_fn(real_logits, fake_logits, real_label=self.real_label)",
        "d_loss = self.d_loss_fn(real_logits, fake_logits)", "tests/test_models.py -k gan_updates"),
    "cgan: mismatched pairs dropped": (
        "gankit/models/cgan.py", "d_loss += tf.reduce_mean(tf.nn.softplus(wrong_logits))", "pass",
        "tests/test_conditional.py -k cgan_updates"),
    "acgan no class term on fakes": (
        "gankit/models/acgan.py", " + losses.class_cross_entropy(fake_labels, fake_class))", ")", "tests/test_conditional.py"),
    "acgan no class term on reals": (
        "gankit/models/acgan.py",
        "losses.class_cross_entropy(labels, real_class) + losses.class_cross_entropy(",
        "losses.class_cross_entropy(", "tests/test_conditional.py"),
    "infogan D ignores the information term": (
        "gankit/models/infogan.py", "d_loss = losses.minimax_d_loss(real_logit, fake_logit) + info",
        "d_loss = losses.minimax_d_loss(real_logit, fake_logit)", "tests/test_conditional.py"),
    "pix2pix lambda ignored": (
        "gankit/models/pix2pix.py", "self.gan_weight * g_gan + self.l1_weight * g_l1",
        "self.gan_weight * g_gan + 100.0 * g_l1", "tests/test_pix2pix.py"),
    "cyclegan identity weight ignored": (
        "gankit/models/cyclegan.py", "identity_scale = self.identity_weight * self.cycle_weight",
        "identity_scale = 0.5 * self.cycle_weight", "tests/test_cyclegan.py"),
    "relativistic loss through keras.losses (1/replicas^2 under tf.distribute)": (
        "gankit/losses.py",
        "    return tf.reduce_mean(tf.nn.softplus(-real_rel)) + tf.reduce_mean(tf.nn.softplus(fake_rel))",
        "    bce = keras.losses.BinaryCrossentropy(from_logits=True)\n"
        "    return bce(tf.ones_like(real_rel), real_rel) + bce(tf.zeros_like(fake_rel), fake_rel)",
        "tests/test_strategy.py -k 'same_first_step and relativistic'"),
    "relativistic mean over one replica's batch": (
        "gankit/losses.py", "mean = lambda t: batch_mean(tf.reshape(t, [-1]))",
        "mean = lambda t: tf.reduce_mean(t)", "tests/test_strategy.py -k 'same_first_step and relativistic'"),
    "feature matching mean over one replica's batch": (
        "gankit/losses.py", "return tf.reduce_sum(tf.square(batch_mean(real) - batch_mean(fake)))",
        "return tf.reduce_sum(tf.square(tf.reduce_mean(real, 0) - tf.reduce_mean(fake, 0)))",
        "tests/test_strategy.py -k 'same_first_step and feature'"),
    "minibatch discrimination within one replica": (
        "gankit/nets.py", "others = losses.gather_batch(m)", "others = m",
        "tests/test_strategy.py -k 'same_first_step and minibatch'"),
    "minimax d loss: softplus of 16-bit fake logits": (
        "gankit/losses.py", "real_logits, fake_logits = _f32(real_logits), _f32(fake_logits)\n    real_term",
        "real_logits = _f32(real_logits)\n    real_term", "tests/test_losses.py"),
    "pacgan: zero packs on a small last batch": (
        "gankit/nets.py", "n = tf.maximum(batch // pack, 1)", "n = batch // pack", "tests/test_tricks.py -k pacgan"),
    "pacgan: batch smaller than the pack accepted": (
        "gankit/models/gan.py", "if batch_size < self.pack:", "if False:", "tests/test_tricks.py -k pacgan"),
    "infogan: batch size 1 accepted": (
        "gankit/models/base.py", "if batch_size == 1:", "if False:", "tests/test_conditional.py -k batch_size_one"),
    "gradient penalty: an int seed accepted": (
        "gankit/losses.py", "if seed is not None and not isinstance(seed, keras.random.SeedGenerator):", "if False:",
        "tests/test_losses.py"),
    "srgan adversarial weight ignored": (
        "gankit/models/srgan.py", "g_loss = content_loss + self.adv_weight * adv_loss",
        "g_loss = content_loss + 1e-3 * adv_loss", "tests/test_srgan.py"),
}


def run(name, spec, workdir):
    path, old, new, tests = spec
    source = workdir / path
    text = source.read_text()
    if text.count(old) != 1:
        return "stale"
    source.write_text(text.replace(old, new))
    env = dict(os.environ, PYTHONPATH=str(workdir), PYTHONDONTWRITEBYTECODE="1")
    try:
        proc = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:xdist", *shlex.split(tests)],
                              cwd=workdir, env=env, capture_output=True, text=True, timeout=900)
    finally:
        source.write_text(text)
    return "killed" if proc.returncode != 0 else "SURVIVED"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="", help="run only the mutants whose name contains this text")
    args = parser.parse_args(argv)
    chosen = {k: v for k, v in MUTANTS.items() if args.only.lower() in k.lower()}
    with tempfile.TemporaryDirectory(prefix="gankit-mutants-") as tmp:
        workdir = pathlib.Path(tmp) / "repo"
        shutil.copytree(ROOT, workdir, ignore=shutil.ignore_patterns(".venv", ".git", "runs", "__pycache__"))
        results = {}
        for name, spec in chosen.items():
            results[name] = run(name, spec, workdir)
            print(f"{results[name]:9s} {name}", flush=True)
    bad = [k for k, v in results.items() if v != "killed"]
    print(f"\n{len(results) - len(bad)} of {len(results)} mutants killed" + (f"; not killed: {bad}" if bad else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
