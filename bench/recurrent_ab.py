"""The scratch recurrent layers of an earlier revision against the working tree's, in one process,
alternating: the multiplication networks' two layers (return_sequences, then the last step), forward
and backward, batch 32, 100 steps, 30 units, one BLAS thread as the scratch model runs them.

    python bench/recurrent_ab.py --rev 1fad851 [--rounds 9] [--steps 15]

On a shared machine the speed drifts by tens of percent from one minute to the next, so only the ratio
within a round counts: each round times both versions back to back, in alternating order, and the
report gives every round's ratio and their median. Both versions' gradients are checked equal first.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import dualnet  # noqa: F401  (before NumPy: it chooses OpenBLAS's kernels)
import numpy as np

from dualnet.machine import cpu_model, vector_extensions
from dualnet.scratch.layers import recurrent as current
from dualnet.scratch.threads import blas_threads

from alternating import alternating_rounds  # bench/, this script's folder

MODULE = "src/dualnet/scratch/layers/recurrent.py"


def module_at(rev: str):
    source = subprocess.run(["git", "show", f"{rev}:{MODULE}"], check=True, capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "recurrent_then.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("recurrent_then", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def network(module, name):
    first = getattr(module, name)(30, return_sequences=True)
    first.build((100, 2), np.random.default_rng(1))
    first.input_gradient = False  # the first layer of a model sends no gradient to its inputs
    second = getattr(module, name)(30)
    second.build((100, 30), np.random.default_rng(2))
    second.input_gradient = True
    return first, second


def train_step(layers, x, upstream):
    first, second = layers
    second.forward(first.forward(x, True), True)
    into_first = second.backward(upstream)
    first.backward(into_first)
    return into_first, [g for layer in layers for g in layer.grads]


def compare(then, name, rounds, steps):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 100, 2)).astype(np.float32)
    upstream = rng.standard_normal((32, 30)).astype(np.float32)
    nets = {"then": network(then, name), "now": network(current, name)}
    (d_then, g_then), (d_now, g_now) = (train_step(nets[k], x, upstream) for k in ("then", "now"))
    for a, b in zip([d_then] + g_then, [d_now] + g_now):
        np.testing.assert_allclose(a, b, rtol=2e-3, atol=1e-6)
    return alternating_rounds({key: lambda key=key: train_step(nets[key], x, upstream) for key in ("then", "now")},
                              rounds, steps)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", required=True, help="the earlier revision (git)")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--steps", type=int, default=15)
    args = parser.parse_args(argv)
    then = module_at(args.rev)
    print(f"# Scratch recurrent layers: {args.rev} against the working tree\n")
    print(f"Command: `python bench/recurrent_ab.py {' '.join(sys.argv[1:] if argv is None else argv)}`\n")
    print(f"Machine: {cpu_model()} ({', '.join(vector_extensions())}); one BLAS thread.\n")
    print("| layers | then, ms a step (best) | now | then ÷ now, each round | median |")
    print("|---|---|---|---|---|")
    with blas_threads(1):
        for name in ("LSTM", "GRU"):
            best, ratios = compare(then, name, args.rounds, args.steps)
            print(f"| two {name}(30) | {best['then']:.2f} | {best['now']:.2f} | "
                  f"{' '.join(f'{r:.2f}' for r in ratios)} | {statistics.median(ratios):.2f} |")


if __name__ == "__main__":
    main()
