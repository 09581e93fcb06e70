"""Label smoothing: the scratch cross-entropy equals Keras's with label_smoothing, its gradient is the
derivative of that value, and a recipe with it trains, saves and resumes on both engines."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from dualnet import experiments
from dualnet.experiments.recipe import Recipe
from dualnet.runner import RunOptions, run
from dualnet.scratch import losses
from dualnet.scratch.gradcheck import check_loss

RNG = np.random.default_rng(11)


def keras_value(labels, outputs, **kwargs) -> float:
    import keras

    return float(keras.losses.CategoricalCrossentropy(**kwargs)(labels.astype(np.float32), outputs.astype(np.float32)))


@pytest.mark.parametrize("smoothing", [0.1, 0.3])
@pytest.mark.parametrize("from_logits", [False, True])
def test_value_equals_keras(smoothing, from_logits):
    labels = np.eye(5)[RNG.integers(0, 5, 8)]
    z = RNG.standard_normal((8, 5))
    outputs = z if from_logits else np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    ours, _ = losses.CategoricalCrossentropy(from_logits=from_logits, label_smoothing=smoothing).value_and_grad(
        labels, outputs.astype(np.float32))
    theirs = keras_value(labels, outputs, from_logits=from_logits, label_smoothing=smoothing)
    unsmoothed = keras_value(labels, outputs, from_logits=from_logits)
    assert abs(ours - theirs) < 1e-5 * abs(theirs)
    assert abs(theirs - unsmoothed) > 1e-3  # far beyond the tolerance: the comparison can fail


@pytest.mark.parametrize("from_logits_path", [False, True])
def test_gradient_is_the_derivative(from_logits_path):
    z = RNG.standard_normal((6, 4))
    pred = z if from_logits_path else np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    loss = losses.CategoricalCrossentropy(label_smoothing=0.2)
    assert check_loss(loss, np.eye(4)[RNG.integers(0, 4, 6)], pred, from_logits_path) < 1e-6


def test_a_smoothing_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match="label_smoothing must be in"):
        losses.CategoricalCrossentropy(label_smoothing=1.0)


def test_sparse_labels_with_smoothing_are_refused_with_the_fix():
    recipe = dataclasses.replace(experiments.get("fashion-fast"), label_smoothing=0.1)
    with pytest.raises(ValueError, match="categorical_crossentropy"):
        recipe.make_loss(losses)


@pytest.mark.parametrize("engine", ["keras", "scratch"])
def test_a_smoothed_recipe_trains_saves_and_resumes(engine, fashion_dir, tmp_path):
    recipe: Recipe = dataclasses.replace(experiments.get("fashion-fast"), label_smoothing=0.1,
                                         loss="categorical_crossentropy", backend=None)
    options = dict(engine=engine, limit=160, data_dir=str(fashion_dir), verify=False, out=str(tmp_path), inside=False)
    with open("/dev/null", "w") as quiet:
        first = run(recipe, RunOptions(epochs=1, **options), stream=quiet)
        resumed = run(recipe, RunOptions(epochs=2, **options), stream=quiet, resume=first.run_dir)
    assert len(resumed.history["loss"]) == 2 and np.isfinite(resumed.metrics["test_accuracy"])
    config = json.loads((first.run_dir / "config.json").read_text())
    assert config["experiment"]["label_smoothing"] == 0.1
    assert config["experiment"]["loss"] == "categorical_crossentropy"
    saved_loss = resumed.model.loss
    assert getattr(saved_loss, "label_smoothing", None) == pytest.approx(0.1)
