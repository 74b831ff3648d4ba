"""Numbers next to the pictures: how close generated images are to real ones.

A GAN's losses do not track sample quality (the two players' losses move together by
design), so gankit measures samples directly:

* ``fid`` — Fréchet distance between Gaussians fitted to classifier features of two image
  sets (Heusel et al. 2017), computed on the penultimate layer (``features``) of a small
  classifier trained on the dataset itself (``tools/train_classifiers.py``), so it works
  offline and means something for 28x28 grey images. Lower is better; real test images vs
  real training images give the floor.
* ``classifier_score`` — the Inception Score of Salimans et al. 2016 with that classifier:
  exp(E_x KL(p(y|x) || p(y))). Between 1 and the number of classes; higher is better.
* ``conditional_accuracy`` — share of images generated for class k that the classifier calls k.
* ``precision_recall`` — k-NN manifold precision and recall (Kynkäänniemi et al. 2019):
  quality (fakes inside the real manifold) and coverage (reals inside the fake manifold).
* ``psnr``, ``ssim`` — for image-to-image models (pix2pix, super-resolution).
* ``slant``, ``stroke_width``, ``sweep_rank_correlation`` — what a continuous code of InfoGAN
  controls: digit shape measures along a sweep of the code, and how monotonically they follow it.
* ``periodic_energy`` — a super-resolution network's up-sampling grid: the error's spectral power
  at the frequencies that repeat every ``scale`` pixels, relative to the rest.
* ``inception_fid``, ``inception_score`` — the standard ImageNet-InceptionV3 versions when
  Keras' weights can be loaded; a clear :class:`InceptionUnavailableError` otherwise.
* ``evaluate_generator`` — all of the above that apply, for one saved generator.

Images are float arrays in [-1, 1] (gankit's range, a tanh generator's output), NHWC,
unless a function says otherwise.
"""

import functools
import os
import pathlib

import numpy as np

from gankit import config

REPO = pathlib.Path(__file__).resolve().parent.parent
CLASSIFIER_DIR = REPO / "assets" / "classifiers"
#: datasets that have a trained classifier in assets/classifiers
CLASSIFIER_DATASETS = ("mnist", "fashion_mnist")
FEATURE_LAYER = "features"


class MetricsError(ValueError):
    """A metric cannot be computed as asked; the message says how to fix it."""


class InceptionUnavailableError(MetricsError, RuntimeError):
    """Keras' ImageNet InceptionV3 weights are not on this machine and cannot be downloaded."""


# --- the Fréchet distance ---------------------------------------------------------------------

def feature_stats(features):
    """Mean vector and covariance matrix (unbiased, rows = samples) of a feature set."""
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2 or len(features) < 2:
        raise MetricsError(f"feature_stats needs a 2-D array of at least 2 rows, got shape {features.shape}.")
    return features.mean(axis=0), np.cov(features, rowvar=False)


def _sqrt_psd(matrix):
    """Symmetric square root of a symmetric positive semi-definite matrix (via eigh)."""
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def frechet_distance(mu1, sigma1, mu2, sigma2):
    """Squared Fréchet (2-Wasserstein) distance between N(mu1, sigma1) and N(mu2, sigma2):

        d² = ||mu1 - mu2||² + Tr(sigma1 + sigma2 - 2 (sigma1 sigma2)^{1/2})

    (Dowson & Landau 1982; the FID formula of Heusel et al. 2017). The trace of the matrix
    square root equals Tr((S1^{1/2} S2 S1^{1/2})^{1/2}), the sum of the square roots of the
    eigenvalues of a symmetric PSD matrix: computed that way, with ``eigh``, it never goes
    complex, unlike ``scipy.linalg.sqrtm`` on the non-symmetric product.
    """
    mu1, mu2 = np.atleast_1d(np.asarray(mu1, np.float64)), np.atleast_1d(np.asarray(mu2, np.float64))
    sigma1, sigma2 = np.atleast_2d(np.asarray(sigma1, np.float64)), np.atleast_2d(np.asarray(sigma2, np.float64))
    if mu1.shape != mu2.shape or sigma1.shape != sigma2.shape or sigma1.shape != mu1.shape * 2:
        raise MetricsError(f"frechet_distance: shapes do not match: mu {mu1.shape} / {mu2.shape}, "
                           f"sigma {sigma1.shape} / {sigma2.shape}.")
    root1 = _sqrt_psd(sigma1)
    middle = root1 @ sigma2 @ root1
    trace_sqrt = np.sqrt(np.clip(np.linalg.eigvalsh((middle + middle.T) / 2), 0, None)).sum()
    diff = mu1 - mu2
    return float(max(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * trace_sqrt, 0.0))


def fid_from_features(features_a, features_b):
    """Fréchet distance between Gaussians fitted to two feature sets (rows = samples)."""
    return frechet_distance(*feature_stats(features_a), *feature_stats(features_b))


# --- classifiers --------------------------------------------------------------------------------

def classifier_dir():
    """Where classifiers are read from: ``$GANKIT_CLASSIFIERS``, else ``<repo>/assets/classifiers``."""
    return config.current().classifiers_dir or CLASSIFIER_DIR


def load_classifier(dataset):
    """The trained classifier of ``dataset`` (``"mnist"`` or ``"fashion_mnist"``), loaded once
    and cached. Its layer ``features`` feeds ``fid``; its output is p(y|x) over 10 classes."""
    if dataset not in CLASSIFIER_DATASETS:
        raise MetricsError(
            f"No classifier for dataset {dataset!r}: gankit has classifiers for {', '.join(CLASSIFIER_DATASETS)} "
            "(28x28 grey images). For other images use precision_recall on features of your own, psnr/ssim "
            "for paired images, or inception_fid where Keras' InceptionV3 weights are available.")
    return _load_classifier(str(classifier_dir() / f"{dataset}.keras"))


@functools.lru_cache(maxsize=8)
def _load_classifier(path):
    import keras

    if not pathlib.Path(path).is_file():
        raise MetricsError(
            f"The classifier file {path} is missing. Train it (a few CPU minutes) with "
            "'python tools/train_classifiers.py', or point GANKIT_CLASSIFIERS at a folder that holds "
            "mnist.keras and fashion_mnist.keras.")
    return keras.models.load_model(path, compile=False)


def _resolve(classifier):
    if classifier is None:
        raise MetricsError("Say which classifier to use: classifier='mnist', 'fashion_mnist' or a Keras model.")
    return load_classifier(classifier) if isinstance(classifier, str) else classifier


@functools.lru_cache(maxsize=8)
def _feature_model(classifier, layer):
    import keras

    try:
        output = classifier.get_layer(layer).output
    except ValueError:
        raise MetricsError(f"The classifier {classifier.name!r} has no layer named {layer!r}; "
                           "FID needs its penultimate layer (gankit's classifiers call it 'features').") from None
    return keras.Model(classifier.input, output)


def prepare_images(images, shape=(28, 28, 1)):
    """Images as float32 NHWC in [-1, 1] of ``shape``: adds a missing channel axis, turns
    uint8 [0, 255] into [-1, 1], colour into grey, and resizes (e.g. a 32x32 DCGAN's output)."""
    import tensorflow as tf

    images = np.asarray(images)
    if images.dtype == np.uint8:
        images = images.astype("float32") / 127.5 - 1.0
    images = images.astype("float32")
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4:
        raise MetricsError(f"Expected a batch of images (N, H, W[, C]), got shape {images.shape}.")
    if images.shape[-1] != shape[-1]:
        if images.shape[-1] == 3 and shape[-1] == 1:
            images = np.asarray(tf.image.rgb_to_grayscale(images))
        elif images.shape[-1] == 1 and shape[-1] == 3:
            images = np.repeat(images, 3, axis=-1)
        else:
            raise MetricsError(f"Images have {images.shape[-1]} channels; the network expects {shape[-1]}.")
    if images.shape[1:3] != tuple(shape[:2]):
        images = np.asarray(tf.image.resize(images, shape[:2], method="bilinear", antialias=True))
    return images


def _batched(fn, images, batch_size):
    return np.concatenate([np.asarray(fn(images[i:i + batch_size])) for i in range(0, len(images), batch_size)])


def classifier_features(images, classifier, layer=FEATURE_LAYER, batch_size=500):
    """Activations of ``classifier``'s layer ``layer`` (its penultimate layer by default)."""
    classifier = _resolve(classifier)
    model = _feature_model(classifier, layer)
    images = prepare_images(images, tuple(classifier.inputs[0].shape[1:]))
    return _batched(lambda x: model(x, training=False), images, batch_size).reshape(len(images), -1)


def class_probabilities(images, classifier, batch_size=500):
    """p(y|x) for every image: the classifier's softmax output. ``classifier`` may also be any
    callable from a batch of images to probabilities (e.g. a stub in a test)."""
    classifier = _resolve(classifier)
    if hasattr(classifier, "inputs") and classifier.inputs:
        images = prepare_images(images, tuple(classifier.inputs[0].shape[1:]))
        return _batched(lambda x: classifier(x, training=False), images, batch_size)
    return _batched(classifier, np.asarray(images, dtype="float32"), batch_size)


# --- metrics on generated sets ----------------------------------------------------------------

def fid(images_a, images_b, classifier=None, batch_size=500):
    """Fréchet classifier distance: ``frechet_distance`` of Gaussians fitted to the
    classifier's ``features`` of two image sets (FID with a domain classifier in place of
    InceptionV3). ``classifier``: ``"mnist"``, ``"fashion_mnist"`` or a Keras model."""
    classifier = _resolve(classifier)
    return fid_from_features(classifier_features(images_a, classifier, batch_size=batch_size),
                             classifier_features(images_b, classifier, batch_size=batch_size))


def score_from_probabilities(probs, eps=1e-12):
    """exp(E_x KL(p(y|x) || p(y))), p(y) = E_x p(y|x) (Salimans et al. 2016, the Inception Score).

    1 when every image gets the same distribution (or all images look like one class),
    the number of classes when each image is confidently one class and classes are balanced.
    """
    probs = np.asarray(probs, dtype=np.float64)
    marginal = probs.mean(axis=0, keepdims=True)
    kl = (probs * (np.log(probs + eps) - np.log(marginal + eps))).sum(axis=1)
    return float(np.exp(kl.mean()))


def classifier_score(images, classifier=None, batch_size=500):
    """The Inception Score analogue with a domain classifier: ``score_from_probabilities`` of
    ``class_probabilities(images, classifier)``. Higher is better; at most the number of classes."""
    return score_from_probabilities(class_probabilities(images, classifier, batch_size))


def conditional_accuracy(images, labels, classifier=None, batch_size=500):
    """Share of images generated for class k that the classifier labels k:
    (1/N) sum_i [argmax_y p(y|x_i) = k_i]."""
    labels = np.asarray(labels).reshape(-1)
    if len(labels) != len(images):
        raise MetricsError(f"conditional_accuracy: {len(images)} images but {len(labels)} labels.")
    predicted = class_probabilities(images, classifier, batch_size).argmax(axis=1)
    return float((predicted == labels).mean())


def _pairwise_distances(a, b, chunk=1024):
    """Euclidean distances between every row of ``a`` and every row of ``b``."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    b2 = (b * b).sum(axis=1)
    rows = []
    for i in range(0, len(a), chunk):
        part = a[i:i + chunk]
        d2 = (part * part).sum(axis=1)[:, None] + b2[None, :] - 2.0 * part @ b.T
        rows.append(np.sqrt(np.clip(d2, 0, None)))
    return np.concatenate(rows)


def _knn_radii(features, k):
    """Distance from each point to its k-th nearest neighbour in its own set (itself excluded)."""
    if len(features) <= k:
        raise MetricsError(f"precision_recall needs more than k={k} points per set, got {len(features)}.")
    distances = _pairwise_distances(features, features)
    return np.sort(distances, axis=1)[:, k]  # column 0 is the point itself (distance 0)


def _coverage(radii, manifold, queries):
    """Share of ``queries`` inside at least one ball B(manifold_j, radii_j)."""
    return float((_pairwise_distances(queries, manifold) <= radii[None, :]).any(axis=1).mean())


def precision_recall(real_features, fake_features, k=3):
    """Improved precision and recall (Kynkäänniemi et al. 2019, eq. 1-2).

    The manifold of a set is the union of balls around its points, each with the radius to
    that point's k-th nearest neighbour. precision = share of fakes inside the real manifold
    (are samples realistic?); recall = share of reals inside the fake manifold (is the real
    variety covered?). Both in [0, 1]; returns ``{"precision": ..., "recall": ...}``.
    Read them together: a collapsed generator whose few distinct outputs fall inside one
    outlier's large ball gets high precision and near-zero recall.
    """
    real, fake = np.asarray(real_features, np.float64), np.asarray(fake_features, np.float64)
    real, fake = real.reshape(len(real), -1), fake.reshape(len(fake), -1)
    return {"precision": _coverage(_knn_radii(real, k), real, fake),
            "recall": _coverage(_knn_radii(fake, k), fake, real)}


# --- paired images: PSNR and SSIM --------------------------------------------------------------

def _to_unit(images, value_range, y_channel, crop):
    """Images as float32 NHWC in [0, 1]: rescaled from ``value_range``, optionally reduced to
    the luma channel Y of ITU-R BT.601 (Y = (16 + 65.481 R + 128.553 G + 24.966 B) / 255, the
    convention of super-resolution papers) and with ``crop`` pixels cut from every border."""
    low, high = value_range
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 3:
        images = images[..., None]
    images = np.clip((images - low) / (high - low), 0.0, 1.0)
    if y_channel and images.shape[-1] == 3:
        images = (16.0 + images @ np.array([65.481, 128.553, 24.966], np.float32))[..., None] / 255.0
    if crop:
        images = images[:, crop:-crop, crop:-crop, :]
    return images


def psnr(images_a, images_b, value_range=(-1.0, 1.0), y_channel=False, crop=0):
    """Peak signal-to-noise ratio in dB, averaged over the batch:
    PSNR = 10 log10(MAX² / MSE), computed after mapping both sets to [0, 1] (MAX = 1).

    Images are in [-1, 1] by default; pass ``value_range=(0, 1)`` or ``(0, 255)`` otherwise.
    ``y_channel=True`` compares luma only and ``crop=s`` drops s border pixels (the usual
    super-resolution protocol, s = the scale factor). Identical images give ``inf``.
    """
    import tensorflow as tf

    a = _to_unit(images_a, value_range, y_channel, crop)
    b = _to_unit(images_b, value_range, y_channel, crop)
    return float(np.mean(tf.image.psnr(a, b, max_val=1.0)))


def ssim(images_a, images_b, value_range=(-1.0, 1.0), y_channel=False, crop=0, filter_size=11):
    """Structural similarity (Wang et al. 2004), averaged over the batch:
    SSIM = (2 mu_a mu_b + C1)(2 sigma_ab + C2) / ((mu_a² + mu_b² + C1)(sigma_a² + sigma_b² + C2)),
    C1 = (0.01 L)², C2 = (0.03 L)², with an 11x11 Gaussian window (sigma 1.5), on images mapped to
    [0, 1] (L = 1). Same ``value_range``, ``y_channel`` and ``crop`` options as ``psnr``."""
    import tensorflow as tf

    a = _to_unit(images_a, value_range, y_channel, crop)
    b = _to_unit(images_b, value_range, y_channel, crop)
    size = min(filter_size, a.shape[1], a.shape[2])
    return float(np.mean(tf.image.ssim(a, b, max_val=1.0, filter_size=size)))


# --- the standard InceptionV3 versions ---------------------------------------------------------

INCEPTION_FILES = {True: "inception_v3_weights_tf_dim_ordering_tf_kernels.h5",
                   False: "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"}


def _inception_weights(include_top):
    """Path of Keras' cached InceptionV3 weights, downloading them if allowed; else a clear error."""
    from gankit.data import offline

    name = INCEPTION_FILES[include_top]
    cached = config.current().keras_home / "models" / name
    if cached.is_file():
        return str(cached)
    why = "offline mode (GANKIT_OFFLINE=1) forbids downloading them"
    if not offline():
        import keras

        try:
            return keras.utils.get_file(name, "https://storage.googleapis.com/tensorflow/keras-applications/"
                                        f"inception_v3/{name}", cache_subdir="models")
        except Exception as err:  # noqa: BLE001 - any download failure means the same to the user
            why = f"downloading them failed ({type(err).__name__}: {err})"
    raise InceptionUnavailableError(
        f"Inception-based metrics need Keras' ImageNet InceptionV3 weights ({name}, ~90 MB), which are not in "
        f"{cached.parent} and {why}. Copy the file there from a machine with internet access (or run once "
        "online: python -c \"import keras; keras.applications.InceptionV3()\"), or use the offline "
        "classifier metrics instead: gankit.metrics.fid(..., classifier='mnist' or 'fashion_mnist') and "
        "classifier_score.")


@functools.lru_cache(maxsize=2)
def inception_model(include_top=False):
    """InceptionV3 with ImageNet weights: 2048-d average-pooled features (``include_top=False``,
    for FID) or the 1000-class softmax (``include_top=True``, for the Inception Score)."""
    import keras

    weights = _inception_weights(include_top)
    return keras.applications.InceptionV3(include_top=include_top, weights=weights,
                                          pooling=None if include_top else "avg")


def _inception_inputs(images):
    # InceptionV3's own preprocessing maps [0, 255] to [-1, 1]: gankit's images are already there.
    return prepare_images(images, (299, 299, 3))


def inception_fid(images_a, images_b, batch_size=50):
    """FID (Heusel et al. 2017): ``frechet_distance`` of InceptionV3 pool features (2048-d)."""
    model = inception_model(include_top=False)
    feats = [_batched(lambda x: model(_inception_inputs(x), training=False), np.asarray(images), batch_size)
             for images in (images_a, images_b)]
    return fid_from_features(*feats)


def inception_score(images, batch_size=50):
    """Inception Score (Salimans et al. 2016): ``score_from_probabilities`` of InceptionV3's
    ImageNet softmax."""
    model = inception_model(include_top=True)
    probs = _batched(lambda x: model(_inception_inputs(x), training=False), np.asarray(images), batch_size)
    return score_from_probabilities(probs)


# --- one call for a generator ------------------------------------------------------------------

def load_generator(model_or_path):
    """A gankit model (or any Keras model mapping z to images) from a ``.keras`` path, or as given."""
    if not isinstance(model_or_path, (str, os.PathLike)):
        return model_or_path
    import keras

    import gankit.models  # noqa: F401 - registers gankit's classes for deserialisation

    path = pathlib.Path(model_or_path).expanduser()
    if not path.is_file() or path.suffix != ".keras":
        raise MetricsError(f"{path} is not a .keras model file.")
    try:
        return keras.models.load_model(path, compile=False)
    except Exception as err:  # noqa: BLE001 - a damaged or foreign file: say which and why
        raise MetricsError(f"{path} could not be loaded as a Keras model ({type(err).__name__}: {err}).") from None


def generate_images(model, n, seed=0, batch_size=250):
    """``n`` images from a gankit model (``model.generate``) or a plain Keras generator z -> x."""
    if hasattr(model, "generate"):
        return model.generate(n, seed=seed, batch_size=batch_size)
    inputs = getattr(model, "inputs", None)
    if not inputs or len(inputs) != 1 or len(inputs[0].shape) != 2:
        raise MetricsError(f"{getattr(model, 'name', model)!r} is neither a gankit model nor a Keras "
                           "generator with one latent-vector input (batch, latent_dim).")
    z = np.random.default_rng(seed).standard_normal((n, inputs[0].shape[-1])).astype("float32")
    return _batched(lambda zz: model(zz, training=False), z, batch_size).astype("float32")


@functools.lru_cache(maxsize=4)
def real_reference(dataset, split="test", n=2000, seed=0):
    """Features and p(y|x) of ``n`` real images of ``dataset`` (a seeded random subset of
    ``split``), computed once per process: ``(features, probabilities)``."""
    from gankit.data import load_arrays

    images, _, _ = load_arrays(dataset, split=split)
    if n > len(images):
        raise MetricsError(f"n={n} is more than the {len(images)} {split} images of {dataset}.")
    images = images[np.random.default_rng(seed).permutation(len(images))[:n]]
    classifier = load_classifier(dataset)
    return classifier_features(images, classifier), class_probabilities(images, classifier)


def evaluate_real(dataset, n=2000, seed=0, k=3):
    """The reference row: ``n`` real *training* images scored against ``n`` test images exactly
    as ``evaluate_generator`` scores samples. Its ``fid`` is the floor at this ``n`` (FID is
    biased upwards for finite n), its precision/recall what a perfect generator would get."""
    test_features, test_probs = real_reference(dataset, "test", n, seed)
    train_features, train_probs = real_reference(dataset, "train", n, seed)
    return {"dataset": dataset, "n": int(n), "fid": fid_from_features(train_features, test_features),
            "classifier_score": score_from_probabilities(train_probs),
            **precision_recall(test_features, train_features, k=k)}


def evaluate_generator(model_or_path, dataset, n=2000, seed=0, k=3):
    """Metrics of a generator (a model or a ``.keras`` path) against ``dataset``'s test split:

    * ``fid`` — classifier FID of ``n`` samples vs ``n`` real test images (lower is better);
    * ``fid_real`` — the same for ``n`` real training images vs those test images: what a
      perfect generator would score at this ``n`` (see ``evaluate_real``);
    * ``classifier_score`` of the samples (higher is better, at most 10);
    * ``precision``, ``recall`` — ``precision_recall`` on classifier features, k = ``k``;
    * ``n`` and ``dataset``.
    """
    classifier = load_classifier(dataset)
    model = load_generator(model_or_path)
    fake = generate_images(model, n, seed=seed)
    channels = classifier.inputs[0].shape[-1]
    if fake.ndim != 4 or fake.shape[-1] != channels:
        raise MetricsError(f"The generator makes images of shape {fake.shape[1:]}, but the {dataset} classifier "
                           f"reads {channels}-channel images: evaluate it against the dataset it was trained on.")
    test_features, _ = real_reference(dataset, "test", n, seed)
    train_features, _ = real_reference(dataset, "train", n, seed)
    fake_features = classifier_features(fake, classifier)
    return {
        "dataset": dataset,
        "n": int(n),
        "fid": fid_from_features(fake_features, test_features),
        "fid_real": fid_from_features(train_features, test_features),
        "classifier_score": classifier_score(fake, classifier),
        **precision_recall(test_features, fake_features, k=k),
    }


# --- image-to-image and toy measures (sharpness, pixel accuracy, mode coverage) -------------------

def mean_gradient_magnitude(images):
    """Sharpness of each image: the mean over pixels (and channels) of the finite-difference
    gradient magnitude sqrt((I[i, j+1] - I[i, j])^2 + (I[i+1, j] - I[i, j])^2), on images in
    [-1, 1]. Blur lowers it; comparing with the target's value says how much detail is missing.
    Returns one float per image (numpy)."""
    x = np.asarray(images, dtype="float32")
    if x.ndim == 3:
        x = x[None]
    dx = x[:, :-1, 1:, :] - x[:, :-1, :-1, :]
    dy = x[:, 1:, :-1, :] - x[:, :-1, :-1, :]
    return np.sqrt(dx ** 2 + dy ** 2).mean(axis=(1, 2, 3))


def pixel_accuracy(images, targets, tolerance=16):
    """Share of pixels whose R, G and B values (on the 0-255 scale) are *all* within
    ``tolerance`` of the target's: ``max_c |a_c - b_c| <= tolerance``. The per-pixel accuracy
    used to score aerial photo -> map translation against the true maps. Inputs in [-1, 1]
    (numpy or tensors), same shape (N, H, W, C); both are rounded to uint8 first."""
    from gankit.data import to_uint8

    a, b = to_uint8(images).astype(np.int16), to_uint8(targets).astype(np.int16)
    if a.shape != b.shape:
        raise ValueError(f"pixel_accuracy needs images and targets of one shape; got {a.shape} and {b.shape}.")
    return float(np.mean(np.abs(a - b).max(axis=-1) <= tolerance))


def mode_coverage(points, centres, std, radius=3.0, min_share=None):
    """``(modes covered, share of high-quality samples)`` of generated 2-D points on a mixture
    whose components have the given ``centres`` and standard deviation ``std``.

    The count of the Unrolled-GAN (Metz et al. 2017) and VEEGAN (Srivastava et al. 2017)
    papers: a sample is *high quality* if it lies within ``radius`` = 3 standard deviations
    of its nearest centre. gankit's rule for *covered*: a mode is covered if it holds at least
    ``min_share`` of the high-quality samples, by default a quarter of its fair share,
    ``1 / (4 K)`` for K modes (3.1 % on the 8-Gaussian ring). A stray handful of samples
    does not make a mode count (VEEGAN's "at least one sample" would), while a mode the
    generator visits a quarter as often as it should still does.

    Returns ``(covered, hq_share)``: an int in 0..K and a float in [0, 1].
    """
    centres = np.asarray(centres, dtype="float64")
    points = np.asarray(points, dtype="float64").reshape(-1, centres.shape[-1])
    if len(points) == 0:
        return 0, 0.0
    dist = np.linalg.norm(points[:, None, :] - centres[None, :, :], axis=-1)
    nearest = dist.argmin(axis=1)
    good = dist[np.arange(len(points)), nearest] <= radius * std
    n_good = int(good.sum())
    if n_good == 0:
        return 0, 0.0
    share = 1.0 / (4 * len(centres)) if min_share is None else float(min_share)
    counts = np.bincount(nearest[good], minlength=len(centres))
    return int(((counts > 0) & (counts >= share * n_good)).sum()), n_good / len(points)


# --- shape measures of digits (InfoGAN's continuous codes) -----------------------------------------

def _ink(images):
    """Grey images in [-1, 1] as ink in [0, 1], shape (N, H, W); colour channels are averaged."""
    x = np.asarray(images, dtype="float64")
    if x.ndim == 2:
        x = x[None]
    if x.ndim == 4:
        x = x.mean(axis=-1)
    if x.ndim != 3:
        raise ValueError(f"digit measures need images (N, H, W) or (N, H, W, C); got shape {np.shape(images)}.")
    return np.clip((x + 1.0) / 2.0, 0.0, 1.0)


def slant(images):
    """How far each digit leans to the right: the shear -μ11/μ02 of its ink (central image moments,
    rows y downwards, columns x to the right: μ11 = Σ I (x - x̄)(y - ȳ), μ02 = Σ I (y - ȳ)²), i.e. the
    sideways shift of the ink per row, read upwards. 0 for an upright stroke, tan θ for a stroke
    leaning θ to the right (like "/"), negative for a lean to the left (the measure MNIST
    deskewing corrects). One float per image."""
    ink = _ink(images)
    h, w = ink.shape[1:]
    rows, cols = np.mgrid[0:h, 0:w]
    mass = ink.sum(axis=(1, 2)) + 1e-9
    dy = rows[None] - ((ink * rows).sum(axis=(1, 2)) / mass)[:, None, None]
    dx = cols[None] - ((ink * cols).sum(axis=(1, 2)) / mass)[:, None, None]
    return -(ink * dx * dy).sum(axis=(1, 2)) / ((ink * dy * dy).sum(axis=(1, 2)) + 1e-9)


def stroke_width(images, threshold=0.0):
    """Mean stroke width of each digit in pixels, independent of how long its strokes are (the ink
    *area* grows with both): ink mass A (pixels in [0, 1]) over the length ℓ of the stroke's
    skeleton (``skimage.morphology.skeletonize`` of the pixels above ``threshold``; straight links
    count 1, diagonal ones √2). The skeleton stops about one width w short of the stroke's ends,
    so w solves A = w (ℓ + w): w = (√(ℓ² + 4A) - ℓ) / 2. Within 25 % of the true width for bars
    2-4 pixels wide at any angle on a 28x28 grid, 30 % at 5 pixels (tested): a rank measure,
    good for "does it grow along the sweep", not a calliper. One float per image."""
    from skimage.morphology import skeletonize

    ink = _ink(images)
    out = np.zeros(len(ink))
    for i, soft in enumerate(ink):
        s = skeletonize(soft > (threshold + 1.0) / 2.0)
        straight = np.sum(s[:, 1:] & s[:, :-1]) + np.sum(s[1:] & s[:-1])
        diagonal = (np.sum(s[1:, 1:] & s[:-1, :-1] & ~s[1:, :-1] & ~s[:-1, 1:])
                    + np.sum(s[1:, :-1] & s[:-1, 1:] & ~s[1:, 1:] & ~s[:-1, :-1]))
        length = straight + np.sqrt(2.0) * diagonal
        area = soft.sum()
        out[i] = (np.sqrt(length ** 2 + 4 * area) - length) / 2
    return out


def sweep_rank_correlation(measures):
    """Spearman rank correlation, for each row of ``measures`` (shape (rows, steps): a measure of
    the images along one sweep, the code increasing from left to right), between the code's
    position and the measure: +1 if the measure always grows along the sweep, -1 if it always
    falls, about 0 if the code does not drive it. Ties get their mean rank; a constant row gives
    0. One float per row."""
    from scipy.stats import rankdata

    m = np.asarray(measures, dtype="float64")
    if m.ndim != 2 or m.shape[1] < 3:
        raise ValueError(f"sweep_rank_correlation needs measures of shape (rows, steps >= 3); got {m.shape}.")
    ranks = rankdata(m, axis=1)
    ranks -= ranks.mean(axis=1, keepdims=True)
    position = np.arange(m.shape[1], dtype="float64") - (m.shape[1] - 1) / 2
    spread = np.sqrt((ranks ** 2).sum(axis=1) * (position ** 2).sum())
    return np.where(spread > 0, (ranks * position).sum(axis=1) / np.where(spread > 0, spread, 1.0), 0.0)


# --- super-resolution: periodic artefacts ----------------------------------------------------------

def periodic_energy(images, references, period=4):
    """How much of the error ``images - references`` repeats every ``period`` pixels: the mean
    spectral power of the residual (grey, per image) at the grid's frequencies (u, v) with u a
    multiple of H / period and v of W / period, (0, 0) left out, over its mean power at all the
    other non-zero frequencies. The up-sampling grid of a x``period`` super-resolution network
    (pixel shuffle's sub-pixel kernels drifting apart) puts its energy exactly there.

    About 1 when the residual has no such grid (white noise: every frequency alike; smooth
    errors: lower), many times more when it has: a random pattern repeating every ``period`` pixels
    that holds a tenth of the residual's energy, on white noise, gives about 1 + (0.1 / 0.9) H W /
    (period² - 1), 69 on a 96x96 image at ×4 (tested). Images are cropped to multiples of ``period``. Returns one float per
    image."""
    a = np.asarray(images, dtype="float64")
    b = np.asarray(references, dtype="float64")
    if a.shape != b.shape or a.ndim not in (3, 4):
        raise ValueError(f"periodic_energy needs images and references of one shape (N, H, W[, C]); got "
                         f"{a.shape} and {b.shape}.")
    residual = a - b if a.ndim == 3 else (a - b).mean(axis=-1)
    n, h, w = residual.shape
    h, w = h - h % period, w - w % period
    if h < 2 * period or w < 2 * period:
        raise ValueError(f"periodic_energy needs images of at least {2 * period}x{2 * period} pixels; got {a.shape[1:3]}.")
    residual = residual[:, :h, :w]
    residual = residual - residual.mean(axis=(1, 2), keepdims=True)
    power = np.abs(np.fft.fft2(residual)) ** 2
    grid = np.zeros((h, w), dtype=bool)
    grid[::h // period, ::w // period] = True
    grid[0, 0] = False
    rest = ~grid
    rest[0, 0] = False
    return power[:, grid].mean(axis=1) / np.maximum(power[:, rest].mean(axis=1), 1e-30)
