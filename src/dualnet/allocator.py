"""Keep freed memory in the process for the next training step instead of returning it to the system.

A scratch-engine step allocates and frees the same arrays of 0.1-30 MB every time (an LSTM's gate
values for 100 steps, a convolution's columns). glibc's malloc hands arrays that large to the system
when they are freed (fresh mmap'd pages, or a trim of its heap), so the next step takes a page fault
for every 4 KB of them and the kernel zeroes each page again. Raising glibc's two thresholds keeps
them: the scratch mult-lstm trains 1.2 times as fast, mult-gru 1.4 times, the convolutional networks
the same (results/profile-scratch-malloc-2026-11-30-amd-avx2.md), and peak memory does not change.
The price: up to 512 MiB freed at the heap's top stays with the process, which a training run
reuses at its next step anyway.

DUALNET_MALLOC=system leaves glibc's defaults; a MALLOC_TRIM_THRESHOLD_ or MALLOC_MMAP_THRESHOLD_ the
user set is respected. Elsewhere than glibc (macOS, musl, Windows) nothing is done.
"""

from __future__ import annotations

import ctypes
import os
import platform

M_TRIM_THRESHOLD = -1   # mallopt's parameter numbers (malloc.h)
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 1024 ** 2   # glibc's largest allowed value on 64-bit systems
TRIM_THRESHOLD = 512 * 1024 ** 2  # free memory at the heap's top beyond this goes back to the system
USER_SETTINGS = ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_")
applied = False  # whether this process raised the thresholds (recorded with runs and benchmarks)


def wanted(environ) -> bool:
    if environ.get("DUALNET_MALLOC", "keep").strip().lower() == "system":
        return False
    return not any(environ.get(name) for name in USER_SETTINGS)


def keep_freed_memory(environ=os.environ, libc=None) -> bool:
    """Raise glibc's trim and mmap thresholds; True when they were set."""
    global applied
    if not wanted(environ):
        return False
    if libc is None:
        if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
            return False
        try:
            libc = ctypes.CDLL("libc.so.6")
        except OSError:
            return False
    # mallopt returns 1 on success; the mmap threshold first, as setting it stops glibc's own adjusting
    applied = bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(libc.mallopt(M_TRIM_THRESHOLD,
                                                                                          TRIM_THRESHOLD))
    return applied


def setting() -> str:
    return "freed memory kept" if applied else "allocator defaults"
