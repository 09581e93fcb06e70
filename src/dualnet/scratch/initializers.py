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


def chrono_forget_bias(units: int, max_steps: int) -> np.ndarray:
    """Forget-gate biases log(tau) for memory spans tau spread evenly over [1, max_steps - 1]: the
    quantiles of chrono initialisation's uniform draw, so both engines start from the same values
    without sharing a random generator. A forget bias of log(tau) makes the gate keep a value for about
    tau steps, so some cells start out able to carry an input across the whole sequence."""
    if units < 1 or max_steps < 3:
        raise ValueError(f"chrono initialisation needs units >= 1 and max_steps >= 3; received {units}, {max_steps}")
    spans = 1.0 + (max_steps - 2) * (np.arange(units) + 0.5) / units
    return np.log(spans)


class ChronoBias:
    """An LSTM bias (gates i, f, c, o) whose forget gates start at chrono_forget_bias and input gates at
    its negative (a long-memory cell starts closed to new inputs); use it with unit_forget_bias=False.
    Spelled as Keras spells a registered initializer, so the same argument builds either engine:
    bias_initializer={"class_name": "dualnet>ChronoBias", "config": {"max_steps": T}}."""

    registered_name = "dualnet>ChronoBias"

    def __init__(self, max_steps: int):
        self.max_steps = int(max_steps)

    def __call__(self, shape, rng=None) -> np.ndarray:
        if len(shape) != 1 or shape[0] % 4:
            raise ValueError(f"ChronoBias is an LSTM bias of 4 * units values (gates i, f, c, o); received shape {shape}")
        units = shape[0] // 4
        forget = chrono_forget_bias(units, self.max_steps)
        return np.concatenate([-forget, forget, np.zeros(2 * units)])

    def get_config(self) -> dict:
        return {"max_steps": self.max_steps}


INITIALIZERS = {"glorot_uniform": glorot_uniform, "orthogonal": orthogonal, "uniform": uniform,
                "zeros": zeros, "ones": ones}
CLASSES = {ChronoBias.registered_name: ChronoBias}


def get(identifier):
    """A name of INITIALIZERS, or a registered class in Keras's serialized form
    {"class_name": ..., "config": {...}}."""
    if isinstance(identifier, dict):
        name = identifier.get("class_name")
        if name not in CLASSES:
            raise ValueError(f"unknown initializer class {name!r}; the scratch engine has {', '.join(CLASSES)}")
        return CLASSES[name](**identifier.get("config", {}))
    if identifier not in INITIALIZERS:
        raise ValueError(f"unknown initializer {identifier!r}; the scratch engine has {', '.join(INITIALIZERS)}")
    return INITIALIZERS[identifier]
