"""Training speed of the two engines, side by side in one run: samples per second and their ratio.
(Keras on TensorFlow only, alternating rounds in one process; `dualnet bench` measures every backend,
inference and memory too.)

    python bench/engines.py                      # every model, writes results/bench-engines-<date>.md
    python bench/engines.py --models mult-lstm --seconds 10

For each model, both engines train on the same random data of the model's input shape (the recipe's
batch size, loss and optimizer) in alternating rounds of about --seconds each, after one warm-up
round; the figure is each engine's fastest round (other work on a shared machine only ever slows a round
down, so the fastest is the least disturbed), and every round is written down. Keras runs on the
TensorFlow backend.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import dualnet  # noqa: E402,F401  (before NumPy: it chooses OpenBLAS's kernels, see dualnet/blas.py)
import numpy as np  # noqa: E402

from dualnet import experiments  # noqa: E402
from dualnet.bench import fake_data  # noqa: E402
from dualnet.blas import kernels_in_use  # noqa: E402
from dualnet.engines import get_engine  # noqa: E402
from dualnet.machine import cpu_model, package_versions  # noqa: E402

MODELS = ["fashion-cnn-pool", "fashion-vgg", "doit-conv1", "mult-lstm", "mult-gru"]
TARGETS = {"fashion-cnn-pool": 0.7, "fashion-vgg": 0.7, "doit-conv1": 0.7, "mult-lstm": 1.0, "mult-gru": 1.0}


class Trainer:
    """One engine's model, trained one epoch at a time on a fixed set of samples."""

    def __init__(self, engine_name, recipe, samples):
        self.engine = get_engine(engine_name)
        self.engine.seed(0)
        self.model = self.engine.build(recipe)
        self.x, self.y = fake_data(recipe, self.model, self.engine, samples, np.random.default_rng(0))
        self.batch_size = recipe.batch_size

    def epoch_seconds(self) -> float:
        started = time.perf_counter()
        self.model.fit(self.x, self.y, batch_size=self.batch_size, epochs=1, verbose=0)
        return time.perf_counter() - started


def measure(model_id, seconds, rounds):
    recipe = experiments.get(model_id)
    probe = {name: Trainer(name, recipe, 256) for name in ("keras", "scratch")}
    for t in probe.values():  # warm-up: graph tracing, caches
        t.epoch_seconds()
    speed = {name: 256 / t.epoch_seconds() for name, t in probe.items()}
    trainers = {name: Trainer(name, recipe, max(64, int(speed[name] * seconds) // recipe.batch_size
                                                 * recipe.batch_size)) for name in probe}
    for t in trainers.values():
        t.epoch_seconds()
    rates = {name: [] for name in trainers}
    for _ in range(rounds):
        for name, t in trainers.items():  # alternate, so load on the machine hits both alike
            rates[name].append(len(t.x) / t.epoch_seconds())
    return {name: max(r) for name, r in rates.items()}, rates


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=MODELS)
    parser.add_argument("--seconds", type=float, default=8.0, help="length of one round per engine")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", default=f"results/bench-engines-{date.today()}.md")
    args = parser.parse_args(argv)

    rows = []
    for model_id in args.models:
        median, raw = measure(model_id, args.seconds, args.rounds)
        ratio = median["scratch"] / median["keras"]
        rows.append((model_id, median["keras"], median["scratch"], ratio, TARGETS.get(model_id), raw))
        print(f"{model_id:18s} keras {median['keras']:9.1f}/s  scratch {median['scratch']:9.1f}/s  "
              f"ratio {ratio:5.2f}", flush=True)

    versions = package_versions()
    lines = [f"# Engine speed: scratch vs Keras ({date.today()})", "",
             f"Command: `python bench/{Path(__file__).name} {' '.join(argv if argv is not None else sys.argv[1:])}`",
             f"Machine: {cpu_model()}, {os.cpu_count()} cores; numpy {versions.get('numpy')}, "
             f"keras {versions.get('keras')}, tensorflow {versions.get('tensorflow-cpu') or versions.get('tensorflow')} "
             f"(backend tensorflow); OpenBLAS kernels {kernels_in_use()} "
             f"(OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE')}), threads: every core", "",
             "Training samples per second, the fastest of the rounds (each engine's rounds alternate with the "
             "other's), the recipe's batch size.", "",
             "| model | keras samples/s | scratch samples/s | scratch / keras | target | raw rounds keras ; scratch |",
             "|---|---|---|---|---|---|"]
    for model_id, keras_rate, scratch_rate, ratio, target, raw in rows:
        raw_text = ", ".join(f"{r:.0f}" for r in raw["keras"]) + " ; " + ", ".join(f"{r:.0f}" for r in raw["scratch"])
        met = "" if target is None else (f"≥ {target} {'met' if ratio >= target else 'not met'}")
        lines.append(f"| {model_id} | {keras_rate:.1f} | {scratch_rate:.1f} | {ratio:.2f} | {met} | {raw_text} |")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
