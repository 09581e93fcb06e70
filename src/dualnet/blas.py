"""Which of OpenBLAS's kernels NumPy's matrix products run on.

OpenBLAS picks its kernels from the CPU's family and model numbers. A CPU newer than the OpenBLAS
build (this project was measured on a Zen 5 EPYC, family 26, which OpenBLAS 0.3.31 does not know)
gets a fallback, and an environment may pin OPENBLAS_CORETYPE=Haswell, the AVX2 kernels (this
project's machines do), even where AVX-512 is there: the convolutions' matrix products then run at
about half the speed of OpenBLAS's AVX-512 kernels.

DUALNET_OPENBLAS_CORETYPE decides:
- "auto" (the default): where OPENBLAS_CORETYPE is unset and the CPU has the AVX-512 subsets that
  OpenBLAS's "SkylakeX" kernels use, set "SkylakeX"; an OPENBLAS_CORETYPE the user (or the machine)
  set is always respected, even an AVX2 one on an AVX-512 CPU (set DUALNET_OPENBLAS_CORETYPE=SkylakeX
  to ask for the faster kernels there);
- "keep": leave OPENBLAS_CORETYPE as it is;
- any other value: set OPENBLAS_CORETYPE to it.
OpenBLAS reads the choice when it loads, so it is made before NumPy is first imported; where NumPy was
imported first, nothing is changed. Either way `kernels_in_use()` says what runs, and the scratch
engine's config.json records it.
"""

from __future__ import annotations

import os
import sys

SKYLAKEX_FLAGS = frozenset({"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"})


def cpu_flags(cpuinfo_path: str = "/proc/cpuinfo") -> set[str]:
    """The CPU's feature flags (Linux); empty where there is no /proc/cpuinfo."""
    try:
        with open(cpuinfo_path, encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def preferred_coretype(flags: set[str], environ) -> str | None:
    """The OPENBLAS_CORETYPE to set, or None to leave things as they are."""
    wish = environ.get("DUALNET_OPENBLAS_CORETYPE", "auto").strip()
    if wish.lower() == "keep":
        return None
    if wish.lower() != "auto":
        return wish
    if environ.get("OPENBLAS_CORETYPE", "").strip():  # an explicit choice: not ours to override
        return None
    return "SkylakeX" if SKYLAKEX_FLAGS <= flags else None


def choose_kernels() -> None:
    if "numpy" in sys.modules:  # too late: OpenBLAS has chosen already
        return
    coretype = preferred_coretype(cpu_flags(), os.environ)
    if coretype:
        os.environ["OPENBLAS_CORETYPE"] = coretype


def kernels_in_use() -> str | None:
    """The architecture OpenBLAS runs on, as threadpoolctl reports it (None if unknown)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    for pool in threadpool_info():
        if pool.get("internal_api") == "openblas":
            return pool.get("architecture")
    return None
