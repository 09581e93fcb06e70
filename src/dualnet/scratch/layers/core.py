"""Input, Dense, Flatten, Dropout."""

from __future__ import annotations

import numpy as np

from dualnet.scratch import activations
from dualnet.scratch.layers.base import ActivatedLayer, Layer, column_sums


class Input:
    """The input declaration of a Sequential model, like keras.Input(shape=...)."""

    def __init__(self, shape, dtype=None, name=None):
        self.shape = tuple(shape)
        self.dtype = dtype
        self.name = name


class Dense(ActivatedLayer):
    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", **kwargs):
        super().__init__(activation=activation, **kwargs)
        self.units, self.use_bias = int(units), use_bias
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer

    def build(self, input_shape, rng):
        super().build(input_shape, rng)
        self.kernel = self.add_weight("kernel", (input_shape[-1], self.units), self.kernel_initializer, rng)
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.units,), self.bias_initializer, rng)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def linear_forward(self, x):
        self.x = x
        z = x @ self.kernel
        if self.use_bias:
            z += self.bias  # in place: z is the product's own new array
        return z

    def linear_backward(self, dz):
        x2, dz2 = self.x.reshape(-1, self.x.shape[-1]), dz.reshape(-1, self.units)  # any leading axes
        kernel_grad = np.matmul(x2.T, dz2, out=self.kept("kernel_grad", self.kernel.shape, np.result_type(x2, dz2)))
        self.grads = [kernel_grad] + ([column_sums(dz2)] if self.use_bias else [])
        return dz @ self.kernel.T if self.input_gradient else None

    def get_config(self):
        return {**super().get_config(), "units": self.units, "use_bias": self.use_bias}


class Flatten(Layer):
    def compute_output_shape(self, input_shape):
        return (int(np.prod(input_shape)),)

    def forward(self, x, training):
        return x.reshape(len(x), -1)

    def backward(self, dy):
        return dy.reshape((len(dy),) + self.input_shape)


class Dropout(Layer):
    """Inverted dropout: in training, zero each input with probability `rate` and scale the rest by
    1 / (1 - rate), so nothing changes at inference."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise ValueError(f"Dropout: rate must be in [0, 1), received {rate}")
        self.rate = float(rate)

    def forward(self, x, training):
        if not training or self.rate == 0:
            self.mask = None
            return x
        keep = 1.0 - self.rate
        self.mask = (self.rng.random(x.shape, dtype=np.float32) < keep).astype(x.dtype) / x.dtype.type(keep)
        return x * self.mask

    def backward(self, dy):
        return dy if self.mask is None else dy * self.mask

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}


class Activation(Layer):
    """An activation on its own, as after BatchNormalization: Conv2D → BatchNormalization → Activation."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activation
        self._act, self._act_backward = activations.get(activation)

    def forward(self, x, training):
        self.output = self._act(x)
        return self.output

    def backward(self, dy):
        return self._act_backward(dy, self.output)

    def get_config(self):
        return {**super().get_config(), "activation": self.activation}
