"""The multiplication problem of book listing 7.6, from a seeded generator.

Each sample is 100 time steps of two features: a marker (1 at two positions
drawn without replacement, 0 elsewhere) and a uniform number in [0, 1). The
target is the product of the two marked numbers. The draws follow the notes'
loop in order (100 numbers, then the two positions), from
numpy.random.default_rng(seed), so a seed fixes the whole set.
"""

from __future__ import annotations

import numpy as np


def multiplication_problem(samples: int = 3000, steps: int = 100, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = np.zeros((samples, steps, 2), dtype=np.float32)
    y = np.zeros(samples, dtype=np.float32)
    for i in range(samples):
        numbers = rng.random(steps)
        marked = rng.choice(steps, 2, replace=False)
        x[i, marked, 0] = 1.0
        x[i, :, 1] = numbers
        y[i] = np.prod(numbers[marked])
    return x, y


def sequence_problem():
    """Listing 7.1: [i/10 .. (i+3)/10] -> (i+4)/10 for i = 0..5, shaped (6, 4, 1) and (6,)."""
    x = np.array([[[c / 10] for c in range(i, i + 4)] for i in range(6)], dtype=np.float32)
    y = np.array([(i + 4) / 10 for i in range(6)], dtype=np.float32)
    return x, y
