"""Keras imported without TensorFlow's native start-up lines.

On CPUs where TensorFlow turns oneDNN on by default (the Intel Xeons with AVX-512 of this project's
machines), importing it writes "oneDNN custom operations are on ..." and absl's "All log messages before
absl::InitializeLog() ..." straight to the process's stderr (file descriptor 2), whatever
TF_CPP_MIN_LOG_LEVEL says. They are not ours to show a student, so the first import of Keras runs with
descriptor 2 captured, and every other line it wrote is passed on unchanged.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
from contextlib import contextmanager

START_UP_CHATTER = ("All log messages before absl::InitializeLog() is called are written to STDERR",
                    "oneDNN custom operations are on")


def import_keras():
    """The keras module; its first import in this process with TensorFlow's start-up lines dropped."""
    if "keras" in sys.modules:
        return sys.modules["keras"]
    with native_stderr_without(START_UP_CHATTER):
        return importlib.import_module("keras")


@contextmanager
def native_stderr_without(fragments):
    """Capture file descriptor 2 for the block; afterwards write back every line that contains none of
    `fragments` (an exception in the block still gets its lines written back first)."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            for line in captured.read().decode("utf-8", errors="replace").splitlines(keepends=True):
                if not any(fragment in line for fragment in fragments):
                    sys.stderr.write(line)
            sys.stderr.flush()
