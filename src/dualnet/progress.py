"""Training progress: a live bar per epoch in a terminal, one plain line per epoch otherwise.

Engine-neutral: the Keras engine adapts it to a keras Callback, the scratch
engine calls it directly. Hooks are Keras's names, epochs counted from 0.
"""

from __future__ import annotations

import sys
import time


def format_logs(logs: dict) -> str:
    return "  ".join(f"{k} {v:.4f}" for k, v in logs.items() if isinstance(v, (int, float)))


class EpochProgress:
    def __init__(self, epochs: int, steps: int, stream=None, live: bool | None = None):
        self.epochs, self.steps = epochs, steps
        self.stream = stream or sys.stdout
        self.live = self.stream.isatty() if live is None else live
        self._bar = None
        self._started = 0.0

    # -- hooks ------------------------------------------------------------
    def on_epoch_begin(self, epoch: int, logs=None) -> None:
        self._started = time.perf_counter()
        if self.live:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(TextColumn(f"epoch {epoch + 1}/{self.epochs}"), BarColumn(),
                                 MofNCompleteColumn(), TimeRemainingColumn(), TextColumn("{task.fields[logs]}"),
                                 transient=True)
            self._bar.start()
            self._task = self._bar.add_task("train", total=self.steps, logs="")

    def on_train_batch_end(self, batch: int, logs=None) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=batch + 1, logs=format_logs(logs or {}))

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
        seconds = time.perf_counter() - self._started
        print(f"epoch {epoch + 1}/{self.epochs}  {seconds:.1f}s  {format_logs(logs or {})}",
              file=self.stream, flush=True)
