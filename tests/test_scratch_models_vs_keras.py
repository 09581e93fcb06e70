"""Every course model on both engines: the same predictions, loss and gradients, and the same weights
after two optimizer steps.

Tolerances, float32, relative to the reference's largest magnitude (keras_reference.assert_close):
- predictions, loss, and weights after SGD steps: 1e-5;
- every gradient: 2e-5 (sums over up to hundreds of thousands of terms, added in another order; seen
  up to 1.2e-5);
- weights after Adam or RMSprop steps: 5e-4 (seen: up to 1.1e-4 on fashion-cnn). These divide each gradient element by its own running
  magnitude, so an element of ~1e-7 (float32 noise in a sum of thousands of products) moves its weight
  by a full learning-rate step in whichever direction its last bits say. The update rules themselves
  agree to 1e-6 when both optimizers are given the same gradients (test_optimizer_rules_agree).

Keras's reference gradients are made dense before its optimizer applies them: the TensorFlow backend
otherwise applies an Embedding's gradient as IndexedSlices, which changes Adam's update of rows seen
more than once in a batch (JAX and PyTorch backends, whose gradients are dense, agree with ours).
Dropout rates are set to 0: the two engines cannot share random masks. The weights are seeded: at a
near-tie in a max-pooling window (two values within float32 rounding of each other) the two engines may
pick different winners and route a gradient differently, so a test on random weights could fail now and
then for a reason that is not an error."""

import numpy as np
import pytest
import tensorflow as tf
from course_models import COURSE_MODELS, NoDropout
from keras_reference import assert_close, keras

from dualnet import models, scratch
from dualnet.engines.keras_indexed import index_inputs

OPTIMIZERS = {"Adam": {}, "SGD": {"learning_rate": 0.05, "momentum": 0.9}, "RMSprop": {}}
GRADIENT_RTOL = 2e-5
WEIGHT_RTOL = {"SGD": 1e-5, "Adam": 5e-4, "RMSprop": 5e-4}


def twin_models(name, optimizer):
    fn, loss, make_x, make_y = COURSE_MODELS[name]
    keras.utils.set_random_seed(11)
    keras_model = keras.Sequential(fn(NoDropout(keras.layers)))
    ours = scratch.Sequential(fn(NoDropout(scratch.layers)))
    ours.set_weights(keras_model.get_weights())
    ours.compile(getattr(scratch.optimizers, optimizer)(**OPTIMIZERS[optimizer]), loss)
    keras_optimizer = getattr(keras.optimizers, optimizer)(**OPTIMIZERS[optimizer])
    rng = np.random.default_rng(7)
    return keras_model, keras_optimizer, keras.losses.get(loss), ours, make_x(rng), make_y(rng)


def keras_step(model, optimizer, loss_fn, x, y):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(loss_fn(y, model(x, training=True)))
    grads = [tf.convert_to_tensor(g) for g in tape.gradient(loss, model.trainable_variables)]
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return float(loss), [g.numpy() for g in grads]


@pytest.mark.parametrize("name", COURSE_MODELS)
@pytest.mark.parametrize("optimizer", ["Adam", "SGD"])
def test_two_steps_agree(name, optimizer):
    keras_model, keras_optimizer, loss_fn, ours, x, y = twin_models(name, optimizer)
    assert ours.count_params() == keras_model.count_params()
    assert_close(ours.predict(x), keras_model.predict(x, verbose=0), f"{name} predictions")
    for step in (1, 2):  # the second step uses the optimizer's state
        keras_loss, keras_grads = keras_step(keras_model, keras_optimizer, loss_fn, x, y)
        our_loss, _, _ = ours.loss_and_gradients(x, y)
        our_grads = [g for layer in ours.trainable_layers() for g in layer.grads]
        assert_close(our_loss, keras_loss, f"{name} loss, step {step}")
        for i, (g, g_ref) in enumerate(zip(our_grads, keras_grads)):
            assert_close(g, g_ref, f"{name} gradient {i}, step {step}", GRADIENT_RTOL)
        ours.optimizer.apply(ours.weights(), our_grads)
        for i, (w, w_ref) in enumerate(zip(ours.get_weights(), keras_model.get_weights())):
            assert_close(w, w_ref, f"{name} weight {i} after {optimizer} step {step}", WEIGHT_RTOL[optimizer])
        ours.set_weights(keras_model.get_weights())  # step 2 starts from the same point; optimizer state carries


@pytest.mark.parametrize("optimizer, kwargs", [("Adam", {}), ("SGD", {}), ("SGD", {"momentum": 0.9}),
                                               ("SGD", {"momentum": 0.9, "nesterov": True}), ("RMSprop", {}),
                                               ("RMSprop", {"momentum": 0.5, "rho": 0.8})])
def test_optimizer_rules_agree(optimizer, kwargs):
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
    keras_model, keras_optimizer, loss_fn, ours, x_one_hot, y = twin_models("doit-simplernn", "SGD")
    indices = x_one_hot.argmax(axis=-1)
    expected = keras_model.predict(x_one_hot, verbose=0)
    assert_close(ours.predict(indices), expected, "predictions on indices")
    keras_on_indices = keras.Sequential(index_inputs(models.doit_simplernn(keras.layers)))
    keras_on_indices.set_weights(keras_model.get_weights())
    assert_close(keras_on_indices.predict(indices, verbose=0), expected, "Keras's predictions on indices")
    keras_step(keras_model, keras_optimizer, loss_fn, x_one_hot, y)
    ours.train_on_batch(indices, y)
    for w, w_ref in zip(ours.get_weights(), keras_model.get_weights()):
        assert_close(w, w_ref, "weights after a step on indices")
