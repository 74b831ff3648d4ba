"""gankit.config (the one reader of GANKIT_* settings) and gankit.runtime (the one table of what was
measured, and the rules that turn it into Keras settings)."""

import pathlib
import subprocess
import sys

import pytest

from gankit import config, models, runtime

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("text, value", [("1", True), ("true", True), ("Yes", True), ("ON", True),
                                         ("", False), (None, False), ("0", False), ("false", False),
                                         ("no", False), ("Off", False)])
def test_one_parser_for_yes_and_no(text, value):
    assert config.parse_flag(text) is value


def test_offline_no_means_online_and_nonsense_is_an_error():
    # the old parsers disagreed: GANKIT_OFFLINE=no turned offline mode *on*
    assert config.Settings.from_env({"GANKIT_OFFLINE": "no"}).offline is False
    assert config.Settings.from_env({"GANKIT_QUICK": "no"}).quick is False
    with pytest.raises(ValueError, match="GANKIT_OFFLINE='perhaps' is neither yes nor no"):
        config.Settings.from_env({"GANKIT_OFFLINE": "perhaps"})
    with pytest.raises(ValueError, match="GANKIT_LANG='fr'"):
        config.Settings.from_env({"GANKIT_LANG": "fr"})
    with pytest.raises(ValueError, match="GANKIT_EPOCHS='many'"):
        config.Settings.from_env({"GANKIT_EPOCHS": "many"})


def test_settings_from_an_environment(tmp_path):
    env = {"GANKIT_QUICK": "1", "GANKIT_DATA": f"{tmp_path / 'a'}:{tmp_path / 'b'}", "GANKIT_EPOCHS": "3",
           "GANKIT_LANG": "en", "GANKIT_RUNS": str(tmp_path), "KERAS_HOME": str(tmp_path / "k")}
    s = config.Settings.from_env(env)
    assert s.quick and not s.offline and s.epochs == 3 and s.lang == "en" and s.dataset is None
    assert s.data_dirs == (tmp_path / "a", tmp_path / "b") and s.runs_dir == tmp_path
    assert s.keras_home == tmp_path / "k" and s.run_dir is None
    empty = config.Settings.from_env({})
    assert empty.runs_dir == config.REPO / "runs" and empty.data_dirs == () and not empty.quick


@pytest.mark.parametrize("env, lang", [({"LANG": "zh_CN.UTF-8"}, "zh"), ({"LANG": "en_US.UTF-8"}, "en"),
                                       ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
                                       ({"LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"), ({}, "en")])
def test_the_terminal_language_follows_the_locale(env, lang):
    assert config.locale_lang(env) == lang


def test_the_runner_speaks_the_locales_language_unless_told(monkeypatch):
    from gankit.lesson import runner

    for name in ("LC_ALL", "LC_MESSAGES", "GANKIT_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert runner.terminal_lang() == "en" and runner.terminal_lang("zh") == "zh"
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert runner.terminal_lang() == "zh"
    monkeypatch.setenv("GANKIT_LANG", "en")
    assert runner.terminal_lang() == "en"
    help_text = subprocess.run([sys.executable, "-m", "gankit.lesson", "--help"], capture_output=True, text=True,
                               cwd=ROOT, timeout=60).stdout
    assert "the locale" in help_text


def test_export_hands_settings_on_and_current_sees_them(monkeypatch):
    monkeypatch.delenv("GANKIT_EPOCHS", raising=False)
    config.export(epochs=5, quick=True)
    try:
        assert config.current().epochs == 5 and config.current().quick
    finally:
        config.export(epochs=None)
    assert config.current().epochs is None
    with pytest.raises(TypeError, match="unknown setting 'speed'"):
        config.export(speed=2)


def test_only_config_reads_the_environment_and_models_do_not_import_the_course():
    """The package's own code reads GANKIT_* (and KERAS_HOME) only through gankit.config, and the
    models and data know nothing of the lessons (the library does not depend on its course)."""
    for path in (ROOT / "gankit").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name not in ("config.py", "__init__.py"):
            assert "os.environ" not in text and "getenv" not in text, path
        if path.parts[-2] == "models" or path.name in ("data.py", "nets.py", "losses.py", "runtime.py"):
            assert "gankit.lesson" not in text and "from gankit import lesson" not in text, path


def test_the_runners_choices_are_configs():
    result = subprocess.run([sys.executable, "-m", "gankit.lesson", "0", "--strategy", "horovod"],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 2 and ", ".join(config.STRATEGIES) in result.stderr


# --- runtime ---------------------------------------------------------------------------------------

def test_every_model_has_a_measured_row_and_models_hold_no_measurements():
    for name in ("GAN", "DCGAN", "CGAN", "ACGAN", "InfoGAN", "WGAN", "WGANGP", "Pix2Pix", "CycleGAN", "SRGAN",
                 "SRCNN", "SRResNet"):
        klass = getattr(models, name)
        row = runtime.measured(klass)
        assert set(row) == {"xla", "bf16", "steps"}, name
        assert not any(hasattr(klass, attr) for attr in ("cpu_xla", "cpu_bf16", "auto_steps_per_execution")), name
    assert runtime.measured(models.ACGAN) is runtime.MEASURED["ClassConditional"]   # along the MRO
    assert runtime.measured(models.WGANGP) is runtime.MEASURED["WGAN"]
    points = models.WGAN(image_shape=(2,), hidden=(8,))
    assert runtime.measured(points) is runtime.MEASURED["WGAN-points"]              # per instance


def test_resolve_in_quick_mode_is_float32_without_xla_one_step_per_call():
    quick = config.Settings(quick=True)
    for key in runtime.MEASURED:
        rt = runtime.resolve(key, settings=quick)
        assert rt == runtime.Runtime(None, "auto", 1), key


@pytest.mark.parametrize("unit, bf16, want", [
    ("avx2", False, runtime.Runtime(None, True, 8)),                # XLA measured faster on AVX2
    ("avx512", False, runtime.Runtime(None, "auto", 8)),            # oneDNN's AVX-512 kernels win
    ("avx512", True, runtime.Runtime("mixed_bfloat16", "auto", 8)),  # bfloat16 networks, no XLA for them
])
def test_resolve_in_full_mode_follows_the_table(unit, bf16, want, monkeypatch):
    monkeypatch.setattr(runtime, "cpu_vector_unit", lambda: unit)
    monkeypatch.setattr(runtime, "cpu_has_bf16", lambda: bf16)
    full = config.Settings(quick=False)
    assert runtime.resolve("DCGAN", settings=full) == want
    assert runtime.resolve("DCGAN", steps_per_epoch=6, settings=full).steps_per_execution == 2  # gcd(8, 6)
    assert runtime.resolve("DCGAN", precision="float32", settings=full).dtype_policy == "float32"
    assert runtime.steps_per_execution("DCGAN", n_replicas=2, settings=full) == 1
