"""Peak memory of the Do-it IMDB data fed as the notes do (one-hot, float32) against word indices,
on both engines.

    python bench/onehot_memory.py --data-dir ../shared/datasets

Each way trains doit-simplernn for one epoch on the same 20,000 + 5,000 reviews (padded to 100 words
of a 100-word vocabulary), each in a fresh process:
- scratch engine: tracemalloc follows NumPy's allocations; the figure is the peak allocated after the
  data was loaded, while making the inputs and training;
- Keras (TensorFlow backend): TensorFlow allocates outside tracemalloc's sight, so the figure is the
  process's peak resident memory while making the inputs and training (VmHWM, reset just before)
  less its resident memory then (VmRSS).
The notes' way builds the one-hot tensor and a SimpleRNN that takes it; dualnet's way keeps the word
indices, and the first layer looks kernel rows up (the recipe's index_inputs).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

import dualnet  # noqa: F401  (before NumPy: it chooses OpenBLAS's kernels, see dualnet/blas.py)
import numpy as np

from dualnet import experiments
from dualnet.engines import get_engine
from dualnet.experiments.inputs import prepare
from dualnet.machine import cpu_model
from dualnet.runner import RunOptions

WAYS = {"one-hot": "one-hot float32 (the notes)", "indices": "word indices (dualnet)"}


def proc_status_kb(field: str) -> int:
    with open("/proc/self/status", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field}")


def train_one_epoch(engine_name: str, way: str, data_dir) -> dict:
    """Peak MB above the loaded data and model, and seconds, of making the inputs and one epoch."""
    recipe = experiments.get("doit-simplernn")
    recipe = dataclasses.replace(recipe, index_inputs=(way == "indices"))
    splits = prepare(recipe, RunOptions(engine=engine_name, data_dir=data_dir), np.random.default_rng(0))
    engine = get_engine(engine_name)
    engine.seed(0)
    model = engine.build(recipe)
    if engine_name == "scratch":
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
    else:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current resident size
        base_kb = proc_status_kb("VmRSS")
    started = time.perf_counter()
    x_train, x_val = splits.x_train, splits.x_val
    if way == "one-hot":  # the notes: to_categorical(x_seq), 100 float32 per word
        x_train, x_val = (np.eye(100, dtype=np.float32)[x] for x in (x_train, x_val))
    model.fit(x_train, splits.y_train, batch_size=32, epochs=1, verbose=0, validation_data=(x_val, splits.y_val))
    seconds = time.perf_counter() - started
    if engine_name == "scratch":
        peak_mb = (tracemalloc.get_traced_memory()[1] - base) / 2**20
        tracemalloc.stop()
    else:
        peak_mb = (proc_status_kb("VmHWM") - base_kb) / 1024
    return {"peak_mb": peak_mb, "seconds": seconds, "data": splits.sizes(), "source": splits.source}


def measure_in_fresh_process(engine_name: str, way: str, data_dir) -> dict:
    command = [sys.executable, __file__, "--case", engine_name, way] + (["--data-dir", data_dir] if data_dir else [])
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default=os.environ.get("DUALNET_DATA"))
    parser.add_argument("--out", default=f"results/bench-onehot-memory-{date.today()}.md")
    parser.add_argument("--case", nargs=2, metavar=("ENGINE", "WAY"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:  # one measurement, in this (fresh) process
        print(json.dumps(train_one_epoch(*args.case, args.data_dir)))
        return
    results = {(engine, way): measure_in_fresh_process(engine, way, args.data_dir)
               for engine in ("scratch", "keras") for way in WAYS}
    first = next(iter(results.values()))
    lines = [f"# Memory: one-hot inputs (the notes) vs word indices (dualnet), {date.today()}", "",
             f"Command: `python bench/onehot_memory.py --data-dir {args.data_dir}`", "",
             f"Machine: {cpu_model()}, {os.cpu_count()} cores. Data: {first['data']}, from {first['source']}.", "",
             "Peak memory while making the inputs and training doit-simplernn for one epoch, above what the "
             "loaded data and the model already held (scratch: NumPy's allocations, by tracemalloc; Keras: "
             "the process's peak resident memory).", "",
             "| engine | inputs | peak MB | seconds |", "|---|---|---|---|"]
    for (engine, way), r in results.items():
        lines.append(f"| {engine} | {WAYS[way]} | {r['peak_mb']:.1f} | {r['seconds']:.1f} |")
    lines.append("")
    for engine in ("scratch", "keras"):
        ratio = results[engine, "indices"]["peak_mb"] / results[engine, "one-hot"]["peak_mb"]
        lines.append(f"{engine}: ours / notes = {ratio:.4f} (target at most 0.1).")
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
