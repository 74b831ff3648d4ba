"""Does ICNR initialisation keep SRResNet / SRGAN free of the x4 grid? Lesson 9's pipeline at a
smaller size, run twice: the sub-pixel convs initialised with ICNR (Aitken et al. 2017) and with
Glorot uniform (Keras' default, what lesson 9 used before), everything else and the seed equal;
``--inits resize`` swaps the sub-pixel stages for resize-convolution (nearest x2 + conv).

    flock /tmp/gankit-long.lock nice -n 5 python benchmarks/sr_artifacts.py   # ~40 min on a 2-core AVX2 CPU
    python benchmarks/sr_artifacts.py --inits glorot                          # one init: ~20 min

(Measured on the 2-core AVX2 kind: SRResNet 8x32, 600 steps, 13.6 min; SRGAN, 245 steps, 4.8 min.)
    python benchmarks/sr_artifacts.py --blocks 16 --filters 64 --pretrain-steps 2940     # lesson 9's SRResNet

Per init: SRResNet (``residual=True``) pre-trained with pixel MSE on 96-pixel HR patches (cosine
Adam from 3e-4, lesson 9's schedule), then SRGAN from it on 48-pixel patches with the content loss
on SRCNN features (an SRCNN trained here first, as in lesson 9 where VGG19 cannot be loaded).
Each model is scored on the held-out photos (last 10 of BSD100, astronaut, chelsea; never
trained on; Y channel, 4-pixel border cut) by

* PSNR gain over bicubic (dB);
* ``metrics.periodic_energy(sr, hr, 4)``: the error's power at the x4 grid's frequencies over
  its power elsewhere (1 = no grid; bicubic is the floor);
* sharpness ratio: ``metrics.mean_gradient_magnitude(sr) / ...(hr)`` (1 = as much detail as HR).

Writes a JSON line per (init, stage) to stdout and appends it to ``--out`` (default
benchmarks/results/sr_artifacts.jsonl) as soon as it is measured, with the seed and the CPU kind.
"""

import argparse
import json
import os
import pathlib
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import keras  # noqa: E402
import numpy as np  # noqa: E402

from gankit import data, metrics  # noqa: E402
from gankit.models import SRCNN, SRGAN, SRResNet  # noqa: E402
from gankit.nets import bicubic  # noqa: E402

SCALE = 4


def cosine_adam(steps, peak):
    return keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(peak, steps, alpha=0.01))


def patches(size, steps, batch, seed):
    """``steps`` batches of (LR, HR) patches, HR ``size`` pixels (new patches each pass)."""
    per_image = max(1, -(-steps * batch // 90))
    return data.load("sr_patches", split="train", batch_size=batch, image_size=size,
                     patches_per_image=per_image, seed=seed).repeat().take(steps)


def score(upscale, pictures):
    outs = [np.asarray(upscale(p.lr)) for p in pictures]
    crop = lambda x: x[SCALE:-SCALE, SCALE:-SCALE]  # noqa: E731
    return {
        "psnr": float(np.mean([metrics.psnr(o[None], p.hr[None], y_channel=True, crop=SCALE)
                               for o, p in zip(outs, pictures)])),
        "periodic_energy": float(np.mean([metrics.periodic_energy(crop(o)[None], crop(p.hr)[None], SCALE)[0]
                                          for o, p in zip(outs, pictures)])),
        "sharpness_ratio": float(np.mean([metrics.mean_gradient_magnitude(o)[0] / metrics.mean_gradient_magnitude(p.hr)[0]
                                          for o, p in zip(outs, pictures)])),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inits", default="icnr,glorot",
                        help="sub-pixel conv initialisations to compare; 'resize' = resize-convolution instead")
    parser.add_argument("--d-blur", action="store_true", help="SRGAN's discriminator with a blur before each "
                        "stride-2 conv (nets.Blur2D)")
    parser.add_argument("--blocks", type=int, default=8)
    parser.add_argument("--filters", type=int, default=32)
    parser.add_argument("--pretrain-steps", type=int, default=600)
    parser.add_argument("--gan-steps", type=int, default=245)
    parser.add_argument("--srcnn-steps", type=int, default=300)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(pathlib.Path(__file__).parent / "results" / "sr_artifacts.jsonl"))
    args = parser.parse_args(argv)

    held_out = list(data.sr_images("held_out", scale=SCALE))
    rows = []
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    cpu = machine()

    def report(row):
        """Print a row and append it to ``--out`` at once (a long run stopped half-way keeps its rows)."""
        row = {**row, "psnr_gain": round(row["psnr"] - (rows[0]["psnr"] if rows else row["psnr"]), 3)}
        rows.append(row)
        print(json.dumps(row), flush=True)
        with out.open("a", encoding="utf-8") as f:
            f.write(json.dumps({**row, "seed": args.seed, "cpu": cpu}) + "\n")

    report({"method": "bicubic", **score(lambda lr: bicubic(lr, SCALE), held_out)})
    keras.utils.set_random_seed(args.seed)
    srcnn = SRCNN(scale=SCALE)
    srcnn.compile(optimizer=cosine_adam(args.srcnn_steps, 1e-3))
    srcnn.fit(patches(48, args.srcnn_steps, args.batch, seed=0), verbose=0)
    calibration = np.concatenate([hr for _, hr in patches(48, 4, args.batch, seed=9)])
    features = srcnn.features(calibrate=calibration)

    for init in args.inits.split(","):
        keras.utils.set_random_seed(args.seed)
        start = time.perf_counter()
        srresnet = SRResNet(scale=SCALE, blocks=args.blocks, filters=args.filters, residual=True,
                            icnr=(init == "icnr"), upsample="resize" if init == "resize" else "subpixel")
        srresnet.compile(optimizer=cosine_adam(args.pretrain_steps, 3e-4))
        srresnet.fit(patches(96, args.pretrain_steps, args.batch, seed=1), verbose=0)
        minutes = (time.perf_counter() - start) / 60
        report({"method": "SRResNet", "init": init, "blocks": args.blocks, "filters": args.filters,
                "steps": args.pretrain_steps, "minutes": round(minutes, 2), **score(srresnet.upscale, held_out)})

        start = time.perf_counter()
        generator = keras.models.clone_model(srresnet.generator)
        generator.set_weights(srresnet.generator.get_weights())
        srgan = SRGAN(generator=generator, scale=SCALE, hr_size=48, d_filters=32, feature_extractor=features,
                      residual=True, d_blur=args.d_blur, seed=args.seed)
        srgan.compile()
        srgan.fit(patches(48, args.gan_steps, args.batch, seed=2), verbose=0)
        minutes = (time.perf_counter() - start) / 60
        report({"method": "SRGAN", "init": init, "d_blur": args.d_blur, "steps": args.gan_steps, "minutes": round(minutes, 2),
                **score(srgan.upscale, held_out)})

    print(f"{'method':10s}{'init':>8s}{'dB over bicubic':>17s}{'grid energy':>13s}{'sharpness':>11s}")
    for row in rows:
        print(f"{row['method']:10s}{row.get('init', ''):>8s}{row['psnr_gain']:>+17.2f}{row['periodic_energy']:>13.2f}"
              f"{row['sharpness_ratio']:>11.2f}")


def machine():
    from gankit.lesson import machine as describe

    return describe()


if __name__ == "__main__":
    main()
