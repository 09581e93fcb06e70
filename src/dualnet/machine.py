"""What a run was made with: package versions and the machine, for config.json and results."""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata


def package_versions(names=("dualnet", "numpy", "keras", "tensorflow", "tensorflow-cpu", "jax", "torch",
                            "scikit-learn", "scikit-image", "matplotlib")) -> dict:
    versions = {"python": sys.version.split()[0]}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return versions


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def vector_extensions() -> list[str]:
    """The CPU's wide-vector and matrix extensions that decide which kernels run: AVX2, AVX-512, AMX."""
    from dualnet.blas import cpu_flags

    flags = cpu_flags()
    named = [("AVX2", "avx2"), ("AVX-512", "avx512f"), ("AVX-512 BF16", "avx512_bf16"), ("AMX", "amx_tile")]
    return [name for name, flag in named if flag in flags]


def machine() -> dict:
    return {"platform": platform.platform(), "cpu": cpu_model(), "cpu_extensions": vector_extensions(),
            "cpu_count": os.cpu_count(), "hostname": platform.node()}
