"""MaxPooling2D (alias MaxPool2D): the largest value of each window; no weights."""

from __future__ import annotations

import numpy as np

from dualnet.scratch.layers.base import Layer
from dualnet.scratch.layers.conv import output_size, pair


class MaxPooling2D(Layer):
    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = pair(pool_size)
        self.strides = pair(strides) if strides is not None else self.pool_size  # Keras: strides default to pool_size
        self.padding = padding.lower()

    def geometry(self, input_shape):
        (oh, top, bottom), (ow, left, right) = (output_size(input_shape[a], self.pool_size[a], self.strides[a],
                                                            self.padding) for a in (0, 1))
        return (oh, ow), ((0, 0), (top, bottom), (left, right), (0, 0))

    def compute_output_shape(self, input_shape):
        (oh, ow), _ = self.geometry(input_shape)
        return (oh, ow, input_shape[-1])

    def forward(self, x, training):
        (oh, ow), pads = self.geometry(x.shape[1:])
        x_pad = np.pad(x, pads, constant_values=-np.inf) if any(p != (0, 0) for p in pads) else x
        self.pads, self.padded_shape, self.out_hw = pads, x_pad.shape, (oh, ow)
        # One strided slice per position in the window: pool_h * pool_w slices, stacked.
        stacked = np.stack([x_pad[:, i:i + self.strides[0] * (oh - 1) + 1:self.strides[0],
                                  j:j + self.strides[1] * (ow - 1) + 1:self.strides[1], :]
                            for i in range(self.pool_size[0]) for j in range(self.pool_size[1])])
        self.argmax = stacked.argmax(axis=0)  # the first maximum in row-major order, as TensorFlow routes it
        return np.take_along_axis(stacked, self.argmax[None], axis=0)[0]

    def backward(self, dy):
        dx = np.zeros(self.padded_shape, dtype=dy.dtype)
        (oh, ow), (sh, sw) = self.out_hw, self.strides
        for k in range(self.pool_size[0] * self.pool_size[1]):
            i, j = divmod(k, self.pool_size[1])
            dx[:, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw, :] += dy * (self.argmax == k)
        h, w = self.input_shape[0], self.input_shape[1]
        return dx[:, self.pads[1][0]:self.pads[1][0] + h, self.pads[2][0]:self.pads[2][0] + w, :]

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "strides": self.strides,
                "padding": self.padding}


MaxPool2D = MaxPooling2D
