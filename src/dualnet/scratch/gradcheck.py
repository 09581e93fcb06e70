"""Numerical gradient checking: the hand-written backward passes against central differences.

Run in float64, where a central difference with a step of 1e-6 is good to
about 1e-8 relative; a wrong derivative shows up as an error near 1.
"""

from __future__ import annotations

import numpy as np


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """The largest difference relative to the gradient's largest magnitude: element by element,
    a gradient of 1e-5 would carry the difference quotient's rounding (~1e-10) as a 1e-5 error."""
    analytic, numeric = np.asarray(analytic, np.float64), np.asarray(numeric, np.float64)
    if not analytic.size:
        return 0.0
    scale = max(np.abs(analytic).max(), np.abs(numeric).max(), 1e-8)
    return float(np.abs(analytic - numeric).max() / scale)


def numeric_gradient(f, array: np.ndarray, positions, eps: float = 1e-6) -> np.ndarray:
    """d f / d array[p] by central differences, at the given flat positions; array is restored."""
    flat = array.reshape(-1)
    if not np.shares_memory(flat, array):
        raise ValueError("numeric_gradient needs a C-contiguous array: it perturbs the array in place")
    out = np.empty(len(positions))
    for k, p in enumerate(positions):
        keep = flat[p]
        flat[p] = keep + eps
        up = f()
        flat[p] = keep - eps
        down = f()
        flat[p] = keep
        out[k] = (up - down) / (2 * eps)
    return out


def sample_positions(size: int, count: int, rng) -> np.ndarray:
    return np.arange(size) if size <= count else rng.choice(size, count, replace=False)


def check_layer(layer, x: np.ndarray, training: bool = False, samples: int = 25, seed: int = 0) -> dict:
    """Largest relative error of the input gradient and of each weight's gradient, for the scalar
    sum(layer(x) * r) with a fixed random r. The layer must be built; its weights become float64."""
    rng = np.random.default_rng(seed)
    for i, w in enumerate(layer.weights):
        layer.weights[i] = np.ascontiguousarray(w, dtype=np.float64)
        setattr(layer, layer.weight_names[i], layer.weights[i])  # the attribute the layer computes with
    integer = np.issubdtype(x.dtype, np.integer)
    x = x if integer else np.ascontiguousarray(x, dtype=np.float64)

    def forward():
        layer.rng = np.random.default_rng(seed)  # the same dropout mask every time
        return layer(x, training=training)

    upstream = rng.standard_normal(forward().shape)
    objective = lambda: float((forward() * upstream).sum())  # noqa: E731
    forward()
    dx = layer.backward(upstream)
    errors = {}
    if not integer:
        where = sample_positions(x.size, samples, rng)
        errors["input"] = relative_error(dx.reshape(-1)[where], numeric_gradient(objective, x, where))
    grads = [g.copy() for g in layer.grads]
    for name, w, g in zip(layer.weight_names, layer.weights, grads):
        where = sample_positions(w.size, samples, rng)
        errors[name] = relative_error(g.reshape(-1)[where], numeric_gradient(objective, w, where))
    return errors


def check_loss(loss, y_true, y_pred: np.ndarray, from_logits_path: bool = False, samples: int = 40,
               seed: int = 0) -> float:
    """Largest relative error of a loss's gradient with respect to its predictions (or logits)."""
    rng = np.random.default_rng(seed)
    y_pred = np.ascontiguousarray(y_pred, dtype=np.float64)
    value_and_grad = loss.value_and_grad_from_logits if from_logits_path else loss.value_and_grad
    _, grad = value_and_grad(y_true, y_pred)
    where = sample_positions(y_pred.size, samples, rng)
    numeric = numeric_gradient(lambda: value_and_grad(y_true, y_pred)[0], y_pred, where)
    return relative_error(grad.reshape(-1)[where], numeric)
