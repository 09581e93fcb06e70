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
    # the layer's own layouts: gate-major blocks (4, N, units), the recurrent kernel per gate (4, units,
    # units); and the feature-major alternative (units, N) state, (4·units, units) kernel
    env["blocks"] = rng.standard_normal((4, n, u)).astype(np.float32)
    env["blocks_out"] = np.empty_like(env["blocks"])
    env["u4"] = np.ascontiguousarray(env["w"].reshape(u, 4, u).swapaxes(0, 1))
    env["w_t"], env["h_t"] = np.ascontiguousarray(env["w"].T), np.ascontiguousarray(env["h"].T)
    env["z_t"] = np.empty((4 * u, n), dtype=np.float32)
    env["half"] = np.full((4, n, u), 0.5, dtype=np.float32)
    rows = [("h @ recurrent_kernel", "h @ w", f"({n},{u}) @ ({u},{4 * u})", n * 4 * u),
            ("add", "z + z", f"({n},{4 * u})", n * 4 * u),
            ("multiply in place", "np.multiply(zu, zu, out=zu)", f"({n},{u})", n * u),
            ("slice assignment", "out[:, :60] = z[:, :60]", f"({n},60)", n * 60),
            ("np.tanh", "np.tanh(z)", f"({n},{4 * u})", n * 4 * u),
            ("np.exp", "np.exp(z)", f"({n},{4 * u})", n * 4 * u),
            ("scratch sigmoid", "sigmoid(z)", f"({n},{4 * u})", n * 4 * u),
            ("h @ U per gate (the LSTM's forward)", "np.matmul(h, u4, out=blocks_out)", f"({n},{u}) @ (4,{u},{u})",
             n * 4 * u),
            ("U @ h feature-major (not adopted)", "np.matmul(w_t, h_t, out=z_t)", f"({4 * u},{u}) @ ({u},{n})",
             n * 4 * u),
            ("gates by one tanh, scaled and shifted (the engine's)",
             "np.tanh(blocks, out=blocks_out); np.multiply(blocks_out, half, out=blocks_out); "
             "np.add(blocks_out, half, out=blocks_out)", f"(4,{n},{u})", n * 4 * u),
            ("gates by exp, +1, reciprocal (σ directly; not adopted)",
             "np.exp(blocks, out=blocks_out); np.add(blocks_out, 1, out=blocks_out); "
             "np.reciprocal(blocks_out, out=blocks_out)",
             f"(4,{n},{u})", n * 4 * u)]
    print(f"Machine: {cpu_model()} ({', '.join(vector_extensions()) or 'no AVX'}); NumPy {np.__version__}\n")
    print("| call | shape | microseconds per call | nanoseconds per element |")
    print("|---|---|---|---|")
    for name, statement, shape, elements in rows:
        with np.errstate(over="ignore"):  # "multiply in place" squares the same numbers over and over
            micro = per_call_microseconds(statement, env)
        print(f"| {name} | {shape} | {micro:.2f} | {1000 * micro / elements:.2f} |")


if __name__ == "__main__":
    main()
