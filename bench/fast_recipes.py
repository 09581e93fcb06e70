"""The recipes beyond the notes against their goals: each trained in full on each engine for several seeds,
its figure's mean and spread, and its training time against the notes' recipe it improves on, measured in
the same sitting on the same machine.

    python bench/fast_recipes.py --data-dir ../shared/datasets
    python bench/fast_recipes.py --ids mult-gru-fast --engines keras --seeds 0 1 2 --data-dir ../shared/datasets

Each run is a `dualnet run ID --engine E --seed S --no-inside` in its own process (so `backend auto`
can pick its backend), its folder kept under --out. The notes' recipe is not trained in full: it runs
--notes-epochs epochs the same way (on Keras with TensorFlow, the notes' framework, and on the same engine
as the fast run), and its time is its first epoch plus the mean of the others times the epochs left, so it
pays the same per-epoch costs (validation, checkpoint) as the fast runs. It is timed once per recipe,
in --notes-repeats fresh processes, and their median kept: one process can read a third faster than the
next (the notes' LSTM on TensorFlow, 200 s then 286 s in one sitting). --notes-epochs 0 computes it from
the throughput `dualnet bench` measures instead (training samples over training speed plus validation
samples over inference speed), which leaves those costs out and can misread a slow network (the notes'
VGG on TensorFlow: 110 samples/s in 3-s rounds against about 130 in real epochs the same hour; 93 in
rounds of 30 batches against 133 in session 8). Writes results/fast-recipes-<date>-<cpu>.md and .json.
Run it on a quiet machine: the seconds are the point.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from dualnet import experiments
from dualnet.bench import cpu_slug, run_worker
from dualnet.machine import cpu_model, package_versions, vector_extensions


def train(experiment_id: str, engine: str, seed: int, out: str, data_dir: str | None, extra=()) -> dict:
    cmd = [sys.executable, "-m", "dualnet", "run", experiment_id, "--engine", engine, "--seed", str(seed),
           "--out", out, "--no-inside", *extra] + (["--data-dir", data_dir] if data_dir else [])
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stderr[-3000:]}")
    run_dir = Path(done.stdout.strip().splitlines()[-1].removeprefix("run folder: "))
    metrics = json.loads((run_dir / "metrics.json").read_text(encoding="utf-8"))
    config = json.loads((run_dir / "config.json").read_text(encoding="utf-8"))
    return {"seed": seed, "run": str(run_dir), "metrics": metrics, "sizes": config.get("data"),
            "backend": config.get("engine", {}).get("backend"), "backend_choice": config["options"].get("backend_choice"),
            "precision": config["options"].get("precision", "float32")}


def notes_seconds_trained(notes_id: str, engine: str, epochs: int, out: str, data_dir: str | None,
                          repeats: int = 1) -> dict:
    """The notes' recipe's training time from `epochs` real epochs: the first (which compiles) plus the
    mean of the others times the epochs left; measured `repeats` times, each in a fresh process, and
    the median taken (one process of the notes' LSTM on TensorFlow read 200 s and the next 286 s in one
    sitting, session 9)."""
    recipe = experiments.get(notes_id)
    extra = ["--epochs", str(epochs)] + (["--backend", "tensorflow"] if engine == "keras" else [])
    estimates = []
    for _ in range(repeats):
        measured = train(notes_id, engine, 0, out, data_dir, extra)
        first, *rest = measured["metrics"]["epoch_seconds"]
        estimates.append({"seconds": first + (recipe.epochs - 1) * sum(rest) / len(rest),
                          "epoch_seconds": measured["metrics"]["epoch_seconds"], "run": measured["run"]})
    return {"engine": engine, "backend": measured["backend"], "epochs": recipe.epochs,
            "seconds": statistics.median(e["seconds"] for e in estimates),
            "method": f"{epochs} epochs trained, the median of {repeats} process{'es' if repeats > 1 else ''}",
            "estimates": estimates}


def notes_seconds(notes_id: str, engine: str, backend: str | None, sizes: dict, seconds: float, rounds: int) -> dict:
    """The notes' recipe's training time from its measured throughput: epochs x (train / train speed +
    validation / inference speed)."""
    recipe = experiments.get(notes_id)
    speed = run_worker(notes_id, engine, backend, seconds, rounds)
    per_epoch = sizes["train"] / max(speed["train"]) + sizes["validation"] / max(speed["infer"])
    return {"engine": engine, "backend": backend, "epochs": recipe.epochs, "seconds": recipe.epochs * per_epoch,
            "method": "throughput", "train_rate": max(speed["train"]), "infer_rate": max(speed["infer"]), "raw": speed}


def main(argv=None) -> Path:
    fast_ids = [r.id for r in experiments.REGISTRY.values() if r.goal is not None]
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--ids", nargs="+", default=fast_ids)
    p.add_argument("--engines", nargs="+", default=["keras", "scratch"])
    p.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    p.add_argument("--data-dir")
    p.add_argument("--out", default="runs/fast")
    p.add_argument("--notes-epochs", type=int, default=3,
                   help="epochs of the notes' recipe to time (at least 2; 0: compute its time from throughput)")
    p.add_argument("--notes-repeats", type=int, default=3,
                   help="fresh processes that time the notes' recipe (its time is their median)")
    p.add_argument("--seconds", type=float, default=6.0, help="per round of the notes' recipe's throughput")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--results", default="results")
    p.add_argument("--precision", choices=("float32", "mixed_bfloat16", "auto"),
                   help="the fast recipes' Keras precision (default: each recipe's own)")
    args = p.parse_args(argv)
    if args.notes_epochs == 1:
        p.error("--notes-epochs: at least 2 (the first epoch compiles, so one alone says little), or 0")
    if args.notes_repeats < 1:
        p.error("--notes-repeats: at least 1")

    machine = {"cpu": cpu_model(), "extensions": vector_extensions(), "cores": os.cpu_count(),
               "versions": package_versions()}
    record = {"date": str(date.today()), "command": "python " + " ".join(sys.argv), "machine": machine,
              "entries": []}
    stem = Path(args.results) / f"fast-recipes-{date.today()}-{cpu_slug()}"
    if stem.with_suffix(".json").exists():
        stem = Path(args.results) / f"fast-recipes-{date.today()}T{time.strftime('%H%M%S')}-{cpu_slug()}"
    entries, references = record["entries"], {}
    for experiment_id in args.ids:
        recipe = experiments.get(experiment_id)
        for engine in args.engines:
            runs = []
            for seed in args.seeds:
                asked = ["--precision", args.precision] if args.precision and engine == "keras" else []
                runs.append(train(experiment_id, engine, seed, args.out, args.data_dir, asked))
                m = runs[-1]["metrics"]
                print(f"{experiment_id} {engine} ({runs[-1]['backend'] or 'numpy'}) seed {seed}: "
                      f"{recipe.goal.metric} {m[recipe.goal.metric]:.4f} in {m['train_seconds']:.1f} s", flush=True)
            def reference_on(notes_engine, backend):
                if (recipe.id, notes_engine) not in references:  # once per recipe: every row shares it
                    references[recipe.id, notes_engine] = (
                        notes_seconds_trained(recipe.goal.improves, notes_engine, args.notes_epochs, args.out,
                                              args.data_dir, args.notes_repeats) if args.notes_epochs else
                        notes_seconds(recipe.goal.improves, notes_engine, backend, runs[0]["sizes"], args.seconds,
                                      args.rounds))
                return references[recipe.id, notes_engine]

            reference = [reference_on("keras", "tensorflow")] + ([reference_on("scratch", None)]
                                                                  if engine == "scratch" else [])
            entries.append({"id": experiment_id, "engine": engine, "goal": recipe.goal.__dict__, "runs": runs,
                            "notes": reference})
            print(f"  the notes' {recipe.goal.improves}: " + ", ".join(
                f"{r['engine']}/{r['backend'] or 'numpy'} {r['seconds']:.0f} s" for r in reference), flush=True)
            # Written after each recipe and engine: a sitting cut short keeps what it measured.
            stem.with_suffix(".json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
            stem.with_suffix(".md").write_text(markdown(record), encoding="utf-8")
    print(f"written: {stem.with_suffix('.md')}")
    return stem.with_suffix(".md")


def markdown(record: dict) -> str:
    m = record["machine"]
    lines = [f"# The recipes beyond the notes against their goals ({record['date']})", "",
             f"Command: `{record['command']}`", "",
             f"Machine: {m['cpu']} ({', '.join(m['extensions']) or 'no AVX'}), {m['cores']} cores; "
             + ", ".join(f"{k} {v}" for k, v in m["versions"].items()), "",
             "Each row: full-length runs, one per seed; the figure on the real test set; training seconds as the "
             "run measured them (validation included). The notes' time, measured in the same sitting: "
             + "; ".join(sorted({f"{n['engine']}: {n.get('method', 'throughput')}" for e in record["entries"]
                                 for n in e["notes"]}))
             + " (see bench/fast_recipes.py).", "",
             "| recipe | engine | seeds | figure per seed | mean | spread | goal's figure | reached | train s per seed "
             "| mean s | notes' recipe, Keras/TF s | share | goal's share | reached | notes' recipe, same engine s "
             "| share |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for e in record["entries"]:
        goal, runs = e["goal"], e["runs"]
        values = [r["metrics"][goal["metric"]] for r in runs]
        seconds = [r["metrics"]["train_seconds"] for r in runs]
        mean, mean_s = statistics.mean(values), statistics.mean(seconds)
        tf = e["notes"][0]["seconds"]
        same = e["notes"][-1]["seconds"] if e["engine"] == "scratch" else tf
        engine = e["engine"] + (f"/{runs[0]['backend']}" if runs[0]["backend"] else "") + (
            f" {runs[0]['precision']}" if runs[0].get("precision", "float32") != "float32" else "")
        figure_met = "yes" if mean >= goal["at_least"] else "no"
        time_met = "yes" if mean_s <= goal["time_share"] * tf else "no"
        lines.append(
            f"| {e['id']} | {engine} | {', '.join(str(r['seed']) for r in runs)} | "
            f"{', '.join(f'{v:.2%}' for v in values)} | {mean:.2%} | {100 * (max(values) - min(values)):.2f} points | "
            f">= {goal['at_least']:.1%} | {figure_met} | {', '.join(f'{s:.0f}' for s in seconds)} | {mean_s:.0f} | "
            f"{tf:.0f} | {mean_s / tf:.3f} | <= {goal['time_share']:.3f} | {time_met} | {same:.0f} | {mean_s / same:.3f} |")
    timed = {(e["goal"]["improves"], n["engine"]): n for e in record["entries"] for n in e["notes"] if "estimates" in n}
    if timed:
        lines += ["", "The notes' recipes, each process's estimate of its full training time (the median is the reference):", ""]
        lines += [f"- {notes_id} on {engine}/{n['backend'] or 'numpy'}: "
                  f"{', '.join(str(round(e['seconds'])) for e in n['estimates'])} s (median {n['seconds']:.0f})"
                  for (notes_id, engine), n in timed.items()]
    lines += ["", "Runs: " + "; ".join(r["run"] for e in record["entries"] for r in e["runs"]), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
