"""The learning-rate schedule of the fast recipes (CosineDecay) on both engines: the same values step by
step, the same training, and a saved scratch model that resumes at the same point of its schedule."""

import numpy as np
import pytest
from keras_reference import assert_close, float64, keras

from dualnet import scratch
from dualnet.experiments.recipe import CosineSchedule

RNG = np.random.default_rng(3)
SCHEDULES = [dict(initial_learning_rate=0.1, decay_steps=20),
             dict(initial_learning_rate=0.1, decay_steps=20, alpha=0.05),
             dict(initial_learning_rate=0.0, decay_steps=17, warmup_target=0.3, warmup_steps=5),
             dict(initial_learning_rate=0.01, decay_steps=9, alpha=0.2, warmup_target=0.02, warmup_steps=3)]


@pytest.mark.parametrize("arguments", SCHEDULES)
def test_cosine_decay_has_keras_values_at_every_step(arguments):
    theirs = keras.optimizers.schedules.CosineDecay(**arguments)
    ours = scratch.optimizers.schedules.CosineDecay(**arguments)
    steps = range(arguments["decay_steps"] + arguments.get("warmup_steps", 0) + 4)  # past the end: flat
    expected = np.array([float(theirs(step)) for step in steps])
    got = np.array([ours(step) for step in steps])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-7)  # Keras computes in float32
    assert got[0] == arguments["initial_learning_rate"] and got[-1] == got[-2]


def test_the_recipe_schedule_warms_up_then_decays_over_the_whole_run():
    schedule = CosineSchedule(warmup=0.1, alpha=0.0).make(scratch.optimizers.schedules, peak=0.01, total_steps=100)
    rates = [schedule(step) for step in range(101)]
    assert rates[0] == 0.0 and rates[10] == pytest.approx(0.01) and rates[100] == pytest.approx(0.0, abs=1e-12)
    assert all(a < b for a, b in zip(rates[:10], rates[1:11])) and all(a > b for a, b in zip(rates[10:99], rates[11:100]))


@pytest.mark.parametrize("schedules", [scratch.optimizers.schedules, keras.optimizers.schedules])
def test_the_recipe_schedule_can_hold_the_peak_then_decay(schedules):
    schedule = CosineSchedule(hold=0.7).make(schedules, peak=0.002, total_steps=100)
    rates = np.array([float(schedule(step)) for step in range(101)])
    np.testing.assert_allclose(rates[:71], 0.002, rtol=1e-6)
    assert all(a > b for a, b in zip(rates[70:99], rates[71:100])) and rates[100] == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(ValueError, match="not both"):
        CosineSchedule(warmup=0.1, hold=0.5)


def dense_stack(L):
    return [L.Input(shape=(6,)), L.Dense(5, activation="tanh"), L.Dense(3, activation="softmax")]


def test_a_scheduled_adam_trains_as_keras():
    """Four Adam steps under a warm-up-then-cosine schedule by fit(), float64 weights on both engines.
    Keras evaluates the schedule in float32, hence 1e-6 rather than 1e-9: a schedule read one step early
    or late moves the weights by ~1e-2. Betas that float32 holds exactly, as in the other float64 tests."""
    betas = {"beta_1": 0.875, "beta_2": 1 - 2 ** -9}
    schedule = dict(initial_learning_rate=0.0, decay_steps=3, warmup_target=0.0625, warmup_steps=2)
    with float64() as dtype:
        x, y = RNG.standard_normal((8, 6)).astype(dtype), RNG.integers(0, 3, 8)
        keras.utils.set_random_seed(5)
        theirs = keras.Sequential(dense_stack(keras.layers))
        theirs.compile(keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(**schedule), **betas),
                       "sparse_categorical_crossentropy")
        ours = scratch.Sequential(dense_stack(scratch.layers))
        ours.set_weights(theirs.get_weights())
        ours.compile(scratch.optimizers.Adam(scratch.optimizers.schedules.CosineDecay(**schedule), **betas),
                     "sparse_categorical_crossentropy")
        theirs.fit(x, y, batch_size=2, epochs=1, shuffle=False, verbose=0)
        ours.fit(x, y, batch_size=2, epochs=1, shuffle=False, verbose=0)
        assert ours.optimizer.iterations == 4 and ours.optimizer.learning_rate == pytest.approx(
            float(theirs.optimizer.learning_rate), abs=1e-7)
        for i, (w, w_ref) in enumerate(zip(ours.get_weights(), theirs.get_weights())):
            assert_close(w, w_ref, f"weight {i} after four scheduled steps", 1e-6)


def test_a_saved_model_resumes_at_the_same_point_of_its_schedule(tmp_path):
    x, y = RNG.standard_normal((8, 6)).astype(np.float32), RNG.integers(0, 3, 8)
    schedule = scratch.optimizers.schedules.CosineDecay(0.05, decay_steps=10, alpha=0.1)
    scratch.set_random_seed(1)
    model = scratch.Sequential(dense_stack(scratch.layers))
    model.compile(scratch.optimizers.Adam(schedule), "sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)  # 4 of its 10 steps
    model.save(tmp_path / "model.npz")
    again = scratch.load_model(tmp_path / "model.npz")
    assert again.optimizer.iterations == 4 and again.optimizer.learning_rate == model.optimizer.learning_rate
    assert again.optimizer.get_config() == model.optimizer.get_config()
    model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    again.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    for w, w_again in zip(model.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(w, w_again)
