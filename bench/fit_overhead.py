"""What one Keras fit() call costs outside its epoch, on the backend of $KERAS_BACKEND: the runner's Keras
engine calls fit() once per epoch (a new order each epoch), so whatever fit() does after its last step is
paid every epoch, yet falls outside the epoch's own seconds (from on_epoch_begin to on_epoch_end).

Two ways to hand an epoch's training data to fit(), alternated, on random inputs of the model's shape:
  arrays   the NumPy arrays, as Keras's documentation shows (Keras builds its own input pipeline)
  batches  dualnet's keras_engine.batches (on TensorFlow, a plain tf.data pipeline without autotuning)

    python bench/fit_overhead.py                       # fashion-fast's model, 20,000 images, 2 rounds
    taskset -c 0 python bench/fit_overhead.py --model fashion-vgg --samples 4000

Prints, per fit() call: the epoch's seconds, and the seconds from its on_epoch_end to fit()'s return.
"""

import argparse
import time

import dualnet  # noqa: F401  (before NumPy: the OpenBLAS kernel choice)
import keras
import numpy as np

from dualnet import experiments
from dualnet.engines import get_engine
from dualnet.engines.keras_engine import batches


class EpochClock(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.begun = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.ended = time.perf_counter()


def fit_once(model, x, y, batch_size: int, way: str) -> tuple[float, float]:
    """(the epoch's seconds, the seconds after its end until fit() returned)."""
    clock = EpochClock()
    data = {"x": x, "y": y, "batch_size": batch_size} if way == "arrays" else batches(x, y, batch_size)
    model.fit(**data, shuffle=False, epochs=1, verbose=0, callbacks=[clock])
    returned = time.perf_counter()
    return clock.ended - clock.begun, returned - clock.ended


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="fashion-fast", help="an experiment id whose model to train")
    parser.add_argument("--samples", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=2, help="fit() calls per way, alternated")
    args = parser.parse_args()
    recipe = experiments.get(args.model)
    engine = get_engine("keras")
    engine.seed(0)
    model = engine.build(recipe)
    from dualnet.bench import fake_data

    x, y = fake_data(recipe, model, engine, args.samples, np.random.default_rng(0))
    fit_once(model, x[:recipe.batch_size * 2], y[:recipe.batch_size * 2], recipe.batch_size, "batches")  # tracing
    print(f"{args.model} on Keras {keras.__version__} ({keras.backend.backend()}), {args.samples} samples, "
          f"batch {recipe.batch_size}\n\n| round | way | epoch s | after the epoch, s |\n|---|---|---|---|")
    for round_ in range(args.rounds):
        for way in ("arrays", "batches"):
            epoch, after = fit_once(model, x, y, recipe.batch_size, way)
            print(f"| {round_ + 1} | {way} | {epoch:.2f} | {after:.2f} |", flush=True)


if __name__ == "__main__":
    main()
