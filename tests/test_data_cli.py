"""``python -m gankit.data``: list what this machine has, get what gankit can download (never the
network here: GANKIT_OFFLINE=1 is set by the repository's conftest)."""

import os
import subprocess
import sys

import pytest

from gankit.data.__main__ import main


def test_list_shows_mnist_found_where_gankit_data_points(use_mnist, capsys):
    assert main(["list"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line.strip()}
    assert "images" in lines["mnist"] and f"found: {use_mnist.folder}" in lines["mnist"]
    assert "generated on the fly" in lines["gaussian_ring"]
    assert "folder:PATH" in lines


def test_list_says_how_to_get_what_is_missing(nowhere, capsys):
    assert main(["list"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line.strip()}
    assert "not found — `python -m gankit.data get facades` downloads it" in lines["facades"]
    assert "not found — no download: put" in lines["celeba"] and "$GANKIT_DATA/celeba/" in lines["celeba"]


def test_get_finds_a_set_that_is_here(use_mnist, capsys):
    assert main(["get", "mnist"]) == 0
    assert capsys.readouterr().out.strip() == f"mnist: {use_mnist.folder}"


def test_get_offline_of_a_missing_set_exits_2_with_the_message(nowhere, capsys):
    assert main(["get", "mnist", "celeba"]) == 2
    err = capsys.readouterr().err
    assert "Dataset 'mnist' (train) was not found" in err and "Offline mode is on (GANKIT_OFFLINE)" in err
    assert "'celeba' is not on this machine and gankit cannot download it" in err


def test_get_of_an_unknown_name_exits_2_listing_the_names(capsys):
    assert main(["get", "mnist", "imagenet"]) == 2
    err = capsys.readouterr().err
    assert "Unknown dataset 'imagenet'" in err and "fashion_mnist" in err and "sr_patches" in err
    assert main(["get", "folder:/tmp"]) == 2
    assert "nothing to get" in capsys.readouterr().err


def test_the_command_exits_2_without_a_traceback(tmp_path):
    env = dict(os.environ, GANKIT_DATA=str(tmp_path), KERAS_HOME=str(tmp_path), GANKIT_OFFLINE="1")
    run = subprocess.run([sys.executable, "-m", "gankit.data", "get", "facades"], capture_output=True, text=True,
                         env=env, cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))), timeout=120)
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr and "facades.tar.gz (skipped: offline mode)" in run.stderr


def test_help(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "list" in out and "get" in out
