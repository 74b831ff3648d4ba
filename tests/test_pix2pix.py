"""Pix2Pix and the image-to-image building blocks: U-Net and PatchGAN shapes, the PatchGAN's
receptive field, paired data with one jitter for both images, a train step, ``translate``,
save/load."""

import numpy as np
import keras
import pytest
import tensorflow as tf

from gankit import data, models, nets
from gankit.losses import l1_loss
from gankit.metrics import mean_gradient_magnitude
from helpers import missing_data

TINY = dict(filters=4, d_filters=4, seed=0)


def pairs(n=4, size=32, channels=3, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.uniform(-1, 1, (n, size, size, channels)).astype("float32"),
            rng.uniform(-1, 1, (n, size, size, channels)).astype("float32"))


# --- networks ---------------------------------------------------------------------------------

@pytest.mark.parametrize("size", [64, 128, 256])
def test_unet_keeps_the_image_size_and_reaches_a_1x1_bottleneck(size):
    g = nets.unet_generator((size, size, 3), out_channels=2, filters=2)
    assert g.output_shape == (None, size, size, 2)
    depth = {64: 6, 128: 7, 256: 8}[size]
    assert nets.unet_depth(size) == depth
    assert g.get_layer(f"down{depth}").output.shape[1:3] == (1, 1)           # bottleneck at 1 x 1
    skips = [layer for layer in g.layers if layer.name.startswith("skip")]
    assert len(skips) == depth - 1                                           # one skip per encoder level
    dropouts = [layer for layer in g.layers if isinstance(layer, keras.layers.Dropout)]
    assert len(dropouts) == 3 and all(d.rate == 0.5 for d in dropouts)     # CD512 x 3 (appendix 6.1.1)
    y = g(np.zeros((2, size, size, 3), "float32"))
    assert y.shape == (2, size, size, 2)


def test_unet_rejects_a_side_that_does_not_halve_to_one():
    with pytest.raises(ValueError, match="power of two"):
        nets.unet_generator((48, 48, 3))
    assert nets.unet_generator((48, 48, 3), filters=2, depth=4).output_shape == (None, 48, 48, 3)


def test_unet_skip_connection_carries_the_input_detail():
    """With every layer below the top skip zeroed, the output still depends on the input
    through the first encoder block's skip."""
    g = nets.unet_generator((32, 32, 1), out_channels=1, filters=4, dropout=0)
    x = np.random.default_rng(0).uniform(-1, 1, (1, 32, 32, 1)).astype("float32")
    for layer in g.layers:
        if layer.name.startswith("down") and layer.name.endswith("_conv") and layer.name != "down1_conv":
            layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
    a = g(x, training=False).numpy()
    b = g(-x, training=False).numpy()
    assert not np.allclose(a, b)


@pytest.mark.parametrize("size,cells", [(64, 8), (128, 16), (256, 32)])
def test_patchgan_outputs_a_map_of_logits(size, cells):
    d = nets.patchgan_discriminator((size, size, 3), condition_shape=(size, size, 1), filters=2)
    assert [tuple(i.shape[1:]) for i in d.inputs] == [(size, size, 1), (size, size, 3)]
    out = d([np.ones((2, size, size, 1), "float32"), np.ones((2, size, size, 3), "float32")])
    assert out.shape == (2, cells, cells, 1)
    single = nets.patchgan_discriminator((size, size, 3), filters=2, norm="instance")
    assert single(np.ones((1, size, size, 3), "float32")).shape == (1, cells, cells, 1)
    assert d.layers[-1].activation is keras.activations.linear                # logits, no sigmoid


def test_patchgan_receptive_field_by_hand_and_by_probe():
    # 1 + 3 * (1 + 2 + 4 + 8 + 8) = 70 for three stride-2 blocks, as in the paper
    assert nets.patchgan_receptive_field(3) == 70
    assert [nets.patchgan_receptive_field(n) for n in (0, 1, 2, 4, 5)] == [7, 16, 34, 142, 286]
    # probe: the output cells that change when one input pixel changes span the field
    d = nets.patchgan_discriminator((64, 64, 1), filters=2, n_layers=1, norm=None)
    x = np.zeros((1, 64, 64, 1), "float32")
    base = d(x).numpy()[0, :, :, 0]
    x[0, 32, 32, 0] = 1.0
    changed = np.argwhere(np.abs(d(x).numpy()[0, :, :, 0] - base) > 1e-7)
    # n_layers=1: output cells are 2 pixels apart and see 16 pixels, so 16 / 2 = 8 cells per row at most
    span = changed[:, 1].max() - changed[:, 1].min() + 1
    assert 6 <= span <= 8


def test_instance_norm_normalises_each_image_and_channel():
    layer = nets.instance_norm()
    x = np.random.default_rng(0).normal(3.0, 5.0, (2, 8, 8, 3)).astype("float32")
    y = layer(x).numpy()
    np.testing.assert_allclose(y.mean(axis=(1, 2)), 0.0, atol=1e-4)
    np.testing.assert_allclose(y.std(axis=(1, 2)), 1.0, atol=1e-2)


# --- data -----------------------------------------------------------------------------------------

def test_random_jitter_crops_and_flips_both_images_the_same_way():
    a = tf.reshape(tf.range(32 * 32, dtype=tf.float32), (32, 32, 1)) / 1024.0
    b = tf.concat([a, -a], axis=-1)                       # target: two channels derived from the input
    for seed in range(6):
        ja, jb = data.random_jitter(a, b, 32, seed=(seed, 7))
        assert ja.shape == (32, 32, 1) and jb.shape == (32, 32, 2)
        np.testing.assert_allclose(jb[..., :1], ja, atol=1e-6)                # same crop, same flip
        np.testing.assert_allclose(jb[..., 1:], -ja, atol=1e-6)
    assert data.jitter_size(256) == 286 and data.jitter_size(128) == 143 and data.jitter_size(32) == 36


def test_paired_folder_splits_side_by_side_pictures(tmp_path):
    from PIL import Image

    for i in range(3):
        left = np.full((16, 16, 3), 40 * i, np.uint8)
        right = np.full((16, 16, 3), 255 - 40 * i, np.uint8)
        Image.fromarray(np.concatenate([left, right], axis=1)).save(tmp_path / f"{i + 1}.png")
    ds = data.load(f"paired_folder:{tmp_path}", batch_size=3, image_size=16, shuffle=False)
    x, y = next(iter(ds))
    np.testing.assert_allclose(x[:, 0, 0, 0], [-1, 40 / 127.5 - 1, 80 / 127.5 - 1], atol=1e-5)
    np.testing.assert_allclose(y[:, 0, 0, 0], [1, 215 / 127.5 - 1, 175 / 127.5 - 1], atol=1e-5)
    x2, y2 = next(iter(data.load(f"paired_folder:{tmp_path}", batch_size=3, image_size=16, shuffle=False,
                                 direction="b2a")))
    np.testing.assert_allclose(x2, y, atol=1e-6)
    with pytest.raises(data.DatasetError, match="val"):
        data.load(f"paired_folder:{tmp_path}", split="val")
    with pytest.raises(data.DatasetNotFoundError, match="not a folder"):
        data.load(f"paired_folder:{tmp_path / 'nope'}")


def test_edges2fashion_gives_edges_of_the_garment():
    ds = data.load("edges2fashion", batch_size=8, limit=64, image_size=32, classes=[8], shuffle=False)
    edges, garments = next(iter(ds))
    assert edges.shape == garments.shape == (8, 32, 32, 1)
    assert set(np.unique(edges.numpy())) <= {-1.0, 1.0}
    np.testing.assert_array_equal(edges, data.sobel_edges(garments))
    # edges lie where the garment has contrast: nowhere whose 3x3 neighbourhood is flat
    lines = edges.numpy() < 0
    assert 0.02 < lines.mean() < 0.5
    pad = np.pad(garments.numpy()[..., 0], ((0, 0), (1, 1), (1, 1)), mode="reflect")
    windows = np.lib.stride_tricks.sliding_window_view(pad, (3, 3), axis=(1, 2))
    flat = windows.max(axis=(-1, -2)) - windows.min(axis=(-1, -2)) < 1e-6
    assert flat.sum() > 100 and not lines[..., 0][flat].any()


def test_maps_pairs_when_the_shared_data_is_present():
    missing_data("maps")
    ds = data.load("maps", split="val", batch_size=2, image_size=32, limit=4, shuffle=False, download=False)
    x, y = next(iter(ds))
    assert x.shape == y.shape == (2, 32, 32, 3)
    # aerial photos are dark and varied; maps are light, flat colours
    assert float(tf.reduce_mean(y)) > float(tf.reduce_mean(x))


def test_facades_offline_says_how_to_get_it(nowhere):
    with pytest.raises(data.DatasetNotFoundError, match="facades.tar.gz"):
        data.load("facades")


# --- the model ----------------------------------------------------------------------------------

def test_l1_and_sharpness_by_hand():
    y = np.zeros((1, 2, 2, 1), "float32")
    g = np.array([[[[1.0], [-1.0]], [[0.5], [0.0]]]], "float32")
    assert float(l1_loss(y, g)) == pytest.approx((1 + 1 + 0.5 + 0) / 4)
    # one 1x1 gradient cell at the top-left: dx = -1 - 1 = -2, dy = 0.5 - 1 = -0.5
    assert mean_gradient_magnitude(g)[0] == pytest.approx(np.sqrt(4 + 0.25))
    assert mean_gradient_magnitude(np.zeros((3, 8, 8, 1))).tolist() == [0, 0, 0]


def test_one_train_step_moves_both_networks_and_reports_its_losses():
    model = models.Pix2Pix(image_shape=(32, 32, 3), **TINY)
    model.compile()
    x, y = pairs()
    g0 = [w.numpy().copy() for w in model.generator.trainable_weights]
    d0 = [w.numpy().copy() for w in model.discriminator.trainable_weights]
    history = model.fit(x, y, batch_size=4, epochs=1, verbose=0).history
    assert set(history) == {"d_loss", "g_loss", "g_gan", "g_l1"}
    h = {k: v[-1] for k, v in history.items()}
    assert all(np.isfinite(list(h.values())))
    assert h["g_loss"] == pytest.approx(h["g_gan"] + 100 * h["g_l1"], rel=1e-4)
    assert any(not np.allclose(a, b.numpy()) for a, b in zip(g0, model.generator.trainable_weights))
    assert any(not np.allclose(a, b.numpy()) for a, b in zip(d0, model.discriminator.trainable_weights))


def test_gan_weight_zero_is_the_l1_only_baseline():
    model = models.Pix2Pix(image_shape=(32, 32, 1), gan_weight=0.0, l1_weight=100, **TINY)
    model.compile(run_eagerly=True)  # the compiled step is tested above; eager skips a slow trace
    ds = data.load("edges2fashion", batch_size=4, limit=8)
    h = {k: v[-1] for k, v in model.fit(ds, epochs=1, verbose=0).history.items()}
    assert h["g_loss"] == pytest.approx(100 * h["g_l1"], rel=1e-4)


def test_translate_a_single_image_and_batches_of_any_size():
    model = models.Pix2Pix(image_shape=(32, 32, 3), out_channels=1, **TINY)
    x, _ = pairs(5)
    one = model.translate(x[0])
    assert one.shape == (32, 32, 1) and one.dtype == np.float32
    batch = model.translate(x, batch_size=2)                       # 2 + 2 + 1
    assert batch.shape == (5, 32, 32, 1)
    np.testing.assert_allclose(batch[0], one, atol=1e-5)
    assert -1 <= batch.min() and batch.max() <= 1
    as_uint8 = ((x[:2] + 1) * 127.5).round().astype(np.uint8)
    np.testing.assert_allclose(model.translate(as_uint8), model.translate(as_uint8 / 127.5 - 1), atol=1e-5)
    assert model.translate(x[:0]).shape == (0, 32, 32, 1)
    with pytest.raises(ValueError, match=r"\(32, 32, 3\)"):
        model.translate(np.zeros((2, 64, 64, 3), "float32"))


def test_fit_rejects_unpaired_or_misshapen_data():
    model = models.Pix2Pix(image_shape=(32, 32, 3), **TINY)
    model.compile()
    x, y = pairs(4)
    with pytest.raises(ValueError, match="pairs"):
        model.fit(tf.data.Dataset.from_tensor_slices(x).batch(2), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="image_size=32"):
        model.fit(np.zeros((4, 64, 64, 3), "float32"), np.zeros((4, 64, 64, 3), "float32"), verbose=0)
    with pytest.raises(ValueError, match="targets"):
        model.fit(x, verbose=0)
    with pytest.raises(TypeError, match="translate"):
        model.generate(4)


def test_save_and_load_round_trip(tmp_path):
    model = models.Pix2Pix(image_shape=(32, 32, 3), l1_weight=50, gan_weight=0.5, **TINY)
    model.compile(run_eagerly=True)
    x, y = pairs(4)
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    path = tmp_path / "p2p.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded, models.Pix2Pix)
    assert (loaded.l1_weight, loaded.gan_weight, loaded.image_shape) == (50.0, 0.5, (32, 32, 3))
    np.testing.assert_allclose(loaded.translate(x), model.translate(x), atol=1e-5)
    np.testing.assert_allclose(loaded.discriminator([x, y]), model.discriminator([x, y]), atol=1e-5)
    loaded.fit(x, y, batch_size=4, epochs=1, verbose=0)       # and it trains on from where it stopped


def test_simultaneous_update_judges_g_by_d_before_its_update():
    """``update="alternating"`` (the authors' order) and ``"simultaneous"`` (the TF tutorial's)
    give D the same update; G's update follows D's *old* weights only in the simultaneous one
    (checked against the gradient taken by hand)."""
    keras.utils.set_random_seed(3)
    g = nets.unet_generator((16, 16, 3), 3, filters=4, norm="instance", dropout=0)  # no noise: comparable
    d = nets.patchgan_discriminator((16, 16, 3), condition_shape=(16, 16, 3), filters=4, n_layers=2, norm="instance")
    x, y = pairs(4, size=16)

    def clone(net):
        copy = keras.models.clone_model(net)
        copy.set_weights(net.get_weights())
        return copy

    lr = 0.05
    g_ref, d_ref = clone(g), clone(d)
    with tf.GradientTape() as tape:
        fake = g_ref(x, training=True)
        g_loss = (tf.reduce_mean(tf.nn.softplus(-d_ref([tf.constant(x), fake], training=True)))
                  + 100 * tf.reduce_mean(tf.abs(y - fake)))
    expected_g = [w.numpy() - lr * dw.numpy() for w, dw in zip(g_ref.trainable_weights,
                                                                tape.gradient(g_loss, g_ref.trainable_weights))]
    after = {}
    for update in ("alternating", "simultaneous"):
        model = models.Pix2Pix(generator=clone(g), discriminator=clone(d), image_shape=(16, 16, 3), update=update)
        model.compile(g_optimizer=keras.optimizers.SGD(lr), d_optimizer=keras.optimizers.SGD(lr))
        model.fit(x, y, batch_size=4, epochs=1, verbose=0, shuffle=False)
        after[update] = model
    a, s = after["alternating"], after["simultaneous"]
    for wa, ws, w0 in zip(a.discriminator.trainable_weights, s.discriminator.trainable_weights, d.trainable_weights):
        np.testing.assert_allclose(wa.numpy(), ws.numpy(), atol=1e-6)
    assert any(not np.allclose(w.numpy(), w0.numpy()) for w, w0 in zip(s.discriminator.trainable_weights,
                                                                        d.trainable_weights))
    for w, e in zip(s.generator.trainable_weights, expected_g):
        np.testing.assert_allclose(w.numpy(), e, atol=1e-5)
    assert max(float(np.abs(w.numpy() - e).max()) for w, e in zip(a.generator.trainable_weights, expected_g)) > 1e-4
    assert models.Pix2Pix.from_config(s.get_config()).update == "simultaneous"
    assert models.Pix2Pix.from_config(a.get_config()).update == "alternating"
    assert models.Pix2Pix(image_shape=(16, 16, 3), filters=4).update == "simultaneous"  # the measured default
    with pytest.raises(ValueError, match="alternating"):
        models.Pix2Pix(image_shape=(16, 16, 3), filters=4, update="together")


# --- the updates train_step makes, against the paper's losses written out ---------------------------

from helpers import assert_step, hand_step, sgd, snapshot, weights_of  # noqa: E402


def bce(target, logits):
    logits = tf.reshape(tf.cast(logits, tf.float32), [-1, 1])
    return tf.reduce_mean(keras.losses.binary_crossentropy(tf.fill(tf.shape(logits), target), logits,
                                                           from_logits=True))


@pytest.mark.parametrize("update", ["simultaneous", "alternating"])
def test_updates_follow_eq_4_with_lambda_times_l1(update):
    """G* = arg min_G max_D L_cGAN(G, D) + lambda L_L1(G) (eq. 4), D's loss halved (§3.3). lambda = 7
    (not the default 100) shows an ignored l1_weight. Without dropout G is deterministic."""
    generator = nets.unet_generator((32, 32, 3), 3, 4, norm="instance", dropout=0)
    model = sgd(models.Pix2Pix(generator=generator, image_shape=(32, 32, 3), d_filters=4, l1_weight=7.0,
                               update=update, seed=0))
    G, D = model.generator, model.discriminator
    g0, d0 = snapshot(G), snapshot(D)
    x, y = pairs(2)
    model.fit(x, y, batch_size=2, epochs=1, shuffle=False, verbose=0)
    x, y = tf.constant(x), tf.constant(y)
    with weights_of(G, g0), weights_of(D, d0):
        fake = G(x, training=True)
        want_d = hand_step(D, lambda: 0.5 * (bce(1.0, D([x, y], training=True)) + bce(0.0, D([x, fake], training=True))))
    assert_step(d0, D, want_d, "PatchGAN")
    judge = d0 if update == "simultaneous" else snapshot(D)  # alternating: G meets the updated D
    with weights_of(G, g0), weights_of(D, judge):
        def g_loss():
            out = G(x, training=True)
            return bce(1.0, D([x, out], training=True)) + 7.0 * tf.reduce_mean(tf.abs(y - out))
        want_g = hand_step(G, g_loss)
    assert_step(g0, G, want_g, "U-Net generator")
