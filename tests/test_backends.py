"""Every installed Keras backend trains a course model through the command line."""

import importlib.util
import json

import pytest
from conftest import cli_env
from test_cli import dualnet

BACKENDS = ["tensorflow", "jax", "torch"]


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_tiny_training_on_each_installed_backend(backend, fashion_dir, tmp_path):
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"the {backend} backend is not installed")
    out = tmp_path / "runs"
    dualnet("run", "doit-conv2", "--limit", "100", "--epochs", "2", "--data-dir", str(fashion_dir), "--no-verify",
            "--out", str(out), env=cli_env(KERAS_BACKEND=backend))
    (run_dir,) = (out / "doit-conv2").iterdir()
    config = json.loads((run_dir / "config.json").read_text())
    assert config["engine"]["backend"] == backend
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["epochs"] == 2 and 0 <= metrics["val_accuracy"] <= 1
    assert (run_dir / "model.keras").is_file()


@pytest.mark.parametrize("backend", BACKENDS)
def test_conv_demo_on_each_installed_backend(backend, tmp_path):
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"the {backend} backend is not installed")
    result = dualnet("run", "conv-demo", "--out", str(tmp_path), env=cli_env(KERAS_BACKEND=backend))
    assert "by hand: -1; by a sliding window: -1; by Conv2D: -1" in result.stdout
