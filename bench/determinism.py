"""Same seed, same engine: are two runs bitwise identical? Measured for the scratch engine and for Keras
on each installed backend.

    python bench/determinism.py --data-dir ../shared/datasets

Each configuration trains doit-conv2 (convolution, pooling, dropout, Adam) and mult-gru (a recurrent
network) twice for 2 epochs on the first 2,000 samples, in fresh processes, and compares the trained
weights and the history.

What "the same" depends on, pinned for every run and written into the results: the CPU (model and
vector extensions), the OpenBLAS kernels (set explicitly for each process to the ones this process runs),
the number of threads, and the versions. Another CPU, kernel choice or thread count may add float32
sums in another order and give other (equally valid) bits.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import numpy as np

from dualnet.machine import cpu_model, package_versions, vector_extensions

CONFIGS = [("scratch", None), ("keras", "tensorflow"), ("keras", "jax"), ("keras", "torch")]
EXPERIMENTS = ["doit-conv2", "mult-gru"]


def pinned_environment() -> dict:
    """The settings every training process gets, so that two runs can only differ by their own doing."""
    from dualnet.blas import kernels_in_use

    from dualnet.scratch.split import processes_allowed

    kernels = kernels_in_use()
    pinned = {"DUALNET_OPENBLAS_CORETYPE": kernels or "keep",
              "TF_ENABLE_ONEDNN_OPTS": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "1"),
              # the scratch engine's helper process adds the batch's halves in its own order
              "DUALNET_PROCESSES": str(processes_allowed())}
    return pinned


def train(experiment, engine, backend, data_dir, out, pinned) -> Path:
    env = dict(os.environ, **pinned, **({"KERAS_BACKEND": backend} if backend else {}))
    cmd = [sys.executable, "-m", "dualnet", "run", experiment, "--engine", engine, "--seed", "7", "--epochs", "2",
           "--limit", "2000", "--out", str(out)] + (["--data-dir", data_dir] if data_dir else [])
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    (run_dir,) = (Path(out) / experiment).iterdir()
    return run_dir


def weights(run_dir: Path, engine: str) -> list[np.ndarray]:
    if engine == "scratch":
        from dualnet import scratch

        return scratch.load_model(run_dir / "model.npz").get_weights()
    code = ("import sys, numpy as np, keras; m = keras.saving.load_model(sys.argv[1]); "
            "np.savez(sys.argv[2], *m.get_weights())")
    target = run_dir / "weights.npz"
    subprocess.run([sys.executable, "-c", code, str(run_dir / "model.keras"), str(target)], check=True,
                   capture_output=True, env=dict(os.environ, KERAS_BACKEND="tensorflow"))
    with np.load(target) as f:
        return [f[k] for k in f.files]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default=os.environ.get("DUALNET_DATA"))
    parser.add_argument("--out", default=f"results/determinism-{date.today()}.md")
    args = parser.parse_args(argv)
    rows = []
    pinned = pinned_environment()
    for engine, backend in CONFIGS:
        if backend and importlib.util.find_spec(backend) is None:
            continue
        for experiment in EXPERIMENTS:
            with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
                first, second = (train(experiment, engine, backend, args.data_dir, d, pinned) for d in (a, b))
                wa, wb = weights(first, engine), weights(second, engine)
                same = all(np.array_equal(x, y) for x, y in zip(wa, wb))
                worst = max(float(np.abs(x - y).max()) for x, y in zip(wa, wb))
                history_same = (first / "history.csv").read_text() == (second / "history.csv").read_text()
            label = engine + (f" ({backend})" if backend else "")
            rows.append((label, experiment, same, worst, history_same))
            print(label, experiment, "bitwise" if same else f"differs, max {worst:.3g}", flush=True)
    versions = package_versions()
    lines = [f"# Determinism: the same seed twice ({date.today()})", "",
             f"Command: `python bench/determinism.py{' --data-dir ' + args.data_dir if args.data_dir else ''}`",
             f"Machine: {cpu_model()} ({', '.join(vector_extensions()) or 'no AVX'}), {os.cpu_count()} cores; "
             + ", ".join(f"{k} {v}" for k, v in versions.items()),
             "Pinned for every run: " + ", ".join(f"{k}={v}" for k, v in pinned.items())
             + f"; {os.cpu_count()} threads (the default: every core)",
             "", "| engine | experiment | weights bitwise equal | largest weight difference | history equal |",
             "|---|---|---|---|---|"]
    lines += [f"| {label} | {exp} | {'yes' if same else 'no'} | {worst:.3g} | {'yes' if hist else 'no'} |"
              for label, exp, same, worst, hist in rows]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
