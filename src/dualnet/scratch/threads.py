"""How many threads BLAS may use while a model with recurrent layers runs: one.

A recurrent layer multiplies small matrices, step after step, and OpenBLAS may still split such a
product over every core. Where another program holds a core, each product then waits for a thread
that is not running. Measured on this project's 2-core machine (doit-simplernn, batch 32): with one
core busy elsewhere, 447 samples/s on two BLAS threads and 15,048 on one; on a quiet machine one
thread was as fast (15,402 against 13,967 on two). A convolution's products are large and gain from
every core (VGG: 1.6 times as fast on two), so models without recurrent layers keep them all.
"""

from __future__ import annotations

from contextlib import nullcontext

_controller = None


def blas_threads(limit: int | None):
    """A context in which BLAS uses at most `limit` threads (None: no change)."""
    global _controller
    if limit is None:
        return nullcontext()
    if _controller is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # without it BLAS keeps its own thread count
            return nullcontext()
        _controller = ThreadpoolController()
    return _controller.limit(limits=limit, user_api="blas")
