"""Activations: each forward beside its derivative.

A backward takes (dy, y): the gradient of the output and the output y = f(z)
itself, and returns dL/dz. Every derivative here can be written through y, so
a layer keeps only its outputs for the backward pass. A forward may write into
`out` (z itself included): a recurrent layer's steps then make no new arrays.
"""

from __future__ import annotations

import numpy as np


def linear(z, out=None):
    if out is None or out is z:
        return z
    np.copyto(out, z)
    return out


def linear_backward(dy, y):
    return dy


def relu(z, out=None):
    return np.maximum(z, 0, out=out)


def relu_backward(dy, y):
    return dy * (y > 0)


def sigmoid(z, out=None):
    # 1 / (1 + e^-z) in place, from exp: NumPy vectorises exp on AVX2 but not tanh, so this takes about
    # half the time of 0.5 * (1 + tanh(z / 2)) (bench/numpy_costs.py). e^-z is capped at e^80: float32
    # holds it, and the result for z below -80 (at most 1.8e-35) stays a normal number, never a slow
    # subnormal.
    t = np.negative(z, out=out)
    np.minimum(t, 80.0, out=t)
    np.exp(t, out=t)
    t += 1.0
    return np.reciprocal(t, out=t)


def sigmoid_backward(dy, y):
    return dy * y * (1.0 - y)


def tanh(z, out=None):
    return np.tanh(z, out=out)


def tanh_backward(dy, y):
    return dy * (1.0 - y * y)


def softmax(z, out=None):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return np.divide(e, e.sum(axis=-1, keepdims=True), out=out)


def softmax_backward(dy, y):
    # The Jacobian diag(y) - y yᵀ applied to dy, without forming it.
    return y * (dy - (dy * y).sum(axis=-1, keepdims=True))


def sigmoid_slope(y, out):
    np.multiply(y, y, out=out)
    return np.subtract(y, out, out=out)  # y - y² = y·(1 - y)


def tanh_slope(y, out):
    np.multiply(y, y, out=out)
    return np.subtract(1.0, out, out=out)  # 1 - y²


def derivative(name):
    """f'(z) from y = f(z), written into `out`: derivative(name)(y, out). One or two passes over y
    where backward(ones, y) would make four arrays (a recurrent layer takes every step's at once)."""
    slopes = {"sigmoid": sigmoid_slope, "tanh": tanh_slope}
    if name in slopes:
        return slopes[name]
    backward = get(name)[1]

    def through_backward(y, out):
        np.copyto(out, backward(np.ones_like(y), y))
        return out

    return through_backward


ACTIVATIONS = {
    "linear": (linear, linear_backward),
    "relu": (relu, relu_backward),
    "sigmoid": (sigmoid, sigmoid_backward),
    "tanh": (tanh, tanh_backward),
    "softmax": (softmax, softmax_backward),
}


def get(name):
    """(forward, backward) for an activation name; None means linear, as in Keras."""
    name = name or "linear"
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; the scratch engine has {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]
