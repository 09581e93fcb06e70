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
    # 1 / (1 + e^-z) written through tanh: never overflows, for any z.
    return 0.5 * (1.0 + np.tanh(0.5 * z))


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
