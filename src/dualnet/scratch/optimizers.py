"""SGD (with momentum), Adam and RMSprop with Keras 3's defaults and update rules.

`apply(weights, grads)` updates the weights in place; state is kept per weight,
by position, so the same optimizer must always see the same list. `squares`, where given, holds for a
weight the sum of its gradient's squared parts (an Embedding's rows, one part per occurrence in the
batch): Adam and RMSprop then use it where they would square the summed gradient, as Keras's
TensorFlow backend does with an Embedding's sparse (IndexedSlices) gradient.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np

# Every update rule is element by element, so a large weight is updated a piece at a time: the piece,
# its gradient and its state stay in the CPU's cache through all of the rule's steps (Adam on VGG's
# 4.7-million-weight Dense kernel: 13.4 ms whole, 7.5 ms in pieces of 2**15, 7.0 in pieces of 2**17).
PIECE = 1 << 17


def pieces(arrays, size):
    """Matching flat views of C-ordered arrays, PIECE elements at a time."""
    flats = [a.reshape(-1) for a in arrays]
    for start in range(0, size, PIECE):
        yield [f[start:start + PIECE] for f in flats]


class CosineDecay:
    """keras.optimizers.schedules.CosineDecay, with its arguments and values: where warmup_target is
    given, a straight line from initial_learning_rate up to warmup_target over warmup_steps; then half a
    cosine from there down to alpha times it over decay_steps; flat after that."""

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay", warmup_target=None,
                 warmup_steps=0):
        if decay_steps <= 0:
            raise ValueError(f"CosineDecay needs decay_steps > 0, not {decay_steps}")
        self.initial_learning_rate, self.decay_steps, self.alpha = float(initial_learning_rate), decay_steps, alpha
        self.name, self.warmup_target, self.warmup_steps = name, warmup_target, warmup_steps

    def __call__(self, step) -> float:
        if self.warmup_target is None:
            return self._decayed(min(step, self.decay_steps), self.initial_learning_rate)
        step = min(step, self.decay_steps + self.warmup_steps)
        if step < self.warmup_steps:
            rise = self.warmup_target - self.initial_learning_rate
            return self.initial_learning_rate + rise * step / self.warmup_steps
        return self._decayed(step - self.warmup_steps, self.warmup_target)

    def _decayed(self, step, start) -> float:
        cosine = 0.5 * (1.0 + math.cos(math.pi * step / self.decay_steps))
        return start * ((1 - self.alpha) * cosine + self.alpha)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


schedules = SimpleNamespace(CosineDecay=CosineDecay)  # as keras.optimizers.schedules


def clip_factor(g: np.ndarray, clipnorm: float, square=None):
    """Keras's clipnorm: a gradient whose L2 norm is above clipnorm is scaled down to that norm. With
    `square` (an Embedding's parts, see above) the norm is the parts' own, as tf.clip_by_norm takes it
    for TensorFlow's IndexedSlices."""
    norm = float(np.sqrt(np.vdot(g, g) if square is None else square.sum()))
    return None if norm <= clipnorm else clipnorm / norm


AVERAGE = "average"  # the key of a weight's moving average in a saved state


class Optimizer:
    def __init__(self, learning_rate, clipnorm=None, weight_decay=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None):
        if isinstance(learning_rate, dict):  # a schedule saved by get_config
            learning_rate = getattr(schedules, learning_rate["class_name"])(**learning_rate["config"])
        self.schedule = learning_rate if callable(learning_rate) else None
        self.fixed_learning_rate = None if self.schedule else float(learning_rate)
        self.iterations = 0
        self.state: list[dict] = []
        self.clipnorm = None if clipnorm is None else float(clipnorm)
        # Keras's decoupled weight decay: before each update, every trained weight loses weight_decay times
        # the step's learning rate of itself, whatever the gradient (AdamW's rule, for every optimizer).
        if weight_decay is not None and not float(weight_decay) >= 0.0:
            raise ValueError(f"weight_decay must be a number >= 0 or None, received {weight_decay!r}")
        self.weight_decay = None if weight_decay is None else float(weight_decay)
        # Keras's weight averaging: an exponential moving average of each weight after every step, copied
        # into the model when fit() ends (finalize_variable_values) or every ema_overwrite_frequency steps.
        if not 0.0 <= float(ema_momentum) <= 1.0:
            raise ValueError(f"ema_momentum must be between 0 and 1, received {ema_momentum}")
        if ema_overwrite_frequency is not None and (not isinstance(ema_overwrite_frequency, int)
                                                    or ema_overwrite_frequency < 1):
            raise ValueError("ema_overwrite_frequency must be an integer >= 1 or None, received "
                             f"{ema_overwrite_frequency!r}")
        self.use_ema, self.ema_momentum = bool(use_ema), float(ema_momentum)
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.averages: list[np.ndarray] = []

    @property
    def learning_rate(self) -> float:
        """The rate of the next step: a schedule's value at the current iteration, as Keras's
        optimizer.learning_rate reads."""
        return self.schedule(self.iterations) if self.schedule else self.fixed_learning_rate

    def apply(self, weights, grads, squares=None) -> None:
        if not self.state:
            self.state = [self.new_state(w) for w in weights]
        squares = squares or [None] * len(grads)
        if self.weight_decay:
            self.decay(weights)
        for w, g, s, g2 in zip(weights, grads, self.state, squares):
            g = g.astype(w.dtype, copy=False)
            factor = clip_factor(g, self.clipnorm, g2) if self.clipnorm else None
            if factor is not None:  # each weight's gradient on its own, as Keras's clipnorm does
                g = g * w.dtype.type(factor)
                g2 = None if g2 is None else g2 * w.dtype.type(factor * factor)
            if w.size <= PIECE or not w.flags.c_contiguous:  # reshape(-1) of w must be a view
                self.update(w, g, s, g2)
                continue
            names = list(s)
            extra = [] if g2 is None else [g2]
            for w_piece, g_piece, *rest in pieces([w, g] + extra + [s[k] for k in names], w.size):
                g2_piece = None if g2 is None else rest.pop(0)
                self.update(w_piece, g_piece, dict(zip(names, rest)), g2_piece)
        if self.use_ema:
            self.track_averages(weights)
        self.iterations += 1

    def decay(self, weights) -> None:
        """Each weight shrunk by weight_decay x the learning rate, before the rule's step, as Keras does (Keras
        clips first; the clip reads only the gradients, so that order changes nothing)."""
        for w in weights:
            shrink = w * w.dtype.type(self.weight_decay)
            shrink *= w.dtype.type(self.learning_rate)
            w -= shrink

    def track_averages(self, weights) -> None:
        """After the step: average = momentum * average + (1 - momentum) * weight; the first step's average
        is the weight itself, as in Keras."""
        if not self.averages:
            self.averages = [w.copy() for w in weights]
        else:
            for w, average in zip(weights, self.averages):
                average += (w - average) * w.dtype.type(1.0 - self.ema_momentum)
        if self.ema_overwrite_frequency and (self.iterations + 1) % self.ema_overwrite_frequency == 0:
            self.finalize_variable_values(weights)

    def finalize_variable_values(self, weights) -> None:
        """The weights become their averages (with use_ema; otherwise nothing changes), as Keras does at the
        end of fit()."""
        if self.use_ema and self.averages:
            for w, average in zip(weights, self.averages):
                w[...] = average

    def new_state(self, w) -> dict:
        return {}

    def update(self, w, g, state, square=None) -> None:
        """One rule, element by element; `square`, where given, replaces g * g (see above)."""
        raise NotImplementedError

    # -- checkpoints ----------------------------------------------------------
    def get_state(self) -> dict:
        arrays = {f"{i}/{k}": v for i, s in enumerate(self.state) for k, v in s.items()}
        arrays.update({f"{i}/{AVERAGE}": a for i, a in enumerate(self.averages)})
        return {"iterations": self.iterations, "arrays": arrays}

    def set_state(self, state, weights) -> None:
        self.iterations = int(state["iterations"])
        self.state = [self.new_state(w) for w in weights]
        averages = {}
        for key, value in state["arrays"].items():
            i, name = key.split("/")
            if name == AVERAGE:
                averages[int(i)] = np.array(value, dtype=weights[int(i)].dtype)
            else:
                self.state[int(i)][name][...] = value
        self.averages = [averages[i] for i in range(len(averages))]

    def get_config(self) -> dict:
        rate = ({"class_name": type(self.schedule).__name__, "config": self.schedule.get_config()}
                if self.schedule else self.fixed_learning_rate)
        clip = {} if self.clipnorm is None else {"clipnorm": self.clipnorm}
        decay = {} if self.weight_decay is None else {"weight_decay": self.weight_decay}
        ema = ({"use_ema": True, "ema_momentum": self.ema_momentum,
                "ema_overwrite_frequency": self.ema_overwrite_frequency} if self.use_ema else {})
        return {"name": type(self).__name__, "learning_rate": rate, **clip, **decay, **ema}


class SGD(Optimizer):
    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **common):
        super().__init__(learning_rate, **common)
        self.momentum, self.nesterov = float(momentum), nesterov

    def new_state(self, w):
        return {"momentum": np.zeros_like(w)} if self.momentum else {}

    def update(self, w, g, state, square=None):
        f = w.dtype.type  # constants in the weights' float type, so float32 stays float32
        lr = f(self.learning_rate)
        if not self.momentum:
            w -= lr * g
            return
        m = state["momentum"]
        m *= f(self.momentum)
        m -= lr * g
        w += (f(self.momentum) * m - lr * g) if self.nesterov else m

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


class Adam(Optimizer):
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **common):
        super().__init__(learning_rate, **common)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def new_state(self, w):
        return {"m": np.zeros_like(w), "v": np.zeros_like(w)}

    def update(self, w, g, state, square=None):
        f = w.dtype.type  # constants in the weights' float type, so float32 stays float32
        step = self.iterations + 1
        alpha = f(self.learning_rate * np.sqrt(1 - self.beta_2 ** step) / (1 - self.beta_1 ** step))
        m, v = state["m"], state["v"]
        m += (g - m) * f(1 - self.beta_1)
        v += ((g * g if square is None else square) - v) * f(1 - self.beta_2)
        w -= m * alpha / (np.sqrt(v) + f(self.epsilon))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}


class RMSprop(Optimizer):
    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, **common):
        super().__init__(learning_rate, **common)
        self.rho, self.momentum, self.epsilon = rho, float(momentum), epsilon

    def new_state(self, w):
        state = {"velocity": np.zeros_like(w)}
        if self.momentum:
            state["momentum"] = np.zeros_like(w)
        return state

    def update(self, w, g, state, square=None):
        f = w.dtype.type  # constants in the weights' float type, so float32 stays float32
        v = state["velocity"]
        v *= f(self.rho)
        v += f(1 - self.rho) * (g * g if square is None else square)
        increment = f(self.learning_rate) * g / np.sqrt(v + f(self.epsilon))
        if self.momentum:
            m = state["momentum"]
            m *= f(self.momentum)
            m += increment
            increment = m
        w -= increment

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon}


OPTIMIZERS = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop}


def get(optimizer) -> Optimizer:
    if isinstance(optimizer, Optimizer):
        return optimizer
    if str(optimizer).lower() not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; the scratch engine has SGD, Adam and RMSprop")
    return OPTIMIZERS[str(optimizer).lower()]()
