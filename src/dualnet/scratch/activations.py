"""Activations: each forward beside its derivative.

A backward takes (dy, y): the gradient of the output and the output y = f(z)
itself, and returns dL/dz. Every derivative here can be written through y, so
a layer keeps only its outputs for the backward pass.
"""

from __future__ import annotations

import numpy as np


def linear(z):
    return z


def linear_backward(dy, y):
    return dy


def relu(z):
    return np.maximum(z, 0)


def relu_backward(dy, y):
    return dy * (y > 0)


def sigmoid(z):
    # 1 / (1 + e^-z) in place, from exp: NumPy vectorises exp on AVX2 but not tanh, so this takes about
    # half the time of 0.5 * (1 + tanh(z / 2)) (bench/numpy_costs.py). e^-z is capped at e^80: float32
    # holds it, and the result for z below -80 (at most 1.8e-35) stays a normal number, never a slow
    # subnormal.
    t = np.negative(z)
    np.minimum(t, 80.0, out=t)
    np.exp(t, out=t)
    t += 1.0
    return np.reciprocal(t, out=t)


def sigmoid_backward(dy, y):
    return dy * y * (1.0 - y)


def tanh(z):
    return np.tanh(z)


def tanh_backward(dy, y):
    return dy * (1.0 - y * y)


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_backward(dy, y):
    # The Jacobian diag(y) - y yᵀ applied to dy, without forming it.
    return y * (dy - (dy * y).sum(axis=-1, keepdims=True))


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
