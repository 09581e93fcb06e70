"""What the helper process buys the scratch recurrent networks (dualnet/scratch/split.py): a training step
of a course model (forward, backward and the optimizer's update) on one process, against the same step
with half of its batch in the helper. In one process, alternating, every round's ratio kept.

    python bench/batch_split.py --models mult-lstm mult-gru [--rounds 7] [--steps 40]

Why it may not pay: a recurrent step of the scratch engine is a dozen NumPy calls on a few thousand
numbers, and what a call costs hardly depends on the batch (bench/numpy_costs.py), so half a batch
costs well over half a step. The split step's gradients are checked against the whole batch's first.
"""

from __future__ import annotations

import argparse
import statistics
import sys

import dualnet  # noqa: F401  (before NumPy: it chooses OpenBLAS's kernels)
import numpy as np

from dualnet import experiments
from dualnet.engines.scratch_engine import ScratchEngine
from dualnet.machine import cpu_model, vector_extensions
from dualnet.scratch.split import BatchSplit

from alternating import alternating_rounds  # bench/, this script's folder


def compare(model_id: str, rounds: int, steps: int) -> tuple[dict, list[float]]:
    recipe = experiments.get(model_id)
    engine = ScratchEngine()
    engine.seed(0)
    model = engine.build(recipe)
    rng = np.random.default_rng(0)
    length, width = model.layers[0].input_shape  # time steps and features; `steps` is the timed steps a round
    if recipe.index_inputs:  # word indices, as the runner hands them over, not their one-hot vectors
        x = rng.integers(0, width, (recipe.batch_size, length))
    else:
        x = rng.standard_normal((recipe.batch_size, length, width)).astype(np.float32)
    y = rng.standard_normal((recipe.batch_size,) + tuple(model.output_shape)).astype(np.float32)
    helper = BatchSplit()
    try:
        helper.prepare(model)
        whole_loss, _, _ = model.loss_and_gradients(x, y)
        whole = [g.copy() for g in model.gradients()]  # the layers overwrite their gradient arrays each step
        split_loss, _ = helper.loss_and_gradients(model, x, y)
        np.testing.assert_allclose(split_loss, whole_loss, rtol=1e-4)
        for a, b in zip(model.gradients(), whole):
            np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-5 * float(np.abs(b).max()))
        best, ratios = alternating_rounds({"one": lambda: model.train_step(x, y, None),
                                           "two": lambda: model.train_step(x, y, helper)}, rounds, steps)
    finally:
        helper.close()
    return best, ratios


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["mult-lstm", "mult-gru"])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--steps", type=int, default=40)
    args = parser.parse_args(argv)
    print("# A training step of the scratch engine on one process and split over two\n")
    print(f"Command: `python bench/batch_split.py {' '.join(sys.argv[1:] if argv is None else argv)}`\n")
    print(f"Machine: {cpu_model()} ({', '.join(vector_extensions()) or 'no AVX'}); NumPy {np.__version__}\n")
    print("A training step (forward, loss, backward, the optimizer's update) of one batch of the recipe's size; "
          "ms a step, best round; one ÷ two is the speed-up of the split.\n")
    print("| model | one process, ms | two processes, ms | one ÷ two, each round | median |")
    print("|---|---|---|---|---|")
    for model_id in args.models:
        best, ratios = compare(model_id, args.rounds, args.steps)
        print(f"| {model_id} | {best['one']:.2f} | {best['two']:.2f} | {' '.join(f'{r:.2f}' for r in ratios)} | "
              f"{statistics.median(ratios):.2f} |")


if __name__ == "__main__":
    main()
