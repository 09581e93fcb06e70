"""What the report says it saw in a run: overfitting, a plateau never left, augmented validation images."""

from __future__ import annotations

import json

from dualnet.report import markdown_table, summarize
from dualnet.observations import seen


def run_folder(tmp_path, history: dict, experiment: dict, data=None):
    folder = tmp_path / "run"
    folder.mkdir()
    keys = list(history)
    lines = ["epoch," + ",".join(keys)]
    lines += [f"{i + 1}," + ",".join(str(history[k][i]) for k in keys) for i in range(len(history[keys[0]]))]
    (folder / "history.csv").write_text("\n".join(lines) + "\n")
    config = {"experiment": {"split": "last-fraction", "augmentation": None, "loss": "sparse_categorical_crossentropy",
                             **experiment}, "data": data or {"train": 45000, "validation": 15000, "test": 10000}}
    return folder, config


def test_val_loss_rising_after_an_early_low_is_overfitting(tmp_path):
    val = [0.5, 0.4, 0.35, 0.37, 0.42, 0.48, 0.55, 0.6, 0.65, 0.7]
    folder, config = run_folder(tmp_path, {"loss": [0.5 - 0.04 * i for i in range(10)], "val_loss": val}, {})
    assert seen(folder, config) == "overfitting: val_loss lowest at epoch 3 (0.35), 2.0x that at epoch 10"


def test_a_dip_in_the_last_epochs_or_a_small_rise_is_not(tmp_path):
    late_dip = [0.05 / (i + 1) for i in range(20)]
    late_dip[17] = late_dip[19] / 2  # lowest at epoch 18 of 20, then up: noise at the end, not a trend
    folder, config = run_folder(tmp_path, {"loss": late_dip, "val_loss": late_dip}, {})
    assert seen(folder, config) == ""
    small_rise = [0.5, 0.4, 0.3, 0.31, 0.32, 0.33, 0.34, 0.34, 0.35, 0.35]  # 1.17x: under the threshold
    (folder / "history.csv").unlink()
    folder.rename(tmp_path / "old")
    folder, config = run_folder(tmp_path, {"loss": small_rise, "val_loss": small_rise}, {})
    assert seen(folder, config) == ""


def test_an_mse_recipe_that_never_halves_its_val_loss_stayed_on_the_plateau(tmp_path):
    val = [0.05, 0.049, 0.048] + [0.047] * 9
    folder, config = run_folder(tmp_path, {"loss": val, "val_loss": val}, {"loss": "mse"})
    assert seen(folder, config).startswith("never left the plateau: the best val_loss (0.047)")
    config["experiment"]["loss"] = "binary_crossentropy"  # a classifier's loss from 0.69 to 0.5 is learning
    assert seen(folder, config) == ""


def test_a_classifier_that_predicts_one_class_throughout_is_named(tmp_path):
    flat = [0.0588] + [0.106104] * 9  # textgen-word's: one word predicted from epoch 2 on
    folder, config = run_folder(tmp_path, {"accuracy": flat, "loss": [9.8 - 0.4 * i for i in range(10)]}, {})
    assert seen(folder, config) == ("one prediction throughout: training accuracy 10.61% at every epoch from 2 "
                                    "to 10 (the share of the class it always predicts)")
    (folder / "history.csv").unlink()
    folder.rename(tmp_path / "old")
    learning = flat[:-1] + [0.1062]  # one epoch's move is learning
    folder, config = run_folder(tmp_path, {"accuracy": learning, "loss": [9.8 - 0.4 * i for i in range(10)]}, {})
    assert seen(folder, config) == ""


def test_the_augmented_recipes_validation_is_named(tmp_path):
    folder, config = run_folder(tmp_path, {"loss": [0.5] * 3, "val_loss": [0.4] * 3},
                                {"augmentation": {"fraction": 0.5}},
                                data={"train": 67500, "validation": 22500, "test": 10000})
    assert seen(folder, config) == ("validation: 22,500 of its 22,500 images (100%) are augmented copies of "
                                    "images drawn from the whole training set")


def test_the_report_table_carries_what_was_seen(tmp_path):
    val = [0.5, 0.4, 0.35, 0.37, 0.42, 0.48, 0.55, 0.6, 0.65, 0.7]
    folder, config = run_folder(tmp_path, {"loss": val, "val_loss": val}, {"id": "fashion-cnn"})
    config.update(options={"seed": 0}, engine={"engine": "scratch"}, started="2026-11-30T00:00:00")
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "metrics.json").write_text(json.dumps({"epochs": 10, "test_accuracy": 0.86}))
    row = summarize(folder)
    assert row["seen"].startswith("overfitting")
    assert "| overfitting: val_loss lowest at epoch 3" in markdown_table([row])
