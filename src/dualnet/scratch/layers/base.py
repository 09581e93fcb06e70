"""What every scratch layer shares: names, weights in Keras's order, shape checks, configs.

A layer's `forward(x, training)` caches exactly what its `backward(dy)` needs;
`backward` stores the gradient of every trained weight in `self.grads` (same order as
`self.trainable_weights`: all of `self.weights` except where a layer keeps statistics, as
BatchNormalization's moving mean and variance) and returns the gradient with respect to the input. Large gradients are
written into arrays the layer keeps, so the next backward pass overwrites them: copy one to keep it.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict

import numpy as np

from dualnet.scratch import activations, config, initializers

_name_counts: dict[str, int] = defaultdict(int)


def snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower().replace("2_d", "2d")


def unique_name(prefix: str) -> str:
    """Keras's automatic names: conv2d, conv2d_1, conv2d_2, ..."""
    count = _name_counts[prefix]
    _name_counts[prefix] += 1
    return prefix if count == 0 else f"{prefix}_{count}"


def shape_text(shape) -> str:
    return str(tuple(None if d is None else int(d) for d in shape))


class LayerInputError(ValueError):
    pass


@functools.lru_cache(maxsize=16)
def _ones(length: int, dtype: str) -> np.ndarray:
    ones = np.ones(length, dtype=dtype)
    ones.flags.writeable = False
    return ones


def column_sums(a: np.ndarray) -> np.ndarray:
    """The sum of each column of a 2-D array (a bias's gradient), as the product of a vector of ones
    with it: BLAS takes a fifth of the time of NumPy's reduction over rows (3,200 x 90: 26 against 116 µs,
    AMD EPYC Zen 4)."""
    return _ones(len(a), a.dtype.str) @ a


class Layer:
    def __init__(self, name=None, trainable=True, input_shape=None, dtype=None, **unknown):
        if unknown:
            raise TypeError(f"{type(self).__name__}: unexpected argument(s) {', '.join(unknown)}; "
                            "the scratch engine takes Keras's argument names")
        self.name = name or unique_name(snake_case(type(self).__name__))
        self.trainable = trainable
        self.dtype = np.dtype(dtype or config.floatx())  # of the weights and the float inputs
        self.declared_input_shape = tuple(input_shape) if input_shape is not None else None
        self.input_shape = None   # without the batch axis, once built
        self.weights: list[np.ndarray] = []
        self.weight_names: list[str] = []
        self.grads: list[np.ndarray] = []
        self.grad_squares: list[np.ndarray] | None = None  # see optimizers.Optimizer.apply
        self.built = False
        self.rng = None
        # False for a model's first layer: nothing needs the gradient of the model's input, and
        # skipping it saves the most expensive product of a first convolution's backward pass.
        self.input_gradient = True

    # -- building -----------------------------------------------------------
    def add_weight(self, name: str, shape, initializer: str, rng) -> np.ndarray:
        value = initializers.get(initializer)(tuple(shape), rng).astype(self.dtype)
        self.weights.append(value)
        self.weight_names.append(name)
        return value

    def build(self, input_shape, rng) -> None:
        """Create the weights for inputs of `input_shape` (no batch axis)."""
        self.input_shape = tuple(input_shape)
        self.rng = rng
        self.built = True

    def compute_output_shape(self, input_shape) -> tuple:
        return tuple(input_shape)

    @property
    def output_shape(self) -> tuple:
        return self.compute_output_shape(self.input_shape)

    # -- running ------------------------------------------------------------
    def check_input(self, x: np.ndarray) -> None:
        expected = self.input_shape
        if x.ndim != len(expected) + 1 or any(e is not None and e != s for e, s in zip(expected, x.shape[1:])):
            raise LayerInputError(
                f"{type(self).__name__} '{self.name}': expected input of shape {shape_text((None,) + expected)}, "
                f"received {shape_text(x.shape)}"
            )

    def __call__(self, x, training: bool = False):
        if not self.built:
            self.build(np.shape(x)[1:], _default_rng())
        self.check_input(x)
        return self.forward(x, training)

    def forward(self, x, training: bool):
        raise NotImplementedError

    def backward(self, dy):
        raise NotImplementedError

    def kept(self, key: str, shape, dtype) -> np.ndarray:
        """A work array kept from step to step and overwritten: a fresh array of many megabytes costs
        page faults at every step (VGG's Dense kernel gradient: 1.9 ms kept, 2.3 to 3.6 ms fresh)."""
        arrays = self.__dict__.setdefault("_kept", {})
        array = arrays.get(key)
        if array is None or array.shape != tuple(shape) or array.dtype != dtype:
            array = arrays[key] = np.empty(shape, dtype)
        return array

    # -- weights ------------------------------------------------------------
    @property
    def trainable_weights(self) -> list[np.ndarray]:
        return self.weights

    def count_params(self) -> int:
        return int(sum(w.size for w in self.weights))

    def get_weights(self) -> list[np.ndarray]:
        return [w.copy() for w in self.weights]

    def set_weights(self, values) -> None:
        values = list(values)
        if len(values) != len(self.weights):
            raise ValueError(f"{type(self).__name__} '{self.name}': set_weights got {len(values)} arrays, "
                             f"the layer has {len(self.weights)} ({', '.join(self.weight_names) or 'none'})")
        for i, (name, old, new) in enumerate(zip(self.weight_names, self.weights, values)):
            new = np.asarray(new)
            if new.shape != old.shape:
                raise ValueError(f"{type(self).__name__} '{self.name}': weight '{name}' has shape "
                                 f"{old.shape}, received {new.shape}")
            self.weights[i][...] = new  # in place: the optimizer's references stay valid

    def get_config(self) -> dict:
        return {"name": self.name, "trainable": self.trainable}


class ActivatedLayer(Layer):
    """A linear map followed by an activation (Dense, Conv2D). The model may hand backward the
    gradient of the pre-activation directly (`preactivation=True`), when the loss is computed from
    logits as Keras does for softmax + cross-entropy."""

    def __init__(self, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.activation = activation or "linear"
        self._act, self._act_backward = activations.get(self.activation)

    def forward(self, x, training):
        z = self.linear_forward(x)
        if self.activation == "relu":  # in place: nothing needs a hidden ReLU layer's logits again
            self.logits, self.output = None, np.maximum(z, 0, out=z)
        else:
            self.logits, self.output = z, self._act(z)
        return self.output

    def backward(self, dy, preactivation: bool = False):
        if preactivation:
            dz = dy
        elif self.activation == "relu":  # into a kept array: a CNN's largest arrays, made at every step
            dz = np.multiply(dy, self.output > 0, out=self.kept("relu_dz", dy.shape, dy.dtype))
        else:
            dz = self._act_backward(dy, self.output)
        return self.linear_backward(dz)

    def linear_forward(self, x):
        raise NotImplementedError

    def linear_backward(self, dz):
        raise NotImplementedError

    def get_config(self):
        return {**super().get_config(), "activation": self.activation}


def _default_rng():
    from dualnet.scratch.random import generator

    return generator()
