"""Per-epoch checkpoints in the run folder, and resuming from them.

run_dir/checkpoint/ holds the model with its optimizer state (the engine's own
format), and state.json: the number of finished epochs, the history so far,
and the engine's random state. A new checkpoint is written beside the old one
and swapped in by renames, so an interruption at any moment leaves one whole
checkpoint behind.
"""

from __future__ import annotations

import json
import math
import shutil
import time
from pathlib import Path

from dualnet.rundir import write_json

FOLDER = "checkpoint"


class NoCheckpointError(FileNotFoundError):
    pass


def save(engine, model, run_dir: Path, epochs_done: int, history: dict, seed: int) -> Path:
    final, fresh, old = run_dir / FOLDER, run_dir / f".{FOLDER}.new", run_dir / f".{FOLDER}.old"
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir()
    extra = engine.save_checkpoint(model, fresh)
    write_json(fresh / "state.json", {"epochs_done": epochs_done, "history": history, "seed": seed, **extra})
    if final.exists():
        shutil.rmtree(old, ignore_errors=True)
        final.rename(old)
    fresh.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    return final


def find(run_dir: Path) -> Path:
    for folder in (run_dir / FOLDER, run_dir / f".{FOLDER}.old"):  # .old: stopped between the two renames
        if (folder / "state.json").is_file():
            return folder
    raise NoCheckpointError(f"{run_dir}: no checkpoint to resume from (no finished epoch was saved)")


def load(engine, run_dir: Path, recipe):
    """(model, epochs done, history) from the run's last checkpoint."""
    folder = find(run_dir)
    state = json.loads((folder / "state.json").read_text(encoding="utf-8"))
    model = engine.load_checkpoint(folder, state, recipe)
    return model, state["epochs_done"], state["history"]


class Checkpointer:
    """An engine-neutral callback: after each finished epoch, record its logs and save a checkpoint.
    An epoch whose loss is not finite is not saved, so the last checkpoint stays a good one.
    epoch_seconds: each epoch's wall time in this process, validation and checkpoint included."""

    def __init__(self, engine, model, run_dir: Path, history: dict, seed: int):
        self.engine, self.model, self.run_dir, self.seed = engine, model, run_dir, seed
        self.history = {k: list(v) for k, v in history.items()}
        self.epoch_seconds: list[float] = []
        self._started = None

    def on_epoch_begin(self, epoch, logs=None):
        self._started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if not all(math.isfinite(v) for v in logs.values() if isinstance(v, (int, float))):
            return
        for key, value in logs.items():
            self.history.setdefault(key, []).append(float(value))
        save(self.engine, self.model, self.run_dir, epoch + 1, self.history, self.seed)
        if self._started is not None:
            self.epoch_seconds.append(round(time.perf_counter() - self._started, 3))

    @property
    def epochs_done(self) -> int:
        return len(self.history.get("loss", []))
