"""Keras (TensorFlow backend) as the reference the scratch engine is checked against."""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


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
