"""Super-resolution: pixel shuffle, SR networks on any size, PSNR by hand, the SR data and one
train step of SRCNN, SRResNet and SRGAN (standard and relativistic). Tiny shapes, offline."""

import numpy as np
import pytest
import keras
import tensorflow as tf

from gankit import data, metrics, nets
from gankit.models import SRCNN, SRGAN, SRResNet
from gankit.losses import relativistic_d_loss, relativistic_g_loss
from gankit.nets import bicubic, upscale_with


def tiny_batch(n=2, lr_size=8, scale=4, seed=0):
    rng = np.random.default_rng(seed)
    hr = rng.uniform(-1, 1, (n, lr_size * scale, lr_size * scale, 3)).astype("float32")
    lr = tf.image.resize(hr, (lr_size, lr_size), method="area").numpy()
    return lr, hr


# --- pixel shuffle -------------------------------------------------------------------------------

def test_pixel_shuffle_shapes_and_layout():
    x = np.arange(2 * 3 * 5 * 12, dtype="float32").reshape(2, 3, 5, 12)
    y = np.asarray(nets.PixelShuffle(2)(x))
    assert y.shape == (2, 6, 10, 3)
    # out[y, x, c] = in[y // 2, x // 2, 3 * 2 * (y % 2) + 3 * (x % 2) + c]
    for (i, j, c) in [(0, 0, 0), (1, 0, 2), (0, 1, 1), (5, 9, 2), (3, 4, 0)]:
        assert y[1, i, j, c] == x[1, i // 2, j // 2, 6 * (i % 2) + 3 * (j % 2) + c]
    assert nets.PixelShuffle(4)(np.zeros((1, 2, 2, 48), "float32")).shape == (1, 8, 8, 3)


def test_pixel_shuffle_rejects_channels_not_divisible():
    with pytest.raises(Exception):
        nets.PixelShuffle(2)(np.zeros((1, 2, 2, 6), "float32"))


# --- networks and upscale on odd sizes -------------------------------------------------------------

@pytest.mark.parametrize("h, w", [(7, 11), (13, 5), (1, 3)])
def test_generators_are_fully_convolutional(h, w):
    lr = np.zeros((1, h, w, 3), "float32")
    g = nets.srresnet_generator(scale=4, blocks=1, filters=8)
    assert g(lr).shape == (1, 4 * h, 4 * w, 3)
    assert nets.srcnn(scale=4, filters=(8, 4))(lr).shape == (1, 4 * h, 4 * w, 3)


def test_residual_srresnet_starts_as_bicubic():
    lr = np.random.default_rng(3).uniform(-1, 1, (1, 6, 5, 3)).astype("float32")
    g = nets.srresnet_generator(scale=4, blocks=1, filters=8, residual=True)
    expected = tf.image.resize(lr, (24, 20), method="bicubic").numpy()
    np.testing.assert_allclose(np.asarray(g(lr)), expected, atol=1e-5)


@pytest.mark.parametrize("scale", [2, 4, 8])
@pytest.mark.parametrize("h, w", [(12, 12), (5, 7), (1, 3)])
def test_bicubic_layer_equals_tensorflow_resize_and_compiles_with_xla(scale, h, w):
    """BicubicUpscale is TF's bicubic resize written as two interpolation matrices, which XLA
    can compile (TF's resize kernel cannot), so the SR models train with XLA on a GPU."""
    from keras.src.trainers.trainer import model_supports_jit

    x = np.random.default_rng(h * w + scale).uniform(-1, 1, (2, h, w, 3)).astype("float32")
    want = tf.image.resize(x, (h * scale, w * scale), method="bicubic").numpy()
    layer = nets.BicubicUpscale(scale)
    np.testing.assert_allclose(np.asarray(layer(x)), want, atol=2e-6)
    compiled = tf.function(layer.call, jit_compile=True)
    np.testing.assert_allclose(compiled(tf.constant(x)).numpy(), want, atol=2e-6)
    assert model_supports_jit(SRResNet(scale=scale, blocks=1, filters=4, residual=True))


def test_cubic_matrix_rows_are_keys_weights_summing_to_one():
    m = np.asarray(nets.cubic_matrix(6, 4))
    assert m.shape == (24, 6)
    np.testing.assert_allclose(m.sum(axis=1), 1.0, atol=1e-6)
    # output pixel 9 sits at u = (9 + 0.5) / 4 - 0.5 = 1.875: taps 0..3 at distances 1.875, 0.875, 0.125, 1.125
    keys = lambda t: 1.5 * t ** 3 - 2.5 * t ** 2 + 1 if t <= 1 else -0.5 * t ** 3 + 2.5 * t ** 2 - 4 * t + 2  # noqa: E731
    np.testing.assert_allclose(m[9, :4], [keys(1.875), keys(0.875), keys(0.125), keys(1.125)], atol=1e-6)


def test_srcnn_features_are_a_frozen_copy():
    model = SRCNN(scale=2, net=nets.srcnn(2, filters=(6, 4)))
    features = model.features()
    image = np.random.default_rng(4).uniform(-1, 1, (1, 9, 7, 3)).astype("float32")
    convs = [layer for layer in model.net.layers if isinstance(layer, keras.layers.Conv2D)]
    want = convs[1](convs[0](image))
    np.testing.assert_allclose(np.asarray(features(image)), np.asarray(want), atol=1e-5)
    assert features.trainable_weights == [] and features.output.shape[-1] == 4


def test_calibrated_srcnn_features_have_unit_rms_and_survive_saving(tmp_path):
    model = SRCNN(scale=2, net=nets.srcnn(2, filters=(6, 4)))
    images = np.random.default_rng(5).uniform(-1, 1, (3, 12, 10, 3)).astype("float32")
    raw = np.asarray(model.features()(images))
    calibrated = model.features(calibrate=images)
    out = np.asarray(calibrated(images))
    assert np.sqrt(np.mean(out ** 2)) == pytest.approx(1.0, rel=1e-4)
    np.testing.assert_allclose(out * np.sqrt(np.mean(raw ** 2)), raw, rtol=1e-4, atol=1e-6)
    lr = images[:, ::2, ::2]
    srgan = SRGAN(scale=2, hr_size=12, blocks=1, filters=8, d_filters=4, feature_extractor=calibrated)
    srgan.save(tmp_path / "srgan.keras")
    again = keras.models.load_model(tmp_path / "srgan.keras")
    np.testing.assert_allclose(np.asarray(again.feature_extractor(images)), out, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(again.upscale(lr[0]), srgan.upscale(lr[0]), atol=1e-5)


def test_srresnet_scale_must_be_a_power_of_two():
    with pytest.raises(ValueError, match="power of two"):
        nets.srresnet_generator(scale=3)


@pytest.mark.parametrize("shape", [(7, 9, 3), (5, 13, 3), (2, 3, 3)])
def test_upscale_odd_sizes_float_and_uint8(shape):
    model = SRResNet(scale=4, blocks=1, filters=8)
    image = np.random.default_rng(0).uniform(-1, 1, shape).astype("float32")
    out = model.upscale(image)
    assert out.shape == (4 * shape[0], 4 * shape[1], 3) and out.dtype == np.float32
    assert out.min() >= -1 and out.max() <= 1
    u8 = model.upscale(data.to_uint8(image))
    assert u8.dtype == np.uint8 and u8.shape == out.shape
    batch = model.upscale(image[None].repeat(2, axis=0))
    assert batch.shape == (2, *out.shape)
    np.testing.assert_allclose(batch[0], out, atol=1e-5)


def test_upscale_padding_is_cut_exactly():
    """An identity-like 'network' (nearest up-sampling) shows that the mirrored border is cut off
    again and every output pixel comes from the right input pixel."""
    inp = keras.Input((None, None, 3))
    net = keras.Model(inp, keras.layers.UpSampling2D(2)(inp))
    image = np.random.default_rng(1).uniform(-1, 1, (5, 7, 3)).astype("float32")
    out = upscale_with(net, image, scale=2, pad=3)
    np.testing.assert_allclose(out, image.repeat(2, 0).repeat(2, 1), atol=1e-6)


def test_upscale_rejects_bad_shape():
    with pytest.raises(ValueError, match="HxWxC"):
        SRCNN(scale=2).upscale(np.zeros((4, 4), "float32"))


def test_bicubic_baseline_shape_and_range():
    out = bicubic(np.ones((6, 5, 3), "float32") * 0.5, scale=4)
    assert out.shape == (24, 20, 3)
    np.testing.assert_allclose(out, 0.5, atol=1e-5)


# --- PSNR by hand ------------------------------------------------------------------------------------

def test_psnr_against_a_hand_computed_value():
    a = np.zeros((1, 4, 4, 1), "float32")  # in [-1, 1]: 0 -> 0.5 in [0, 1]
    b = a.copy()
    b[0, 0, 0, 0] = 0.4  # 0.4 in [-1, 1] is 0.2 higher in [0, 1]
    # MSE = 0.2² / 16 = 0.0025, PSNR = 10 log10(1 / 0.0025) = 26.0206 dB
    assert metrics.psnr(a, b) == pytest.approx(10 * np.log10(1 / 0.0025), abs=1e-3)
    assert metrics.psnr(a, b) == pytest.approx(26.0206, abs=1e-3)


def test_psnr_y_channel_and_crop_ignore_the_border():
    rng = np.random.default_rng(2)
    a = rng.uniform(-1, 1, (1, 16, 16, 3)).astype("float32")
    b = a.copy()
    b[:, :4] = -a[:, :4]  # damage only the top 4 rows
    assert metrics.psnr(a, b, y_channel=True, crop=4) == np.inf
    assert metrics.psnr(a, b, y_channel=True) < 30


# --- relativistic loss ------------------------------------------------------------------------------

def test_relativistic_losses_by_hand():
    real, fake = tf.constant([[2.0], [0.0]]), tf.constant([[-1.0], [1.0]])  # means 1 and 0
    sp = lambda v: np.log1p(np.exp(v))  # noqa: E731  softplus: -log σ(-v) = sp(v), -log σ(v) = sp(-v)
    real_rel, fake_rel = np.array([2.0, 0.0]) - 0.0, np.array([-1.0, 1.0]) - 1.0
    want_d = sp(-real_rel).mean() + sp(fake_rel).mean()
    want_g = sp(real_rel).mean() + sp(-fake_rel).mean()
    assert float(relativistic_d_loss(real, fake)) == pytest.approx(want_d, rel=1e-5)
    assert float(relativistic_g_loss(real, fake)) == pytest.approx(want_g, rel=1e-5)


# --- data -----------------------------------------------------------------------------------------------

def sr_data_or_skip():
    try:
        data._sr_files("train"), data._sr_files("set5")
    except data.DatasetNotFoundError:
        pytest.skip("super-resolution photos are not available here")


def test_sr_patches_are_aligned_lr_hr_pairs():
    sr_data_or_skip()
    ds = data.load("sr_patches", batch_size=4, image_size=32, limit=3, patches_per_image=4, augment=False)
    lr, hr = next(iter(ds))
    assert lr.shape == (4, 8, 8, 3) and hr.shape == (4, 32, 32, 3)
    assert float(tf.reduce_min(hr)) >= -1 and float(tf.reduce_max(hr)) <= 1
    # the LR patch is the bicubic down-sampling of the HR photo, so it is close to the HR patch's 4x4 means
    pooled = tf.nn.avg_pool2d(hr, 4, 4, "VALID")
    assert float(tf.reduce_mean(tf.abs(pooled - lr))) < 0.06


def test_sr_splits_never_share_a_photo():
    sr_data_or_skip()
    train = {str(p) for _, p in data._sr_files("train")}
    held = {str(p) for _, p in data._sr_files("held_out")}
    set5 = {str(p) for _, p in data._sr_files("set5")}
    assert held and set5 and not (train & held) and not (train & set5)


def test_sr_images_are_whole_pictures_with_hr_a_multiple_of_scale():
    sr_data_or_skip()
    pictures = data.sr_images("set5", scale=4)
    assert len(pictures) == 5
    for p in pictures:
        assert p.hr.shape[0] == 4 * p.lr.shape[0] and p.hr.shape[1] == 4 * p.lr.shape[1]
    lr, hr = next(iter(data.load("sr_images", split="set5")))
    assert lr.shape[0] == 1 and hr.shape[1] == 4 * lr.shape[1]


def test_sr_bad_requests_raise_clear_errors():
    with pytest.raises(data.DatasetError, match="multiple of scale"):
        data.load("sr_patches", image_size=30)
    with pytest.raises(data.DatasetError, match="Unknown super-resolution split"):
        data.sr_images("test")


def test_div2k_offline_gives_the_clear_error(monkeypatch):
    monkeypatch.setenv("GANKIT_OFFLINE", "1")
    with pytest.raises(data.DatasetNotFoundError, match="source='local'"):
        data.load("sr_patches", source="div2k", image_size=32)


# --- training ------------------------------------------------------------------------------------------

def weights_of(network):
    return [np.array(w) for w in network.weights]


def changed(before, network):
    return any(not np.allclose(a, np.array(b)) for a, b in zip(before, network.weights))


def test_srcnn_and_srresnet_one_step_lower_the_loss_and_round_trip(tmp_path):
    lr, hr = tiny_batch()
    for model in (SRCNN(scale=4, net=nets.srcnn(4, filters=(8, 4))), SRResNet(scale=4, blocks=1, filters=8)):
        model.compile(optimizer=keras.optimizers.Adam(1e-3))
        before = weights_of(model.net)
        history = model.fit(lr, hr, epochs=3, batch_size=2, verbose=0)
        assert np.all(np.isfinite(history.history["loss"])) and changed(before, model.net)
        path = tmp_path / f"{model.name}.keras"
        model.save(path)
        again = keras.models.load_model(path)
        assert type(again) is type(model)
        np.testing.assert_allclose(again.upscale(lr[0]), model.upscale(lr[0]), atol=1e-5)


@pytest.mark.parametrize("adversarial", ["standard", "relativistic"])
def test_srgan_train_step_moves_both_networks(adversarial):
    lr, hr = tiny_batch()
    features = SRCNN(scale=4, net=nets.srcnn(4, filters=(4, 4))).features()
    model = SRGAN(scale=4, hr_size=32, blocks=1, filters=8, d_filters=4, adversarial=adversarial,
                  feature_extractor=features)
    model.compile(run_eagerly=adversarial == "relativistic")  # the standard case runs compiled (traced)
    g_before, d_before, f_before = weights_of(model.generator), weights_of(model.discriminator), weights_of(features)
    ds = tf.data.Dataset.from_tensor_slices((lr, hr)).batch(2)
    logs = model.fit(ds, epochs=1, verbose=0).history
    assert set(logs) == {"d_loss", "g_loss", "content_loss", "adv_loss"}
    assert all(np.isfinite(v[-1]) for v in logs.values())
    assert changed(g_before, model.generator) and changed(d_before, model.discriminator)
    assert not changed(f_before, features)  # the content loss's features stay fixed
    # g_loss = content + 10⁻³ adversarial
    assert logs["g_loss"][0] == pytest.approx(logs["content_loss"][0] + 1e-3 * logs["adv_loss"][0], rel=1e-4)


def test_srgan_save_load_round_trip(tmp_path):
    lr, _ = tiny_batch()
    model = SRGAN(scale=4, hr_size=32, blocks=1, filters=8, d_filters=4, content="pixel",
                  adversarial="relativistic")
    model.save(tmp_path / "srgan.keras")
    again = keras.models.load_model(tmp_path / "srgan.keras")
    assert again.adversarial == "relativistic" and again.content == "pixel"
    np.testing.assert_allclose(again.upscale(lr[0]), model.upscale(lr[0]), atol=1e-5)


def test_srgan_checks_the_patch_size_and_options():
    lr, hr = tiny_batch()
    model = SRGAN(scale=4, hr_size=64, blocks=1, filters=8, d_filters=4, content="pixel")
    model.compile()
    with pytest.raises(ValueError, match="image_size=64"):
        model.fit(tf.data.Dataset.from_tensor_slices((lr, hr)).batch(2), verbose=0)
    with pytest.raises(ValueError, match="adversarial"):
        SRGAN(hr_size=32, blocks=1, filters=8, d_filters=4, content="pixel", adversarial="hinge")
    with pytest.raises(ValueError, match="content"):
        SRGAN(hr_size=32, blocks=1, filters=8, d_filters=4, content="vgg")


def test_content_auto_offline_falls_back_and_says_why(monkeypatch, tmp_path):
    monkeypatch.setenv("GANKIT_OFFLINE", "1")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    model = SRGAN(hr_size=32, blocks=1, filters=8, d_filters=4, content="auto")
    assert model.content == "pixel" and "VGG19" in model.content_source and model.feature_extractor is None
    with pytest.raises(RuntimeError, match="feature_extractor="):
        SRGAN(hr_size=32, blocks=1, filters=8, d_filters=4, content="vgg19")


@pytest.mark.parametrize("build", [lambda: SRResNet(scale=4, blocks=1, filters=8, residual=True),
                                   lambda: SRCNN(scale=4, net=nets.srcnn(4, filters=(8, 4)))], ids=["SRResNet", "SRCNN"])
def test_sr_models_skip_xla_on_a_cpu_yet_learn_when_compiled_with_it(build, monkeypatch):
    """On a CPU the SR models keep Keras' "auto" even for full training (TensorFlow's kernels
    were faster than XLA's, benchmarks/train_step.py); on a GPU "auto" means XLA, so the step,
    bicubic layer included, must compile with XLA and the loss must fall."""
    monkeypatch.delenv("GANKIT_QUICK", raising=False)
    model = build()
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    assert model.jit_compile is False
    model = build()
    model.compile(optimizer=keras.optimizers.Adam(1e-3), jit_compile=True)
    assert model.jit_compile is True
    rng = np.random.default_rng(0)
    hr = tf.image.resize(rng.uniform(-1, 1, (16, 4, 4, 3)).astype("float32"), (16, 16)).numpy()  # smooth images
    lr = tf.image.resize(hr, (4, 4), method="area").numpy()
    losses = model.fit(lr, hr, batch_size=8, epochs=6, verbose=0).history["loss"]
    assert np.all(np.isfinite(losses)) and losses[-1] < losses[0]


# --- the updates train_step makes, against the paper's losses written out ---------------------------

from helpers import assert_step, hand_step, sgd, snapshot  # noqa: E402
from helpers import weights_of as holding  # noqa: E402


def test_paper_adversarial_weight_and_updates_follow_eq_3():
    """l^SR = l^SR_X + 10^-3 l^SR_Gen (eq. 3), l^SR_Gen = -log D(G(I^LR)) (eq. 6), D's usual cross-entropy
    (eq. 2). The default weight is the paper's 10^-3; the step is checked with 0.05, so an ignored
    adv_weight shows."""
    assert SRGAN(scale=4, channels=3, hr_size=32, blocks=1, filters=4, d_filters=4, content="pixel").adv_weight == 1e-3
    model = sgd(SRGAN(scale=4, channels=3, hr_size=32, blocks=1, filters=4, d_filters=4, content="pixel",
                      adv_weight=0.05, seed=0))
    G, D = model.generator, model.discriminator
    g0, d0 = snapshot(G), snapshot(D)
    lr, hr = tiny_batch(4)
    model.fit(tf.data.Dataset.from_tensor_slices((lr, hr)).batch(4), epochs=1, verbose=0)
    sp = tf.nn.softplus  # -log sigmoid(l) = softplus(-l), -log(1 - sigmoid(l)) = softplus(l)
    with holding(G, g0), holding(D, d0):
        sr = np.array(G(lr, training=True))
        want_d = hand_step(D, lambda: tf.reduce_mean(sp(-D(hr, training=True))) + tf.reduce_mean(sp(D(sr, training=True))))

        def g_loss():
            out = G(lr, training=True)
            return tf.reduce_mean(tf.square(hr - out)) + 0.05 * tf.reduce_mean(sp(-D(out, training=True)))
        want_g = hand_step(G, g_loss)
    assert_step(d0, D, want_d, "SRGAN discriminator")
    assert_step(g0, G, want_g, "SRGAN generator")


def test_icnr_makes_conv_plus_pixel_shuffle_start_as_nearest_neighbour_enlargement():
    x = np.random.default_rng(0).normal(size=(2, 6, 6, 5)).astype("float32")
    for icnr, flat in ((True, True), (False, False)):
        init = nets.ICNR(2) if icnr else "glorot_uniform"
        up = keras.Sequential([keras.Input((6, 6, 5)), keras.layers.Conv2D(3 * 4, 3, padding="same", kernel_initializer=init),
                               nets.PixelShuffle(2)])
        y = np.asarray(up(x))
        assert y.shape == (2, 12, 12, 3)
        blocks = y.reshape(2, 6, 2, 6, 2, 3)
        is_flat = np.allclose(blocks, blocks[:, :, :1, :, :1, :], atol=1e-6)
        assert is_flat == flat, f"icnr={icnr}"
    with pytest.raises(ValueError, match="multiple of 4"):
        nets.ICNR(2)((3, 3, 5, 6))


def test_srresnet_icnr_is_the_default_and_survives_saving(tmp_path):
    model = SRResNet(scale=4, blocks=1, filters=8)
    assert model.icnr and model.get_config()["icnr"] is True
    shuffle_convs = [layer for layer in model.net.layers if isinstance(layer, keras.layers.Conv2D)
                     and layer.filters == 32]
    assert len(shuffle_convs) == 2
    kernel = np.asarray(shuffle_convs[0].kernel)
    np.testing.assert_array_equal(kernel[..., :8], kernel[..., 8:16])    # the 4 sub-pixel groups share one kernel
    plain = SRResNet(scale=4, blocks=1, filters=8, icnr=False)
    kernel = np.asarray([layer for layer in plain.net.layers if isinstance(layer, keras.layers.Conv2D)
                         and layer.filters == 32][0].kernel)
    assert not np.allclose(kernel[..., :8], kernel[..., 8:16])
    path = tmp_path / "srresnet.keras"
    plain.save(path)
    again = keras.saving.load_model(path)
    assert again.icnr is False


def test_resize_convolution_upsampling_has_one_kernel_for_all_sub_pixel_positions(tmp_path):
    model = SRResNet(scale=4, blocks=1, filters=8, upsample="resize")
    assert not any(isinstance(layer, nets.PixelShuffle) for layer in model.net.layers)
    assert sum(isinstance(layer, keras.layers.UpSampling2D) for layer in model.net.layers) == 2
    x = np.random.default_rng(0).uniform(-1, 1, (1, 6, 5, 3)).astype("float32")
    assert model.net(x).shape == (1, 24, 20, 3)
    path = tmp_path / "resize.keras"
    model.save(path)
    again = keras.saving.load_model(path)
    assert again.upsample == "resize"
    np.testing.assert_allclose(np.asarray(again.net(x)), np.asarray(model.net(x)), atol=1e-6)
    gan = SRGAN(scale=4, blocks=1, filters=8, hr_size=24, d_filters=8, content="pixel", upsample="resize")
    assert gan.get_config()["upsample"] == "resize"
    with pytest.raises(ValueError, match="upsample"):
        nets.srresnet_generator(4, blocks=1, filters=8, upsample="deconv")


def test_blur2d_removes_period_two_patterns_and_keeps_flat_images(tmp_path):
    x = np.zeros((1, 8, 8, 3), "float32")
    x[0, ::2, :, 0] = 1.0                      # horizontal stripes, period 2
    x[0, :, ::2, 1] = 1.0                      # vertical stripes, period 2
    x[0, :, :, 2] = 0.7                        # flat
    y = np.asarray(nets.Blur2D()(x))
    np.testing.assert_allclose(y[0, 1:-1, 1:-1, 0], 0.5, atol=1e-6)
    np.testing.assert_allclose(y[0, 1:-1, 1:-1, 1], 0.5, atol=1e-6)
    np.testing.assert_allclose(y[..., 2], 0.7, atol=1e-6)       # reflected borders: flat stays flat everywhere
    d = nets.srgan_discriminator((24, 24, 3), 8, dense=16, blur=True)
    assert sum(isinstance(layer, nets.Blur2D) for layer in d.layers) == 4   # one before each stride-2 conv
    gan = SRGAN(scale=4, blocks=1, filters=8, hr_size=24, d_filters=8, content="pixel", d_blur=True)
    assert gan.get_config()["d_blur"] is True
    assert any(isinstance(layer, nets.Blur2D) for layer in gan.discriminator.layers)
    path = tmp_path / "srgan.keras"
    gan.save(path)
    again = keras.saving.load_model(path)
    patch = np.random.default_rng(0).uniform(-1, 1, (2, 24, 24, 3)).astype("float32")
    np.testing.assert_allclose(np.asarray(again.discriminator(patch)), np.asarray(gan.discriminator(patch)), atol=1e-5)
