"""What one recurrent time step of the scratch engine is made of, priced: the NumPy calls an LSTM or GRU
step makes, each timed alone at the multiplication problem's sizes (batch 32, 30 units), float32.

    python bench/numpy_costs.py [--batch 32] [--units 30]

Why: a step of the scratch LSTM is some twenty NumPy calls on arrays of a few thousand numbers, so its
speed is set by what one call costs (dispatch, and the transcendental functions, which NumPy runs
element by element on CPUs without AVX-512) rather than by arithmetic; a compiled backend (XLA under
JAX) fuses the whole step. The figures here are what the scratch engine cannot go below per call."""

from __future__ import annotations

import argparse
import timeit

import dualnet  # noqa: F401  (before NumPy: it chooses OpenBLAS's kernels)
import numpy as np

from dualnet.machine import cpu_model, vector_extensions
from dualnet.scratch import activations


def per_call_microseconds(statement, env, number=20000) -> float:
    return min(timeit.repeat(statement, number=number, repeat=3, globals=env)) / number * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--units", type=int, default=30)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    n, u = args.batch, args.units
    env = {"np": np, "sigmoid": activations.sigmoid,
           "h": rng.standard_normal((n, u)).astype(np.float32),
           "w": rng.standard_normal((u, 4 * u)).astype(np.float32),
           "z": rng.standard_normal((n, 4 * u)).astype(np.float32),
           "zu": rng.standard_normal((n, u)).astype(np.float32)}
    env["out"] = np.empty_like(env["z"])
    rows = [("h @ recurrent_kernel", "h @ w", f"({n},{u}) @ ({u},{4 * u})", n * 4 * u),
            ("add", "z + z", f"({n},{4 * u})", n * 4 * u),
            ("multiply in place", "np.multiply(zu, zu, out=zu)", f"({n},{u})", n * u),
            ("slice assignment", "out[:, :60] = z[:, :60]", f"({n},60)", n * 60),
            ("np.tanh", "np.tanh(z)", f"({n},{4 * u})", n * 4 * u),
            ("np.exp", "np.exp(z)", f"({n},{4 * u})", n * 4 * u),
            ("scratch sigmoid", "sigmoid(z)", f"({n},{4 * u})", n * 4 * u)]
    print(f"Machine: {cpu_model()} ({', '.join(vector_extensions()) or 'no AVX'}); NumPy {np.__version__}\n")
    print("| call | shape | microseconds per call | nanoseconds per element |")
    print("|---|---|---|---|")
    for name, statement, shape, elements in rows:
        micro = per_call_microseconds(statement, env)
        print(f"| {name} | {shape} | {micro:.2f} | {1000 * micro / elements:.2f} |")


if __name__ == "__main__":
    main()
