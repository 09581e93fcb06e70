"""Try variants of a course recipe (batch size, peak learning rate, epochs, cosine warm-up) on one
engine and print each one's figure and training time: the exploration behind the fast recipes.

    python bench/recipe_variants.py mult-lstm scratch 64:0.003:100:0.02 32:0.002:80:0.02
    (each variant is batch:learning_rate:epochs:warmup; a negative warm-up means no schedule)

Accuracy figures only: when the machine is shared, the seconds are not a speed measurement (that is
`dualnet bench`'s job)."""

import dataclasses
import os
import sys

from dualnet import experiments
from dualnet.experiments.recipe import CosineSchedule
from dualnet.runner import RunOptions, run


def main(base: str, engine: str, variants: list[str], seed: int = 0) -> None:
    recipe = experiments.get(base)
    for variant in variants:
        batch, rate, epochs, warmup = variant.split(":")
        schedule = CosineSchedule(warmup=float(warmup)) if float(warmup) >= 0 else None
        tried = dataclasses.replace(recipe, id=f"{base}-variant", batch_size=int(batch), epochs=int(epochs),
                                    optimizer_args={**recipe.optimizer_args, "learning_rate": float(rate)},
                                    schedule=schedule)
        with open(os.devnull, "w") as quiet:
            result = run(tried, RunOptions(engine=engine, seed=seed, out="runs/variants", inside=False), stream=quiet)
        figure = recipe.reported.metric if recipe.reported else "test_loss"
        last = {key: values[-1] for key, values in result.history.items()}
        print(f"{base} {engine} seed {seed} batch {batch} lr {rate} epochs {epochs} warm-up {warmup}: "
              f"{figure} {result.metrics[figure]:.4f}, last epoch {last}, trained {result.metrics['train_seconds']} s",
              flush=True)


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
