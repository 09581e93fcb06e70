"""Runs you can trust: resume, interrupts, NaN losses, atomic files and safe model files."""

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from conftest import DUALNET, cli_env

from dualnet import checkpoint, experiments, scratch
from dualnet.runner import InterruptedRun, RunOptions, run
from dualnet.scratch.model import NonFiniteLossError


def options(fashion_dir, out, engine="scratch", epochs=4):
    return RunOptions(engine=engine, epochs=epochs, limit=160, data_dir=str(fashion_dir), verify=False, out=str(out),
                      seed=5)


def test_scratch_resume_is_bitwise_identical(fashion_dir, tmp_path, monkeypatch):
    recipe = experiments.get("doit-conv2")  # has dropout: the random state must carry over too
    whole = run(recipe, options(fashion_dir, tmp_path / "whole"), stream=open(os.devnull, "w")).run_dir

    original = checkpoint.Checkpointer.on_epoch_end

    def stop_after_second(self, epoch, logs=None):
        original(self, epoch, logs)
        if epoch == 1:
            raise KeyboardInterrupt

    monkeypatch.setattr(checkpoint.Checkpointer, "on_epoch_end", stop_after_second)
    with pytest.raises(InterruptedRun, match=r"(?s)after 2 finished epoch\(s\) of 4.*dualnet run doit-conv2 --resume"):
        run(recipe, options(fashion_dir, tmp_path / "broken"), stream=open(os.devnull, "w"))
    monkeypatch.undo()
    (broken,) = (tmp_path / "broken" / "doit-conv2").iterdir()
    assert json.loads((broken / "checkpoint" / "state.json").read_text())["epochs_done"] == 2
    assert len((broken / "history.csv").read_text().strip().splitlines()) == 3  # header + 2 epochs

    run(recipe, options(fashion_dir, tmp_path / "broken"), stream=open(os.devnull, "w"), resume=broken)
    a, b = scratch.load_model(whole / "model.npz"), scratch.load_model(broken / "model.npz")
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        assert np.array_equal(wa, wb)
    assert (whole / "history.csv").read_text() == (broken / "history.csv").read_text()
    config = json.loads((broken / "config.json").read_text())
    assert config["resumed"][0]["after_epoch"] == 2


def test_keras_resume_restores_weights_and_optimizer(fashion_dir, tmp_path):
    recipe = experiments.get("doit-conv1")
    first = run(recipe, options(fashion_dir, tmp_path, engine="keras", epochs=1), stream=open(os.devnull, "w")).run_dir
    import keras

    saved = keras.saving.load_model(first / "checkpoint" / "model.keras")
    run(recipe, options(fashion_dir, tmp_path, engine="keras", epochs=2), stream=open(os.devnull, "w"), resume=first)
    history = (first / "history.csv").read_text().strip().splitlines()
    assert len(history) == 3 and int(saved.optimizer.iterations.numpy()) == 4  # 128 samples / 32 per batch


def test_ctrl_c_stops_cleanly_and_prints_the_resume_command(fashion_dir, tmp_path):
    out = tmp_path / "runs"
    process = subprocess.Popen([*DUALNET, "run", "doit-conv1", "--engine", "scratch", "--epochs", "500", "--limit",
                                "320", "--data-dir", str(fashion_dir), "--no-verify", "--out", str(out)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env(),
                               # A test runner's worker may ignore SIGINT, and a child would inherit that
                               # (Python then installs no KeyboardInterrupt); a user's terminal does not.
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines = []
    deadline = time.time() + 120
    while time.time() < deadline:
        line = process.stdout.readline()
        lines.append(line)
        if line.startswith("epoch 2/500"):
            break
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    (run_dir,) = (out / "doit-conv1").iterdir()
    assert f"dualnet run doit-conv1 --resume {run_dir}" in stderr and "Traceback" not in stderr
    state = json.loads((run_dir / "checkpoint" / "state.json").read_text())
    assert state["epochs_done"] >= 2
    rows = (run_dir / "history.csv").read_text().strip().splitlines()
    assert len(rows) - 1 == state["epochs_done"]
    assert not list(run_dir.glob(".*")), "a temporary file was left behind"


@pytest.mark.parametrize("engine", ["scratch", "keras"])
def test_nan_loss_names_epoch_batch_and_cause(fashion_dir, tmp_path, engine):
    recipe = dataclasses.replace(experiments.get("doit-conv1"), optimizer="SGD",
                                 optimizer_args={"learning_rate": 1e30})
    with pytest.raises(NonFiniteLossError, match=r"at epoch 1, batch \d+.*learning rate.*no epoch finished"):
        run(recipe, options(fashion_dir, tmp_path, engine=engine), stream=open(os.devnull, "w"))


def test_resume_without_checkpoint_is_a_clear_error(tmp_path):
    with pytest.raises(checkpoint.NoCheckpointError, match="no checkpoint to resume from"):
        checkpoint.find(tmp_path)


WRITER = """
import sys
from pathlib import Path
from dualnet.rundir import write_text
target = Path(sys.argv[1])
print("ready", flush=True)
while True:
    write_text(target, "x" * 20_000_000)
"""


def test_a_killed_write_never_leaves_a_half_file(tmp_path):
    """Kill a process in the middle of rewriting a 20 MB file, many times: the file under its real name is
    always whole (temporary files may remain, under other names)."""
    target = tmp_path / "big.txt"
    for delay in (0.05, 0.11, 0.17, 0.23, 0.31):
        process = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, text=True)
        process.stdout.readline()
        time.sleep(delay)
        process.kill()
        process.wait()
        if target.exists():
            assert target.stat().st_size == 20_000_000


def test_keras_model_files_load_in_safe_mode(tmp_path):
    """A .keras file whose Lambda layer carries code: resuming from it refuses to run that code."""
    import keras

    marker = tmp_path / "code-ran"
    touch = eval(f"lambda x: (open({str(marker)!r}, 'w').close(), x)[1]")  # the path as a literal in the code
    model = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(touch)])
    folder = tmp_path / "checkpoint"
    folder.mkdir()
    model.save(folder / "model.keras")
    marker.unlink(missing_ok=True)  # building the model ran it once, here, by us
    (folder / "state.json").write_text(json.dumps({"epochs_done": 1, "history": {}, "seed": 0}))
    from dualnet.engines import get_engine

    with pytest.raises(ValueError, match="(?i)unsafe|lambda|safe_mode"):
        checkpoint.load(get_engine("keras"), tmp_path, None)
    assert not marker.exists()


def test_an_empty_dataset_is_a_clear_error(tmp_path):
    from conftest import make_fashion

    from dualnet.data import DataError

    make_fashion(tmp_path / "empty", n_train=0, n_test=0)
    with pytest.raises(DataError, match="the training set is empty"):
        run(experiments.get("doit-conv1"), options(tmp_path / "empty", tmp_path / "out"), stream=open(os.devnull, "w"))
