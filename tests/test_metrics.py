"""gankit.metrics and ``python -m gankit.evaluate``: every metric on a case with a known answer.

Offline and fast: the classifiers are the small ones shipped in assets/classifiers; real
images come from Fashion-MNIST / MNIST where gankit.data finds them (skipped otherwise).
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from gankit import metrics
from gankit.data import load_arrays
from helpers import missing_data


def real_images(dataset, split, n, seed=0):
    missing_data(dataset)
    images, labels, _ = load_arrays(dataset, split=split, download=False)
    pick = np.random.default_rng(seed).permutation(len(images))[:n]
    return images[pick].astype("float32") / 127.5 - 1.0, labels[pick]


# --- Fréchet distance -------------------------------------------------------------------------

def test_frechet_distance_of_identical_gaussians_is_zero():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((6, 6))
    sigma = a @ a.T + np.eye(6)
    assert metrics.frechet_distance(np.ones(6), sigma, np.ones(6), sigma) == pytest.approx(0, abs=1e-9)


def test_frechet_distance_shift_with_equal_covariances_is_squared_mean_distance():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((5, 5))
    sigma = a @ a.T + 0.1 * np.eye(5)
    mu1, mu2 = rng.standard_normal(5), rng.standard_normal(5)
    expected = float(((mu1 - mu2) ** 2).sum())
    assert metrics.frechet_distance(mu1, sigma, mu2, sigma) == pytest.approx(expected, rel=1e-9)


def test_frechet_distance_diagonal_covariances_closed_form():
    # For diagonal covariances: d² = ||Δμ||² + Σ_i (s1_i - s2_i)² with s = standard deviations.
    mu1, mu2 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    std1, std2 = np.array([1.0, 2.0, 0.5]), np.array([3.0, 2.0, 1.5])
    expected = 1 + 0 + 4 + (4 + 0 + 1)
    got = metrics.frechet_distance(mu1, np.diag(std1 ** 2), mu2, np.diag(std2 ** 2))
    assert got == pytest.approx(expected, rel=1e-9)


def test_frechet_distance_matches_scipy_sqrtm_on_full_covariances():
    scipy_linalg = pytest.importorskip("scipy.linalg")
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((8, 8)), rng.standard_normal((8, 8))
    s1, s2 = a @ a.T, b @ b.T + np.eye(8)
    mu1, mu2 = rng.standard_normal(8), rng.standard_normal(8)
    covmean = scipy_linalg.sqrtm(s1 @ s2).real
    expected = ((mu1 - mu2) ** 2).sum() + np.trace(s1 + s2 - 2 * covmean)
    assert metrics.frechet_distance(mu1, s1, mu2, s2) == pytest.approx(expected, rel=1e-6)


def test_fid_from_samples_of_shifted_gaussians_approaches_closed_form():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((20000, 4))
    b = rng.standard_normal((20000, 4)) * 2.0 + np.array([1.0, 0.0, 0.0, 0.0])
    # ||Δμ||² = 1, and Σ_i (1 - 2)² = 4 over four dimensions
    assert metrics.fid_from_features(a, a) == pytest.approx(0, abs=1e-9)
    assert metrics.fid_from_features(a, b) == pytest.approx(5.0, rel=0.03)


def test_frechet_distance_rejects_mismatched_shapes():
    with pytest.raises(metrics.MetricsError, match="shapes"):
        metrics.frechet_distance(np.zeros(3), np.eye(3), np.zeros(4), np.eye(4))


# --- the classifier FID on real images --------------------------------------------------------

def test_classifier_fid_real_images_low_noise_high():
    test, _ = real_images("fashion_mnist", "test", 1000)
    train, _ = real_images("fashion_mnist", "train", 1000)
    noise = np.random.default_rng(0).uniform(-1, 1, test.shape).astype("float32")
    same = metrics.fid(test, test, classifier="fashion_mnist")
    real = metrics.fid(test, train, classifier="fashion_mnist")
    fake = metrics.fid(test, noise, classifier="fashion_mnist")
    assert same == pytest.approx(0, abs=1e-3)
    assert real < 0.1 * fake, (real, fake)


def test_classifier_accuracy_and_score_on_real_test_images():
    images, labels = real_images("mnist", "test", 1000)
    assert metrics.conditional_accuracy(images, labels, classifier="mnist") > 0.97
    assert metrics.classifier_score(images, classifier="mnist") > 8.5


# --- classifier score and conditional accuracy with a stub classifier --------------------------

def stub_classifier(images):
    """p(y|x): class = round(mean pixel value * 4.5 + 4.5) with probability 0.99 (10 classes)."""
    images = np.asarray(images)
    k = np.clip(np.round(images.reshape(len(images), -1).mean(axis=1) * 4.5 + 4.5), 0, 9).astype(int)
    probs = np.full((len(images), 10), 0.01 / 9)
    probs[np.arange(len(images)), k] = 0.99
    return probs


def images_of_classes(classes):
    return np.stack([np.full((28, 28, 1), (k - 4.5) / 4.5, "float32") for k in classes])


def test_classifier_score_of_one_class_is_one_and_of_balanced_classes_is_number_of_classes():
    one_class = images_of_classes([3] * 100)
    balanced = images_of_classes(list(range(10)) * 10)
    assert metrics.classifier_score(one_class, classifier=stub_classifier) == pytest.approx(1.0, abs=1e-9)
    # with p = 0.99 on the true class: exp(KL) = exp(log 10 - H(p)), H the entropy of one row
    row = np.array([0.99] + [0.01 / 9] * 9)
    expected = 10 * np.exp((row * np.log(row)).sum())
    assert metrics.classifier_score(balanced, classifier=stub_classifier) == pytest.approx(expected, rel=1e-6)
    assert metrics.score_from_probabilities(np.eye(10)) == pytest.approx(10, rel=1e-6)


def test_conditional_accuracy_with_stub():
    images = images_of_classes([0, 1, 2, 3])
    assert metrics.conditional_accuracy(images, [0, 1, 2, 3], classifier=stub_classifier) == 1.0
    assert metrics.conditional_accuracy(images, [0, 1, 9, 9], classifier=stub_classifier) == 0.5
    with pytest.raises(metrics.MetricsError, match="labels"):
        metrics.conditional_accuracy(images, [0, 1], classifier=stub_classifier)


# --- precision / recall ------------------------------------------------------------------------

def test_precision_recall_on_hand_made_points():
    real = np.array([[0.0], [1.0], [2.0], [3.0]])       # k=1 radii: 1, 1, 1, 1
    fake = np.array([[0.5], [2.9], [10.0], [10.5]])      # k=1 radii: 2.4, 2.4, 0.5, 0.5
    result = metrics.precision_recall(real, fake, k=1)
    # fakes inside the real balls: 0.5 and 2.9, not 10 and 10.5 -> 2/4
    # reals inside the fake balls: B(0.5, 2.4) holds 0, 1, 2; B(2.9, 2.4) holds 1, 2, 3 -> 4/4
    assert result == {"precision": 0.5, "recall": 1.0}
    result = metrics.precision_recall(real, np.array([[0.0], [0.2], [0.4]]), k=1)
    # fake radii 0.2, 0.2, 0.2: only real 0 is covered -> recall 1/4; all fakes near real 0
    assert result == {"precision": 1.0, "recall": 0.25}


def test_precision_recall_needs_more_points_than_k():
    with pytest.raises(metrics.MetricsError, match="more than k"):
        metrics.precision_recall(np.zeros((3, 2)), np.ones((10, 2)), k=3)


# --- PSNR / SSIM --------------------------------------------------------------------------------

def test_psnr_against_hand_computed_value():
    a = np.zeros((2, 8, 8, 1), "float32")               # 0.5 in [0, 1]
    b = a + 0.2                                          # 0.6 in [0, 1]: MSE = 0.01
    assert metrics.psnr(a, b) == pytest.approx(20.0, abs=1e-4)  # 10 log10(1 / 0.01)
    assert metrics.psnr(a * 0 + 0.5, b * 0 + 0.6, value_range=(0, 1)) == pytest.approx(20.0, abs=1e-4)
    assert metrics.psnr(np.full((1, 4, 4, 1), 100.0), np.full((1, 4, 4, 1), 110.0), value_range=(0, 255)) \
        == pytest.approx(10 * np.log10(255 ** 2 / 100), abs=1e-3)


def test_psnr_y_channel_and_crop():
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (2, 12, 12, 3)).astype("float32")
    b = a.copy()
    b[:, :2] = -a[:, :2]                                 # damage only the top two rows
    assert np.isinf(metrics.psnr(a, b, crop=2)) and np.isfinite(metrics.psnr(a, b))
    grey = np.repeat(a[..., :1], 3, axis=-1)
    # for a grey picture Y = (16 + 219 v) / 255: the error shrinks by 219/255 -> PSNR rises by 20 log10(255/219)
    shifted = np.clip(grey + 0.1, -1, 1)
    delta = metrics.psnr(grey, shifted, y_channel=True) - metrics.psnr(grey, shifted)
    assert delta == pytest.approx(20 * np.log10(255 / 219), abs=1e-3)


def test_ssim_identical_is_one_and_noise_is_lower():
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (3, 28, 28, 1)).astype("float32")
    assert metrics.ssim(a, a) == pytest.approx(1.0, abs=1e-6)
    assert metrics.ssim(a, np.clip(a + rng.normal(0, 0.5, a.shape), -1, 1)) < 0.9


# --- loaders and clear errors --------------------------------------------------------------------

def test_load_classifier_unknown_dataset_is_clear():
    with pytest.raises(metrics.MetricsError, match="No classifier for dataset 'cifar10'.*mnist"):
        metrics.load_classifier("cifar10")


def test_load_classifier_is_cached_and_has_features():
    model = metrics.load_classifier("mnist")
    assert metrics.load_classifier("mnist") is model
    assert model.get_layer("features").output.shape[-1] == 128
    assert metrics.classifier_features(np.zeros((3, 28, 28), "float32"), model).shape == (3, 128)


def test_missing_classifier_file_is_clear(tmp_path, monkeypatch):
    monkeypatch.setenv("GANKIT_CLASSIFIERS", str(tmp_path))
    with pytest.raises(metrics.MetricsError, match="train_classifiers.py"):
        metrics.load_classifier("fashion_mnist")


def test_inception_metrics_offline_raise_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))      # no cached weights here
    monkeypatch.setenv("GANKIT_OFFLINE", "1")
    images = np.zeros((4, 28, 28, 1), "float32")
    with pytest.raises(metrics.InceptionUnavailableError, match="InceptionV3 weights.*offline"):
        metrics.inception_fid(images, images)
    with pytest.raises(metrics.InceptionUnavailableError, match="classifier='mnist'"):
        metrics.inception_score(images)


def test_prepare_images_converts_to_classifier_input():
    out = metrics.prepare_images(np.full((2, 32, 32, 3), 255, np.uint8))
    assert out.shape == (2, 28, 28, 1) and out.dtype == np.float32
    np.testing.assert_allclose(out, 1.0, atol=1e-3)  # grey = 0.2989 R + 0.587 G + 0.114 B


# --- evaluate_generator and the CLI -----------------------------------------------------------------

@pytest.fixture(scope="module")
def tiny_dcgan(tmp_path_factory):
    """A DCGAN trained for one step on 64 Fashion-MNIST images, saved in a run-like folder."""
    import keras

    from gankit import models

    images, _ = real_images("fashion_mnist", "train", 64)
    keras.utils.set_random_seed(0)
    model = models.DCGAN(filters=8, seed=0)
    model.compile()
    model.fit(images, batch_size=64, epochs=1, verbose=0)
    folder = tmp_path_factory.mktemp("lesson02-run")
    model.save(folder / "dcgan.keras")
    (folder / "summary.json").write_text(json.dumps({"lesson": 2, "results": {"dataset": "fashion_mnist"}}))
    return folder


def test_evaluate_generator_returns_metrics(tiny_dcgan):
    result = metrics.evaluate_generator(tiny_dcgan / "dcgan.keras", "fashion_mnist", n=200)
    assert set(result) >= {"fid", "fid_real", "classifier_score", "precision", "recall", "n", "dataset"}
    assert result["fid"] > 5 * result["fid_real"]         # an untrained generator is far from the data
    assert 0 <= result["precision"] <= 1 and 0 <= result["recall"] <= 1


class RealImagesGenerator:
    """A perfect generator: it "generates" real Fashion-MNIST training pictures."""

    def __init__(self, offset):
        self.offset = offset

    def generate(self, n, seed=None, batch_size=None):
        return real_images("fashion_mnist", "train", n, seed=seed + self.offset)[0]


def test_perfect_generator_scores_as_real_data():
    same = metrics.evaluate_generator(RealImagesGenerator(0), "fashion_mnist", n=500)
    # the very training subset evaluate_real uses: identical numbers
    real = metrics.evaluate_real("fashion_mnist", n=500)
    assert same["fid"] == pytest.approx(real["fid"], rel=1e-6) == pytest.approx(same["fid_real"], rel=1e-6)
    assert same["precision"] == real["precision"] and same["recall"] == real["recall"]
    other = metrics.evaluate_generator(RealImagesGenerator(1), "fashion_mnist", n=500)
    assert other["fid"] < 2 * other["fid_real"] and other["precision"] > 0.6 and other["recall"] > 0.6


def test_evaluate_cli_on_run_folder_and_model_file(tiny_dcgan, capsys):
    from gankit import evaluate

    assert evaluate.main([str(tiny_dcgan), "--n", "200"]) == 0
    out = capsys.readouterr().out
    assert "FID" in out and "dcgan.keras" in out and "fashion_mnist" in out and "real train images" in out
    assert evaluate.main([str(tiny_dcgan / "dcgan.keras"), "--dataset", "fashion_mnist", "--n", "100",
                          "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["models"]["dcgan.keras"]["fid"] > data["real"]["fid"]


@pytest.mark.parametrize("argv, message", [
    (["/no/such/place.keras"], "does not exist"),
    (["{folder}"], "holds no .keras model file"),
    (["{model}", "--dataset", "cifar10"], "no classifier for the dataset 'cifar10'"),
    (["{model}", "--n", "5"], "--n must be between"),
    (["{folder}/broken.keras", "--dataset", "mnist"], "could not be loaded as a Keras model"),
])
def test_evaluate_cli_bad_input_exits_2_without_traceback(argv, message, tmp_path, tiny_dcgan, capsys):
    from gankit import evaluate

    argv = [a.format(folder=tmp_path, model=tiny_dcgan / "dcgan.keras") for a in argv]
    if "broken" in argv[0]:
        (tmp_path / "broken.keras").write_bytes(b"not a zip file")
    assert evaluate.main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Usage: python -m gankit.evaluate" in err and "Traceback" not in err


def test_evaluate_cli_unknown_dataset_without_summary(tmp_path, tiny_dcgan, capsys):
    from gankit import evaluate

    (tmp_path / "g.keras").write_bytes((tiny_dcgan / "dcgan.keras").read_bytes())
    assert evaluate.main([str(tmp_path / "g.keras")]) == 2
    assert "pass --dataset" in capsys.readouterr().err


def test_evaluate_module_entry_point_bad_path():
    result = subprocess.run([sys.executable, "-m", "gankit.evaluate", "/no/such/run"], capture_output=True,
                            text=True, env={**os.environ, "GANKIT_OFFLINE": "1"}, timeout=120)
    assert result.returncode == 2
    assert "gankit.evaluate: /no/such/run does not exist" in result.stderr and "Traceback" not in result.stderr


def test_evaluate_cli_on_an_image_to_image_lesson_folder_says_what_to_look_at(tmp_path, tiny_dcgan, capsys):
    from gankit import evaluate

    (tmp_path / "srgan.keras").write_bytes((tiny_dcgan / "dcgan.keras").read_bytes())
    (tmp_path / "summary.json").write_text(json.dumps({"lesson": 9, "results": {}}))
    assert evaluate.main([str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "lesson 9" in err and "PSNR" in err and "pass --dataset" not in err and "Traceback" not in err


# --- digit shape measures (InfoGAN's continuous codes) ---------------------------------------------

def bar(width, angle, length=18, size=28, up=8):
    """A bar ``width`` x ``length`` pixels through the centre of a size x size image in [-1, 1],
    ``angle`` degrees from vertical, leaning right for positive angles ("/"), anti-aliased by
    averaging an ``up``-times finer grid."""
    n = size * up
    y, x = (np.mgrid[0:n, 0:n] + 0.5) / up - size / 2
    t = np.deg2rad(angle)
    along = -y * np.cos(t) + x * np.sin(t)      # up the bar: y falls, x grows for a right lean
    across = y * np.sin(t) + x * np.cos(t)
    fine = (np.abs(along) <= length / 2) & (np.abs(across) <= width / 2)
    return fine.reshape(size, up, size, up).mean(axis=(1, 3))[..., None] * 2 - 1


def test_slant_of_leaning_bars_is_the_tangent_of_their_angle():
    angles = [-30, -15, 0, 15, 30]
    got = metrics.slant(np.stack([bar(3, a) for a in angles]))
    np.testing.assert_allclose(got, np.tan(np.deg2rad(angles)), atol=0.03)
    assert got[-1] > 0 > got[0]                                      # "/" is positive, "\" negative


def test_slant_ignores_where_the_digit_sits_and_its_colour_channels():
    upright = bar(3, 20)
    moved = np.roll(upright, (3, -4), axis=(0, 1))
    np.testing.assert_allclose(metrics.slant(moved[None]), metrics.slant(upright[None]), atol=1e-6)
    np.testing.assert_allclose(metrics.slant(np.repeat(upright, 3, axis=-1)[None]), metrics.slant(upright[None]))


def test_stroke_width_finds_the_width_of_bars_at_any_angle():
    angles = [0, 10, 20, 30, 45, 60, 70, 90]
    for width, tolerance in ((2, 0.25), (3, 0.25), (4, 0.25), (5, 0.3)):
        got = metrics.stroke_width(np.stack([bar(width, a) for a in angles]))
        np.testing.assert_allclose(got, width, rtol=tolerance, err_msg=f"width {width}")
    means = [metrics.stroke_width(np.stack([bar(w, a) for a in angles])).mean() for w in (2, 3, 4, 5)]
    assert np.all(np.diff(means) > 0.5)


def test_stroke_width_does_not_grow_with_length_as_ink_area_does():
    short, long_ = bar(3, 20, length=10), bar(3, 20, length=20)
    area = lambda image: float((image > 0).sum())  # noqa: E731
    assert area(long_) > 1.8 * area(short)
    w_short, w_long = metrics.stroke_width(np.stack([short, long_]))
    assert abs(w_long - w_short) < 0.15 * w_long


def test_stroke_width_of_an_empty_image_is_zero_and_bad_shapes_are_refused():
    assert metrics.stroke_width(-np.ones((1, 28, 28, 1)))[0] == 0
    with pytest.raises(ValueError, match="shape"):
        metrics.slant(np.zeros((2, 3, 28, 28, 1)))


def test_sweep_rank_correlation_known_rows():
    rows = np.array([[0.1, 0.2, 0.5, 0.9, 1.0],      # grows all along: +1
                     [3.0, 2.0, 1.5, 1.0, -1.0],     # falls all along: -1
                     [1.0, 1.0, 1.0, 1.0, 1.0],      # constant: 0
                     [0.0, 2.0, 1.0, 3.0, 4.0]])     # one swap of ranks
    got = metrics.sweep_rank_correlation(rows)
    from scipy.stats import spearmanr
    np.testing.assert_allclose(got, [1, -1, 0, spearmanr(np.arange(5), rows[3])[0]], atol=1e-12)
    assert 0.8 < got[3] < 1
    with pytest.raises(ValueError, match="steps"):
        metrics.sweep_rank_correlation(np.ones((2, 2)))


def test_sweep_rank_correlation_of_slanting_bars():
    angles = np.linspace(-30, 30, 7)
    sweep = np.stack([bar(3, a) for a in angles])
    assert metrics.sweep_rank_correlation(metrics.slant(sweep)[None])[0] == pytest.approx(1.0)
    widths = np.stack([bar(w, 0) for w in (2, 2.5, 3, 3.5, 4, 4.5, 5)])
    assert metrics.sweep_rank_correlation(metrics.stroke_width(widths)[None])[0] == pytest.approx(1.0)


# --- periodic artefacts of super-resolution ---------------------------------------------------------

def test_periodic_energy_of_white_noise_is_about_one():
    rng = np.random.default_rng(0)
    noise = rng.normal(size=(8, 96, 96, 3))
    got = metrics.periodic_energy(noise, np.zeros_like(noise), period=4)
    assert got.shape == (8,)
    assert 0.7 < got.mean() < 1.3


def test_periodic_energy_finds_a_grid_that_repeats_every_period_pixels():
    rng = np.random.default_rng(1)
    noise = rng.normal(size=(8, 96, 96))
    tile = rng.normal(size=(8, 4, 4))
    tile -= tile.mean(axis=(1, 2), keepdims=True)
    grid = np.tile(tile, (1, 24, 24))
    grid *= np.sqrt(0.1 / 0.9 * (noise ** 2).sum(axis=(1, 2)) / (grid ** 2).sum(axis=(1, 2)))[:, None, None]
    got = metrics.periodic_energy(noise + grid, np.zeros_like(noise), period=4)
    expected = 1 + 0.1 / 0.9 * 96 * 96 / (4 ** 2 - 1)        # the docstring's 69
    np.testing.assert_allclose(got.mean(), expected, rtol=0.2)
    # a grid of another period is not counted; the reference is subtracted first
    grid3 = np.tile(rng.normal(size=(8, 3, 3)), (1, 32, 32))
    assert metrics.periodic_energy(noise + 3 * grid3, np.zeros_like(noise), period=4).mean() < 1.5
    assert metrics.periodic_energy(noise + grid, grid, period=4).mean() < 1.3


def test_periodic_energy_refuses_mismatched_or_tiny_images():
    with pytest.raises(ValueError, match="one shape"):
        metrics.periodic_energy(np.zeros((1, 16, 16, 3)), np.zeros((1, 16, 12, 3)))
    with pytest.raises(ValueError, match="at least"):
        metrics.periodic_energy(np.zeros((1, 6, 6)), np.zeros((1, 6, 6)), period=4)
