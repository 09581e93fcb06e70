"""Decoupled weight decay (Keras's `weight_decay`, AdamW's rule for every optimizer) on the scratch
engine's optimizers, against Keras's own updates on the same weights and gradients, in float64, with a
learning-rate schedule (the decay uses each step's rate). Tolerance as in test_clipnorm: 1e-4 of the
largest change, where a missing decay changes each step by wd x lr x the weight, far more than that."""

import numpy as np
import pytest
from keras_reference import keras, keras_optimizer_steps, scratch_optimizer_steps

from dualnet.scratch import optimizers

RNG = np.random.default_rng(5)


def schedule(library):
    """A warm-up then a cosine, so that the decay's rate changes from step to step."""
    module = keras.optimizers.schedules if library is keras else optimizers
    return module.CosineDecay(2 ** -3, decay_steps=4, warmup_steps=1, warmup_target=2 ** -2)


@pytest.mark.parametrize("name, kwargs", [("Adam", {}), ("SGD", {"momentum": 0.9, "nesterov": True}),
                                          ("RMSprop", {})])
def test_weight_decay_updates_as_keras_does(name, kwargs):
    weights = [RNG.normal(size=(4, 3)) * 3, RNG.normal(size=(3,))]
    gradients = [[RNG.normal(size=(4, 3)), RNG.normal(size=(3,))] for _ in range(4)]

    def run(library, **decay):
        arguments = {**kwargs, "learning_rate": schedule(library), "clipnorm": 1.0, **decay}
        steps = keras_optimizer_steps if library is keras else scratch_optimizer_steps
        return steps(name, arguments, weights, gradients)

    expected, got, plain = run(keras, weight_decay=0.5), run(optimizers, weight_decay=0.5), run(optimizers)
    for before, e, g, p in zip(weights, expected, got, plain):
        np.testing.assert_allclose(g, e, rtol=0, atol=1e-4 * np.abs(e - before).max())
        assert np.abs(g - p).max() > 100 * 1e-4 * np.abs(e - before).max()  # the decay is not a rounding


def test_weight_decay_survives_a_saved_config_and_refuses_a_negative_rate():
    optimizer = optimizers.SGD(learning_rate=0.1, momentum=0.9, weight_decay=5e-4)
    config = optimizer.get_config()
    assert config["weight_decay"] == 5e-4 and "weight_decay" not in optimizers.SGD().get_config()
    rebuilt = optimizers.OPTIMIZERS[config.pop("name").lower()](**config)
    assert rebuilt.weight_decay == 5e-4
    with pytest.raises(ValueError, match="weight_decay must be a number >= 0"):
        optimizers.Adam(weight_decay=-0.1)
