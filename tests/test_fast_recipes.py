"""The recipes beyond the notes: each builds and trains on both engines, their augmentation and backend
choice do what they say, and a BatchNormalization model's summary splits its parameters as Keras does.
(How fast and how accurate they are is measured by bench/fast_recipes.py, never here.)"""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

import dualnet
from dualnet import experiments
from dualnet.augment import EpochImages, cut_out, epoch_images
from dualnet.engines import get_engine
from dualnet.experiments.inputs import Splits
from dualnet.runner import RunOptions, run

FAST_IDS = [r.id for r in experiments.REGISTRY.values() if r.goal is not None]


def test_the_fast_recipes_are_registered_with_a_goal_against_a_notes_recipe():
    assert {"fashion-fast", "fashion-best", "mult-gru-fast", "mult-lstm-fast"} <= set(FAST_IDS)
    assert experiments.get("fashion-best").goal.describe().endswith(">= 95.0% in <= 2/3 of fashion-vgg's time")
    for experiment_id in FAST_IDS:
        recipe = experiments.get(experiment_id)
        improved = experiments.get(recipe.goal.improves)
        assert improved.goal is None and improved.reported is not None
        assert recipe.engines == ("keras", "scratch") and recipe.backend == "auto"
        assert recipe.goal.metric.startswith(improved.reported.metric)


@pytest.mark.parametrize("engine", ["keras", "scratch"])
@pytest.mark.parametrize("experiment_id", FAST_IDS)
def test_each_fast_recipe_trains_one_step_on_both_engines(experiment_id, engine, fashion_dir, tmp_path):
    recipe = experiments.get(experiment_id)
    eng = get_engine(engine)
    eng.seed(0)
    model = eng.build(recipe, training_steps=1)
    if recipe.params is not None:
        assert model.count_params() == recipe.params
    before = [np.array(w) for w in model.get_weights()]
    shape = eng.input_shape(model)
    rng = np.random.default_rng(0)
    x = rng.random((recipe.batch_size,) + tuple(shape), dtype=np.float32)
    y = rng.integers(0, 10, recipe.batch_size) if recipe.loss.startswith("sparse") else rng.random(recipe.batch_size)
    splits = Splits(x, y.astype(np.float32) if recipe.loss == "mse" else y, None, None, x, y)
    history = eng.fit(model, splits, epochs=1, batch_size=recipe.batch_size)  # one step: one batch
    assert np.isfinite(history["loss"][0])
    changed = [not np.array_equal(a, np.array(b)) for a, b in zip(before, model.get_weights())]
    assert all(changed), "every weight, moving statistics included, moves in one training step"


def test_fashion_fast_runs_end_to_end_on_all_training_images_with_its_schedule(fashion_dir, tmp_path):
    printed = io.StringIO()
    result = run(experiments.get("fashion-fast"),
                 RunOptions(engine="scratch", epochs=2, limit=160, data_dir=str(fashion_dir), verify=False,
                            out=str(tmp_path), inside=False), stream=printed)
    last_line = printed.getvalue().strip().splitlines()[-1]  # the goal's figure, as the notes' ids end
    assert last_line == (f"test accuracy {result.metrics['test_accuracy']:.2%}  "
                         "(goal: test accuracy >= 92.8% in <= 1/20 of fashion-vgg's time)"), last_line
    assert len(result.history["loss"]) == 2 and np.isfinite(result.metrics["test_accuracy"])
    assert "val_loss" not in result.history  # every training image trains: no validation quarter
    config = json.loads((result.run_dir / "config.json").read_text())
    assert config["data"]["validation"] == 0 and config["data"]["train"] == 160
    assert config["experiment"]["flip"] is False and config["experiment"]["goal"]["improves"] == "fashion-vgg"


def mirror_half(images, seed, epoch):
    return epoch_images(images, seed, epoch, flip=True)


def test_flip_mirrors_a_new_random_half_each_epoch():
    images = np.random.default_rng(0).random((400, 6, 5, 1), dtype=np.float32)
    first = mirror_half(images, seed=3, epoch=0)
    mirrored = np.array([not np.array_equal(a, b) for a, b in zip(first, images)])
    assert 150 < mirrored.sum() < 250
    np.testing.assert_array_equal(first[mirrored], images[mirrored][:, :, ::-1])
    np.testing.assert_array_equal(first[~mirrored], images[~mirrored])
    np.testing.assert_array_equal(mirror_half(images, seed=3, epoch=0), first)  # drawn from (seed, epoch)
    assert not np.array_equal(mirror_half(images, seed=3, epoch=1), first)
    assert not np.array_equal(mirror_half(images, seed=4, epoch=0), first)
    assert np.array_equal(images, np.random.default_rng(0).random((400, 6, 5, 1), dtype=np.float32))


def positive_images(n=400, h=6, w=5):
    """Images without a zero pixel, so that a blanked or uncovered pixel shows."""
    return np.random.default_rng(0).uniform(0.1, 1.0, (n, h, w, 1)).astype(np.float32)


def test_shifted_moves_each_image_by_a_drawn_offset_with_zeros_where_it_uncovers():
    images, shift = positive_images(), 2
    out = epoch_images(images, 5, 0, shift=shift)
    padded = np.pad(images, ((0, 0), (shift, shift), (shift, shift), (0, 0)))
    offsets = [(top, left) for top in range(2 * shift + 1) for left in range(2 * shift + 1)]
    found = []
    for moved, source in zip(out, padded):
        matches = [o for o in offsets if np.array_equal(moved, source[o[0]:o[0] + 6, o[1]:o[1] + 5])]
        assert len(matches) == 1  # exactly one offset explains each image
        found.append(matches[0])
    assert set(found) == set(offsets)  # every offset drawn among 400 images (25 of them)
    assert found.count((shift, shift)) < 50  # unmoved about one time in 25, not always


def test_cut_out_blanks_one_square_per_image_clipped_by_the_border():
    images, side = positive_images(h=8, w=8), 4
    out = cut_out(images.copy(), side, np.random.default_rng(6))
    blank = out[..., 0] == 0
    for square in blank:
        rows, cols = np.flatnonzero(square.any(axis=1)), np.flatnonzero(square.any(axis=0))
        assert 1 <= len(rows) <= side and 1 <= len(cols) <= side
        assert square.sum() == len(rows) * len(cols)  # a rectangle: the square, or its part inside
        assert np.all(np.diff(rows) == 1) and np.all(np.diff(cols) == 1)
    assert (blank.sum(axis=(1, 2)) == side * side).mean() > 0.2  # many squares lie wholly inside
    np.testing.assert_array_equal(out[~blank], images[~blank])


def test_epoch_images_draw_from_seed_and_epoch_and_leave_the_training_set_alone():
    images = positive_images()
    kept = images.copy()
    first = epoch_images(images, 3, 0, flip=True, shift=1, cutout=3)
    np.testing.assert_array_equal(epoch_images(images, 3, 0, flip=True, shift=1, cutout=3), first)
    assert not np.array_equal(epoch_images(images, 3, 1, flip=True, shift=1, cutout=3), first)
    assert (first == 0).any(axis=(1, 2, 3)).all()  # every image has its blank square
    np.testing.assert_array_equal(images, kept)
    only_cut = epoch_images(images, 3, 0, cutout=3)
    np.testing.assert_array_equal(images, kept)
    assert (only_cut == 0).any(axis=(1, 2, 3)).all()
    assert epoch_images(images, 3, 0) is images  # nothing asked: nothing copied


def test_a_runs_epoch_images_alternate_two_kept_arrays_and_equal_fresh_ones():
    """The runner's EpochImages reuses its arrays (no fresh memory each epoch) without carrying anything
    from one epoch into the next, and never hands two consecutive epochs the same array (the Keras engine
    converts an epoch's inputs anew only when they are another array)."""
    images = positive_images()
    run = EpochImages(images, 7, flip=True, shift=1, cutout=2)
    seen = [run(epoch) for epoch in range(4)]
    assert seen[0] is not seen[1] and seen[0] is seen[2] and seen[1] is seen[3]
    for epoch in (2, 3):
        np.testing.assert_array_equal(seen[epoch], epoch_images(images, 7, epoch, flip=True, shift=1, cutout=2))


@pytest.mark.parametrize("engine", ["keras", "scratch"])
def test_fit_trains_on_each_epochs_own_inputs(engine):
    """epoch_inputs(epoch) is asked once per epoch and what it gives is what trains: giving back the
    training set unchanged trains exactly as no augmentation does, and giving zeros trains otherwise."""
    recipe = experiments.get("fashion-dense")
    rng = np.random.default_rng(1)
    x, y = rng.random((64, 28, 28), dtype=np.float32), rng.integers(0, 10, 64)
    asked = []

    def train(epoch_inputs):
        eng = get_engine(engine)
        eng.seed(5)
        model = eng.build(recipe)
        eng.fit(model, Splits(x, y, None, None, x, y), epochs=3, batch_size=16, epoch_inputs=epoch_inputs)
        return [np.array(w) for w in model.get_weights()]

    plain = train(None)
    same = train(lambda epoch: asked.append(epoch) or x)
    zeros = train(lambda epoch: np.zeros_like(x))
    assert asked == [0, 1, 2]
    for a, b in zip(plain, same):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)
    assert not np.allclose(plain[0], zeros[0])


@pytest.mark.parametrize("engine", ["keras", "scratch"])
def test_a_summary_counts_batch_normalisation_statistics_as_not_trained(engine):
    recipe = experiments.get("fashion-fast")
    eng = get_engine(engine)
    model = eng.build(recipe)
    channels = [layer.filters for layer in model.layers if type(layer).__name__ == "Conv2D"]
    assert len(channels) >= 3  # each convolution is followed by a normalisation
    moving = 2 * sum(channels)  # a moving mean and a moving variance per channel
    text = eng.summary(model, recipe)
    assert f"Trainable params: {recipe.params - moving:,}" in text
    assert f"Non-trainable params: {moving:,}" in text


def test_a_fast_recipe_chooses_its_backend_and_precision_and_a_notes_recipe_does_not(fashion_dir, tmp_path):
    common = dict(engine="keras", epochs=1, limit=64, data_dir=str(fashion_dir), verify=False, out=str(tmp_path),
                  inside=False, stream=open("/dev/null", "w"))
    fast = dualnet.run("fashion-fast", **common)
    assert fast.config["options"]["backend_choice"].startswith("auto: ")
    chosen = fast.config["options"]["precision"]  # bfloat16 only where this CPU kind's benchmark says it pays
    assert chosen in ("float32", "mixed_bfloat16")
    assert fast.config["options"]["precision_choice"].startswith(f"auto: {chosen} (")
    notes = dualnet.run("fashion-dense", **common)
    assert notes.config["options"]["backend_choice"] is None
    assert notes.config["options"]["precision"] == "float32" and notes.config["options"]["precision_choice"] is None
