"""Every course model on both engines: the same predictions, loss and gradients, and the same weights
after two optimizer steps.

Two comparisons, each where it cannot fail by chance (keras_reference.float64 says why):
- forward (predictions and loss) in float32, as the engines train: within 1e-5 of the reference's
  largest magnitude. A forward pass is continuous in its inputs, so rounding stays rounding.
- everything that routes a gradient (gradients, weights after SGD and Adam steps) in float64 on
  both engines: within 1e-9. A max-pooling winner or a ReLU sign can flip at a float32 near-tie and send
  a gradient elsewhere (a real error of ~1e-2 of scale, not noise); in float64 it cannot on random data.
  Adam and RMSprop divide each gradient element by its own size, which in float32 turned noise in
  near-zero elements into full steps; in float64 that noise is 1e-13 and the steps agree.
test_wrong_backward_passes_are_caught shows these comparisons still fail on a wrong backward pass.

Keras's reference gradients are made dense before its optimizer applies them: the TensorFlow backend
otherwise applies an Embedding's gradient as IndexedSlices, which changes Adam's update of rows seen
more than once in a batch (JAX and PyTorch backends, whose gradients are dense, agree with ours).
Dropout rates are set to 0: the two engines cannot share random masks."""

import numpy as np
import pytest
import tensorflow as tf
from course_models import COURSE_MODELS, NoDropout
from keras_reference import FLOAT64_RTOL, assert_close, float64, keras

from dualnet import models, scratch
from dualnet.engines.keras_indexed import index_inputs

# Hyperparameters that float32 holds exactly. Keras's TensorFlow backend casts Python floats to float64
# by way of float32 (ops.cast(0.999, "float64") gives 0.99900001287), which with the defaults puts a
# fixed 6.7e-6 into every Adam step (measured: its m and v agree with ours to 1e-15, its bias correction
# does not). With these values both engines compute exactly the same rule.
OPTIMIZERS = {"Adam": {"beta_1": 0.875, "beta_2": 1 - 2 ** -9},
              "SGD": {"learning_rate": 0.0625, "momentum": 0.875}}


def as_float(array, dtype):
    return array if np.issubdtype(array.dtype, np.integer) else array.astype(dtype)


def twin_models(name, optimizer, dtype=np.float32):
    """The Keras model and its scratch twin with Keras's weights, built in the engines' current floatx."""
    fn, loss, make_x, make_y = COURSE_MODELS[name]
    keras.utils.set_random_seed(11)
    keras_model = keras.Sequential(fn(NoDropout(keras.layers)))
    ours = scratch.Sequential(fn(NoDropout(scratch.layers)))
    ours.set_weights(keras_model.get_weights())
    ours.compile(getattr(scratch.optimizers, optimizer)(**OPTIMIZERS[optimizer]), loss)
    keras_optimizer = getattr(keras.optimizers, optimizer)(**OPTIMIZERS[optimizer])
    rng = np.random.default_rng(7)
    x, y = as_float(make_x(rng), dtype), as_float(make_y(rng), dtype)
    return keras_model, keras_optimizer, keras.losses.get(loss), ours, x, y


def keras_step(model, optimizer, loss_fn, x, y):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(loss_fn(y, model(x, training=True)))
    grads = [tf.convert_to_tensor(g) for g in tape.gradient(loss, model.trainable_variables)]
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return float(loss), [g.numpy() for g in grads]


def compare_two_steps(name, optimizer):
    """Gradients and weights after two steps, both engines in float64. Raises AssertionError naming
    the first quantity that differs."""
    with float64() as dtype:
        keras_model, keras_optimizer, loss_fn, ours, x, y = twin_models(name, optimizer, dtype)
        assert ours.get_weights()[0].dtype == keras_model.get_weights()[0].dtype == np.float64
        for step in (1, 2):  # the second step uses the optimizer's state
            keras_loss, keras_grads = keras_step(keras_model, keras_optimizer, loss_fn, x, y)
            our_loss, _, _ = ours.loss_and_gradients(x, y)
            our_grads = [g for layer in ours.trainable_layers() for g in layer.grads]
            assert_close(our_loss, keras_loss, f"{name} loss, step {step}", FLOAT64_RTOL)
            for i, (g, g_ref) in enumerate(zip(our_grads, keras_grads)):
                assert_close(g, g_ref, f"{name} gradient {i}, step {step}", FLOAT64_RTOL)
            ours.optimizer.apply(ours.trainable_weights(), our_grads)
            for i, (w, w_ref) in enumerate(zip(ours.get_weights(), keras_model.get_weights())):
                assert_close(w, w_ref, f"{name} weight {i} after {optimizer} step {step}", FLOAT64_RTOL)
            ours.set_weights(keras_model.get_weights())  # step 2 starts from the same point; state carries


@pytest.mark.parametrize("name", COURSE_MODELS)
def test_forward_agrees_in_float32(name):
    keras_model, _, loss_fn, ours, x, y = twin_models(name, "SGD")
    assert ours.count_params() == keras_model.count_params()
    assert_close(ours.predict(x), keras_model.predict(x, verbose=0), f"{name} predictions")
    our_loss, _, _ = ours.loss_and_gradients(x, y, training=False)
    assert_close(our_loss, float(tf.reduce_mean(loss_fn(y, keras_model(x)))), f"{name} loss")


@pytest.mark.parametrize("name", COURSE_MODELS)
@pytest.mark.parametrize("optimizer", ["Adam", "SGD"])
def test_two_steps_agree(name, optimizer):
    compare_two_steps(name, optimizer)


def route_to_first_cell(self, dy):
    """A wrong max-pooling backward: every window's gradient to its first cell, not its largest."""
    dx = np.zeros(self.padded_shape, dtype=dy.dtype)
    next(self.window_slices(dx))[...] += dy
    return dx[:, :self.input_shape[0], :self.input_shape[1], :]


def flipped_kernel_gradient(original):
    """A wrong convolution weight gradient: the kernel's positions mirrored (a convolution mistaken
    for a correlation); everything else, the input gradient included, is right."""
    def backward(self, dz):
        dx = original(self, dz)
        self.grads[0] = self.grads[0][::-1, ::-1].copy()
        return dx
    return backward


@pytest.mark.parametrize("name", ["fashion-cnn-pool", "fashion-vgg"])
@pytest.mark.parametrize("wrong", ["max-pooling routed to the first cell", "convolution kernel gradient mirrored"])
def test_wrong_backward_passes_are_caught(name, wrong, monkeypatch):
    if wrong.startswith("max-pooling"):
        monkeypatch.setattr(scratch.layers.MaxPooling2D, "backward", route_to_first_cell)
    else:
        monkeypatch.setattr(scratch.layers.Conv2D, "linear_backward",
                            flipped_kernel_gradient(scratch.layers.Conv2D.linear_backward))
    with pytest.raises(AssertionError, match="gradient"):
        compare_two_steps(name, "SGD")


@pytest.mark.parametrize("optimizer, kwargs", [("Adam", {}), ("SGD", {}), ("SGD", {"momentum": 0.9}),
                                               ("SGD", {"momentum": 0.9, "nesterov": True}), ("RMSprop", {}),
                                               ("RMSprop", {"momentum": 0.5, "rho": 0.8})])
def test_optimizer_rules_agree(optimizer, kwargs):
    """Fed the same gradients, the update rules agree; in float32, as they train (element-wise rules
    have no discontinuity to flip)."""
    rng = np.random.default_rng(3)
    start = rng.standard_normal((20, 7)).astype(np.float32)
    variable = keras.Variable(start.copy())
    theirs = getattr(keras.optimizers, optimizer)(**kwargs)
    ours_w = start.copy()
    ours = getattr(scratch.optimizers, optimizer)(**kwargs)
    for _ in range(5):
        g = rng.standard_normal((20, 7)).astype(np.float32)
        theirs.apply_gradients([(tf.constant(g), variable)])
        ours.apply([ours_w], [g])
        assert_close(ours_w, variable.numpy(), f"{optimizer}{kwargs}", rtol=1e-6)


def test_doit_simplernn_on_indices_equals_keras_on_one_hot():
    """The notes feed 800 MB of one-hot vectors; both engines take the indices and compute the same."""
    with float64() as dtype:
        keras_model, keras_optimizer, loss_fn, ours, x_one_hot, y = twin_models("doit-simplernn", "SGD", dtype)
        indices = x_one_hot.argmax(axis=-1)
        expected = keras_model.predict(x_one_hot, verbose=0)
        assert_close(ours.predict(indices), expected, "predictions on indices", FLOAT64_RTOL)
        keras_on_indices = keras.Sequential(index_inputs(models.doit_simplernn(keras.layers)))
        keras_on_indices.set_weights(keras_model.get_weights())
        assert_close(keras_on_indices.predict(indices, verbose=0), expected, "Keras's predictions on indices",
                     FLOAT64_RTOL)
        keras_step(keras_model, keras_optimizer, loss_fn, x_one_hot, y)
        ours.train_on_batch(indices, y)
        for w, w_ref in zip(ours.get_weights(), keras_model.get_weights()):
            assert_close(w, w_ref, "weights after a step on indices", FLOAT64_RTOL)
