"""BatchNormalization: each channel (the last axis) scaled to zero mean and unit variance, then by
gamma and shifted by beta. Weights in Keras's order: gamma, beta (trained), moving_mean,
moving_variance (not trained: updated by each training batch as Keras does)."""

from __future__ import annotations

import numpy as np

from dualnet.scratch.layers.base import Layer, column_sums


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

    # Every pass works on x as a (samples x positions, channels) matrix; the sums over its rows are a
    # matrix-vector product with ones (BLAS: twice as fast as NumPy's row reduction at fashion-fast's
    # sizes) and einsum's sum of products, which needs no temporary array. Backward folds gamma and the
    # batch statistics into per-channel factors, so each pass over the data is one NumPy call.
    def forward(self, x, training):
        x2 = x.reshape(-1, x.shape[-1])
        if training:
            mean = column_sums(x2) / len(x2)
            self.centered = x2 - mean
            variance = np.einsum("ij,ij->j", self.centered, self.centered) / len(x2)  # biased, as Keras
            f = x.dtype.type
            self.moving_mean *= f(self.momentum)
            self.moving_mean += f(1 - self.momentum) * mean
            self.moving_variance *= f(self.momentum)
            self.moving_variance += f(1 - self.momentum) * variance
        else:
            variance = self.moving_variance
            self.centered = x2 - self.moving_mean
        self.training = training
        self.inv_std = 1.0 / np.sqrt(variance + x.dtype.type(self.epsilon))
        y = self.centered * (self.inv_std * self.gamma if self.scale else self.inv_std)
        if self.center:
            y += self.beta
        return y.reshape(x.shape)

    def backward(self, dy):
        dy2 = dy.reshape(-1, dy.shape[-1])
        dy_sum = column_sums(dy2)
        dy_xhat_sum = np.einsum("ij,ij->j", dy2, self.centered) * self.inv_std  # sum of dy * x_hat
        self.grads = ([dy_xhat_sum] if self.scale else []) + ([dy_sum] if self.center else [])
        factor = self.gamma * self.inv_std if self.scale else self.inv_std
        dx = dy2 * factor
        if self.training:  # the batch's mean and variance depend on x too
            n = len(dy2)
            dx -= self.centered * (factor * self.inv_std * dy_xhat_sum / n)
            dx -= factor * dy_sum / n
        return dx.reshape(dy.shape)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "epsilon": self.epsilon, "center": self.center,
                "scale": self.scale}
