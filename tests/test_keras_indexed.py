"""The Keras SimpleRNN on word indices computes what Keras's own SimpleRNN computes on one-hot vectors:
outputs and weight gradients (in float64, where a ReLU sign cannot flip at a rounding-level near-tie:
keras_reference.float64), and saved models."""

import numpy as np
import pytest
from keras_reference import FLOAT64_RTOL, assert_close, float64, forward_backward, keras

from dualnet import experiments
from dualnet.engines.keras_engine import KerasEngine
from dualnet.engines.keras_indexed import IndexedSimpleRNN, index_inputs

RNG = np.random.default_rng(99)


@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("use_bias, activation", [(True, "tanh"), (False, "relu")])
def test_indexed_simple_rnn_equals_simple_rnn_on_one_hot(return_sequences, use_bias, activation):
    depth, steps = 13, 6
    with float64() as dtype:
        reference = keras.layers.SimpleRNN(5, return_sequences=return_sequences, use_bias=use_bias,
                                           activation=activation)
        reference.build((None, steps, depth))
        indexed = IndexedSimpleRNN.like(reference, depth)
        indexed.build((None, steps))
        indexed.set_weights(reference.get_weights())
        indices = RNG.integers(0, depth, (4, steps))
        upstream = RNG.standard_normal((4, steps, 5) if return_sequences else (4, 5))
        y_ref, _, grads_ref = forward_backward(reference, np.eye(depth, dtype=dtype)[indices], upstream)
        y, _, grads = forward_backward(indexed, indices, upstream)
    assert_close(y, y_ref, "output", FLOAT64_RTOL)
    assert len(grads) == len(grads_ref)
    for g, g_ref, weight in zip(grads, grads_ref, reference.weights):
        assert_close(g, g_ref, f"gradient of {weight.name}", FLOAT64_RTOL)


def test_index_inputs_keeps_names_shapes_and_counts():
    layers = [keras.Input((100, 100)), keras.layers.SimpleRNN(32, name="rnn"), keras.layers.Dense(1)]
    one_hot, indexed = keras.Sequential(layers), keras.Sequential(index_inputs(list(layers)))
    assert indexed.inputs[0].dtype == "int32" and tuple(indexed.inputs[0].shape) == (None, 100)
    assert indexed.layers[0].name == "rnn"
    assert [w.shape for w in indexed.get_weights()] == [w.shape for w in one_hot.get_weights()]


def test_index_inputs_refuses_other_models():
    with pytest.raises(ValueError, match="SimpleRNN"):
        index_inputs([keras.Input((10, 4)), keras.layers.LSTM(3)])
    with pytest.raises(ValueError, match="dropout"):
        IndexedSimpleRNN(3, depth=4, dropout=0.2)


def test_doit_simplernn_on_the_keras_engine_takes_indices_and_saves(tmp_path):
    engine = KerasEngine()
    model = engine.build(experiments.get("doit-simplernn"))
    assert model.count_params() == 4_289 and engine.input_shape(model) == (100,)
    x = RNG.integers(0, 100, (8, 100))
    expected = model.predict(x, verbose=0)
    engine.save(model, tmp_path / "model.keras")
    loaded = engine.load(tmp_path / "model.keras")
    assert type(loaded.layers[0]) is IndexedSimpleRNN
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), expected)
