"""Conv2D as im2col: every window becomes a row, and one matrix product does the rest."""

from __future__ import annotations

import numpy as np

from dualnet.scratch.layers.base import ActivatedLayer, column_sums


def pair(value) -> tuple[int, int]:
    return (int(value), int(value)) if np.isscalar(value) else (int(value[0]), int(value[1]))


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int, int]:
    """TensorFlow's 'same': output ceil(size / stride); the odd pixel of padding goes after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return out, total // 2, total - total // 2


def output_size(size, kernel, stride, padding) -> tuple[int, int, int]:
    """(output size, padding before, padding after) along one axis."""
    if padding == "same":
        return same_padding(size, kernel, stride)
    if padding == "valid":
        return (size - kernel) // stride + 1, 0, 0
    raise ValueError(f"padding must be 'valid' or 'same', received {padding!r}")


def window_geometry(input_shape, window, strides, padding):
    """((out_h, out_w), padding for np.pad) of a sliding window over (H, W, C) inputs."""
    (oh, top, bottom), (ow, left, right) = (output_size(input_shape[a], window[a], strides[a], padding)
                                            for a in (0, 1))
    return (oh, ow), ((0, 0), (top, bottom), (left, right), (0, 0))


def windows(x: np.ndarray, kernel, strides, out) -> np.ndarray:
    """A view (N, out_h, out_w, kh, kw, C) of every window of x (N, H, W, C); no copy."""
    n, _, _, c = x.shape
    sn, sh, sw, sc = x.strides
    return np.lib.stride_tricks.as_strided(
        x, shape=(n, out[0], out[1], kernel[0], kernel[1], c),
        strides=(sn, sh * strides[0], sw * strides[1], sh, sw, sc), writeable=False)


class Conv2D(ActivatedLayer):
    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", data_format=None, **kwargs):
        super().__init__(activation=activation, **kwargs)
        if data_format not in (None, "channels_last"):
            raise ValueError("Conv2D: the scratch engine works in channels_last, as Keras does by default")
        self.filters, self.kernel_size, self.strides = int(filters), pair(kernel_size), pair(strides)
        self.padding, self.use_bias = padding.lower(), use_bias
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer

    def build(self, input_shape, rng):
        super().build(input_shape, rng)
        self.kernel = self.add_weight("kernel", self.kernel_size + (input_shape[-1], self.filters),
                                      self.kernel_initializer, rng)
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.filters,), self.bias_initializer, rng)

    def geometry(self, input_shape):
        return window_geometry(input_shape, self.kernel_size, self.strides, self.padding)

    def compute_output_shape(self, input_shape):
        (oh, ow), _ = self.geometry(input_shape)
        return (oh, ow, self.filters)

    def im2col(self, window_view):
        """The windows as rows of one matrix, refilled in a kept array: a copy by reshape takes a path
        through NumPy twice as slow (VGG's second convolution: 4.9 ms by reshape, 1.7 ms refilled)."""
        cols = self.kept("cols", window_view.shape, window_view.dtype)
        np.copyto(cols, window_view)
        return cols.reshape(-1, self.kernel[..., 0].size)

    def linear_forward(self, x):
        out, pads = self.geometry(x.shape[1:])
        self.pads = pads
        x_pad = np.pad(x, pads) if any(p != (0, 0) for p in pads) else x
        self.padded_shape = x_pad.shape
        self.cols = self.im2col(windows(x_pad, self.kernel_size, self.strides, out))
        z = (self.cols @ self.kernel.reshape(-1, self.filters)).reshape((len(x),) + out + (self.filters,))
        if self.use_bias:
            z += self.bias  # in place: z is the product's own new array
        return z

    def linear_backward(self, dz):
        dz2 = dz.reshape(-1, self.filters)
        # (dzᵀ·cols)ᵀ rather than colsᵀ·dz: the same numbers, and BLAS is up to twice as fast this way round.
        self.grads = [(dz2.T @ self.cols).T.reshape(self.kernel.shape)] + ([column_sums(dz2)] if self.use_bias else [])
        if not self.input_gradient:
            return None
        # The input gradient, one kernel position at a time: dz·W[i, j]ᵀ is what each window sends back
        # through position (i, j), added straight into the shifted input slice it came from. No
        # (windows × kh·kw·C) matrix is made and scattered (VGG's second convolution: 10.2 → 6.2 ms; its
        # deeper ones: 11 % faster).
        kh, kw = self.kernel_size
        sh, sw = self.strides
        n, oh, ow, _ = dz.shape
        dx = np.zeros(self.padded_shape, dtype=dz.dtype)
        for i in range(kh):
            for j in range(kw):
                dx[:, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw, :] += (
                    dz2 @ self.kernel[i, j].T).reshape(n, oh, ow, -1)
        return self.unpadded(dx)

    def unpadded(self, padded):
        """The input's own pixels of an array laid out on the padded grid (a view)."""
        (top, _), (left, _) = self.pads[1], self.pads[2]
        h, w = self.input_shape[0], self.input_shape[1]
        return padded[:, top:top + h, left:left + w, :]

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding, "use_bias": self.use_bias}
