"""MaxPooling2D (alias MaxPool2D): the largest value of each window; no weights."""

from __future__ import annotations

import numpy as np

from dualnet.scratch.layers.base import Layer
from dualnet.scratch.layers.conv import pair, window_geometry


class MaxPooling2D(Layer):
    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = pair(pool_size)
        self.strides = pair(strides) if strides is not None else self.pool_size  # Keras: strides default to pool_size
        self.padding = padding.lower()

    def geometry(self, input_shape):
        return window_geometry(input_shape, self.pool_size, self.strides, self.padding)

    def compute_output_shape(self, input_shape):
        (oh, ow), _ = self.geometry(input_shape)
        return (oh, ow, input_shape[-1])

    def window_slices(self, array):
        """One strided view per position in the pooling window (pool_h * pool_w of them), row-major."""
        (oh, ow), (sh, sw) = self.out_hw, self.strides
        for i in range(self.pool_size[0]):
            for j in range(self.pool_size[1]):
                yield array[:, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw, :]

    def forward(self, x, training):
        """The running maximum over the window's positions, and which position (row-major) first held
        each output's maximum: the backward pass routes the gradient from that index alone, so it reads
        neither the input nor the output again."""
        (oh, ow), pads = self.geometry(x.shape[1:])
        x_pad = np.pad(x, pads, constant_values=-np.inf) if any(p != (0, 0) for p in pads) else x
        self.padded_shape, self.pads, self.out_hw = x_pad.shape, pads, (oh, ow)
        slices = self.window_slices(x_pad)
        output = next(slices).copy()
        index_type = np.min_scalar_type(self.pool_size[0] * self.pool_size[1] - 1)
        self.first_max = np.zeros(output.shape, dtype=index_type)
        greater = np.empty(output.shape, dtype=bool)
        candidate_index = np.empty(output.shape, dtype=index_type)
        for position, candidate in enumerate(slices, start=1):
            np.greater(candidate, output, out=greater)  # strictly: a tie keeps the earlier position
            np.maximum(output, candidate, out=output)
            # position exceeds every earlier index, so a maximum sets it where greater and keeps the rest
            np.multiply(greater, position, out=candidate_index, dtype=index_type)
            np.maximum(self.first_max, candidate_index, out=self.first_max)
        return output

    def backward(self, dy):
        """Each output's gradient goes to the first input of its window (row-major) equal to the
        maximum, as TensorFlow routes it, so tied inputs never share it."""
        (oh, ow), (sh, sw) = self.out_hw, self.strides
        overlapping = any(s < p for s, p in zip(self.strides, self.pool_size))
        tiled = not overlapping and self.padded_shape[1:3] == (oh * sh, ow * sw)
        # where the windows tile the input exactly, every element of dx is written once below
        dx = (np.empty if tiled else np.zeros)(self.padded_shape, dtype=dy.dtype)
        routed = np.empty(dy.shape, dtype=bool)
        for position, target in enumerate(self.window_slices(dx)):
            np.equal(self.first_max, position, out=routed)
            if overlapping:
                target += dy * routed
            else:  # each input lies in one window only: write, don't add
                np.multiply(dy, routed, out=target)
        h, w = self.input_shape[0], self.input_shape[1]
        return dx[:, self.pads[1][0]:self.pads[1][0] + h, self.pads[2][0]:self.pads[2][0] + w, :]

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "strides": self.strides,
                "padding": self.padding}


MaxPool2D = MaxPooling2D


class GlobalAveragePooling2D(Layer):
    """The mean of each channel over the image: (N, H, W, C) → (N, C)."""

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        if keepdims:
            raise ValueError("GlobalAveragePooling2D: keepdims=True is not in the scratch engine")

    def compute_output_shape(self, input_shape):
        return (input_shape[-1],)

    def forward(self, x, training):
        self.hw = x.shape[1:3]
        return x.mean(axis=(1, 2))

    def backward(self, dy):
        h, w = self.hw
        return np.broadcast_to((dy / (h * w))[:, None, None, :], (len(dy), h, w, dy.shape[-1])).copy()
