"""Every hand-written backward pass and every loss gradient against central differences, in float64."""

import numpy as np
import pytest

from dualnet.scratch import activations, losses
from dualnet.scratch import layers as S
from dualnet.scratch.gradcheck import check_layer, check_loss

TOLERANCE = 1e-6
RNG = np.random.default_rng(5)


def built(layer, input_shape):
    layer.build(input_shape, np.random.default_rng(1))
    if hasattr(layer, "bias") and layer.use_bias:  # non-zero biases, so their paths are exercised
        layer.bias[...] = 0.1 * np.random.default_rng(2).standard_normal(layer.bias.shape)
    return layer


def assert_gradients_ok(layer, x, training=False):
    errors = check_layer(layer, x, training=training)
    worst = max(errors.values())
    assert worst < TOLERANCE, f"{type(layer).__name__}: relative errors {errors}"


@pytest.mark.parametrize("activation", list(activations.ACTIVATIONS))
def test_dense(activation):
    assert_gradients_ok(built(S.Dense(4, activation=activation), (5,)), RNG.standard_normal((3, 5)))


@pytest.mark.parametrize("kwargs", [dict(kernel_size=3), dict(kernel_size=3, padding="same"),
                                    dict(kernel_size=(2, 3), strides=2), dict(kernel_size=3, strides=2, padding="same"),
                                    dict(kernel_size=3, activation="relu", use_bias=False)])
def test_conv2d(kwargs):
    assert_gradients_ok(built(S.Conv2D(3, **kwargs), (7, 6, 2)), RNG.standard_normal((2, 7, 6, 2)))


@pytest.mark.parametrize("kwargs", [dict(), dict(pool_size=3, strides=1), dict(padding="same"),
                                    dict(pool_size=(3, 2), strides=2, padding="same")])
def test_max_pooling(kwargs):
    assert_gradients_ok(built(S.MaxPooling2D(**kwargs), (7, 5, 2)), RNG.standard_normal((2, 7, 5, 2)))


def test_flatten_and_dropout():
    assert_gradients_ok(built(S.Flatten(), (3, 4, 2)), RNG.standard_normal((2, 3, 4, 2)))
    assert_gradients_ok(built(S.Dropout(0.4), (10,)), RNG.standard_normal((3, 10)), training=True)


def test_embedding():
    assert_gradients_ok(built(S.Embedding(9, 3), (6,)), RNG.integers(0, 9, (4, 6)))


@pytest.mark.parametrize("layer", [lambda: S.SimpleRNN(4), lambda: S.SimpleRNN(4, return_sequences=True),
                                   lambda: S.LSTM(4), lambda: S.LSTM(4, return_sequences=True),
                                   lambda: S.GRU(4), lambda: S.GRU(4, return_sequences=True),
                                   lambda: S.GRU(4, reset_after=False),
                                   lambda: S.GRU(4, reset_after=False, return_sequences=True)],
                         ids=["simplernn", "simplernn-seq", "lstm", "lstm-seq", "gru", "gru-seq",
                              "gru-reset-before", "gru-reset-before-seq"])
def test_recurrent(layer):
    assert_gradients_ok(built(layer(), (5, 3)), RNG.standard_normal((2, 5, 3)))


def test_recurrent_on_indices():
    assert_gradients_ok(built(S.LSTM(3), (5, 7)), RNG.integers(0, 7, (2, 5)))


def probabilities(shape):
    z = RNG.standard_normal(shape)
    return np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)


@pytest.mark.parametrize("from_logits_path", [False, True])
def test_cross_entropies(from_logits_path):
    pred = RNG.standard_normal((6, 4)) if from_logits_path else probabilities((6, 4))
    assert check_loss(losses.CategoricalCrossentropy(), np.eye(4)[RNG.integers(0, 4, 6)], pred,
                      from_logits_path) < TOLERANCE
    assert check_loss(losses.SparseCategoricalCrossentropy(), RNG.integers(0, 4, 6), pred,
                      from_logits_path) < TOLERANCE
    binary = RNG.standard_normal((6, 1)) if from_logits_path else RNG.uniform(0.05, 0.95, (6, 1))
    assert check_loss(losses.BinaryCrossentropy(), RNG.integers(0, 2, (6, 1)), binary, from_logits_path) < TOLERANCE


def test_mean_squared_error():
    assert check_loss(losses.MeanSquaredError(), RNG.standard_normal((5, 3)), RNG.standard_normal((5, 3))) < TOLERANCE


def test_checker_catches_a_wrong_derivative(monkeypatch):
    """The checker itself must fail on a broken backward pass."""
    monkeypatch.setitem(activations.ACTIVATIONS, "tanh", (np.tanh, lambda dy, y: dy * (1.0 - y)))
    layer = built(S.Dense(3, activation="tanh"), (4,))
    assert max(check_layer(layer, RNG.standard_normal((2, 4))).values()) > 1e-2


@pytest.mark.parametrize("layer", [S.SimpleRNN, S.LSTM, S.GRU, lambda units: S.GRU(units, reset_after=False)],
                         ids=["simplernn", "lstm", "gru", "gru-reset-before"])
def test_truncated_bptt_keeps_only_the_last_steps(layer):
    """Truncated to k steps, the gradient reaching the inputs of earlier steps is zero, the last k match."""
    layer = built(layer(4), (8, 3))
    x = RNG.standard_normal((2, 8, 3)).astype(np.float32)
    upstream = RNG.standard_normal((2, 4)).astype(np.float32)
    layer(x)
    full = layer.backward(upstream)
    layer(x)
    truncated = layer.backward(upstream, truncate=3)
    assert np.all(truncated[:, :5] == 0)
    np.testing.assert_allclose(truncated[:, 5:], full[:, 5:], rtol=1e-6)


@pytest.mark.parametrize("training", [True, False])
def test_batch_normalization(training):
    layer = S.BatchNormalization()
    layer.build((4, 3, 2), np.random.default_rng(1))
    rng = np.random.default_rng(3)
    layer.gamma[...], layer.beta[...] = 1 + 0.5 * rng.standard_normal(2), 0.1 * rng.standard_normal(2)
    layer.moving_mean[...], layer.moving_variance[...] = 0.2, 1.5
    assert_gradients_ok(layer, RNG.standard_normal((3, 4, 3, 2)), training=training)


def test_global_average_pooling():
    assert_gradients_ok(built(S.GlobalAveragePooling2D(), (4, 3, 2)), RNG.standard_normal((2, 4, 3, 2)))


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "linear"])
def test_derivative_from_the_output_is_the_backward_of_ones_and_matches_finite_differences(name):
    """activations.derivative(name)(y, out): what the recurrent layers take f'(z) from, every step at once."""
    forward, backward = activations.get(name)
    z = np.random.default_rng(0).normal(size=(3, 4, 5))
    z[np.abs(z) < 1e-3] = 0.5  # away from relu's kink
    y = forward(z.copy())
    slope = activations.derivative(name)(y, out=np.empty_like(y))
    np.testing.assert_allclose(slope, backward(np.ones_like(y), y), rtol=1e-12, atol=1e-15)
    h = 1e-6
    numeric = (forward(z + h) - forward(z - h)) / (2 * h)
    np.testing.assert_allclose(slope, numeric, rtol=1e-6, atol=1e-8)
