"""Weight initialisers with Keras's names and formulas. They draw in float64; the layer casts the
values to its own dtype (so float32 weights are the same whichever float type is drawn first)."""

from __future__ import annotations

import numpy as np


def fans(shape):
    """Keras's fan-in and fan-out: for a kernel (kh, kw, c_in, c_out) the receptive field multiplies both."""
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


def glorot_uniform(shape, rng):
    fan_in, fan_out = fans(shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape)


def orthogonal(shape, rng):
    rows, cols = int(np.prod(shape[:-1])), shape[-1]
    a = rng.standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q *= np.sign(np.diag(r))  # makes the decomposition unique, so the distribution is uniform
    if rows < cols:
        q = q.T
    return np.ascontiguousarray(q.reshape(shape))


def uniform(shape, rng, minval=-0.05, maxval=0.05):
    """Keras's RandomUniform defaults; Embedding's initialiser."""
    return rng.uniform(minval, maxval, size=shape)


def zeros(shape, rng=None):
    return np.zeros(shape)


def ones(shape, rng=None):
    return np.ones(shape)


INITIALIZERS = {"glorot_uniform": glorot_uniform, "orthogonal": orthogonal, "uniform": uniform,
                "zeros": zeros, "ones": ones}


def get(name):
    if name not in INITIALIZERS:
        raise ValueError(f"unknown initializer {name!r}; the scratch engine has {', '.join(INITIALIZERS)}")
    return INITIALIZERS[name]
