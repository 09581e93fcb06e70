"""Weight averaging (Keras's use_ema): the scratch optimizers keep the same moving averages as Keras's and
copy them into the weights when Keras does; the engines copy them once, at the end of the whole run, not
after each epoch's fit(); and a recipe with it trains, saves and resumes on both engines."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from keras_reference import keras

from dualnet import experiments
from dualnet.engines import averaged_once
from dualnet.runner import RunOptions, run
from dualnet.scratch import optimizers

RNG = np.random.default_rng(5)
WEIGHTS = [RNG.normal(size=(4, 3)), RNG.normal(size=(3,))]
GRADIENTS = [[RNG.normal(size=(4, 3)), RNG.normal(size=(3,))] for _ in range(5)]


def keras_steps(name, kwargs, finalize=True):
    variables = [keras.Variable(w.copy(), dtype="float64") for w in WEIGHTS]
    optimizer = getattr(keras.optimizers, name)(**kwargs)
    for step in GRADIENTS:
        optimizer.apply([keras.ops.convert_to_tensor(g, dtype="float64") for g in step], variables)
    if finalize:
        optimizer.finalize_variable_values(variables)
    return [np.asarray(v.numpy()) for v in variables]


def scratch_steps(name, kwargs, finalize=True):
    ours = [w.copy() for w in WEIGHTS]
    optimizer = getattr(optimizers, name)(**kwargs)
    for step in GRADIENTS:
        optimizer.apply(ours, [g.copy() for g in step])
    if finalize:
        optimizer.finalize_variable_values(ours)
    return ours


# Learning rates and momenta are powers of two (exact in Keras's float32 hyperparameters); Adam's bias
# corrections are computed in float32 by Keras, hence a tolerance of 1e-4 of the largest step.
@pytest.mark.parametrize("name, kwargs", [("Adam", {"learning_rate": 2 ** -5}),
                                          ("SGD", {"learning_rate": 2 ** -3, "momentum": 0.5}),
                                          ("RMSprop", {"learning_rate": 2 ** -5})])
@pytest.mark.parametrize("overwrite", [None, 2])
def test_averages_as_keras_keeps_them(name, kwargs, overwrite):
    arguments = {**kwargs, "use_ema": True, "ema_momentum": 0.75, "ema_overwrite_frequency": overwrite}
    expected, got = keras_steps(name, arguments), scratch_steps(name, arguments)
    raw = scratch_steps(name, kwargs)
    for before, e, g, r in zip(WEIGHTS, expected, got, raw):
        scale = np.abs(e - before).max()
        np.testing.assert_allclose(g, e, rtol=0, atol=1e-4 * scale)
        assert np.abs(r - g).max() > 1e-2 * scale  # averaging moved the weights: the comparison can fail


def test_without_finalize_the_weights_are_the_raw_ones():
    arguments = {"learning_rate": 2 ** -5, "use_ema": True, "ema_momentum": 0.75}
    for got, raw in zip(scratch_steps("Adam", arguments, finalize=False),
                        scratch_steps("Adam", {"learning_rate": 2 ** -5})):
        np.testing.assert_array_equal(got, raw)


@pytest.mark.parametrize("bad, message", [({"ema_momentum": 1.5}, "ema_momentum"),
                                          ({"ema_overwrite_frequency": 0}, "ema_overwrite_frequency")])
def test_bad_arguments_are_refused(bad, message):
    with pytest.raises(ValueError, match=message):
        optimizers.Adam(use_ema=True, **bad)


def test_averages_survive_the_saved_state_and_config():
    weights = [w.copy() for w in WEIGHTS]
    optimizer = optimizers.Adam(learning_rate=0.01, use_ema=True, ema_momentum=0.9)
    for step in GRADIENTS[:2]:
        optimizer.apply(weights, step)
    config = optimizer.get_config()
    rebuilt = optimizers.OPTIMIZERS[config.pop("name").lower()](**config)
    rebuilt.set_state(optimizer.get_state(), weights)
    assert rebuilt.use_ema and rebuilt.ema_momentum == 0.9
    for a, b in zip(rebuilt.averages, optimizer.averages):
        np.testing.assert_array_equal(a, b)
    assert "use_ema" not in optimizers.Adam().get_config()


class CountingOptimizer:
    use_ema = True

    def __init__(self):
        self.calls = 0

    def finalize_variable_values(self, var_list):
        self.calls += 1


def test_the_engines_copy_the_averages_once_after_every_epoch():
    optimizer = CountingOptimizer()
    with averaged_once(optimizer, list):
        for _ in range(3):  # what each epoch's fit() does at its end
            optimizer.finalize_variable_values([])
        assert optimizer.calls == 0
    assert optimizer.calls == 1
    with pytest.raises(KeyboardInterrupt), averaged_once(optimizer, list):
        raise KeyboardInterrupt  # an interrupted run keeps its raw weights (its checkpoint has the averages)
    assert optimizer.calls == 1


def averages(engine, model):
    if engine == "scratch":
        return model.optimizer.averages, model.trainable_weights()
    return ([np.asarray(v) for v in model.optimizer._model_variables_moving_average],
            [np.asarray(v) for v in model.trainable_weights])


@pytest.mark.parametrize("engine", ["keras", "scratch"])
def test_an_averaged_recipe_trains_saves_and_resumes(engine, fashion_dir, tmp_path):
    recipe = dataclasses.replace(experiments.get("fashion-fast"), backend=None, optimizer_args={
        "learning_rate": 0.003, "use_ema": True, "ema_momentum": 0.9})
    options = dict(engine=engine, limit=160, data_dir=str(fashion_dir), verify=False, out=str(tmp_path), inside=False)
    with open("/dev/null", "w") as quiet:
        first = run(recipe, RunOptions(epochs=1, **options), stream=quiet)
        resumed = run(recipe, RunOptions(epochs=2, **options), stream=quiet, resume=first.run_dir)
    assert len(resumed.history["loss"]) == 2 and np.isfinite(resumed.metrics["test_accuracy"])
    averaged, weights = averages(engine, resumed.model)
    assert len(averaged) == len(weights) > 0
    for a, w in zip(averaged, weights):
        np.testing.assert_array_equal(w, a)  # the trained model holds the averages


class WeightsAtEpochEdges:
    """Copies of the model's weights where each epoch begins and ends."""

    def __init__(self, model):
        self.model, self.begins, self.ends = model, [], []

    def on_epoch_begin(self, epoch, logs=None):
        self.begins.append([np.array(w) for w in self.model.get_weights()])

    def on_epoch_end(self, epoch, logs=None):
        self.ends.append([np.array(w) for w in self.model.get_weights()])


@pytest.mark.parametrize("engine_name", ["keras", "scratch"])
def test_each_epoch_goes_on_from_the_raw_weights(engine_name):
    from dualnet.engines import get_engine

    recipe = dataclasses.replace(experiments.get("fashion-fast"), backend=None, schedule=None, optimizer_args={
        "learning_rate": 0.01, "use_ema": True, "ema_momentum": 0.5})
    engine = get_engine(engine_name)
    engine.seed(0)
    model = engine.build(recipe)
    rng = np.random.default_rng(0)
    splits = dataclasses.make_dataclass("Splits", ["x_train", "y_train", "x_val", "y_val"])(
        rng.random((64, 28, 28, 1), dtype=np.float32), rng.integers(0, 10, 64), None, None)
    edges = WeightsAtEpochEdges(model)
    engine.fit(model, splits, epochs=2, batch_size=16, callbacks=[edges])
    for begun, ended in zip(edges.begins[1], edges.ends[0]):
        np.testing.assert_array_equal(begun, ended)  # no copy of the averages between the epochs
    final = model.get_weights()
    assert any(not np.array_equal(f, e) for f, e in zip(final, edges.ends[1]))  # the copy at the end
