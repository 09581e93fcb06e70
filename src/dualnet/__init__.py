"""dualnet: the CNN and RNN course, every network twice (a NumPy engine and Keras 3)."""

import os

from dualnet.allocator import keep_freed_memory
from dualnet.blas import choose_kernels

# TensorFlow's C++ start-up notes (oneDNN, CPU features) are information-level lines that are not
# ours to print; level 1 hides those and keeps its warnings and errors. A user's own setting wins.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")

choose_kernels()  # before anything imports NumPy: OpenBLAS reads the choice when it loads
keep_freed_memory()  # the scratch engine's per-step arrays stay mapped (dualnet/allocator.py)

__version__ = "0.1.0"

from dualnet.api import (Run, beside_notes, compare, list_experiments, load, report, run,  # noqa: E402
                         summary)  # (after the kernel choice above)
from dualnet.trained import generate, sentiment_by_word  # noqa: E402

__all__ = ["Run", "beside_notes", "compare", "generate", "list_experiments", "load", "report", "run",
           "sentiment_by_word", "summary"]
