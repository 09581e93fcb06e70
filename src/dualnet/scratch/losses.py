"""Losses as Keras computes them, each returning the batch-mean loss and its gradient.

`value_and_grad(y_true, y_pred)` works on the model's outputs (probabilities for
the cross-entropies, clipped to [1e-7, 1 - 1e-7] as Keras does).
`value_and_grad_from_logits(y_true, z)` works on the pre-activation z of a final
softmax or sigmoid: Keras's TensorFlow backend recognises such an output and
computes the loss from z, which is exact and never saturates; so do we.
"""

from __future__ import annotations

import numpy as np

from dualnet.scratch.activations import sigmoid, softmax

EPSILON = 1e-7  # keras.config.epsilon()


class Loss:
    name = ""
    logits_of = None  # the final activation whose logits the loss may take instead ("softmax", "sigmoid")

    def __init__(self, from_logits: bool = False):
        self.from_logits = from_logits

    def __call__(self, y_true, y_pred) -> float:
        return self.value_and_grad(y_true, y_pred)[0]

    def value_and_grad(self, y_true, y_pred):
        if self.from_logits:
            return self.value_and_grad_from_logits(y_true, y_pred)
        return self.value_and_grad_from_probabilities(y_true, y_pred)


def log_softmax(z):
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


class CategoricalCrossentropy(Loss):
    """label_smoothing = e: the one-hot targets become t (1 - e) + e / classes, as Keras's."""
    name = "categorical_crossentropy"
    logits_of = "softmax"

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0):
        super().__init__(from_logits)
        if not 0.0 <= label_smoothing < 1.0:
            raise ValueError(f"label_smoothing must be in [0, 1), received {label_smoothing}")
        self.label_smoothing = float(label_smoothing)

    def smoothed(self, t, dtype):
        t = np.asarray(t, dtype=dtype)
        if not self.label_smoothing:
            return t
        return t * dtype.type(1.0 - self.label_smoothing) + dtype.type(self.label_smoothing / t.shape[-1])

    def value_and_grad_from_probabilities(self, t, p):
        t = self.smoothed(t, p.dtype)
        n = len(p)
        total = p.sum(axis=-1, keepdims=True)
        q = p / total                                   # Keras renormalises first
        inside = (q > EPSILON) & (q < 1 - EPSILON)      # the clip passes no gradient outside
        qc = np.clip(q, EPSILON, 1 - EPSILON)
        loss = -(t * np.log(qc)).sum(axis=-1).mean()
        dq = np.where(inside, -t / qc, 0.0) / n
        dp = (dq - (dq * q).sum(axis=-1, keepdims=True)) / total
        return float(loss), dp.astype(p.dtype)

    def value_and_grad_from_logits(self, t, z):
        t = self.smoothed(t, z.dtype)
        n = len(z)
        loss = -(t * log_softmax(z)).sum(axis=-1).mean()
        return float(loss), ((softmax(z) * t.sum(axis=-1, keepdims=True) - t) / n).astype(z.dtype)


class SparseCategoricalCrossentropy(Loss):
    name = "sparse_categorical_crossentropy"
    logits_of = "softmax"

    @staticmethod
    def labels(y, classes):
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1:
            raise ValueError(f"sparse_categorical_crossentropy takes one integer label per sample, "
                             f"received labels of shape {y.shape}; for one-hot labels use categorical_crossentropy")
        y = y.astype(np.intp)
        if y.size and (y.min() < 0 or y.max() >= classes):
            raise ValueError(f"sparse_categorical_crossentropy: labels must be in [0, {classes}) for a model with "
                             f"{classes} outputs, received labels from {y.min()} to {y.max()}")
        return y

    def value_and_grad_from_probabilities(self, y, p):
        y = self.labels(y, p.shape[-1])
        n, rows = len(p), np.arange(len(p))
        inside = (p > EPSILON) & (p < 1 - EPSILON)
        pc = np.clip(p, EPSILON, 1 - EPSILON)
        total = pc.sum(axis=-1, keepdims=True)
        loss = (np.log(total[:, 0]) - np.log(pc[rows, y])).mean()  # Keras: log, then softmax cross-entropy
        dpc = np.broadcast_to(1.0 / total, pc.shape).copy()
        dpc[rows, y] -= 1.0 / pc[rows, y]
        return float(loss), (np.where(inside, dpc, 0.0) / n).astype(p.dtype)

    def value_and_grad_from_logits(self, y, z):
        y = self.labels(y, z.shape[-1])
        n, rows = len(z), np.arange(len(z))
        loss = -log_softmax(z)[rows, y].mean()
        grad = softmax(z)
        grad[rows, y] -= 1.0
        return float(loss), (grad / n).astype(z.dtype)


class BinaryCrossentropy(Loss):
    name = "binary_crossentropy"
    logits_of = "sigmoid"

    def value_and_grad_from_probabilities(self, t, p):
        t = np.asarray(t, dtype=p.dtype).reshape(p.shape)
        inside = (p > EPSILON) & (p < 1 - EPSILON)
        pc = np.clip(p, EPSILON, 1 - EPSILON)
        loss = -(t * np.log(pc) + (1 - t) * np.log(1 - pc)).mean(axis=-1).mean()
        grad = np.where(inside, (pc - t) / (pc * (1 - pc)), 0.0) / p.size
        return float(loss), grad.astype(p.dtype)

    def value_and_grad_from_logits(self, t, z):
        t = np.asarray(t, dtype=z.dtype).reshape(z.shape)
        loss = (np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))).mean(axis=-1).mean()
        return float(loss), ((sigmoid(z) - t) / z.size).astype(z.dtype)


class MeanSquaredError(Loss):
    name = "mean_squared_error"

    def value_and_grad_from_probabilities(self, t, p):
        t = np.asarray(t, dtype=p.dtype).reshape(p.shape)
        diff = p - t
        return float((diff ** 2).mean(axis=-1).mean()), (2.0 * diff / diff.size).astype(p.dtype)

    value_and_grad_from_logits = value_and_grad_from_probabilities


LOSSES = {cls.name: cls for cls in (CategoricalCrossentropy, SparseCategoricalCrossentropy, BinaryCrossentropy,
                                     MeanSquaredError)}
LOSSES["mse"] = MeanSquaredError


def get(loss) -> Loss:
    if isinstance(loss, Loss):
        return loss
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; the scratch engine has {', '.join(LOSSES)}")
    return LOSSES[loss]()


# -- accuracy, as Keras picks it for "accuracy" given the loss ---------------
def sparse_categorical_accuracy(y, p):
    y = np.asarray(y).reshape(len(p))
    return (p.argmax(axis=-1) == y).astype(np.float32)


def categorical_accuracy(t, p):
    return (p.argmax(axis=-1) == t.argmax(axis=-1)).astype(np.float32)


def binary_accuracy(t, p, threshold=0.5):
    t = np.asarray(t).reshape(p.shape)
    return ((p > threshold) == (t > 0.5)).astype(np.float32).mean(axis=-1)


def accuracy_for(loss: Loss):
    """Keras resolves metrics=["accuracy"] by the loss: sparse, categorical or binary accuracy."""
    return {"sparse_categorical_crossentropy": sparse_categorical_accuracy,
            "categorical_crossentropy": categorical_accuracy,
            "binary_crossentropy": binary_accuracy}.get(loss.name, binary_accuracy)
