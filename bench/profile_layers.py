"""Where a scratch-engine training step spends its time: forward and backward of each layer, and the
rest (loss, optimizer), on random data of the model's input shape.

    python bench/profile_layers.py fashion-vgg fashion-cnn-pool --steps 30
    python bench/profile_layers.py fashion-vgg --out results/profile-fashion-vgg.md

Each layer's forward and backward are timed around the calls; the step is timed whole; the figures
are means over --steps steps after 5 warm-up steps, with the recipe's batch size.
"""

from __future__ import annotations

import argparse
import os
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

import dualnet  # noqa: F401  (before NumPy: it chooses OpenBLAS's kernels, see dualnet/blas.py)
import numpy as np

from dualnet import experiments
from dualnet.blas import kernels_in_use
from dualnet.engines.scratch_engine import ScratchEngine
from dualnet.machine import cpu_model


def timed(method, totals, key):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        result = method(*args, **kwargs)
        totals[key] += time.perf_counter() - started
        return result
    return wrapper


def profile(model_id: str, steps: int) -> list[str]:
    recipe = experiments.get(model_id)
    engine = ScratchEngine()
    engine.seed(0)
    model = engine.build(recipe)
    rng = np.random.default_rng(0)
    x = rng.random((recipe.batch_size,) + tuple(engine.input_shape(model)), dtype=np.float32)
    y = rng.integers(0, 10, recipe.batch_size)
    totals = defaultdict(float)
    for layer in model.layers:
        layer.forward = timed(layer.forward, totals, (layer.name, "forward"))
        layer.backward = timed(layer.backward, totals, (layer.name, "backward"))
    for _ in range(5):
        model.train_on_batch(x, y)
    totals.clear()
    started = time.perf_counter()
    for _ in range(steps):
        model.train_on_batch(x, y)
    step_ms = (time.perf_counter() - started) / steps * 1e3
    rest = step_ms - sum(totals.values()) / steps * 1e3
    lines = [f"## {model_id}: {recipe.batch_size / step_ms * 1e3:.0f} samples/s, {step_ms:.1f} ms a step "
             f"(batch {recipe.batch_size})", "", "| layer | forward ms | backward ms | share of the step |",
             "|---|---|---|---|"]
    for layer in model.layers:
        fwd, bwd = (totals[layer.name, part] / steps * 1e3 for part in ("forward", "backward"))
        lines.append(f"| {layer.name} ({type(layer).__name__}) | {fwd:.2f} | {bwd:.2f} | "
                     f"{(fwd + bwd) / step_ms:.0%} |")
    lines.append(f"| loss and optimizer | | | {rest / step_ms:.0%} ({rest:.2f} ms) |")
    return lines + [""]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("models", nargs="+")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--out", help="also write the tables to this Markdown file")
    args = parser.parse_args(argv)
    lines = [f"# Scratch engine profile ({date.today()})", "",
             f"Command: `python bench/profile_layers.py {' '.join(args.models)} --steps {args.steps}`", "",
             f"Machine: {cpu_model()}, {os.cpu_count()} cores; OpenBLAS kernels {kernels_in_use()}.", ""]
    for model_id in args.models:
        lines += profile(model_id, args.steps)
    text = "\n".join(lines)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
