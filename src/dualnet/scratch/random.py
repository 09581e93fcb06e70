"""The engine's one source of randomness: initial weights, dropout masks and shuffling.

set_random_seed(s) makes everything after it repeat bit for bit, as
keras.utils.set_random_seed does for Keras.
"""

from __future__ import annotations

import numpy as np

_generator = np.random.default_rng()


def set_random_seed(seed: int) -> None:
    global _generator
    _generator = np.random.default_rng(seed)


def generator() -> np.random.Generator:
    return _generator
