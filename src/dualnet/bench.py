"""`dualnet bench`: training and inference speed, and peak memory, of course models on the scratch engine
and on Keras with every installed backend, side by side in one sitting, as ratios.

Each (engine, backend) runs in a fresh process (Keras picks its backend once per process): it builds
the model, trains on random data of the model's input shape at the recipe's batch size, one warm-up
epoch, then --rounds epochs of about --seconds each; then predicts the same data the same way. A figure
is the fastest round (other work on a shared machine only ever slows a round down), and every round is
written down. The order of the configurations turns from model to model, so slow spells hit each alike;
--passes P measures the whole set P times over, one pass after another, and keeps every round.

The results go to results/bench-<date>-<cpu>.md (machine, CPU extensions, versions, raw rounds) and a
.json beside it, which `--backend auto` reads to pick the fastest backend for a kind of network.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path


MODELS = ["fashion-cnn-pool", "fashion-vgg", "doit-conv1", "mult-lstm", "mult-gru", "fashion-fast", "mult-gru-fast", "mult-lstm-fast"]
BACKENDS = ("tensorflow", "jax", "torch")


def network_kind(recipe) -> str:
    """"convolutional", "recurrent" or "dense": what decides which backend is fastest."""
    from dualnet.scratch import layers as S
    from dualnet.scratch.layers.recurrent import RecurrentLayer

    stack = recipe.model(S)
    if any(isinstance(layer, S.Conv2D) for layer in stack):
        return "convolutional"
    if any(isinstance(layer, RecurrentLayer) for layer in stack):
        return "recurrent"
    return "dense"


# -- one configuration, in its own process ----------------------------------------------------------
def fake_data(recipe, model, engine, n, rng):
    import numpy as np

    shape = engine.input_shape(model)
    x = rng.random((n,) + tuple(shape), dtype=np.float32)
    if recipe.loss == "mse":
        y = rng.random((n, 1), dtype=np.float32)
    elif recipe.loss == "categorical_crossentropy":
        y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, n)]
    else:
        y = rng.integers(0, 10, n)
    return x, y


MIN_BATCHES = 30


def round_samples(rate: float, seconds: float, batch: int, min_batches: int = MIN_BATCHES) -> int:
    """Samples in one round: about `seconds` at the measured rate, in whole batches, and at least
    `min_batches` of them, so that a slow network (VGG at batch 32: ten batches in 3 s) is not timed on a
    handful of steps. (It does not make a round read what the runner's long epochs do: see docs/fast-recipes.md.)"""
    return max(batch * min_batches, int(rate * seconds) // batch * batch)


def worker(model_id: str, engine_name: str, seconds: float, rounds: int, precision: str = "float32") -> dict:
    """Train and predict rounds for one model on one engine (the backend is this process's)."""
    import resource

    import numpy as np

    from dualnet import experiments
    from dualnet.engines import get_engine
    from dualnet.experiments.recipe import qualified_name

    if engine_name == "keras":
        from dualnet.engines.keras_engine import epoch_batches, epoch_order
    recipe = experiments.get(model_id)
    engine = get_engine(engine_name, precision=precision)
    engine.seed(0)
    model = engine.build(recipe)
    batch = recipe.batch_size
    kept = {}  # as in the engine's training: the arrays converted once, each round's batches gathered in its order

    def timed(x, y, train: bool) -> float:
        started = time.perf_counter()
        if train and engine_name == "keras":  # batched as the engine's own training hands them over
            order = epoch_order(len(x), 0, 0)
            model.fit(**epoch_batches(x, y, order, batch, kept), epochs=1, verbose=0, shuffle=False)
        elif train:
            model.fit(x, y, batch_size=batch, epochs=1, verbose=0)
        else:
            engine.predict(model, x, batch_size=256)
        return time.perf_counter() - started

    rng = np.random.default_rng(0)
    x, y = fake_data(recipe, model, engine, 256, rng)
    timed(x, y, True)  # warm-up: tracing, compilation, caches
    rate = 256 / timed(x, y, True)
    n = round_samples(rate, seconds, batch)
    x, y = fake_data(recipe, model, engine, n, rng)
    timed(x, y, True)
    train = [n / timed(x, y, True) for _ in range(rounds)]
    timed(x, y, False)
    infer = [n / timed(x, y, False) for _ in range(rounds)]
    processes = 1
    if engine_name == "scratch" and model.batch_split is not None:  # its helper's memory counts too
        processes = 2
        model.close()
    peak_mb = sum(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024
    return {"train": train, "infer": infer, "samples": n, "peak_mb": peak_mb, "params": int(model.count_params()),
            "batch_size": batch, "precision": precision, "model": qualified_name(recipe.model), "processes": processes}


# -- the sitting ----------------------------------------------------------------------------------------
def configurations(engines=("scratch", "keras"), backends=BACKENDS,
                   precisions=("float32",)) -> list[tuple[str, str | None, str]]:
    """(engine, backend, precision) to measure: the scratch engine in float32 (its only precision), Keras
    on each installed backend in each precision."""
    configs = [("scratch", None, "float32")] if "scratch" in engines else []
    if "keras" in engines:
        configs += [("keras", b, p) for b in backends if importlib.util.find_spec(b) is not None for p in precisions]
    return configs


def run_worker(model_id, engine, backend, seconds, rounds, precision="float32") -> dict:
    env = dict(os.environ, **({"KERAS_BACKEND": backend} if backend else {}))
    cmd = [sys.executable, "-m", "dualnet.bench", "worker", model_id, engine, str(seconds), str(rounds), precision]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"bench worker {model_id} {engine} {backend or ''} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def cpu_slug() -> str:
    from dualnet.machine import cpu_model, vector_extensions

    vendor = "intel" if "intel" in cpu_model().lower() else "amd" if "amd" in cpu_model().lower() else "cpu"
    extensions = vector_extensions()
    widest = "avx512" if "AVX-512" in extensions else "avx2" if "AVX2" in extensions else "sse"
    return f"{vendor}-{widest}" + ("-amx" if "AMX" in extensions else "")


def label(engine, backend, precision="float32") -> str:
    name = "scratch" if engine == "scratch" else f"keras/{backend}"
    return name if precision == "float32" else f"{name} {precision}"


def keras_float32_rates(configs: dict) -> dict[str, float]:
    """{backend: best training samples/s} of a model's Keras rows in float32: what the ratios and the
    choice of backend are made against (a mixed-precision row is a variant, not a backend)."""
    return {name.split("/", 1)[1]: max(v["train"]) for name, v in configs.items()
            if name.startswith("keras/") and v.get("precision", "float32") == "float32"}


def merged(kept: dict | None, figures: dict) -> dict:
    """One configuration's figures over several passes: every round kept, the highest peak memory."""
    if kept is None:
        return figures
    return {**kept, "train": kept["train"] + figures["train"], "infer": kept["infer"] + figures["infer"],
            "peak_mb": max(kept["peak_mb"], figures["peak_mb"])}


def bench(models=MODELS, engines=("scratch", "keras"), backends=BACKENDS, seconds=6.0, rounds=3,
          out_dir="results", stream=None, precisions=("float32",), passes=1) -> Path:
    """Measure every model on every configuration, `passes` times over (each time in fresh processes, the
    order turned by one), so that a slow spell of a shared machine falls on every configuration alike;
    write the results; return the Markdown file."""
    from dualnet import allocator, experiments
    from dualnet.blas import kernels_in_use
    from dualnet.machine import cpu_model, package_versions, vector_extensions

    stream = stream or sys.stdout
    configs = configurations(engines, backends, precisions)
    results = {model_id: {"kind": network_kind(experiments.get(model_id)), "configs": {}} for model_id in models}
    for passed in range(passes):
        for turn, model_id in enumerate(models, start=passed):  # each pass turns the order one further
            order = configs[turn % len(configs):] + configs[:turn % len(configs)]
            for engine, backend, precision in order:
                figures = run_worker(model_id, engine, backend, seconds, rounds, precision)
                name, kept = label(engine, backend, precision), results[model_id]["configs"]
                kept[name] = merged(kept.get(name), figures)
                print(f"{model_id:18s} {name:16s} train {max(figures['train']):9.1f}/s  "
                      f"predict {max(figures['infer']):10.1f}/s  peak {figures['peak_mb']:7.0f} MB", file=stream,
                      flush=True)
    machine = {"cpu": cpu_model(), "extensions": vector_extensions(), "cores": os.cpu_count(),
               "openblas_kernels": kernels_in_use(), "malloc": allocator.setting(), "versions": package_versions()}
    stem = Path(out_dir) / f"bench-{date.today()}-{cpu_slug()}"
    if stem.with_suffix(".json").exists() or stem.with_suffix(".md").exists():  # a second sitting that day
        stem = Path(out_dir) / f"bench-{date.today()}T{time.strftime('%H%M%S')}-{cpu_slug()}"
    stem.parent.mkdir(parents=True, exist_ok=True)
    record = {"date": str(date.today()), "machine": machine, "seconds": seconds, "rounds": rounds,
              "passes": passes, "min_batches": MIN_BATCHES, "results": results}
    stem.with_suffix(".json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    stem.with_suffix(".md").write_text(markdown(record, sys.argv), encoding="utf-8")
    return stem.with_suffix(".md")


def markdown(record: dict, argv) -> str:
    m = record["machine"]
    lines = [f"# Training and inference speed, every engine and backend ({record['date']})", "",
             f"Command: `dualnet bench {' '.join(argv[2:] if len(argv) > 1 and argv[1] == 'bench' else argv[1:])}`",
             f"Machine: {m['cpu']} ({', '.join(m['extensions']) or 'no AVX'}), {m['cores']} cores; OpenBLAS kernels "
             f"{m['openblas_kernels']}; malloc: {m.get('malloc', 'allocator defaults')}; " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()), "",
             f"Samples per second, the fastest of {record['rounds']} rounds"
             f"{passes_text(record.get('passes', 1))} of about {record['seconds']} s and "
             f"at least {record.get('min_batches', 2)} batches (the recipe's batch size for training, 256 for inference); peak resident memory of the process (which "
             "includes the framework itself) and of its helper, where the scratch engine trained on two processes "
             "(dualnet/scratch/split.py). Ratios are against the fastest Keras backend for that model in float32.", "",
             "| model | kind | engine / backend | train samples/s | predict samples/s | peak MB | train ÷ fastest Keras "
             "| raw train rounds |", "|---|---|---|---|---|---|---|---|"]
    for model_id, entry in record["results"].items():
        keras = keras_float32_rates(entry["configs"])
        fastest = max(keras.values()) if keras else None
        for name, v in entry["configs"].items():
            ratio = "" if fastest is None else f"{max(v['train']) / fastest:.2f}"
            shown = f"{name}, {v['processes']} processes" if v.get("processes", 1) > 1 else name
            lines.append(f"| {model_id} | {entry['kind']} | {shown} | {max(v['train']):.1f} | {max(v['infer']):.1f} | "
                         f"{v['peak_mb']:.0f} | {ratio} | {', '.join(f'{r:.0f}' for r in v['train'])} |")
    lines += ["", "Fastest Keras backend by kind of network: " + "; ".join(
        f"{kind}: {backend}" for kind, backend in fastest_by_kind(record).items())]
    return "\n".join(lines) + "\n"


def passes_text(passes: int) -> str:
    return "" if passes == 1 else (f" in each of {passes} passes (every configuration measured once a pass in "
                                   "a fresh process, the passes one after the other; raw rounds in pass order)")


def fastest_by_kind(record: dict) -> dict[str, str]:
    """For each kind of network, the Keras backend with the highest training speed summed over that
    kind's models, as a share of each model's fastest (so a slow model counts as much as a fast one)."""
    scores: dict[str, dict[str, float]] = {}
    for entry in record["results"].values():
        keras = keras_float32_rates(entry["configs"])
        if not keras:
            continue
        best = max(keras.values())
        for backend, rate in keras.items():
            scores.setdefault(entry["kind"], {}).setdefault(backend, 0.0)
            scores[entry["kind"]][backend] += rate / best
    return {kind: max(s, key=s.get) for kind, s in scores.items()}


def measured_as_recipe(record: dict, recipe) -> dict:
    """The configurations of a record that measured this very model: the same id, model function (where
    the record names it), parameter count and batch size (a recipe whose model changed since is not the
    one measured, even at the same count; records that did not note the count, and recipes that do not
    declare one, are not matched)."""
    from dualnet.experiments.recipe import qualified_name  # here: `dualnet bench --help` needs no registry

    configs = record["results"].get(recipe.id, {}).get("configs", {})
    model = qualified_name(recipe.model)
    return {k: v for k, v in configs.items()
            if recipe.params is not None and v.get("params") == recipe.params and v.get("batch_size") == recipe.batch_size
            and v.get("model", model) == model}


def fastest_for_model(record: dict, recipe) -> str | None:
    """The Keras backend that trained this very model fastest in a record, if the record measured it."""
    keras = keras_float32_rates(measured_as_recipe(record, recipe))
    return max(keras, key=keras.get) if keras else None


def records_of_this_cpu(places=None):
    """(path, record) of every benchmark of this kind of CPU in `places` (default: ./results and the
    project's results), newest first."""
    places = places or [Path("results"), Path(__file__).resolve().parents[2] / "results"]
    paths = {p for d in places if Path(d).is_dir() for p in Path(d).glob(f"bench-*-{cpu_slug()}.json")}
    for path in sorted(paths, key=lambda p: p.name, reverse=True):
        yield path, json.loads(path.read_text(encoding="utf-8"))


def auto_backend(recipe, places=None) -> tuple[str, str]:
    """(backend, why) for `--backend auto`, from the benchmarks of this kind of CPU: the fastest Keras
    backend for this very model in the newest one that measured it (a kind's backends can rank the other
    way round for one model: on AMD Zen 3, JAX trains doit-conv1 1.7x as fast as TensorFlow and VGG half
    as fast, so a newer sitting of other models of its kind does not outrank it), else for the recipe's
    kind of network in the newest that measured that kind; TensorFlow where nothing was measured."""
    kind = network_kind(recipe)
    records = list(records_of_this_cpu(places))
    for choose, why in ((lambda record: fastest_for_model(record, recipe), f"fastest for {recipe.id}"),
                        (lambda record: fastest_by_kind(record).get(kind), f"fastest for {kind} networks")):
        for path, record in records:
            choice = choose(record)
            if choice and importlib.util.find_spec(choice) is not None:
                return choice, f"{why} in {path.name}"
    return "tensorflow", f"no benchmark of {kind} networks on this kind of CPU ({cpu_slug()}): the default"


def auto_precision(recipe, backend: str, places=None) -> tuple[str, str]:
    """(precision, why) for `--precision auto` on Keras: mixed_bfloat16 where the newest benchmark of this
    kind of CPU that measured this very model on this backend in both precisions found bfloat16 faster to
    train (with AMX, TensorFlow trains fashion-vgg about twice as fast in it), else float32. The choice is
    per model, not per kind: bfloat16 can be slower where the CPU has no bfloat16 instructions or the
    backend does not use them."""
    plain, mixed = label("keras", backend), label("keras", backend, "mixed_bfloat16")
    for path, record in records_of_this_cpu(places):
        configs = measured_as_recipe(record, recipe)
        if plain in configs and mixed in configs:
            gain = max(configs[mixed]["train"]) / max(configs[plain]["train"])
            choice = "mixed_bfloat16" if gain > 1 else "float32"
            return choice, f"bfloat16 trained {recipe.id} {gain:.2f}x as fast as float32 on {backend} in {path.name}"
    return "float32", f"no benchmark of {recipe.id} in mixed_bfloat16 on {backend} on this kind of CPU ({cpu_slug()})"


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        import dualnet  # noqa: F401  (before NumPy: the OpenBLAS kernel choice)

        model_id, engine_name, seconds, rounds = sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5])
        print(json.dumps(worker(model_id, engine_name, seconds, rounds, *sys.argv[6:7])))
