"""The command line, end to end, as a user runs it, on data the tests write."""

import csv
import json
import subprocess

import pytest
from conftest import DUALNET, cli_env


def dualnet(*args, cwd=None, env=None, check=True):
    result = subprocess.run([*DUALNET, *args], capture_output=True, text=True, cwd=cwd, env=env or cli_env())
    if check and result.returncode != 0:
        raise AssertionError(f"dualnet {' '.join(args)} exited {result.returncode}:\n{result.stderr[-3000:]}")
    return result


@pytest.mark.slow
def test_run_writes_the_whole_run_folder(fashion_dir, tmp_path):
    out = tmp_path / "runs"
    result = dualnet("run", "fashion-cnn-pool", "--limit", "256", "--epochs", "1", "--data-dir", str(fashion_dir),
                     "--no-verify", "--out", str(out), "--seed", "3")
    (run_dir,) = (out / "fashion-cnn-pool").iterdir()
    assert f"run folder: {run_dir}" in result.stdout
    first = result.stdout.splitlines()[0]  # a sentence, not a Python dict
    assert first.startswith("fashion-cnn-pool: 1 epoch at batch size 32 on 192 training samples (64 validation, "
                            "64 test), with Keras 3.") and "{" not in first
    assert "epoch 1/1" in result.stdout  # plain progress lines when not on a terminal
    names = {p.name for p in run_dir.iterdir()}
    assert names == {"config.json", "history.csv", "metrics.json", "summary.txt", "curves.png", "model.keras",
                     "checkpoint", "inside-confusion.png", "inside-mistakes.png", "inside-kernels.png",
                     "inside-feature-maps.png", "inside-saliency.png"}

    config = json.loads((run_dir / "config.json").read_text())
    assert config["experiment"]["id"] == "fashion-cnn-pool" and config["experiment"]["validation_split"] == 0.25
    assert config["options"]["seed"] == 3 and config["epochs"] == 1 and config["batch_size"] == 32
    assert config["data"] == {"train": 192, "validation": 64, "test": 64}
    assert config["engine"]["backend"] and config["versions"]["keras"] and config["machine"]["cpu_count"]

    with open(run_dir / "history.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 1 and set(rows[0]) == {"epoch", "loss", "accuracy", "val_loss", "val_accuracy"}

    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert 0.0 <= metrics["test_accuracy"] <= 1.0 and metrics["test_loss"] > 0
    assert metrics["notes"]["notes"] == 0.8881 and metrics["notes"]["metric"] == "test_accuracy"
    assert metrics["limited"] is True
    (seconds,) = metrics["epoch_seconds"]  # one per epoch, validation and checkpoint included
    assert 0 < seconds <= metrics["train_seconds"] + 0.1

    assert (run_dir / "summary.txt").read_text().rstrip().endswith("Total params: 241,546")
    assert (run_dir / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    import keras

    model = keras.saving.load_model(run_dir / "model.keras", safe_mode=True)
    assert model.count_params() == 241_546


def test_a_first_run_prints_only_our_own_words(tmp_path):
    """No TensorFlow start-up chatter (oneDNN, CPU features, absl) before or after dualnet's lines, with
    the environment a new user has (no TF_CPP_MIN_LOG_LEVEL of their own)."""
    env = cli_env()
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)
    result = dualnet("run", "conv-demo", "--out", str(tmp_path), env=env)
    assert result.stderr.strip() == "", result.stderr
    assert result.stdout.startswith("A 28x28 one-channel image")


def test_summary_prints_the_total_with_commas():
    result = dualnet("summary", "fashion-vgg")
    assert result.stdout.rstrip().endswith("Total params: 5,240,842")
    assert "The notes' count: 5,240,842 (matches)" in result.stdout


def test_list_shows_every_experiment_and_data_presence(fashion_dir):
    result = dualnet("list")
    for experiment_id in ("conv-demo", "fashion-vgg-aug", "doit-conv2", "fashion-cnn-sample"):
        assert experiment_id in result.stdout
    assert "92.76%" in result.stdout and "data present" in result.stdout


def test_unknown_id_suggests_the_closest():
    result = dualnet("run", "fashion-cnn-poo", check=False)
    assert result.returncode == 2 and "Did you mean: fashion-cnn-pool" in result.stderr


@pytest.mark.parametrize("args", [["--epochs", "0"], ["--epochs", "two"], ["--limit", "-5"], ["--seed", "x"]])
def test_bad_numbers_are_argparse_errors(args):
    result = dualnet("run", "fashion-dense", *args, check=False)
    assert result.returncode == 2 and "usage:" in result.stderr and "error: argument" in result.stderr


def test_unwritable_output_directory_is_a_clear_message(tmp_path, fashion_dir):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = dualnet("run", "fashion-dense", "--limit", "64", "--epochs", "1", "--data-dir", str(fashion_dir),
                     "--no-verify", "--out", str(blocker / "runs"), check=False)
    assert result.returncode == 2
    assert "cannot write the run folder" in result.stderr and "--out DIR" in result.stderr
    assert "Traceback" not in result.stderr


def test_no_inside_skips_the_pictures_and_inspect_draws_them_later(fashion_dir, tmp_path):
    out = tmp_path / "runs"
    result = dualnet("run", "fashion-dense", "--engine", "scratch", "--limit", "100", "--epochs", "1",
                     "--data-dir", str(fashion_dir), "--no-verify", "--out", str(out), "--no-inside")
    (run_dir,) = (out / "fashion-dense").iterdir()
    assert "inside view" not in result.stdout and not list(run_dir.glob("inside-*.png"))
    assert json.loads((run_dir / "config.json").read_text())["options"]["inside"] is False
    dualnet("inspect", str(run_dir), "--data-dir", str(fashion_dir))
    assert {p.name for p in run_dir.glob("inside-*.png")} == {"inside-confusion.png", "inside-mistakes.png"}


@pytest.mark.slow
def test_scratch_engine_writes_the_same_run_folder(fashion_dir, tmp_path):
    out = tmp_path / "runs"
    dualnet("run", "doit-conv1", "--engine", "scratch", "--limit", "200", "--epochs", "2", "--data-dir",
            str(fashion_dir), "--no-verify", "--out", str(out))
    (run_dir,) = (out / "doit-conv1").iterdir()
    names = {p.name for p in run_dir.iterdir()}
    assert names == {"config.json", "history.csv", "metrics.json", "summary.txt", "curves.png", "model.npz",
                     "checkpoint", "inside-confusion.png", "inside-mistakes.png", "inside-kernels.png",
                     "inside-feature-maps.png", "inside-saliency.png"}
    config = json.loads((run_dir / "config.json").read_text())
    assert config["engine"]["engine"] == "scratch" and config["data"] == {"train": 160, "validation": 40, "test": 64}
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["notes"]["metric"] == "val_accuracy" and metrics["epochs"] == 2
    assert len(metrics["epoch_seconds"]) == 2 and all(s > 0 for s in metrics["epoch_seconds"])
    assert (run_dir / "summary.txt").read_text().rstrip().endswith("Total params: 197,210")

    from dualnet import scratch

    assert scratch.load_model(run_dir / "model.npz").count_params() == 197_210


def test_scratch_summary_prints_the_same_total():
    assert dualnet("summary", "fashion-vgg", "--engine", "scratch").stdout.rstrip().endswith("Total params: 5,240,842")


def test_engine_a_demo_does_not_run_on_is_refused(tmp_path):
    result = dualnet("run", "conv-demo", "--engine", "scratch", "--out", str(tmp_path), check=False)
    assert result.returncode == 2 and "runs on the keras engine, not on scratch" in result.stderr
