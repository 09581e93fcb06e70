"""Gradient clipping by norm (clipnorm) on the scratch engine's optimizers, against Keras's own update
on the same weights and gradients, in float64. Learning rates are powers of two, exact in the float32
that Keras keeps them in; Keras's Adam still computes its bias corrections in float32, hence a
tolerance of 1e-4 of the largest step (a missing or wrong clip changes a step by its own size)."""

import numpy as np
import pytest
from keras_reference import keras_optimizer_steps as keras_steps
from keras_reference import scratch_optimizer_steps as scratch_steps

from dualnet.scratch import optimizers

RNG = np.random.default_rng(11)


@pytest.mark.parametrize("name, kwargs", [("Adam", {"learning_rate": 2 ** -6}),
                                          ("SGD", {"learning_rate": 2 ** -4, "momentum": 0.9, "nesterov": True}),
                                          ("RMSprop", {"learning_rate": 2 ** -6})])
def test_clipnorm_updates_as_keras_does(name, kwargs):
    weights = [RNG.normal(size=(4, 3)), RNG.normal(size=(3,))]
    # Large gradients on the first weight (clipped), small on the second (left alone), over three steps.
    gradients = [[RNG.normal(size=(4, 3)) * 10, RNG.normal(size=(3,)) * 0.01] for _ in range(3)]
    arguments = {**kwargs, "clipnorm": 1.0}
    expected = keras_steps(name, arguments, weights, gradients)
    got = scratch_steps(name, arguments, weights, gradients)
    for before, e, g in zip(weights, expected, got):
        np.testing.assert_allclose(g, e, rtol=0, atol=1e-4 * np.abs(e - before).max())
    unclipped = scratch_steps(name, kwargs, weights, gradients)
    assert not np.allclose(unclipped[0], got[0])  # the clip changed the large gradients' steps
    np.testing.assert_array_equal(unclipped[1], got[1])  # and left the small ones as they were


def test_clipnorm_survives_a_saved_config():
    optimizer = optimizers.Adam(learning_rate=0.002, clipnorm=0.5)
    config = optimizer.get_config()
    assert config["clipnorm"] == 0.5
    rebuilt = optimizers.OPTIMIZERS[config.pop("name").lower()](**config)
    assert rebuilt.clipnorm == 0.5 and "clipnorm" not in optimizers.Adam().get_config()
