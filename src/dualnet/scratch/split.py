"""Training a small recurrent network on two cores: half of each batch in a helper process.

A recurrent layer's time steps run one after another, each a dozen NumPy calls on a few thousand
numbers, so one process keeps one core busy and the products are too small for BLAS to share them.
The other core can take half of every batch instead: the model's mean loss over the batch has as its
gradient the two halves' gradients, each weighted by its share of the batch, so the helper computes
forward and backward for the second half while this process does the first, and the optimizer then
updates once, here, as for the whole batch. The result is the one-process step's up to float32
rounding (the sums run in another order); a training step of mult-lstm and mult-gru measured
1.03-1.43x as fast on two AMD EPYC Zen 3 cores (medians of four sittings, bench/batch_split.py).

Only where that identity holds and pays: every layer SimpleRNN, LSTM, GRU or Dense (no
BatchNormalization, whose statistics are the whole batch's; no Dropout, whose masks would come from
two generators; no Embedding, whose sparse updates Adam treats by occurrence), at least one of them an
LSTM or a GRU (a SimpleRNN step is too cheap: doit-simplernn measured 0.87x split, its whole step
about 3.5 ms against 1-2 ms of exchange), and few enough weights to send with every batch.
DUALNET_PROCESSES=1 turns it off.

The helper gets a copy of the model at the start of each fit() and the current weights with every
batch, both sent over the pipe (pickled) between the two processes (nothing is read from a file). It is
started on the first fit (a fresh interpreter: about half a second) and stopped with the model, at
exit, or after anything interrupts a step (the next fit starts a new one).
"""

from __future__ import annotations

import copy
import os
import signal
import socket
import subprocess
import sys
import traceback
import weakref
from multiprocessing.connection import Connection
from pathlib import Path

import numpy as np

MAX_WEIGHTS = 1_000_000  # sent with every batch: 4 MB in float32 is already a noticeable part of a step
ENVIRONMENT = "DUALNET_PROCESSES"


class HelperError(RuntimeError):
    """The helper process failed or ended; the message says how."""


def processes_allowed() -> int:
    """How many processes a model may train on: DUALNET_PROCESSES (1 or 2), else 2 where this process may
    run on two cores or more. Always 1 off POSIX systems: the helper is handed its socket by descriptor."""
    if os.name != "posix":
        return 1
    setting = os.environ.get(ENVIRONMENT, "").strip()
    if setting:
        if setting not in ("1", "2"):
            raise ValueError(f"{ENVIRONMENT} must be 1 (one process) or 2 (half of each batch in a helper "
                             f"process), not {setting!r}")
        return int(setting)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return 2 if cores >= 2 else 1


def splittable(model) -> bool:
    """Whether the batch-split identity holds for this model and the split pays (see above)."""
    from dualnet.scratch.layers.core import Dense
    from dualnet.scratch.layers.recurrent import GRU, LSTM, SimpleRNN

    return (all(type(layer) in (SimpleRNN, LSTM, GRU, Dense) for layer in model.layers)
            and any(isinstance(layer, (LSTM, GRU)) for layer in model.layers)
            and sum(w.size for w in model.trainable_weights()) <= MAX_WEIGHTS)


def will_split(model) -> bool:
    """Whether fit() trains this model with a helper process: allowed here, and exact and paying for it."""
    return processes_allowed() >= 2 and splittable(model)


def serve(connection) -> None:
    """The helper's loop: ("model", model) replaces the model it holds; ("batch", inputs, targets,
    weights) is answered with ("done", loss, outputs, gradients) or ("error", traceback text); None ends it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    model = None
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if request is None:
            return
        if request[0] == "model":
            model = request[1]
            continue
        try:
            _, x, y, weights = request
            for mine, theirs in zip(model.trainable_weights(), weights):
                mine[...] = theirs
            loss, output, _ = model.loss_and_gradients(x, y)
            connection.send(("done", loss, output, model.gradients()))
        except Exception:  # sent back whole: the parent raises it with its own step's context
            connection.send(("error", traceback.format_exc()))


def serve_socket(descriptor: int) -> None:
    """The helper process's start (start_helper): serve on the socket it was handed."""
    serve(Connection(descriptor))


class BatchSplit:
    """The helper process of one model, and the split step (loss_and_gradients)."""

    def __init__(self):
        self.process = self.connection = self.stopper = None

    def prepare(self, model) -> None:
        """Start the helper if it is not running, and give it the model as it is now."""
        if self.process is None or self.process.poll() is not None:
            self.close()
            self.process, self.connection = start_helper()
            self.stopper = weakref.finalize(self, _stop, self.process, self.connection)
        snapshot = copy.copy(model)  # the layers and loss it computes with; not the optimizer or the helper
        snapshot.optimizer, snapshot.batch_split, snapshot.history = None, None, None
        self._send(("model", snapshot))

    def loss_and_gradients(self, model, x, y):
        """(loss, outputs) of the batch (x, y), its gradients left on the model's layers as one process
        would leave them: the first half computed here, the second in the helper."""
        n, half = len(x), len(x) // 2
        try:
            self._send(("batch", x[half:], y[half:], model.trainable_weights()))
            loss, output, _ = model.loss_and_gradients(x[:half], y[:half])
            answer = self._receive()
        except BaseException:  # an interrupted exchange leaves an answer in the pipe: start afresh next time
            self.close()
            raise
        if answer[0] == "error":
            self.close()
            raise HelperError(f"the helper process failed on the second half of the batch:\n{answer[1]}")
        _, their_loss, their_output, their_gradients = answer
        for g, other in zip(model.gradients(), their_gradients):
            g *= g.dtype.type(half / n)
            g += other * g.dtype.type((n - half) / n)
        return (half * loss + (n - half) * their_loss) / n, np.concatenate([output, their_output])

    def _send(self, message) -> None:
        if self.connection is None:
            raise HelperError("no helper process: prepare(model) starts one")
        try:
            self.connection.send(message)
        except (BrokenPipeError, OSError) as exc:
            self.close()
            raise HelperError(f"the helper process has ended ({exc}); the next fit() starts a new one") from exc

    def _receive(self):
        try:
            return self.connection.recv()
        except (EOFError, OSError) as exc:
            code = self.process.poll() if self.process is not None else None
            self.close()
            raise HelperError(f"the helper process ended in the middle of a batch (exit code {code}); "
                              f"set {ENVIRONMENT}=1 to train on one process") from exc

    def close(self) -> None:
        if self.stopper is not None:
            self.stopper()  # runs _stop once; the finalizer does it if the object is collected first
        self.process = self.connection = self.stopper = None


def start_helper():
    """A fresh interpreter running `serve`, and our end of a socket pair to it. Not multiprocessing's
    spawn: that imports the caller's main module again, which breaks a student's script that has no
    `if __name__ == "__main__":` guard."""
    ours, theirs = socket.socketpair()
    package_root = str(Path(__file__).resolve().parents[2])  # where `dualnet` was imported from
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [package_root,
                                                                          os.environ.get("PYTHONPATH")])))
    with theirs:
        process = subprocess.Popen([sys.executable, "-c", f"from dualnet.scratch.split import serve_socket; "
                                                      f"serve_socket({theirs.fileno()})"],
                                   pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=environment)
    return process, Connection(ours.detach())


def _stop(process, connection) -> None:
    try:
        connection.send(None)
    except (BrokenPipeError, OSError):
        pass
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    connection.close()

