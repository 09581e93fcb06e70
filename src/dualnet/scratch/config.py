"""The scratch engine's float type, as Keras's `keras.config.floatx()`.

float32 is what the course trains in. float64 is for comparisons: a backward pass routes gradients
through max-pooling winners and ReLU signs, which float32 rounding can flip at a near-tie; in float64
such a flip needs two values within ~1e-16 of each other."""

from __future__ import annotations

FLOAT_TYPES = ("float32", "float64")
_floatx = "float32"


def floatx() -> str:
    return _floatx


def set_floatx(value: str) -> None:
    global _floatx
    if value not in FLOAT_TYPES:
        raise ValueError(f"floatx must be one of {', '.join(FLOAT_TYPES)}; received {value!r}")
    _floatx = value
