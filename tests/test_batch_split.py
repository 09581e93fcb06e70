"""Half of each batch in a helper process (dualnet/scratch/split.py): the same loss, outputs and
gradients as the whole batch in one process, the same training, and failures that say what happened."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from dualnet import scratch
from dualnet.scratch import split

L = scratch.layers


def recurrent_model(dtype="float32", features=2, seed=0):
    scratch.set_random_seed(seed)
    model = scratch.Sequential([L.Input((12, features)), L.LSTM(6, return_sequences=True, dtype=dtype),
                                L.GRU(5, return_sequences=True, dtype=dtype), L.SimpleRNN(4, dtype=dtype),
                                L.Dense(3, activation="softmax", dtype=dtype)])
    model.compile(scratch.optimizers.Adam(0.01), "sparse_categorical_crossentropy", ["accuracy"])
    return model


def data(n, features=2, dtype="float32", seed=1):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 12, features)).astype(dtype), rng.integers(0, 3, n)


@pytest.fixture
def helper():
    made = split.BatchSplit()
    yield made
    made.close()


def whole_batch(model, x, y):
    loss, output, _ = model.loss_and_gradients(x, y)
    return loss, output.copy(), [g.copy() for g in model.gradients()]


def test_a_split_batch_has_the_whole_batchs_loss_outputs_and_gradients(helper):
    model = recurrent_model("float64")
    x, y = data(7, dtype="float64")  # odd: the halves weigh 3/7 and 4/7
    loss, output, grads = whole_batch(model, x, y)
    helper.prepare(model)
    split_loss, split_output = helper.loss_and_gradients(model, x, y)
    assert split_loss == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(split_output, output, rtol=1e-12)
    assert len(model.gradients()) == len(grads) == 11  # 3 per recurrent layer, 2 for Dense
    for got, expected in zip(model.gradients(), grads):
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-14)


def test_fit_on_two_processes_trains_as_on_one(monkeypatch):
    x, y = data(96)
    histories, weights = {}, {}
    for processes in ("1", "2"):
        monkeypatch.setenv(split.ENVIRONMENT, processes)
        model = recurrent_model()
        histories[processes] = model.fit(x, y, batch_size=16, epochs=3, verbose=0).history
        assert (model.batch_split is not None) == (processes == "2")
        if processes == "2":
            assert model.batch_split.process.poll() is None  # kept for the next fit
            model.close()
            assert model.batch_split is None
        weights[processes] = model.get_weights()
    for key in ("loss", "accuracy"):
        np.testing.assert_allclose(histories["2"][key], histories["1"][key], rtol=1e-4)
    for a, b in zip(weights["2"], weights["1"]):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-5)


def test_only_models_where_the_split_is_exact_and_pays_are_split(monkeypatch):
    assert split.splittable(recurrent_model())
    dense_only = scratch.Sequential([L.Input((4,)), L.Dense(2)])
    with_dropout = scratch.Sequential([L.Input((12, 2)), L.LSTM(4), L.Dropout(0.5), L.Dense(1)])
    with_embedding = scratch.Sequential([L.Input((12,)), L.Embedding(50, 4), L.LSTM(4), L.Dense(1)])
    simple_only = scratch.Sequential([L.Input((12, 2)), L.SimpleRNN(4), L.Dense(1)])  # too cheap a step
    for model in (dense_only, with_dropout, with_embedding, simple_only):
        assert not split.splittable(model)
    monkeypatch.setattr(split, "MAX_WEIGHTS", 100)  # too many weights to send with every batch
    assert not split.splittable(recurrent_model())


def test_the_setting_picks_the_processes(monkeypatch):
    monkeypatch.setenv(split.ENVIRONMENT, "1")
    assert split.processes_allowed() == 1
    monkeypatch.setenv(split.ENVIRONMENT, "3")
    with pytest.raises(ValueError, match="DUALNET_PROCESSES must be 1 .* or 2"):
        split.processes_allowed()
    monkeypatch.delenv(split.ENVIRONMENT)
    monkeypatch.setattr(split.os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert split.processes_allowed() == 1
    monkeypatch.setattr(split.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert split.processes_allowed() == 2


def test_an_error_in_the_helper_comes_back_with_its_traceback(helper):
    helper.prepare(recurrent_model(features=2))  # the helper's copy: its weights take 2 features
    wider = recurrent_model(features=3)
    x, y = data(8, features=3)
    with pytest.raises(split.HelperError, match=r"second half of the batch(.|\n)*Traceback(.|\n)*ValueError"):
        helper.loss_and_gradients(wider, x, y)
    assert helper.process is None  # stopped: the next fit starts a new one


def test_a_helper_that_died_is_reported_and_the_next_fit_starts_another(monkeypatch):
    monkeypatch.setenv(split.ENVIRONMENT, "2")
    model = recurrent_model()
    x, y = data(32)
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    model.batch_split.process.kill()
    model.batch_split.process.wait()
    with pytest.raises(split.HelperError, match="helper process (has ended|ended in the middle)"):
        model.train_step(x[:16], y[:16], model.batch_split)
    history = model.fit(x, y, batch_size=16, epochs=1, verbose=0).history
    assert np.isfinite(history["loss"][0]) and model.batch_split.process.poll() is None
    model.close()


def test_an_interrupted_step_leaves_no_stale_answer_behind(helper, monkeypatch):
    model = recurrent_model()
    x, y = data(8)
    helper.prepare(model)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(model, "loss_and_gradients", interrupted)
    with pytest.raises(KeyboardInterrupt):
        helper.loss_and_gradients(model, x, y)
    assert helper.process is None
    monkeypatch.undo()
    loss, output, grads = whole_batch(model, x, y)
    helper.prepare(model)  # a new helper: its first answer is this batch's, not the interrupted one's
    split_loss, _ = helper.loss_and_gradients(model, x, y)
    assert split_loss == pytest.approx(loss, rel=1e-5)


def test_a_script_without_a_main_guard_trains_on_two_processes(tmp_path):
    script = tmp_path / "student.py"
    script.write_text(textwrap.dedent("""
        import numpy as np
        from dualnet import scratch
        L = scratch.layers
        model = scratch.Sequential([L.Input((10, 2)), L.LSTM(4), L.Dense(1)])
        model.compile("adam", "mse")
        x = np.random.default_rng(0).random((64, 10, 2)).astype("float32")
        history = model.fit(x, x[:, 0, :1], epochs=2, verbose=0)
        print("helper" if model.batch_split else "alone", len(history.history["loss"]))
    """))
    env = {**os.environ, split.ENVIRONMENT: "2"}
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["helper", "2"]


def test_a_step_without_a_helper_says_how_to_start_one(helper):
    model = recurrent_model()
    x, y = data(4)
    with pytest.raises(split.HelperError, match=r"prepare\(model\) starts one"):
        helper.loss_and_gradients(model, x, y)


@pytest.mark.parametrize("setting, processes", [("2", 2), ("1", 1)])
def test_the_engine_says_whether_a_run_splits_its_batches(monkeypatch, setting, processes):
    from dualnet import experiments
    from dualnet.engines.scratch_engine import ScratchEngine

    monkeypatch.setenv(split.ENVIRONMENT, setting)
    engine = ScratchEngine()
    engine.build(experiments.get("mult-gru"))
    assert engine.describe()["processes"] == processes
    assert ("second process" in engine.sentence()) == (processes == 2)
    engine.build(experiments.get("fashion-cnn-pool"))  # convolutions: never split
    assert engine.describe()["processes"] == 1 and "second process" not in engine.sentence()
