"""CycleGAN: the ResNet generator and reflection padding, the image pool, the linear decay,
one train step checked against the paper's losses by hand, translate, save/load, and the
unpaired data sets (maps_unpaired, unpaired_folder:, celeba2anime, cycle_gan: offline)."""


import keras
import numpy as np
import pytest
import tensorflow as tf

from gankit import data, nets
from gankit.models import CycleGAN
from gankit.metrics import pixel_accuracy
from gankit.train import ImagePool, LinearDecay
from helpers import missing_data

EAGER = {"run_eagerly": True}
TINY = dict(image_shape=(16, 16, 3), filters=4, n_blocks=1, d_filters=4, d_layers=1)


def images(n, shape=(16, 16, 3), seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, *shape)).astype("float32")


def snapshot(weights):
    return [np.array(w) for w in weights]


# --- networks --------------------------------------------------------------------------------

def test_reflection_padding_mirrors_the_border_like_numpy_and_round_trips_its_config():
    x = np.arange(2 * 3 * 4 * 2, dtype="float32").reshape(2, 3, 4, 2)
    layer = nets.ReflectionPadding2D(2)
    out = np.asarray(layer(x))
    assert out.shape == (2, 7, 8, 2)
    np.testing.assert_array_equal(out, np.pad(x, [(0, 0), (2, 2), (2, 2), (0, 0)], mode="reflect"))
    assert out[0, 0, 0, 0] == x[0, 2, 2, 0]  # the corner is the pixel 2 steps in, not 0
    again = nets.ReflectionPadding2D.from_config(layer.get_config())
    assert again.padding == 2 and layer.compute_output_shape((None, 3, 4, 2)) == (None, 7, 8, 2)


@pytest.mark.parametrize("side", [32, 64, 128])
def test_resnet_generator_keeps_the_image_shape_and_ends_in_tanh(side):
    g = nets.resnet_generator((side, side, 3), filters=4, n_blocks=2)
    assert g.output_shape == (None, side, side, 3)
    y = np.asarray(g(images(2, (side, side, 3))))
    assert y.shape == (2, side, side, 3) and np.abs(y).max() <= 1.0
    norms = [layer for layer in g.layers if isinstance(layer, keras.layers.GroupNormalization)]
    # instance norm, Keras' own layer: groups=-1 becomes one group per channel once built
    assert norms and all(layer.groups == layer.gamma.shape[0] for layer in norms)
    assert sum(isinstance(layer, nets.ReflectionPadding2D) for layer in g.layers) == 2 + 2 * 2


def test_resnet_generator_uses_9_blocks_from_256_pixels_and_6_below_and_rejects_odd_sides():
    count = lambda g: sum(isinstance(layer, keras.layers.Add) for layer in g.layers)  # noqa: E731
    assert count(nets.resnet_generator((256, 256, 3), filters=2)) == 9
    assert count(nets.resnet_generator((128, 128, 3), filters=2)) == 6
    with pytest.raises(ValueError, match="divisible by 4"):
        nets.resnet_generator((30, 30, 3), filters=2)


# --- the image pool ---------------------------------------------------------------------------

def tagged(ids):
    """Images of shape (1, 1, 1) whose single pixel is their id: every image is recognisable."""
    return np.asarray(ids, dtype="float32").reshape(-1, 1, 1, 1)


def check_pool(pool, query, batches, first_id):
    """Feed ``batches`` of fresh ids through ``query`` after the pool is full, keeping a mirror
    of the stored ids: each returned id must be the new one (pool unchanged) or one stored id,
    which must then be replaced by the new one. Returns the share of swaps."""
    mirror = list(pool.stored().reshape(-1))
    assert len(mirror) == pool.size
    swaps = total = 0
    next_id = first_id
    for size in batches:
        ids = np.arange(next_id, next_id + size)
        next_id += size
        out = np.asarray(query(tagged(ids))).reshape(-1)
        for new, got in zip(ids, out):
            total += 1
            if got == new:
                continue
            assert got in mirror, f"pool returned {got}, which was neither new nor stored"
            mirror[mirror.index(got)] = new
            swaps += 1
        np.testing.assert_array_equal(pool.stored().reshape(-1), mirror)
    return swaps / total


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "tf.function"])
def test_image_pool_returns_and_stores_the_first_50_then_swaps_half_the_time(compiled):
    pool = ImagePool((1, 1, 1), size=50, seed=3)
    query = tf.function(pool.query) if compiled else pool.query
    out = np.asarray(query(tagged(range(1, 31)))).reshape(-1)          # 30 fakes: all kept, all returned
    np.testing.assert_array_equal(out, np.arange(1, 31))
    assert int(pool.count.numpy()) == 30
    out = np.asarray(query(tagged(range(31, 51)))).reshape(-1)          # 20 more: the pool is now full
    np.testing.assert_array_equal(out, np.arange(31, 51))
    np.testing.assert_array_equal(pool.stored().reshape(-1), np.arange(1, 51))
    share = check_pool(pool, query, [4] * (300 if compiled else 100), first_id=51)
    # p = 1/2: 4 standard deviations of the share are 0.058 for 1,200 draws, 0.1 for 400
    assert abs(share - 0.5) < (0.058 if compiled else 0.1), share


def test_image_pool_fills_within_a_batch_and_sees_its_own_earlier_writes():
    pool = ImagePool((1, 1, 1), size=3, seed=0)
    np.testing.assert_array_equal(np.asarray(pool.query(tagged([1, 2]))).reshape(-1), [1, 2])
    ids = np.arange(3, 43)
    out = np.asarray(pool.query(tagged(ids))).reshape(-1)  # one batch: 3 fills the last slot, then swaps
    assert out[0] == 3 and int(pool.count.numpy()) == 3
    mirror, from_this_batch = [1, 2, 3], 0
    for new, got in zip(ids[1:], out[1:]):
        if got != new:
            assert got in mirror, f"{got} was neither new nor stored"
            from_this_batch += got >= 4          # stored by an earlier image of this very batch
            mirror[mirror.index(got)] = new
    np.testing.assert_array_equal(pool.stored().reshape(-1), mirror)
    assert from_this_batch > 0


def test_image_pool_of_size_0_is_off_and_reset_empties_it():
    x = images(3, (2, 2, 1))
    np.testing.assert_array_equal(np.asarray(ImagePool((2, 2, 1), size=0).query(x)), x)
    pool = ImagePool((2, 2, 1), size=4)
    pool.query(x)
    pool.reset()
    assert int(pool.count.numpy()) == 0 and pool.stored().shape == (0, 2, 2, 1)


# --- learning rate ----------------------------------------------------------------------------

def test_linear_decay_is_flat_for_the_first_half_then_falls_to_zero():
    schedule = LinearDecay(2e-4, total_steps=100)
    lr = lambda t: float(schedule(t))  # noqa: E731
    assert lr(0) == pytest.approx(2e-4) and lr(49) == pytest.approx(2e-4) and lr(50) == pytest.approx(2e-4)
    assert lr(75) == pytest.approx(1e-4) and lr(90) == pytest.approx(0.4e-4)
    assert lr(100) == 0.0 and lr(130) == 0.0
    again = LinearDecay.from_config(schedule.get_config())
    assert float(again(75)) == pytest.approx(1e-4)
    with pytest.raises(ValueError):
        LinearDecay(1e-3, total_steps=10, decay_start=10)


def test_compile_with_total_steps_gives_both_optimizers_the_decay():
    model = CycleGAN(**TINY)
    model.compile(total_steps=40)
    for opt in (model.g_optimizer, model.d_optimizer):
        assert isinstance(opt, keras.optimizers.Adam) and opt.beta_1 == 0.5
        assert isinstance(opt._learning_rate, LinearDecay) and opt._learning_rate.total_steps == 40


# --- training ---------------------------------------------------------------------------------

def expected_losses(model, x, y, cycle_weight, identity_weight):
    """The paper's losses computed by hand from the networks *before* the step."""
    G, F, D_X, D_Y = model.generator, model.generator_f, model.discriminator_x, model.discriminator
    run = lambda net, a: np.asarray(net(a)).astype("float64")  # noqa: E731
    fake_y, fake_x = run(G, x), run(F, y)
    adv = np.mean((run(D_Y, fake_y) - 1) ** 2) + np.mean((run(D_X, fake_x) - 1) ** 2)
    cycle = np.mean(np.abs(run(F, fake_y) - x)) + np.mean(np.abs(run(G, fake_x) - y))
    identity = np.mean(np.abs(run(G, y) - y)) + np.mean(np.abs(run(F, x) - x))
    g = adv + cycle_weight * cycle + identity_weight * cycle_weight * identity
    d = (0.5 * np.mean((run(D_Y, y) - 1) ** 2) + 0.5 * np.mean(run(D_Y, fake_y) ** 2)
         + 0.5 * np.mean((run(D_X, x) - 1) ** 2) + 0.5 * np.mean(run(D_X, fake_x) ** 2))
    return {"adv_loss": adv, "cycle_loss": cycle, "identity_loss": identity, "g_loss": g, "d_loss": d}


@pytest.mark.parametrize("cycle_weight", [10.0, 0.0])
def test_one_step_matches_the_papers_losses_and_moves_all_four_networks(cycle_weight):
    model = CycleGAN(**TINY, cycle_weight=cycle_weight, seed=1)
    model.compile(**EAGER)
    x, y = images(4, seed=1), images(4, seed=2)
    want = expected_losses(model, x, y, cycle_weight, 0.5)
    if cycle_weight == 0:
        want["g_loss"] = want["adv_loss"]  # "GAN alone": no cycle, no identity term
    nets_ = (model.generator, model.generator_f, model.discriminator, model.discriminator_x)
    before = [snapshot(n.trainable_weights) for n in nets_]
    logs = model.train_on_batch(x, y, return_dict=True)
    assert set(logs) == set(CycleGAN.loss_names)
    for name, value in want.items():
        if cycle_weight == 0 and name == "identity_loss":
            assert logs[name] == 0.0
            continue
        assert logs[name] == pytest.approx(value, rel=1e-4), name
    for net, old in zip(nets_, before):
        assert any(not np.allclose(a, b) for a, b in zip(old, snapshot(net.trainable_weights))), net.name
    assert int(model.pools["x"].count.numpy()) == 4 and int(model.pools["y"].count.numpy()) == 4


def test_compiled_fit_on_unequal_unpaired_sets_runs_and_fills_the_pools():
    model = CycleGAN(**TINY, pool_size=5, seed=0)
    model.compile(total_steps=6)
    x = tf.data.Dataset.from_tensor_slices(images(6, seed=3))
    y = tf.data.Dataset.from_tensor_slices(images(10, seed=4))
    ds = data.unpaired_dataset(x, 6, y, 10, batch_size=2)
    assert sum(1 for _ in ds) == 5                      # the larger domain sets the epoch
    history = model.fit(ds, epochs=1, verbose=0)
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    assert int(model.pools["y"].count.numpy()) == 5     # 10 fakes went through a pool of 5
    assert int(model.g_optimizer.iterations.numpy()) == 5 and int(model.d_optimizer.iterations.numpy()) == 5
    assert float(model.g_optimizer.learning_rate) == pytest.approx(2e-4 * 1 / 3, rel=1e-5)  # t=5 of 6, start 3


def test_fit_rejects_a_single_domain_clearly():
    model = CycleGAN(**TINY)
    model.compile(**EAGER)
    with pytest.raises(ValueError, match=r"batches \(x, y\)"):
        model.fit(images(4), epochs=1, batch_size=2, verbose=0)


# --- using and saving -------------------------------------------------------------------------

def test_translate_one_image_a_batch_and_both_directions():
    model = CycleGAN(**TINY, seed=0)
    one = images(1)[0]
    out = model.translate(one)
    assert out.shape == (16, 16, 3) and np.abs(out).max() <= 1
    np.testing.assert_allclose(out, np.asarray(model.generator(one[None]))[0], atol=1e-6)
    back = model.translate(one, direction="y2x")
    np.testing.assert_allclose(back, np.asarray(model.generator_f(one[None]))[0], atol=1e-6)
    batch = images(5)
    assert model.translate(batch, batch_size=2).shape == (5, 16, 16, 3)
    there, again = model.cycle(batch)
    np.testing.assert_allclose(again, model.translate(there, "y2x"), atol=1e-6)
    with pytest.raises(ValueError, match="x2y"):
        model.translate(one, direction="forward")
    with pytest.raises(ValueError, match="image_size=16"):
        model.translate(images(1, (32, 32, 3)))
    with pytest.raises(TypeError, match="translate"):
        model.generate(4)


def test_save_and_load_round_trip_keeps_all_four_networks_and_the_settings(tmp_path):
    model = CycleGAN(**TINY, cycle_weight=7.0, identity_weight=0.25, pool_size=8, seed=0)
    model.compile(total_steps=10, **EAGER)
    x, y = images(4, seed=5), images(4, seed=6)
    model.train_on_batch(x, y)
    path = tmp_path / "cyclegan.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded, CycleGAN)
    assert (loaded.cycle_weight, loaded.identity_weight, loaded.pool_size) == (7.0, 0.25, 8)
    assert loaded.image_shape == (16, 16, 3) and loaded.n_blocks == 1
    for direction in ("x2y", "y2x"):
        np.testing.assert_allclose(loaded.translate(x, direction), model.translate(x, direction), atol=1e-6)
    for domain in ("x", "y"):
        np.testing.assert_allclose(loaded.score(y, domain=domain), model.score(y, domain=domain), atol=1e-6)
    assert isinstance(loaded.g_optimizer._learning_rate, LinearDecay)
    assert int(loaded.g_optimizer.iterations.numpy()) == 1          # the optimizer state came back
    loaded.compile(run_eagerly=True, total_steps=10)
    assert np.isfinite(loaded.train_on_batch(x, y, return_dict=True)["g_loss"])


# --- unpaired data ---------------------------------------------------------------------------

def write_side_by_side(folder, n, size=8):
    """``n`` PNG pictures 2*size x size: left half grey level 10*i+5 (the "photo"), right half
    255 - that (its "map"), so each half tells which picture it came from."""
    from PIL import Image

    folder.mkdir(parents=True)
    for i in range(n):
        left = np.full((size, size, 3), 10 * i + 5, np.uint8)
        Image.fromarray(np.concatenate([left, 255 - left], axis=1)).save(folder / f"{i + 1}.png")


def ids_of(batch, right=False):
    values = np.round((np.asarray(batch)[:, 0, 0, 0] + 1) * 127.5)
    grey = 255 - values if right else values
    return np.round((grey - 5) / 10).astype(int).tolist()


def test_maps_unpaired_takes_photos_left_and_maps_right_and_breaks_the_pairs(tmp_path, monkeypatch):
    write_side_by_side(tmp_path / "maps" / "train", 12)
    monkeypatch.setenv("GANKIT_DATA", str(tmp_path))
    ds = data.load("maps_unpaired", image_size=8, batch_size=12, seed=0)
    (x, y), = list(ds)
    xs, ys = ids_of(x), ids_of(y, right=True)
    assert sorted(xs) == list(range(12)) and sorted(ys) == list(range(12))   # every photo, every map
    assert xs != ys                                                           # ... but not in pairs
    ds = data.load("maps_unpaired", image_size=8, batch_size=6, shuffle=False, disjoint=True)
    x, y = [np.concatenate(part) for part in zip(*ds)]
    assert ids_of(x) == list(range(6)) and ids_of(y, right=True) == list(range(6, 12))


def test_unpaired_folder_reads_two_folders_of_different_sizes(tmp_path):
    from PIL import Image

    for name, n in (("a", 3), ("b", 5)):
        (tmp_path / name).mkdir()
        for i in range(n):
            Image.fromarray(np.full((10, 12, 3), 40 * i, np.uint8)).save(tmp_path / name / f"{i}.png")
    ds = data.load(f"unpaired_folder:{tmp_path / 'a'}|{tmp_path / 'b'}", image_size=8, batch_size=1)
    pairs = list(ds)
    assert len(pairs) == 5 and pairs[0][0].shape == (1, 8, 8, 3)
    with pytest.raises(data.DatasetError, match="separated by '|'"):
        data.load(f"unpaired_folder:{tmp_path / 'a'}")
    with pytest.raises(data.DatasetNotFoundError, match="not a folder"):
        data.load(f"unpaired_folder:{tmp_path / 'a'}|{tmp_path / 'nope'}")


def test_cycle_gan_sets_offline_raise_a_clear_error(monkeypatch):
    monkeypatch.setenv("GANKIT_OFFLINE", "1")
    monkeypatch.setenv("TFDS_DATA_DIR", "/nonexistent-gankit-tfds")
    with pytest.raises(data.DatasetNotFoundError, match="unpaired_folder:PATH_X|PATH_Y"):
        data.load("horse2zebra")
    with pytest.raises(data.DatasetError, match="horse2zebra"):
        data.load("cycle_gan:horse2elephant")



def test_celeba2anime_gives_64_pixel_faces_from_both_domains():
    missing_data("celeba2anime")
    ds = data.load("celeba2anime", batch_size=4, limit=8, limit_y=4)
    batches = list(ds)
    assert len(batches) == 2                                   # 8 faces set the epoch; 4 anime repeat
    x, y = batches[0]
    assert x.shape == (4, 64, 64, 3) and y.shape == (4, 64, 64, 3)
    assert -1.0 <= float(np.min(x)) and float(np.max(y)) <= 1.0


def test_pixel_accuracy_counts_pixels_whose_three_channels_are_all_within_the_tolerance():
    target = np.zeros((1, 1, 4, 3), np.float32) - 1.0                 # black: 0 on the 0-255 scale
    out = target.copy()
    out[0, 0, 1] = [16 / 127.5 - 1, -1, -1]                           # R off by 16: still correct at 16
    out[0, 0, 2] = [-1, 17 / 127.5 - 1, -1]                           # G off by 17: wrong at 16
    out[0, 0, 3] = [10 / 127.5 - 1] * 3                               # all off by 10
    assert pixel_accuracy(out, target, tolerance=16) == 0.75
    assert pixel_accuracy(out, target, tolerance=10) == 0.5
    assert pixel_accuracy(out, target, tolerance=5) == 0.25
    with pytest.raises(ValueError, match="one shape"):
        pixel_accuracy(out, target[:, :, :2])


# --- the updates train_step makes, against the paper's losses written out ---------------------------

from helpers import assert_step, hand_step, sgd, weights_of  # noqa: E402
from helpers import snapshot as weights  # noqa: E402


def test_updates_follow_eq_3_with_the_cycle_and_identity_weights():
    """L = L_GAN(G, D_Y) + L_GAN(F, D_X) + lambda L_cyc + identity_weight lambda L_identity (eq. 3, §5.2),
    least-squares GAN terms (§4); lambda = 3 and identity weight 0.3 (not 10 and 0.5) show if ignored."""
    model = sgd(CycleGAN(**TINY, cycle_weight=3.0, identity_weight=0.3, seed=1))
    G, F, D_Y, D_X = model.generator, model.generator_f, model.discriminator, model.discriminator_x
    start = [weights(n) for n in (G, F, D_Y, D_X)]
    x, y = images(4, seed=1), images(4, seed=2)
    model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    mean, l1 = tf.reduce_mean, lambda a, b: tf.reduce_mean(tf.abs(a - b))  # noqa: E731
    with weights_of(G, start[0]), weights_of(F, start[1]), weights_of(D_Y, start[2]), weights_of(D_X, start[3]):
        def g_loss():
            fake_y, fake_x = G(x, training=True), F(y, training=True)
            adv = mean(tf.square(D_Y(fake_y, training=True) - 1)) + mean(tf.square(D_X(fake_x, training=True) - 1))
            cycle = l1(F(fake_y, training=True), x) + l1(G(fake_x, training=True), y)
            identity = l1(G(y, training=True), y) + l1(F(x, training=True), x)
            return adv + 3.0 * cycle + 0.3 * 3.0 * identity
        want_g, want_f = hand_step(G, g_loss), hand_step(F, g_loss)
        fake_y, fake_x = np.array(G(x, training=True)), np.array(F(y, training=True))  # the pools' first fakes

        def d_loss():
            ls = lambda real, fake: 0.5 * mean(tf.square(real - 1)) + 0.5 * mean(tf.square(fake))  # noqa: E731
            return (ls(D_Y(y, training=True), D_Y(fake_y, training=True))
                    + ls(D_X(x, training=True), D_X(fake_x, training=True)))
        want_dy, want_dx = hand_step(D_Y, d_loss), hand_step(D_X, d_loss)
    for net, before, want in zip((G, F, D_Y, D_X), start, (want_g, want_f, want_dy, want_dx)):
        assert_step(before, net, want, net.name)


def test_image_to_image_models_share_one_base_without_a_noise_vector():
    from gankit import models

    model = CycleGAN(**TINY, seed=0)
    assert isinstance(model, models.ImageToImage) and model.latent_dim is None
    config = model.get_config()
    assert "latent_dim" not in config
    # a configuration saved by an older gankit (which stored a dummy latent_dim) still loads
    again = CycleGAN.from_config({**config, "latent_dim": 3})
    assert again.latent_dim is None
    for network in (model.generator, model.generator_f):
        batch = images(3)
        as_bytes = np.round((batch + 1) * 127.5).astype("uint8")
        direction = "x2y" if network is model.generator else "y2x"
        np.testing.assert_allclose(model.translate(batch[0], direction), model.translate(batch, direction)[0], atol=1e-5)
        assert model.translate(as_bytes, direction).dtype == np.float32
    for call in (lambda: model.generate(4), lambda: model.latent(4)):
        with pytest.raises(TypeError, match="translate"):
            call()
