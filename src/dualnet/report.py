"""Recorded runs against the notes: one table, and copies of runs kept in results/."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from dualnet.observations import seen
from dualnet.rundir import RunFolderError, read_run_config

KEPT_FILES = ("config.json", "history.csv", "metrics.json", "summary.txt")  # plus every figure (.png)


def find_runs(roots) -> list[Path]:
    runs = []
    for root in roots:
        runs += sorted(p.parent for p in Path(root).glob("**/metrics.json"))
    return runs


def in_course_order(rows: list[dict]) -> list[dict]:
    """The notes' order (the registry's: the CNN chapter, then the RNN chapter), then engine and seed."""
    from dualnet.experiments import REGISTRY

    order = {experiment: i for i, experiment in enumerate(REGISTRY)}
    return sorted(rows, key=lambda r: (order.get(r["experiment"], len(order)), r["id"], r["engine"], r["seed"],
                                       r["started"]))


# Runs made before the books' own preparation landed (2026-11-30): NSMC's clean_str, text generation in
# non-overlapping pieces with a model per level, and the scratch engine's TensorFlow-style embedding
# updates. They stay in results/ as they were measured, labelled, and apart from the new runs' means.
BOOKS_PREPARATION = "2026-11-30"
REPREPARED = {"sentiment-lstm", "textgen-word", "textgen-jamo", "textgen-char"}
EMBEDDING_RECIPES = {"doit-embedding-rnn", "doit-embedding-lstm", "sentiment-lstm"}


# What a recipe trains with: a recorded run whose values differ from the registry's now ran an earlier
# version of the recipe (the fast recipes change as they are explored).
TRAINING_FIELDS = ("model", "params", "epochs", "batch_size", "optimizer", "optimizer_args", "schedule", "flip",
                   "shift", "cutout", "loss", "label_smoothing", "validation_split")


def earlier_recipe(recorded: dict) -> bool:
    from dualnet.experiments import REGISTRY

    current = REGISTRY.get(recorded["id"])
    if current is None:
        return False
    now = json.loads(json.dumps(current.to_json()))  # tuples as lists, as the recorded JSON has them
    return any(key in recorded and recorded[key] != now.get(key) for key in TRAINING_FIELDS)


def outdated(config: dict) -> str | None:
    """Why a recorded run does not show the current recipe, or None."""
    experiment, engine = config["experiment"]["id"], config.get("engine", {})
    reasons = []
    if earlier_recipe(config["experiment"]):
        reasons.append("earlier recipe")
    if experiment in REPREPARED and config.get("started", "") < BOOKS_PREPARATION:
        reasons.append("old preparation")
    if experiment in EMBEDDING_RECIPES and engine.get("engine") == "scratch" and "embedding_updates" not in engine:
        reasons.append("dense embedding updates")
    if engine.get("engine") == "keras" and "shuffle" not in engine:  # before KerasEngine.fit drew an order per epoch
        reasons.append("same order every epoch")
    return ", ".join(reasons) or None


def engine_detail(engine: dict) -> str:
    """" (tensorflow)", or " (tensorflow, mixed_bfloat16)" for a run in mixed precision."""
    detail = [engine[key] for key in ("backend", "precision") if engine.get(key)]
    return f" ({', '.join(detail)})" if detail else ""


def summarize(run_dir: Path) -> dict:
    config = json.loads((run_dir / "config.json").read_text(encoding="utf-8"))
    metrics = json.loads((run_dir / "metrics.json").read_text(encoding="utf-8"))
    notes = metrics.get("notes") or {}
    goal = config["experiment"].get("goal")
    if not notes and goal and goal["metric"] in metrics:  # a recipe beyond the notes: its figure, no notes' one
        notes = {"metric": goal["metric"], "ours": metrics[goal["metric"]]}
    elif not notes and "test_loss" in metrics:  # nothing to compare with (text generation): the held-out loss
        notes = {"metric": "test_loss", "ours": metrics["test_loss"]}
    engine = config.get("engine", {})
    label = outdated(config)
    return {"id": config["experiment"]["id"] + (f" ({label})" if label else ""),
            "experiment": config["experiment"]["id"],
            "engine": engine.get("engine", "?") + engine_detail(engine),
            "seed": config["options"]["seed"], "epochs": metrics.get("epochs"),
            "limited": metrics.get("limited", False), "metric": notes.get("metric", ""),
            "ours": notes.get("ours"), "notes": notes.get("notes"), "difference_points": notes.get("difference_points"),
            "within_1_point": None if notes.get("difference_points") is None else abs(notes["difference_points"]) <= 1.0, "train_seconds": metrics.get("train_seconds"),
            "wall_seconds": metrics.get("wall_seconds"), "goal": goal, "seen": seen(run_dir, config),
            "started": config.get("started", ""), "run": str(run_dir)}


def figure(metric: str, value, digits: int = 4) -> str:
    """A run's figure as the table shows it: a loss as a number (`digits` significant digits: seq-predict's
    is about 0.001, text generation's 2-15), anything else as a percentage."""
    if value is None:
        return ""
    return f"{value:.{digits}g}" if metric.endswith("loss") else f"{value:.2%}"


def spread(metric: str, values: list[float]) -> str:
    width = max(values) - min(values)
    return figure(metric, width, digits=2) if metric.endswith("loss") else f"{100 * width:.2f} points"


def markdown_table(rows: list[dict]) -> str:
    head = ("| experiment | engine | seed | epochs | metric | ours | notes | difference (points) | within ±1 | train s | "
            "seen in the run | run |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        lines.append(f"| {r['id']}{' (limited)' if r['limited'] else ''} | {r['engine']} | {r['seed']} | {r['epochs']} "
                     f"| {r['metric']} | {figure(r['metric'], r['ours'])} | {figure(r['metric'], r['notes']) or goal_text(r)} | "
                     f"{'' if r['difference_points'] is None else r['difference_points']:} | "
                     f"{'' if r['within_1_point'] is None else ('yes' if r['within_1_point'] else 'no')} | "
                     f"{r['train_seconds']} | {r.get('seen', '')} | {r['run']} |")
    return "\n".join(lines) + "\n"


def seed_means(rows: list[dict]) -> str:
    """Per experiment and engine, over full-length runs: the mean of the seeds against the notes' figure."""
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        if r["ours"] is not None and not r["limited"]:
            groups.setdefault((r["id"], r["engine"]), []).append(r)
    lines = ["| experiment | engine | seeds | metric | mean | spread (max - min) | notes | difference (points) |",
             "|---|---|---|---|---|---|---|---|"]
    for (experiment, engine), runs in groups.items():  # rows come in the course's order
        mean, first = mean_of(runs), runs[0]
        reference, difference = against(first), ""
        if reference is not None:
            difference = f"{100 * (mean - reference[0]):+.2f}{' (to the goal)' if first['notes'] is None else ''}"
        lines.append(f"| {experiment} | {engine} | {', '.join(str(r['seed']) for r in runs)} | {first['metric']} | "
                     f"{figure(first['metric'], mean)} | {spread(first['metric'], [r['ours'] for r in runs])} | "
                     f"{'' if reference is None else reference[1]} | {difference} |")
    return "\n".join(lines) + "\n" + band_count(groups)


def goal_text(row: dict) -> str:
    """A recipe beyond the notes in the notes' column: the figure its goal asks for."""
    goal = row.get("goal")
    return f"goal >= {goal['at_least']:.1%}" if goal and row.get("notes") is None else ""


def against(row: dict) -> tuple[float, str] | None:
    """What a run's figure is compared with, and how to name it: the notes' figure, or for a recipe
    beyond the notes the figure its goal asks for; None where there is neither (text generation)."""
    if row.get("notes") is not None:
        return row["notes"], f"{row['notes']:.2%}"
    if row.get("goal"):
        return row["goal"]["at_least"], goal_text(row)
    return None


def mean_of(runs: list[dict]) -> float:
    return sum(r["ours"] for r in runs) / len(runs)


def band_count(groups: dict[tuple, list[dict]]) -> str:
    """One sentence: how many (experiment, engine) means of the current recipes land within ±1 point of
    the notes, and which do not. Labelled (outdated) runs are left out."""
    inside, outside = [], []
    for (experiment, engine), runs in groups.items():
        if runs[0]["id"] != runs[0]["experiment"] or runs[0]["notes"] is None:  # labelled, or beyond the notes
            continue
        difference = 100 * (mean_of(runs) - runs[0]["notes"])
        (inside if abs(difference) <= 1.0 else outside).append(f"{experiment} on {engine} ({difference:+.2f})")
    if not inside and not outside:
        return ""
    return (f"\nWithin ±1 point of the notes (mean over seeds, current recipes only): {len(inside)} of "
            f"{len(inside) + len(outside)}." + (f" Outside: {'; '.join(outside)}." if outside else "") + "\n")


def record(run_dir: Path, results_dir: Path) -> Path:
    """Copy a run's small files (not the trained model) to results/runs/<id>/<run name>/."""
    read_run_config(run_dir)  # a clear error for a folder that is not a run
    if not (Path(run_dir) / "metrics.json").is_file():
        raise RunFolderError(f"{run_dir}: the run has not finished (no metrics.json); finish it with "
                             f"'dualnet run ID --resume {run_dir}' before recording it")
    row = summarize(run_dir)
    target = Path(results_dir) / "runs" / row["experiment"] / f"{row['engine'].split()[0]}-seed{row['seed']}-{run_dir.name}"
    target.mkdir(parents=True, exist_ok=True)
    for path in run_dir.iterdir():
        if path.name in KEPT_FILES or path.suffix == ".png":
            shutil.copy2(path, target / path.name)
    return target
