"""Timing two ways of doing the same step in one process, alternating, for the A/B bench scripts
(batch_split.py, recurrent_ab.py): on a shared machine the speed drifts from one minute to the next, so
only the ratio within a round counts."""

from __future__ import annotations

import time


def alternating_rounds(ways: dict, rounds: int, steps: int) -> tuple[dict, list[float]]:
    """`ways`: two names, each with a function doing one step. Each round times `steps` steps of each,
    back to back, the order alternating from round to round. Returns (best ms a step for each name,
    each round's ratio first ÷ second)."""
    first, second = ways
    best, ratios = {name: float("inf") for name in ways}, []
    for round_ in range(rounds):
        times = {}
        for name in ((first, second) if round_ % 2 else (second, first)):
            started = time.perf_counter()
            for _ in range(steps):
                ways[name]()
            times[name] = (time.perf_counter() - started) / steps * 1e3
            best[name] = min(best[name], times[name])
        ratios.append(times[first] / times[second])
    return best, ratios
