"""SimpleRNN, LSTM and GRU: a loop over time steps, one matrix product per step for all gates.

Shared by all three (RecurrentLayer): the input projection x·W for every time
step in one product before the loop; integer inputs (N, T) read as one-hot
vectors of the declared input size, which makes that projection a row lookup
W[x]; the gradient of W in one product after the backward loop; and
`return_sequences`. Weights are Keras's: kernel (input, G·units), recurrent
kernel (units, G·units), gates in Keras's order.
"""

from __future__ import annotations

import numpy as np

from dualnet.scratch import activations
from dualnet.scratch.layers.base import Layer, LayerInputError


class RecurrentLayer(Layer):
    gates = 1  # how many blocks of `units` columns the kernels have

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 return_sequences=False, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        self.units, self.use_bias, self.return_sequences = int(units), use_bias, return_sequences
        self.activation, self.recurrent_activation = activation, recurrent_activation
        self.act, self.act_backward = activations.get(activation)
        self.gate_act, self.gate_act_backward = activations.get(recurrent_activation)
        self.kernel_initializer, self.recurrent_initializer = kernel_initializer, recurrent_initializer
        self.bias_initializer = bias_initializer
        self.truncate = None  # backpropagate through the last `truncate` steps only (None: all of them)

    def build(self, input_shape, rng):
        super().build(input_shape, rng)
        width = self.gates * self.units
        self.kernel = self.add_weight("kernel", (input_shape[-1], width), self.kernel_initializer, rng)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, width),
                                                self.recurrent_initializer, rng)
        if self.use_bias:
            self.build_bias(rng)

    def build_bias(self, rng):
        self.bias = self.add_weight("bias", (self.gates * self.units,), self.bias_initializer, rng)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units) if self.return_sequences else (self.units,)

    def check_input(self, x):
        if np.issubdtype(x.dtype, np.integer):  # indices standing for one-hot vectors
            steps = self.input_shape[0]
            if x.ndim != 2 or (steps is not None and x.shape[1] != steps):
                raise LayerInputError(f"{type(self).__name__} '{self.name}': integer inputs are one-hot indices "
                                      f"of shape (batch, {steps}), received {x.shape}")
            if x.size and (x.min() < 0 or x.max() >= self.input_shape[-1]):
                raise LayerInputError(f"{type(self).__name__} '{self.name}': one-hot indices must be in "
                                      f"[0, {self.input_shape[-1]}), received {x.min()} to {x.max()}")
            return
        super().check_input(x)

    # -- the input projection, shared ---------------------------------------
    def project(self, x, bias=None):
        """x·W (+ bias) for every time step at once: (N, T, G·units)."""
        self.x = x
        xw = self.kernel[x] if np.issubdtype(x.dtype, np.integer) else x @ self.kernel
        return xw + bias if bias is not None else xw

    def project_backward(self, dxw):
        """Gradients of the kernel and of the input from dL/d(x·W), shaped (N, T, G·units)."""
        width = dxw.shape[-1]
        if np.issubdtype(self.x.dtype, np.integer):
            dkernel = np.zeros_like(self.kernel)
            np.add.at(dkernel, self.x.ravel(), dxw.reshape(-1, width))
            return dkernel, None
        dkernel = self.x.reshape(-1, self.x.shape[-1]).T @ dxw.reshape(-1, width)
        return dkernel, (dxw @ self.kernel.T if self.input_gradient else None)

    @staticmethod
    def slope(backward, y):
        """f'(z) for every element, from f(z): computed once after the forward loop, so each backward
        step multiplies instead of calling the activation's derivative."""
        return backward(np.ones_like(y), y)

    def output_of(self, hs):
        return hs if self.return_sequences else hs[:, -1]

    def step_gradients(self, dy, steps):
        """dL/dh_t coming from above, for every t: (T, N, units)."""
        dh_out = np.zeros((steps,) + (dy.shape[0], self.units), dtype=dy.dtype)
        if self.return_sequences:
            dh_out[:] = dy.transpose(1, 0, 2)
        else:
            dh_out[-1] = dy
        return dh_out

    def get_config(self):
        return {**super().get_config(), "units": self.units, "activation": self.activation,
                "recurrent_activation": self.recurrent_activation, "use_bias": self.use_bias,
                "return_sequences": self.return_sequences}


class SimpleRNN(RecurrentLayer):
    """h_t = tanh(x_t·W + h_{t-1}·U + b).

    `notes_gradient = True` reproduces a slip in the Do it! book's hand-written network (09-2): its
    backward pass sends the error to the previous step through U instead of Uᵀ. The forward pass is
    unchanged; only the recurrent part of the gradient is wrong (for a square U it still runs)."""

    notes_gradient = False

    def forward(self, x, training):
        xw = self.project(x, self.bias if self.use_bias else None)
        n, steps, _ = xw.shape
        self.hs = np.zeros((steps + 1, n, self.units), dtype=xw.dtype)  # hs[0] is the initial state
        for t in range(steps):
            self.hs[t + 1] = self.act(xw[:, t] + self.hs[t] @ self.recurrent_kernel)
        return self.output_of(self.hs[1:].transpose(1, 0, 2))

    def backward(self, dy, truncate: int | None = None):
        """Backpropagation through time; `truncate` stops after that many steps back from the last."""
        dh_out = self.step_gradients(dy, self.hs.shape[0] - 1)
        steps = len(dh_out)
        dz = np.zeros((steps,) + dh_out.shape[1:], dtype=dy.dtype)
        dh = np.zeros_like(dh_out[0])
        slope = self.slope(self.act_backward, self.hs[1:])
        truncate = truncate or self.truncate
        first = 0 if truncate is None else max(0, steps - truncate)
        to_previous_step = self.recurrent_kernel if self.notes_gradient else self.recurrent_kernel.T
        for t in range(steps - 1, first - 1, -1):
            np.multiply(dh + dh_out[t], slope[t], out=dz[t])
            dh = dz[t] @ to_previous_step
        dz = dz.transpose(1, 0, 2)
        dkernel, dx = self.project_backward(dz)
        hs_prev = self.hs[:-1].reshape(-1, self.units)
        drec = hs_prev.T @ dz.transpose(1, 0, 2).reshape(-1, self.units)
        self.grads = [dkernel, drec] + ([dz.sum(axis=(0, 1))] if self.use_bias else [])
        return dx


class LSTM(RecurrentLayer):
    """Gates i, f, c̃, o (Keras's order): c_t = f·c_{t-1} + i·c̃, h_t = o·tanh(c_t)."""

    gates = 4

    def __init__(self, units, unit_forget_bias=True, **kwargs):
        super().__init__(units, **kwargs)
        self.unit_forget_bias = unit_forget_bias
        if unit_forget_bias and isinstance(self.bias_initializer, dict):
            # Keras would call the initializer for a third of the bias and set the forget gate to ones
            raise ValueError(f"LSTM '{self.name}': {self.bias_initializer.get('class_name')} sets every gate's "
                             "bias itself; pass unit_forget_bias=False with it")

    def build_bias(self, rng):
        super().build_bias(rng)
        if self.unit_forget_bias:  # Keras starts the forget gate open
            self.bias[self.units:2 * self.units] = 1.0

    def forward(self, x, training):
        xw = self.project(x, self.bias if self.use_bias else None)
        n, steps, _ = xw.shape
        u = self.units
        self.hs = np.zeros((steps + 1, n, u), dtype=xw.dtype)
        self.cs = np.zeros((steps + 1, n, u), dtype=xw.dtype)
        self.ifgo = np.zeros((steps, n, 4 * u), dtype=xw.dtype)  # gate values after their activations
        self.tanh_c = np.zeros((steps, n, u), dtype=xw.dtype)
        for t in range(steps):
            z = xw[:, t] + self.hs[t] @ self.recurrent_kernel
            gates = self.ifgo[t]
            gates[:, :2 * u] = self.gate_act(z[:, :2 * u])
            gates[:, 2 * u:3 * u] = self.act(z[:, 2 * u:3 * u])
            gates[:, 3 * u:] = self.gate_act(z[:, 3 * u:])
            i, f, g = gates[:, :u], gates[:, u:2 * u], gates[:, 2 * u:3 * u]
            self.cs[t + 1] = f * self.cs[t] + i * g
            self.tanh_c[t] = self.act(self.cs[t + 1])
            self.hs[t + 1] = gates[:, 3 * u:] * self.tanh_c[t]
        return self.output_of(self.hs[1:].transpose(1, 0, 2))

    def backward(self, dy, truncate: int | None = None):
        dh_out = self.step_gradients(dy, self.hs.shape[0] - 1)
        steps, u = len(dh_out), self.units
        dz = np.zeros((steps, dy.shape[0], 4 * u), dtype=dy.dtype)
        dh = np.zeros_like(dh_out[0])
        dc = np.zeros_like(dh)
        slope = np.empty_like(self.ifgo)
        slope[..., :2 * u] = self.slope(self.gate_act_backward, self.ifgo[..., :2 * u])
        slope[..., 2 * u:3 * u] = self.slope(self.act_backward, self.ifgo[..., 2 * u:3 * u])
        slope[..., 3 * u:] = self.slope(self.gate_act_backward, self.ifgo[..., 3 * u:])
        slope_c = self.slope(self.act_backward, self.tanh_c)
        truncate = truncate or self.truncate
        first = 0 if truncate is None else max(0, steps - truncate)
        for t in range(steps - 1, first - 1, -1):
            gates, d = self.ifgo[t], dz[t]
            i, f, g, o = gates[:, :u], gates[:, u:2 * u], gates[:, 2 * u:3 * u], gates[:, 3 * u:]
            dh += dh_out[t]
            dc += dh * o * slope_c[t]
            np.multiply(dc, g, out=d[:, :u])                       # d i
            np.multiply(dc, self.cs[t], out=d[:, u:2 * u])         # d f
            np.multiply(dc, i, out=d[:, 2 * u:3 * u])              # d c̃
            np.multiply(dh, self.tanh_c[t], out=d[:, 3 * u:])      # d o
            d *= slope[t]                                          # through the gates' activations
            dc *= f
            dh = d @ self.recurrent_kernel.T
        drec = self.hs[:-1].reshape(-1, u).T @ dz.reshape(-1, 4 * u)
        dz = dz.transpose(1, 0, 2)
        dkernel, dx = self.project_backward(dz)
        self.grads = [dkernel, drec] + ([dz.sum(axis=(0, 1))] if self.use_bias else [])
        return dx

    def get_config(self):
        return {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}


class GRU(RecurrentLayer):
    """Gates z (update), r (reset), h̃ (Keras's order); h_t = z·h_{t-1} + (1 - z)·h̃.

    reset_after=True (Keras's default): h̃ = tanh(x·W_h + b_h + r·(h·U_h + b'_h)), with a second,
    recurrent bias (bias shape (2, 3·units)). reset_after=False: h̃ = tanh(x·W_h + (r·h)·U_h + b_h)."""

    gates = 3

    def __init__(self, units, reset_after=True, **kwargs):
        super().__init__(units, **kwargs)
        self.reset_after = reset_after

    def build_bias(self, rng):
        shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
        self.bias = self.add_weight("bias", shape, self.bias_initializer, rng)

    def biases(self):
        if not self.use_bias:
            return None, None
        return (self.bias[0], self.bias[1]) if self.reset_after else (self.bias, None)

    def forward(self, x, training):
        input_bias, recurrent_bias = self.biases()
        xw = self.project(x, input_bias)
        n, steps, _ = xw.shape
        u = self.units
        self.hs = np.zeros((steps + 1, n, u), dtype=xw.dtype)
        self.zrh = np.zeros((steps, n, 3 * u), dtype=xw.dtype)  # z, r, h̃ after their activations
        self.rec_h = np.zeros((steps, n, u), dtype=xw.dtype)    # the recurrent part of h̃ before r scales it
        U = self.recurrent_kernel
        for t in range(steps):
            h = self.hs[t]
            gates = self.zrh[t]
            if self.reset_after:
                rec = h @ U if recurrent_bias is None else h @ U + recurrent_bias
                gates[:, :2 * u] = self.gate_act(xw[:, t, :2 * u] + rec[:, :2 * u])
                self.rec_h[t] = rec[:, 2 * u:]
                gates[:, 2 * u:] = self.act(xw[:, t, 2 * u:] + gates[:, u:2 * u] * self.rec_h[t])
            else:
                gates[:, :2 * u] = self.gate_act(xw[:, t, :2 * u] + h @ U[:, :2 * u])
                gates[:, 2 * u:] = self.act(xw[:, t, 2 * u:] + (gates[:, u:2 * u] * h) @ U[:, 2 * u:])
            z, hh = gates[:, :u], gates[:, 2 * u:]
            self.hs[t + 1] = z * h + (1.0 - z) * hh
        return self.output_of(self.hs[1:].transpose(1, 0, 2))

    def backward(self, dy, truncate: int | None = None):
        dh_out = self.step_gradients(dy, self.hs.shape[0] - 1)
        steps, u = len(dh_out), self.units
        U = self.recurrent_kernel
        dxw = np.zeros((steps, dy.shape[0], 3 * u), dtype=dy.dtype)   # dL/d(x·W + b) per gate
        drec = np.zeros_like(dxw)                                     # dL/d(h·U (+ b')) per gate
        dh = np.zeros_like(dh_out[0])
        slope = np.empty_like(self.zrh)
        slope[..., :2 * u] = self.slope(self.gate_act_backward, self.zrh[..., :2 * u])
        slope[..., 2 * u:] = self.slope(self.act_backward, self.zrh[..., 2 * u:])
        truncate = truncate or self.truncate
        first = 0 if truncate is None else max(0, steps - truncate)
        for t in range(steps - 1, first - 1, -1):
            h, gates, d = self.hs[t], self.zrh[t], dxw[t]
            z, r, hh = gates[:, :u], gates[:, u:2 * u], gates[:, 2 * u:]
            dh += dh_out[t]
            np.multiply(dh, h - hh, out=d[:, :u])                  # d z
            np.multiply(dh, 1.0 - z, out=d[:, 2 * u:])             # d h̃
            d[:, 2 * u:] *= slope[t, :, 2 * u:]                    # ... through tanh
            da_h = d[:, 2 * u:]
            if self.reset_after:
                np.multiply(da_h, self.rec_h[t], out=d[:, u:2 * u])  # d r
                d[:, :2 * u] *= slope[t, :, :2 * u]
                drec[t, :, :2 * u] = d[:, :2 * u]
                np.multiply(da_h, r, out=drec[t, :, 2 * u:])
                dh = dh * z + drec[t] @ U.T
            else:
                d_rh = da_h @ U[:, 2 * u:].T
                np.multiply(d_rh, h, out=d[:, u:2 * u])            # d r
                d[:, :2 * u] *= slope[t, :, :2 * u]
                drec[t, :, :2 * u] = d[:, :2 * u]
                drec[t, :, 2 * u:] = da_h  # its input is r·h, not h: see drec_kernel below
                dh = dh * z + d_rh * r + d[:, :2 * u] @ U[:, :2 * u].T
        hs_prev = self.hs[:-1]
        if self.reset_after:
            drec_kernel = hs_prev.reshape(-1, u).T @ drec.reshape(-1, 3 * u)
        else:
            r = self.zrh[:, :, u:2 * u]
            drec_kernel = np.concatenate([hs_prev.reshape(-1, u).T @ drec[:, :, :2 * u].reshape(-1, 2 * u),
                                          (r * hs_prev).reshape(-1, u).T @ drec[:, :, 2 * u:].reshape(-1, u)],
                                         axis=1)
        dkernel, dx = self.project_backward(dxw.transpose(1, 0, 2))
        grads = [dkernel, drec_kernel]
        if self.use_bias:
            dbias_in = dxw.sum(axis=(0, 1))
            grads.append(np.stack([dbias_in, drec.sum(axis=(0, 1))]) if self.reset_after else dbias_in)
        self.grads = grads
        return dx

    def get_config(self):
        return {**super().get_config(), "reset_after": self.reset_after}
