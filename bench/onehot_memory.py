"""Peak memory of the Do-it IMDB data fed as the notes do (one-hot, float32) against word indices.

    python bench/onehot_memory.py --data-dir ../shared/datasets

Both ways train doit-simplernn for one epoch on the scratch engine, on the same 20,000 + 5,000 reviews
(padded to 100 words of a 100-word vocabulary). tracemalloc follows NumPy's allocations: the figure is
the peak of memory allocated after the data was loaded, while making the inputs and training.
"""

from __future__ import annotations

import argparse
import os
import time
import tracemalloc
from datetime import date
from pathlib import Path

import numpy as np

from dualnet import experiments, scratch
from dualnet.engines.scratch_engine import ScratchEngine
from dualnet.experiments.inputs import prepare
from dualnet.machine import cpu_model
from dualnet.runner import RunOptions


def one_epoch(splits, as_one_hot: bool) -> tuple[float, float]:
    """(peak MB above the loaded data, seconds) of making the inputs and training one epoch."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    started = time.perf_counter()
    x_train, x_val = splits.x_train, splits.x_val
    if as_one_hot:  # the notes: to_categorical(x_seq), 100 float32 per word
        x_train = np.eye(100, dtype=np.float32)[x_train]
        x_val = np.eye(100, dtype=np.float32)[x_val]
    scratch.set_random_seed(0)
    model = ScratchEngine().build(experiments.get("doit-simplernn"))
    model.fit(x_train, splits.y_train, batch_size=32, epochs=1, verbose=0, validation_data=(x_val, splits.y_val))
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak / 2**20, seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default=os.environ.get("DUALNET_DATA"))
    parser.add_argument("--out", default=f"results/bench-onehot-memory-{date.today()}.md")
    args = parser.parse_args(argv)
    recipe = experiments.get("doit-simplernn")
    splits = prepare(recipe, RunOptions(engine="scratch", data_dir=args.data_dir), np.random.default_rng(0))
    notes_mb, notes_s = one_epoch(splits, as_one_hot=True)
    ours_mb, ours_s = one_epoch(splits, as_one_hot=False)
    lines = [f"# Memory: one-hot inputs (the notes) vs word indices (dualnet), {date.today()}", "",
             f"Command: `python bench/onehot_memory.py --data-dir {args.data_dir}`", "",
             f"Machine: {cpu_model()}, {os.cpu_count()} cores. Data: {splits.sizes()}, from {splits.source}.", "",
             "| inputs | peak MB while making the inputs and training one epoch | seconds |", "|---|---|---|",
             f"| one-hot float32 (the notes) | {notes_mb:.1f} | {notes_s:.1f} |",
             f"| word indices (dualnet) | {ours_mb:.1f} | {ours_s:.1f} |", "",
             f"Ratio ours / notes: {ours_mb / notes_mb:.4f} (target at most 0.1)."]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
