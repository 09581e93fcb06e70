"""Training progress: a live bar per epoch in a terminal, a live line in a Jupyter notebook (updated in
place, a few times a second), and one plain line per epoch otherwise (a file, a CI log).

Engine-neutral: the Keras engine adapts it to a keras Callback, the scratch
engine calls it directly. Hooks are Keras's names, epochs counted from 0.
"""

from __future__ import annotations

import sys
import time


def format_logs(logs: dict) -> str:
    return "  ".join(f"{k} {v:.4f}" for k, v in logs.items() if isinstance(v, (int, float)))


def in_notebook() -> bool:
    """True inside a Jupyter kernel (where standard output is no terminal, but a display can update)."""
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    return bool(shell) and type(shell).__name__ == "ZMQInteractiveShell"


class NotebookLine:
    """One line of output that updates in place, at most every `interval` seconds."""

    def __init__(self, interval: float = 0.25):
        from IPython.display import display

        self.interval, self._shown = interval, 0.0
        self.handle = display({"text/plain": ""}, raw=True, display_id=True)

    def update(self, text: str, force: bool = False) -> None:
        now = time.perf_counter()
        if force or now - self._shown >= self.interval:
            self.handle.update({"text/plain": text}, raw=True)
            self._shown = now


class EpochProgress:
    def __init__(self, epochs: int, steps: int, stream=None, live: bool | None = None):
        self.epochs, self.steps = epochs, steps
        self.stream = stream or sys.stdout
        self.live = self.stream.isatty() if live is None else live
        self.notebook = live is None and not self.live and self.stream is sys.stdout and in_notebook()
        self._bar = self._line = None
        self._started = 0.0

    # -- hooks ------------------------------------------------------------
    def on_epoch_begin(self, epoch: int, logs=None) -> None:
        self._started, self._epoch = time.perf_counter(), epoch
        if self.live:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(TextColumn(f"epoch {epoch + 1}/{self.epochs}"), BarColumn(),
                                 MofNCompleteColumn(), TimeRemainingColumn(), TextColumn("{task.fields[logs]}"),
                                 transient=True)
            self._bar.start()
            self._task = self._bar.add_task("train", total=self.steps, logs="")
        elif self.notebook:
            self._line = NotebookLine()

    def on_train_batch_end(self, batch: int, logs=None) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=batch + 1, logs=format_logs(logs or {}))
        elif self._line is not None:
            done = (batch + 1) / self.steps
            bar = "█" * int(30 * done) + "·" * (30 - int(30 * done))
            self._line.update(f"epoch {self._epoch_text} {bar} {batch + 1}/{self.steps}  {format_logs(logs or {})}",
                              force=batch + 1 == self.steps)

    @property
    def _epoch_text(self) -> str:
        return f"{self._epoch + 1}/{self.epochs}"

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
        seconds = time.perf_counter() - self._started
        line = f"epoch {epoch + 1}/{self.epochs}  {seconds:.1f}s  {format_logs(logs or {})}"
        if self._line is not None:  # the live line becomes the epoch's line: one line per epoch in the cell
            self._line.update(line, force=True)
            self._line = None
        else:
            print(line, file=self.stream, flush=True)
