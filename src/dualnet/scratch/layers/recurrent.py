"""SimpleRNN, LSTM and GRU: a loop over time steps, one matrix product per step for all gates.

Shared by all three (RecurrentLayer): the input projection x·W for every time
step in one product before the loop, laid out time-major (T, N, G·units) so that
each step reads one contiguous block; integer inputs (N, T) read as one-hot
vectors of the declared input size, which makes that projection a row lookup
W[x]; the gradient of W in one product after the backward loop; and
`return_sequences`. Weights are Keras's: kernel (input, G·units), recurrent
kernel (units, G·units), gates in Keras's order.

A step is a few NumPy calls on arrays of a few thousand numbers, so what one
call costs sets the speed (bench/numpy_costs.py): the steps write into arrays
made before the loop (`out=`) rather than make new ones, and the gates go
through their activations together where they can.

Backward, the loop is shorter still. Backpropagation is linear in the gradient
coming from above, and every gate's part in it is that gradient times a factor
the forward pass fixed (an activation's slope times the value it multiplied),
so the factors are made for the whole sequence before the loop, in a few calls
on contiguous arrays (NumPy's arithmetic on a strided view of one gate is three
to four times as slow). The loop then works feature-major, (units, N) per
gate: the recurrent kernel (units, G·units) times a step's stacked gate
gradients (G·units, N) is the gradient sent to the previous step, summed over
the gates, in one product. An LSTM step is seven calls, a GRU step two (its
z·dh term is an identity block in that product) where it was 13-15.
"""

from __future__ import annotations

import numpy as np

from dualnet.scratch import activations
from dualnet.scratch.layers.base import Layer, LayerInputError, column_sums


def gate_major(a: np.ndarray, gates: int) -> np.ndarray:
    """(..., N, G·units) as (..., G, N, units), contiguous: within a step each gate's block is one
    contiguous array, and NumPy works on a contiguous (32, 30) block about four times as fast as on the
    same numbers as a column slice of a (32, 120) array (an add: 0.38 against 1.66 µs, Intel Xeon)."""
    *lead, n, width = a.shape
    return np.ascontiguousarray(a.reshape(*lead, n, gates, width // gates).swapaxes(-2, -3))


def contiguous(a: np.ndarray) -> np.ndarray:
    """A copy of a gate's whole sequence (T, N, units), a strided view of (T, G, N, units): NumPy's
    arithmetic runs three to four times as fast on a contiguous array as on such a view (a product of
    two: 11 against 42 µs, AMD EPYC Zen 4), and the copy costs about one such operation."""
    return np.ascontiguousarray(a)


def feature_major(a: np.ndarray) -> np.ndarray:
    """(..., N, units) as (..., units, N), contiguous. The backward loops work feature-major: a step's
    gradients of all gates (G, units, N) are then one (G·units, N) matrix, and the recurrent kernel
    (units, G·units) times it is the gradient sent to the previous step, summed over the gates, in one
    product."""
    return np.ascontiguousarray(a.swapaxes(-1, -2))


def stacked_features(arrays) -> np.ndarray:
    """Whole sequences (T, N, units) as one feature-major array (T, len(arrays), units, N)."""
    steps, n, units = arrays[0].shape
    out = np.empty((steps, len(arrays), units, n), dtype=arrays[0].dtype)
    for k, a in enumerate(arrays):
        out[:, k] = a.swapaxes(1, 2)
    return out


def batch_major_from_features(a: np.ndarray) -> np.ndarray:
    """(T, G, units, N) feature-major gate gradients as (T, N, G·units), Keras's column order."""
    steps, gates, units, n = a.shape
    return np.ascontiguousarray(a.reshape(steps, gates * units, n).swapaxes(1, 2))


class RecurrentLayer(Layer):
    gates = 1  # how many blocks of `units` columns the kernels have

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 return_sequences=False, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        self.units, self.use_bias, self.return_sequences = int(units), use_bias, return_sequences
        self.activation, self.recurrent_activation = activation, recurrent_activation
        self.act, self.gate_act = activations.get(activation)[0], activations.get(recurrent_activation)[0]
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
    def project(self, x, bias=None, kernel=None):
        """x·W (+ bias) for every time step at once, time-major: (T, N, G·units); `kernel` in place of
        the layer's own (one with some columns scaled)."""
        self.x = x
        kernel = self.kernel if kernel is None else kernel
        if np.issubdtype(x.dtype, np.integer):
            xw = kernel[x.T]
        else:  # one product of 2-D arrays: NumPy multiplies a 3-D one matrix by matrix, step by step
            n, steps, width = x.shape
            xw = (np.ascontiguousarray(x.transpose(1, 0, 2)).reshape(-1, width) @ kernel).reshape(steps, n, -1)
        if bias is not None:
            xw += bias  # in place: xw is the product's (or the lookup's) own new array
        return xw

    def project_backward(self, dxw):
        """Gradients of the kernel and of the input (N, T, input) from dL/d(x·W), time-major (T, N, G·units)."""
        rows = dxw.reshape(-1, dxw.shape[-1])
        if np.issubdtype(self.x.dtype, np.integer):
            dkernel = np.zeros_like(self.kernel)
            np.add.at(dkernel, self.x.T.ravel(), rows)
            return dkernel, None
        dkernel = self.x.transpose(1, 0, 2).reshape(-1, self.x.shape[-1]).T @ rows
        if not self.input_gradient:
            return dkernel, None
        return dkernel, (rows @ self.kernel.T).reshape(dxw.shape[:2] + (-1,)).transpose(1, 0, 2)

    def one_tanh(self, blocks: str) -> np.ndarray | None:
        """Per column of the kernels: 0.5 in the block of a sigmoid gate ("s" in `blocks`), 1 elsewhere;
        None unless the activations are sigmoid and tanh. The layer scales its kernels and biases by it
        before the steps (exact in floating point), and a step then takes the gates of `blocks` through
        one tanh call: σ(z) = tanh(z/2)·0.5 + 0.5 and tanh(z) = tanh(z)·1 + 0 (`after_tanh`). NumPy's tanh
        is vectorised on AVX-512 (1.4 µs for 32 x 120 numbers against 6.0 for the exp-built sigmoid,
        Intel Xeon), and on AVX2 costs per number what that sigmoid does (bench/numpy_costs.py)."""
        if (self.recurrent_activation, self.activation) != ("sigmoid", "tanh"):
            return None
        width = self.gates * self.units
        factors = np.ones(width, dtype=self.kernel.dtype)
        factors[:len(blocks) * self.units] = np.repeat([0.5 if b == "s" else 1.0 for b in blocks], self.units)
        return factors

    def after_tanh(self, factors, blocks: int, n: int):
        """(scale, shift) for a step's first `blocks` gate blocks (blocks, N, units) after their tanh:
        y = tanh·scale + shift, whole arrays so that both operations are contiguous."""
        scale = np.ascontiguousarray(np.broadcast_to(
            factors[:blocks * self.units].reshape(blocks, 1, self.units), (blocks, n, self.units)))
        return scale, np.where(scale == 0.5, 0.5, 0.0).astype(scale.dtype)

    def first_step(self, steps: int, truncate: int | None) -> int:
        """The earliest step the backward pass reaches: 0, or the last `truncate` steps only (the
        argument, else the layer's own setting)."""
        truncate = truncate or self.truncate
        return 0 if truncate is None else max(0, steps - truncate)

    def output_of(self, hs):
        return hs if self.return_sequences else hs[:, -1]

    def upstream(self, dy):
        """dL/dh_t from above, feature-major: (the last step's (units, N), every step's (T, units, N)
        when the layer returns its sequence, else None: only the last step has one)."""
        if self.return_sequences:
            every = feature_major(dy.transpose(1, 0, 2))
            return every[-1].copy(), every
        return np.ascontiguousarray(dy.T), None

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
        steps, n, _ = xw.shape
        self.hs = np.zeros((steps + 1, n, self.units), dtype=xw.dtype)  # hs[0] is the initial state
        for t in range(steps):
            h = self.hs[t + 1]
            np.matmul(self.hs[t], self.recurrent_kernel, out=h)
            h += xw[t]
            self.act(h, out=h)
        return self.output_of(self.hs[1:].transpose(1, 0, 2))

    def backward(self, dy, truncate: int | None = None):
        """Backpropagation through time; `truncate` stops after that many steps back from the last."""
        steps, n, u = self.hs.shape[0] - 1, self.hs.shape[1], self.units
        slope = feature_major(activations.derivative(self.activation)(self.hs[1:], out=np.empty_like(self.hs[1:])))
        dh, every = self.upstream(dy)
        first = self.first_step(steps, truncate)
        dz = np.zeros((steps, 1, u, n), dtype=dh.dtype)               # dL/d(x·W + h·U + b); 0 before a truncation
        to_previous_step = self.recurrent_kernel.T if self.notes_gradient else self.recurrent_kernel
        for t in range(steps - 1, first - 1, -1):
            np.multiply(dh, slope[t], out=dz[t, 0])
            if t > first:
                np.matmul(to_previous_step, dz[t, 0], out=dh)
                if every is not None:
                    dh += every[t - 1]
        dz = batch_major_from_features(dz)                             # (T, N, units)
        dkernel, dx = self.project_backward(dz)
        drec = self.hs[:-1].reshape(-1, u).T @ dz.reshape(-1, u)
        self.grads = [dkernel, drec] + ([column_sums(dz.reshape(-1, dz.shape[-1]))] if self.use_bias else [])
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
        kernel, U, bias = self.kernel, self.recurrent_kernel, self.bias if self.use_bias else None
        halves = self.one_tanh("ssts")
        if halves is not None:
            kernel, U, bias = kernel * halves, U * halves, None if bias is None else bias * halves
        xw = gate_major(self.project(x, bias, kernel), 4)  # (T, 4, N, units)
        steps, _, n, u = xw.shape
        U = gate_major(U, 4)                               # (4, units, units)
        self.hs = np.zeros((steps + 1, n, u), dtype=xw.dtype)
        self.cs = np.zeros((steps + 1, n, u), dtype=xw.dtype)
        self.ifgo = np.empty((steps, 4, n, u), dtype=xw.dtype)  # gate values after their activations
        self.tanh_c = np.empty((steps, n, u), dtype=xw.dtype)
        if halves is not None:
            scale, shift = self.after_tanh(halves, 4, n)
        input_times_candidate = np.empty((n, u), dtype=xw.dtype)
        for t in range(steps):
            gates = self.ifgo[t]
            np.matmul(self.hs[t], U, out=gates)
            gates += xw[t]
            if halves is not None:
                np.tanh(gates, out=gates)
                gates *= scale
                gates += shift
            else:
                self.gate_act(gates[:2], out=gates[:2])
                self.act(gates[2], out=gates[2])
                self.gate_act(gates[3], out=gates[3])
            i, f, g, o = gates
            c = self.cs[t + 1]                                           # c = f·c_prev + i·c̃
            np.multiply(f, self.cs[t], out=c)
            np.multiply(i, g, out=input_times_candidate)
            c += input_times_candidate
            self.act(c, out=self.tanh_c[t])
            np.multiply(o, self.tanh_c[t], out=self.hs[t + 1])          # h = o·tanh(c)
        return self.output_of(self.hs[1:].transpose(1, 0, 2))

    def backward(self, dy, truncate: int | None = None):
        """Backpropagation through time. Each gate's gradient before its activation is the cell's
        gradient (i, f, c̃) or the output's (o) times a factor the forward pass fixed, so the factors are
        made for every step at once before the loop, and a step is seven NumPy calls (bench/numpy_costs.py:
        a call, not the arithmetic, sets the speed at these sizes)."""
        steps, _, n, u = self.ifgo.shape
        i, f, g, o = (contiguous(self.ifgo[:, k]) for k in range(4))
        gate_slope = activations.derivative(self.recurrent_activation)
        slope_of = activations.derivative(self.activation)

        def sloped(values, slope, times):
            out = slope(values, out=np.empty_like(values))
            out *= times
            return out

        factors = stacked_features([sloped(i, gate_slope, g),                # i: dc·c̃·σ'
                                    sloped(f, gate_slope, self.cs[:-1]),     # f: dc·c_prev·σ'
                                    sloped(g, slope_of, i),                  # c̃: dc·i·tanh'
                                    sloped(o, gate_slope, self.tanh_c)])     # o: dh·tanh(c)·σ'
        h_to_c = feature_major(sloped(self.tanh_c, slope_of, o))           # dh/dc = o·tanh'(c)
        forget = feature_major(f)
        dh, every = self.upstream(dy)
        dc, from_h = np.zeros_like(dh), np.empty_like(dh)
        first = self.first_step(steps, truncate)
        dz = np.zeros((steps, 4, u, n), dtype=dh.dtype)                # dL/d(pre-activation); 0 before a truncation
        for t in range(steps - 1, first - 1, -1):
            np.multiply(dh, h_to_c[t], out=from_h)
            dc += from_h                                               # the cell's whole gradient
            np.multiply(dc, factors[t, :3], out=dz[t, :3])
            np.multiply(dh, factors[t, 3], out=dz[t, 3])
            if t > first:
                np.matmul(self.recurrent_kernel, dz[t].reshape(4 * u, n), out=dh)  # to h_prev through U
                if every is not None:
                    dh += every[t - 1]
                dc *= forget[t]                                        # to c_prev, through f
        dz = batch_major_from_features(dz)                             # (T, N, 4·units)
        drec = self.hs[:-1].reshape(-1, u).T @ dz.reshape(-1, 4 * u)
        dkernel, dx = self.project_backward(dz)
        self.grads = [dkernel, drec] + ([column_sums(dz.reshape(-1, dz.shape[-1]))] if self.use_bias else [])
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
        kernel, U = self.kernel, self.recurrent_kernel
        halves = self.one_tanh("ss")
        if halves is not None:
            kernel, U = kernel * halves, U * halves
            input_bias, recurrent_bias = (None if b is None else b * halves for b in (input_bias, recurrent_bias))
        xw = gate_major(self.project(x, input_bias, kernel), 3)  # (T, 3, N, units)
        steps, _, n, u = xw.shape
        U = gate_major(U, 3)                                     # (3, units, units)
        if recurrent_bias is not None:  # whole (3, N, units): a broadcast addition takes 3-4 times as long
            recurrent_bias = np.ascontiguousarray(np.broadcast_to(recurrent_bias.reshape(3, 1, u), (3, n, u)))
        if halves is not None:
            scale, shift = self.after_tanh(halves, 2, n)
        self.hs = np.zeros((steps + 1, n, u), dtype=xw.dtype)
        self.zrh = np.empty((steps, 3, n, u), dtype=xw.dtype)  # z, r, h̃ after their activations
        if self.reset_after:
            self.rec = np.empty((steps, 3, n, u), dtype=xw.dtype)  # h·U (+ b'), before r scales its h̃ part
        for t in range(steps):
            h, gates = self.hs[t], self.zrh[t]
            zr, hh = gates[:2], gates[2]
            if self.reset_after:
                rec = self.rec[t]
                np.matmul(h, U, out=rec)
                if recurrent_bias is not None:
                    rec += recurrent_bias
                np.add(xw[t, :2], rec[:2], out=zr)
            else:
                np.matmul(h, U[:2], out=zr)
                zr += xw[t, :2]
            if halves is not None:
                np.tanh(zr, out=zr)
                zr *= scale
                zr += shift
            else:
                self.gate_act(zr, out=zr)
            if self.reset_after:                              # h̃ = tanh(x·W_h + b_h + r·(h·U_h + b'_h))
                np.multiply(gates[1], rec[2], out=hh)
            else:                                             # h̃ = tanh(x·W_h + (r·h)·U_h + b_h)
                np.matmul(gates[1] * h, U[2], out=hh)
            hh += xw[t, 2]
            self.act(hh, out=hh)
            h_next = self.hs[t + 1]                           # h = z·h_prev + (1 - z)·h̃ = h̃ + z·(h_prev - h̃)
            np.subtract(h, hh, out=h_next)
            h_next *= gates[0]
            h_next += hh
        return self.output_of(self.hs[1:].transpose(1, 0, 2))

    def backward(self, dy, truncate: int | None = None):
        """Backpropagation through time, as LSTM's: every gradient a step needs is the gradient of its
        output times a factor the forward pass fixed (reset_after=False: or times U_h·d h̃), made for every
        step at once; a step is then two NumPy calls (four with reset_after=False). The previous step's
        gradient, dh·z + Σ U_g·d_g, is one product: the identity stands in the kernel for the z term."""
        steps, _, n, u = self.zrh.shape
        z, r, hh = (contiguous(self.zrh[:, k]) for k in range(3))
        hs_prev = self.hs[:-1]
        gate_slope = activations.derivative(self.recurrent_activation)
        d_candidate = activations.derivative(self.activation)(hh, out=np.empty_like(hh))
        d_candidate *= 1 - z                                           # d h̃ (before tanh) = dh·(1 - z)·tanh'
        d_update = hs_prev - hh
        d_update *= gate_slope(z, out=np.empty_like(z))                # d z = dh·(h_prev - h̃)·σ'
        slope_r = gate_slope(r, out=np.empty_like(r))
        U = self.recurrent_kernel                                      # (units, 3·units): U_z, U_r, U_h
        identity = np.eye(u, dtype=U.dtype)
        dh, every = self.upstream(dy)
        dhs = np.zeros((steps, u, n), dtype=dh.dtype)                  # dL/dh_t, all from above and later
        dhs[-1] = dh
        first = self.first_step(steps, truncate)
        if self.reset_after:
            # per step, (4, units, N): d z, d r, d(h·U_h + b'_h) = d h̃·r, and dh·z (the identity's block)
            d_reset = d_candidate * contiguous(self.rec[:, 2])
            d_reset *= slope_r
            factors = stacked_features([d_update, d_reset, d_candidate * r, z])
            passes = np.concatenate([U, identity], axis=1)             # (units, 4·units)
            blocks = np.zeros((steps, 4, u, n), dtype=dh.dtype)
            for t in range(steps - 1, first - 1, -1):
                np.multiply(dhs[t], factors[t], out=blocks[t])
                if t > first:
                    np.matmul(passes, blocks[t].reshape(4 * u, n), out=dhs[t - 1])
                    if every is not None:
                        dhs[t - 1] += every[t - 1]
            # the input's own gradient for h̃ is d h̃ itself, in place of the identity's block
            np.multiply(dhs, feature_major(d_candidate), out=blocks[:, 3])
            by_column = batch_major_from_features(blocks)              # (T, N, 4·units): z, r, h·U_h, h̃
            drec, dxw = by_column[:, :, :3 * u], np.concatenate([by_column[:, :, :2 * u], by_column[:, :, 3 * u:]], axis=2)
        else:
            # per step, (5, units, N): d h̃, d z, dh·z; then from m = U_h·d h̃ (the gradient of r·h): d r, m·r
            first_factors = stacked_features([d_candidate, d_update, z])
            after_m = stacked_features([hs_prev * slope_r, r])
            passes = np.concatenate([U[:, :u], identity, U[:, u:2 * u], identity], axis=1)  # for blocks 1-4
            U_h = np.ascontiguousarray(U[:, 2 * u:])
            blocks = np.zeros((steps, 5, u, n), dtype=dh.dtype)
            m = np.empty_like(dh)
            for t in range(steps - 1, first - 1, -1):
                np.multiply(dhs[t], first_factors[t], out=blocks[t, :3])
                np.matmul(U_h, blocks[t, 0], out=m)
                np.multiply(m, after_m[t], out=blocks[t, 3:])
                if t > first:
                    np.matmul(passes, blocks[t, 1:].reshape(4 * u, n), out=dhs[t - 1])
                    if every is not None:
                        dhs[t - 1] += every[t - 1]
            # z, r, h̃: the same for the input and the recurrent kernel (whose h̃ input is r·h)
            by_column = dxw = drec = batch_major_from_features(blocks[:, [1, 3, 0]])
        rows = drec.reshape(-1, 3 * u)
        if self.reset_after:
            drec_kernel = hs_prev.reshape(-1, u).T @ rows
        else:
            drec_kernel = np.concatenate([hs_prev.reshape(-1, u).T @ rows[:, :2 * u],
                                          (r * hs_prev).reshape(-1, u).T @ rows[:, 2 * u:]], axis=1)
        dkernel, dx = self.project_backward(dxw)
        grads = [dkernel, drec_kernel]
        if self.use_bias:
            sums = column_sums(by_column.reshape(-1, by_column.shape[-1]))
            grads.append(np.stack([sums[np.r_[:2 * u, 3 * u:4 * u]], sums[:3 * u]]) if self.reset_after else sums)
        self.grads = grads
        return dx

    def get_config(self):
        return {**super().get_config(), "reset_after": self.reset_after}
