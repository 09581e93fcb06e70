"""The registry of the course's experiments: the one place a recipe lives."""

from __future__ import annotations

import difflib

from dualnet.experiments import cnn, fast, rnn
from dualnet.experiments.recipe import Augmentation, Recipe, Reported

REGISTRY: dict[str, Recipe] = {}


def register(recipes) -> None:
    for r in recipes:
        if r.id in REGISTRY:
            raise ValueError(f"experiment id {r.id!r} is registered twice")
        REGISTRY[r.id] = r


register(cnn.RECIPES)
register(rnn.RECIPES)
register(fast.RECIPES)


class UnknownExperimentError(KeyError):
    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]


def get(experiment_id: str) -> Recipe:
    try:
        return REGISTRY[experiment_id]
    except KeyError:
        close = difflib.get_close_matches(experiment_id, REGISTRY, n=3, cutoff=0.4)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise UnknownExperimentError(
            f"unknown experiment {experiment_id!r}.{hint} 'dualnet list' shows them all.") from None


__all__ = ["REGISTRY", "Augmentation", "Recipe", "Reported", "UnknownExperimentError", "get", "register"]
