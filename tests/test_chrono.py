"""Chrono initialisation of an LSTM's gates: the values, the same weights on both engines from one model
definition, a Keras model that saves and loads with it, and clear refusals of misuse."""

from __future__ import annotations

import numpy as np
import pytest

from dualnet import models, scratch
from dualnet.scratch import initializers


def test_forget_biases_span_the_sequence():
    forget = initializers.chrono_forget_bias(30, 100)
    spans = np.exp(forget)
    assert np.all(np.diff(spans) > 0)
    assert 1.0 < spans[0] < 3.0 and 97.0 < spans[-1] < 99.0  # from about one step to about the whole sequence
    np.testing.assert_allclose(np.diff(spans), 98 / 30)  # evenly spread spans


def test_bias_layout_is_kerass_gate_order():
    bias = initializers.ChronoBias(100)((4 * 5,))
    forget = initializers.chrono_forget_bias(5, 100)
    np.testing.assert_array_equal(bias[:5], -forget)    # i: closed to new inputs where f keeps long
    np.testing.assert_array_equal(bias[5:10], forget)   # f
    np.testing.assert_array_equal(bias[10:], 0.0)       # c and o as Keras's default


def test_both_engines_build_the_same_biases():
    import keras

    from dualnet.engines import keras_initializers  # noqa: F401  (registers the initializer)

    theirs = keras.Sequential(models.mult_lstm_chrono(keras.layers))
    ours = scratch.Sequential(models.mult_lstm_chrono(scratch.layers))
    for k_layer, s_layer in zip(theirs.layers[:2], ours.layers[:2]):
        k_bias, s_bias = k_layer.get_weights()[2], s_layer.get_weights()[2]
        np.testing.assert_array_equal(k_bias, s_bias)
        assert np.ptp(k_bias[30:60]) > 3  # not Keras's default (all ones): the check can fail
    plain = scratch.Sequential(models.mult_lstm(scratch.layers))
    assert not np.array_equal(plain.layers[0].get_weights()[2], ours.layers[0].get_weights()[2])


def test_keras_model_saves_and_loads(tmp_path):
    import keras

    from dualnet.engines import keras_initializers  # noqa: F401

    model = keras.Sequential(models.mult_lstm_chrono(keras.layers))
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras", safe_mode=True)
    assert loaded.layers[0].cell.bias_initializer.get_config() == {"max_steps": 100}
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_misuse_is_refused_with_the_fix():
    with pytest.raises(ValueError, match="unit_forget_bias=False"):
        scratch.layers.LSTM(4, bias_initializer=models.chrono_bias(100))
    with pytest.raises(ValueError, match="4 \\* units"):
        initializers.ChronoBias(100)((6,))
    with pytest.raises(ValueError, match="max_steps >= 3"):
        initializers.ChronoBias(2)((8,))
    with pytest.raises(ValueError, match="unknown initializer class"):
        initializers.get({"class_name": "dualnet>Nothing", "config": {}})
