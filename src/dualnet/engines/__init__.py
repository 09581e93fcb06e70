"""The engines a recipe runs on: "keras" (Keras 3, any backend) and "scratch" (NumPy)."""

from __future__ import annotations

ENGINES = ("keras", "scratch")


def get_engine(name: str):
    if name == "keras":
        from dualnet.engines.keras_engine import KerasEngine

        return KerasEngine()
    if name == "scratch":
        from dualnet.engines.scratch_engine import ScratchEngine

        return ScratchEngine()
    raise ValueError(f"unknown engine {name!r}; choose one of: {', '.join(ENGINES)}")
