"""Every scratch layer against Keras, on random shapes and arguments: forward outputs, gradients
with respect to the input and to every weight, after set_weights(keras_layer.get_weights()).

Forward outputs are compared in float32, as the engines train (1e-5 of the reference's largest
magnitude); then forward and every gradient in float64 on both engines (1e-9), where a ReLU sign or a
max-pooling winner cannot flip at a rounding-level near-tie (keras_reference.float64 says why)."""

import numpy as np
import pytest
from keras_reference import FLOAT64_RTOL, assert_close, float64, forward_backward, keras

from dualnet.scratch import layers as S

RNG = np.random.default_rng(1234)


def twin_layers(name, kwargs, x, build_shape):
    keras.utils.set_random_seed(0)  # reproducible weights: a failure can be run again
    keras_layer = getattr(keras.layers, name)(**kwargs)
    keras_layer.build((None,) + (build_shape or x.shape[1:]))
    ours = getattr(S, name)(**kwargs)
    ours.build(build_shape or x.shape[1:], np.random.default_rng(0))
    ours.set_weights(keras_layer.get_weights())
    return keras_layer, ours


def as_float(x, dtype):
    return x if np.issubdtype(x.dtype, np.integer) else x.astype(dtype)


def check_layer(name, kwargs, x, build_shape=None, training=False):
    keras_layer, ours = twin_layers(name, kwargs, x, build_shape)
    assert_close(ours(x, training=training), keras_layer(x, training=training), f"{name}{kwargs} forward in float32")
    with float64() as dtype:
        x = as_float(x, dtype)
        keras_layer, ours = twin_layers(name, kwargs, x, build_shape)
        upstream = RNG.standard_normal(keras_layer.compute_output_shape(x.shape))
        y_ref, dx_ref, grads_ref = forward_backward(keras_layer, x, upstream, training=training)
        assert_close(ours(x, training=training), y_ref, f"{name}{kwargs} forward", FLOAT64_RTOL)
        dx = ours.backward(upstream)
        if dx_ref is not None:
            assert_close(dx, dx_ref, f"{name}{kwargs} input gradient", FLOAT64_RTOL)
        assert len(ours.grads) == len(grads_ref)
        for weight_name, g, g_ref in zip(ours.weight_names, ours.grads, grads_ref):
            assert_close(g, g_ref, f"{name}{kwargs} gradient of {weight_name}", FLOAT64_RTOL)
        for weight_name, w, w_ref in zip(ours.weight_names, ours.get_weights(), keras_layer.get_weights()):
            assert_close(w, w_ref, f"{name}{kwargs} {weight_name} after the pass", FLOAT64_RTOL)  # moving statistics
    return ours


def images(n, h, w, c):
    return RNG.standard_normal((n, h, w, c)).astype(np.float32)


@pytest.mark.parametrize("activation", [None, "relu", "sigmoid", "tanh", "softmax", "linear"])
@pytest.mark.parametrize("use_bias", [True, False])
def test_dense(activation, use_bias):
    check_layer("Dense", dict(units=5, activation=activation, use_bias=use_bias),
                RNG.standard_normal((6, 7)).astype(np.float32))


def test_dense_on_sequences():
    check_layer("Dense", dict(units=3), RNG.standard_normal((4, 5, 6)).astype(np.float32))


@pytest.mark.parametrize("kernel_size", [(3, 3), (2, 3), (5, 5), 1])
@pytest.mark.parametrize("strides", [1, 2, (2, 1)])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_conv2d(kernel_size, strides, padding):
    check_layer("Conv2D", dict(filters=4, kernel_size=kernel_size, strides=strides, padding=padding),
                images(3, 9, 11, 2))


@pytest.mark.parametrize("activation, use_bias", [("relu", True), ("tanh", False)])
def test_conv2d_activation_and_bias(activation, use_bias):
    check_layer("Conv2D", dict(filters=6, kernel_size=3, padding="same", activation=activation,
                               use_bias=use_bias), images(2, 8, 8, 3))


@pytest.mark.parametrize("pool_size, strides", [((2, 2), None), ((3, 3), None), ((2, 2), (1, 1)), ((3, 2), (2, 2))])
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("alias", ["MaxPooling2D", "MaxPool2D"])
def test_max_pooling(pool_size, strides, padding, alias):
    check_layer(alias, dict(pool_size=pool_size, strides=strides, padding=padding), images(3, 9, 11, 2))


def test_flatten():
    check_layer("Flatten", {}, images(2, 3, 5, 4))


def test_dropout_is_identity_at_inference_and_inverted_in_training():
    check_layer("Dropout", dict(rate=0.5), images(2, 4, 4, 3))
    layer = S.Dropout(0.25)
    layer.build((1000,), np.random.default_rng(0))
    x = np.ones((50, 1000), np.float32)
    y = layer(x, training=True)
    kept = y != 0
    assert abs(kept.mean() - 0.75) < 0.01
    np.testing.assert_allclose(y[kept], 1 / 0.75)
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), y)  # the same mask, the same scale


def test_embedding():
    check_layer("Embedding", dict(input_dim=30, output_dim=4), RNG.integers(0, 30, (5, 7)))


RECURRENT = [("SimpleRNN", {}), ("LSTM", {}), ("GRU", {"reset_after": True}), ("GRU", {"reset_after": False})]


@pytest.mark.parametrize("name, extra", RECURRENT)
@pytest.mark.parametrize("return_sequences", [False, True])
def test_recurrent(name, extra, return_sequences):
    check_layer(name, dict(units=6, return_sequences=return_sequences, **extra),
                RNG.standard_normal((4, 9, 3)).astype(np.float32))


@pytest.mark.parametrize("name, extra", RECURRENT)
def test_recurrent_without_bias_and_relu(name, extra):
    check_layer(name, dict(units=5, use_bias=False, activation="relu", **extra),
                0.5 * RNG.standard_normal((3, 6, 4)).astype(np.float32))


@pytest.mark.parametrize("name, extra", RECURRENT)
def test_recurrent_index_inputs_equal_one_hot_inputs(name, extra):
    """Integer inputs stand for one-hot vectors: same output and weight gradients as Keras on the one-hot."""
    indices = RNG.integers(0, 12, (4, 8))
    with float64() as dtype:
        one_hot = np.eye(12, dtype=dtype)[indices]
        keras_layer, ours = twin_layers(name, dict(units=5, **extra), one_hot, None)
        upstream = RNG.standard_normal((4, 5))
        y_ref, _, grads_ref = forward_backward(keras_layer, one_hot, upstream)
        assert_close(ours(indices), y_ref, f"{name} forward on indices", FLOAT64_RTOL)
        assert ours.backward(upstream) is None
        for g, g_ref in zip(ours.grads, grads_ref):
            assert_close(g, g_ref, f"{name} weight gradients on indices", FLOAT64_RTOL)


def test_keras_layouts_and_defaults():
    lstm = S.LSTM(7)
    lstm.build((5, 3), np.random.default_rng(0))
    assert [w.shape for w in lstm.weights] == [(3, 28), (7, 28), (28,)]
    np.testing.assert_array_equal(lstm.bias, np.r_[np.zeros(7), np.ones(7), np.zeros(14)])  # unit_forget_bias
    gru = S.GRU(7)
    gru.build((5, 3), np.random.default_rng(0))
    assert [w.shape for w in gru.weights] == [(3, 21), (7, 21), (2, 21)]
    conv = S.Conv2D(8, 3)
    conv.build((10, 10, 2), np.random.default_rng(0))
    assert conv.kernel.shape == (3, 3, 2, 8) and conv.kernel.dtype == np.float32
    rec = lstm.recurrent_kernel  # orthogonal: (7, 28) with orthonormal rows
    np.testing.assert_allclose(rec @ rec.T, np.eye(7), atol=1e-5)


@pytest.mark.parametrize("make", [lambda x: np.maximum(x, 0), lambda x: np.zeros_like(x), np.round],
                         ids=["relu-zeros", "all-equal", "rounded"])
def test_max_pooling_routes_ties_as_keras(make):
    """After a ReLU many inputs of a window tie at 0: the gradient must go where TensorFlow sends it."""
    x = make(RNG.standard_normal((2, 6, 8, 3))).astype(np.float32)
    check_layer("MaxPooling2D", dict(pool_size=2), x)
    check_layer("MaxPooling2D", dict(pool_size=3, strides=1, padding="same"), x)


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("kwargs", [{}, {"momentum": 0.9, "epsilon": 1e-5}, {"center": False}, {"scale": False}])
def test_batch_normalization(kwargs, training):
    """Keras's layout (gamma, beta, moving_mean, moving_variance), the batch's statistics in training
    (and the moving ones updated as Keras does), the moving ones at inference."""
    x = 2.0 + 3.0 * images(6, 5, 4, 3)
    check_layer("BatchNormalization", kwargs, x, training=training)
    check_layer("BatchNormalization", kwargs, RNG.standard_normal((8, 5)).astype(np.float32), training=training)


def test_global_average_pooling():
    check_layer("GlobalAveragePooling2D", {}, images(3, 5, 7, 4))


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "softmax"])
def test_activation(activation):
    check_layer("Activation", {"activation": activation}, images(2, 3, 4, 5))


def test_a_batch_normalized_network_trains_as_keras():
    """Conv2D → BatchNormalization → Activation → GlobalAveragePooling2D → Dense: two Adam steps by
    fit() in float64 on both engines give the same weights, moving statistics included (the optimizer
    updates gamma and beta, never the statistics)."""
    from dualnet import scratch

    def stack(L):
        return [L.Input(shape=(8, 8, 2)), L.Conv2D(4, 3, padding="same", use_bias=False), L.BatchNormalization(),
                L.Activation("relu"), L.GlobalAveragePooling2D(), L.Dense(3, activation="softmax")]

    adam = {"learning_rate": 0.0625, "beta_1": 0.875, "beta_2": 1 - 2 ** -9}
    with float64() as dtype:
        x, y = RNG.standard_normal((8, 8, 8, 2)).astype(dtype), RNG.integers(0, 3, 8)
        keras.utils.set_random_seed(5)
        theirs = keras.Sequential(stack(keras.layers))
        theirs.compile(keras.optimizers.Adam(**adam), "sparse_categorical_crossentropy")
        ours = scratch.Sequential(stack(scratch.layers))
        ours.set_weights(theirs.get_weights())
        ours.compile(scratch.optimizers.Adam(**adam), "sparse_categorical_crossentropy")
        theirs.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
        ours.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
        for i, (w, w_ref) in enumerate(zip(ours.get_weights(), theirs.get_weights())):
            assert_close(w, w_ref, f"weight {i} after two steps", FLOAT64_RTOL)
        assert_close(ours.predict(x), theirs.predict(x, verbose=0), "inference with the moving statistics",
                     FLOAT64_RTOL)
