"""BatchNormalization: each channel (the last axis) scaled to zero mean and unit variance, then by
gamma and shifted by beta. Weights in Keras's order: gamma, beta (trained), moving_mean,
moving_variance (not trained: updated by each training batch as Keras does)."""

from __future__ import annotations

import numpy as np

from dualnet.scratch.layers.base import Layer


class BatchNormalization(Layer):
    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", **kwargs):
        super().__init__(**kwargs)
        if axis not in (-1,):
            raise ValueError("BatchNormalization: the scratch engine normalises the last axis (axis=-1) only")
        self.momentum, self.epsilon, self.center, self.scale = float(momentum), float(epsilon), center, scale
        self.initializers = (gamma_initializer, beta_initializer, moving_mean_initializer, moving_variance_initializer)

    def build(self, input_shape, rng):
        super().build(input_shape, rng)
        channels = (input_shape[-1],)
        gamma, beta, mean, variance = self.initializers
        trained = []
        if self.scale:
            self.gamma = self.add_weight("gamma", channels, gamma, rng)
            trained.append(self.gamma)
        if self.center:
            self.beta = self.add_weight("beta", channels, beta, rng)
            trained.append(self.beta)
        self.moving_mean = self.add_weight("moving_mean", channels, mean, rng)
        self.moving_variance = self.add_weight("moving_variance", channels, variance, rng)
        self._trained = trained

    @property
    def trainable_weights(self):
        return self._trained

    def forward(self, x, training):
        axes = tuple(range(x.ndim - 1))
        if training:
            mean, variance = x.mean(axis=axes), x.var(axis=axes)  # the batch's, biased, as Keras
            f = x.dtype.type
            self.moving_mean *= f(self.momentum)
            self.moving_mean += f(1 - self.momentum) * mean
            self.moving_variance *= f(self.momentum)
            self.moving_variance += f(1 - self.momentum) * variance
        else:
            mean, variance = self.moving_mean, self.moving_variance
        self.training = training
        self.inv_std = 1.0 / np.sqrt(variance + x.dtype.type(self.epsilon))
        self.x_hat = (x - mean) * self.inv_std
        y = self.x_hat * self.gamma if self.scale else self.x_hat.copy()
        return y + self.beta if self.center else y

    def backward(self, dy):
        axes = tuple(range(dy.ndim - 1))
        self.grads = ([(dy * self.x_hat).sum(axis=axes)] if self.scale else []) + \
                     ([dy.sum(axis=axes)] if self.center else [])
        dx_hat = dy * self.gamma if self.scale else dy
        if not self.training:  # the moving statistics are constants
            return dx_hat * self.inv_std
        # Training: the batch's mean and variance depend on x too.
        n = dy.size // dy.shape[-1]
        return (self.inv_std / n) * (n * dx_hat - dx_hat.sum(axis=axes)
                                     - self.x_hat * (dx_hat * self.x_hat).sum(axis=axes))

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "epsilon": self.epsilon, "center": self.center,
                "scale": self.scale}
