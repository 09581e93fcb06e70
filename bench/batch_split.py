"""Would a second process pay for the scratch recurrent networks? Each training step of a course model
on one process, against the same step with its batch split in two: this process takes the first half,
a helper process (one BLAS thread, as the scratch model runs recurrent layers) the second, and the two
halves' gradients are combined as the whole batch's mean. In one process, alternating, every round's
ratio kept.

    python bench/batch_split.py --models mult-lstm mult-gru [--rounds 7] [--steps 40]

Why it may not pay: a recurrent step of the scratch engine is a dozen NumPy calls on a few thousand
numbers, and what a call costs hardly depends on the batch (bench/numpy_costs.py), so half a batch
costs well over half a step. The combined gradients are checked against the whole batch's first.
"""

from __future__ import annotations

import argparse
import multiprocessing
import pickle
import signal
import statistics
import sys
import time

import dualnet  # noqa: F401  (before NumPy: it chooses OpenBLAS's kernels)
import numpy as np

from dualnet import experiments
from dualnet.engines.scratch_engine import ScratchEngine
from dualnet.machine import cpu_model, vector_extensions


def gradients(model) -> list[np.ndarray]:
    return [g for layer in model.trainable_layers() for g in layer.grads]


def helper(connection) -> None:
    """The second process: a copy of the model; each request (inputs, targets, weights) answered with
    (loss, that half's gradients)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    model = pickle.loads(connection.recv_bytes())
    while (request := connection.recv()) is not None:
        x, y, weights = request
        for mine, theirs in zip(model.trainable_weights(), weights):
            mine[...] = theirs
        loss, _, _ = model.loss_and_gradients(x, y)
        connection.send((loss, gradients(model)))


def split_step(model, connection, x, y):
    """Loss and gradients of the batch (x, y), half here and half in the helper: the mean loss's
    gradient is the halves' gradients weighted by their shares of the batch."""
    n, half = len(x), len(x) // 2
    connection.send((x[half:], y[half:], model.trainable_weights()))
    loss, _, _ = model.loss_and_gradients(x[:half], y[:half])
    their_loss, their_gradients = connection.recv()
    mine, theirs = np.float32(half / n), np.float32((n - half) / n)
    combined = gradients(model)
    for g, other in zip(combined, their_gradients):
        g *= mine
        g += theirs * other
    return (half * loss + (n - half) * their_loss) / n, combined


def whole_step(model, x, y):
    loss, _, _ = model.loss_and_gradients(x, y)
    return loss, gradients(model)


def compare(model_id: str, rounds: int, steps: int, context) -> tuple[dict, list[float]]:
    recipe = experiments.get(model_id)
    engine = ScratchEngine()
    engine.seed(0)
    model = engine.build(recipe)
    rng = np.random.default_rng(0)
    shape = (recipe.batch_size,) + tuple(model.layers[0].input_shape)
    x = rng.standard_normal(shape).astype(np.float32)
    y = rng.standard_normal((recipe.batch_size,) + tuple(model.output_shape)).astype(np.float32)
    ours, theirs = context.Pipe()
    process = context.Process(target=helper, args=(theirs,), daemon=True)
    process.start()
    try:
        ours.send_bytes(pickle.dumps(model))
        whole_loss, whole = whole_step(model, x, y)
        whole = [g.copy() for g in whole]  # the layers overwrite their gradient arrays each step
        split_loss, split = split_step(model, ours, x, y)
        np.testing.assert_allclose(split_loss, whole_loss, rtol=1e-4)
        for a, b in zip(split, whole):
            np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-5 * float(np.abs(b).max()))
        ratios, best = [], {"one": float("inf"), "two": float("inf")}
        for round_ in range(rounds):
            times = {}
            for way in (("one", "two") if round_ % 2 else ("two", "one")):
                started = time.perf_counter()
                for _ in range(steps):
                    whole_step(model, x, y) if way == "one" else split_step(model, ours, x, y)
                times[way] = (time.perf_counter() - started) / steps * 1e3
                best[way] = min(best[way], times[way])
            ratios.append(times["one"] / times["two"])
    finally:
        ours.send(None)
        process.join(timeout=10)
    return best, ratios


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["mult-lstm", "mult-gru"])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--steps", type=int, default=40)
    args = parser.parse_args(argv)
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing inherited mid-state
    print("# A training step of the scratch engine on one process and split over two\n")
    print(f"Command: `python bench/batch_split.py {' '.join(sys.argv[1:] if argv is None else argv)}`\n")
    print(f"Machine: {cpu_model()} ({', '.join(vector_extensions()) or 'no AVX'}); NumPy {np.__version__}\n")
    print("Forward, loss and backward of one batch (the optimizer's update, the same either way, is left "
          "out); ms a step, best round; one ÷ two is the speed-up of the split.\n")
    print("| model | one process, ms | two processes, ms | one ÷ two, each round | median |")
    print("|---|---|---|---|---|")
    for model_id in args.models:
        best, ratios = compare(model_id, args.rounds, args.steps, context)
        print(f"| {model_id} | {best['one']:.2f} | {best['two']:.2f} | {' '.join(f'{r:.2f}' for r in ratios)} | "
              f"{statistics.median(ratios):.2f} |")


if __name__ == "__main__":
    main()
