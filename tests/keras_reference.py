"""Keras (TensorFlow backend) as the reference the scratch engine is checked against."""

from __future__ import annotations

import os
from contextlib import contextmanager

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from dualnet.scratch import config as scratch_config  # noqa: E402

# Tolerance of a float64 comparison, relative to the reference's largest magnitude: sums of up to a
# few hundred thousand products in another order differ by ~1e-13; a wrong derivative by ~1.
FLOAT64_RTOL = 1e-9


@contextmanager
def float64():
    """Both engines in float64 while the block runs (layers and models must be made inside it).

    Why: a backward pass is not a continuous function of its inputs. Max pooling sends a window's
    gradient to its largest value and ReLU passes it only where its input is positive, so at a near-tie
    (two values of a window, or a value and zero, within rounding of each other) two correct engines that
    add the same products in another order may route a gradient differently. In float32 such near-ties
    turn up in real networks (fashion-vgg on one CPU: 1.5e-6 apart, inside a 1,152-term sum's rounding);
    in float64 a flip needs two values within ~1e-13 of each other, which random data does not produce.
    Forward passes are continuous, so they are compared in float32 too, as the engines train."""
    keras_before, policy_before = keras.config.floatx(), keras.config.dtype_policy()
    scratch_before = scratch_config.floatx()
    keras.config.set_floatx("float64")
    keras.config.set_dtype_policy("float64")  # the layers' default dtype follows the policy, not floatx
    scratch_config.set_floatx("float64")
    try:
        yield np.float64
    finally:
        keras.config.set_floatx(keras_before)
        keras.config.set_dtype_policy(policy_before)
        scratch_config.set_floatx(scratch_before)


def forward_backward(layer, x, upstream, training=False):
    """Keras's output and the gradients of sum(output * upstream) with respect to the input
    (None for integer inputs) and to every trainable weight, in get_weights() order."""
    integer = np.issubdtype(x.dtype, np.integer)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        if not integer:
            tape.watch(xt)
        y = layer(xt, training=training)
        loss = tf.reduce_sum(y * upstream)
    sources = ([] if integer else [xt]) + list(layer.trainable_weights)
    grads = tape.gradient(loss, sources)
    dx = None if integer else grads.pop(0).numpy()
    return y.numpy(), dx, [tf.convert_to_tensor(g).numpy() for g in grads]  # IndexedSlices too


def assert_close(ours, theirs, what: str, rtol: float = 1e-5):
    """Agreement within rtol of the reference's largest magnitude (float32 sums of many products
    differ in their last bits; a relative test element by element would fail on values near zero)."""
    ours, theirs = np.asarray(ours, np.float64), np.asarray(theirs, np.float64)
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape} vs Keras {theirs.shape}"
    scale = max(np.abs(theirs).max(), 1e-6)
    worst = np.abs(ours - theirs).max() / scale
    assert worst <= rtol, f"{what}: differs from Keras by {worst:.2e} of its scale (tolerance {rtol:.0e})"


def keras_optimizer_steps(name, kwargs, weights, gradients):
    """The weights after Keras's optimizer `name`(**kwargs) has applied each step's gradients, in float64."""
    variables = [keras.Variable(w.copy(), dtype="float64") for w in weights]
    optimizer = getattr(keras.optimizers, name)(**kwargs)
    for step in gradients:
        optimizer.apply([keras.ops.convert_to_tensor(g, dtype="float64") for g in step], variables)
    return [np.asarray(v.numpy()) for v in variables]


def scratch_optimizer_steps(name, kwargs, weights, gradients):
    """The same by the scratch engine's optimizer of that name."""
    from dualnet.scratch import optimizers

    ours = [w.copy() for w in weights]
    optimizer = getattr(optimizers, name)(**kwargs)
    for step in gradients:
        optimizer.apply(ours, [g.copy() for g in step])
    return ours
