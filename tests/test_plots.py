"""Learning-curve figures: the loss panel's scale follows the loss's range."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from dualnet import plots


@pytest.fixture
def axes_drawn(monkeypatch):
    """The figure's axes, kept before the figure is saved and closed."""
    kept = []
    real_save = plots.save

    def keep(fig, path):
        kept.extend(fig.axes)
        return real_save(fig, path)

    monkeypatch.setattr(plots, "save", keep)
    return kept


def test_a_loss_falling_by_orders_of_magnitude_is_drawn_on_a_log_scale(tmp_path, axes_drawn):
    falling = list(np.geomspace(0.05, 1e-4, 30))
    plots.learning_curves({"loss": falling, "val_loss": falling}, tmp_path / "curves.png")
    assert (tmp_path / "curves.png").stat().st_size > 0
    assert axes_drawn[0].get_yscale() == "log"


def test_a_loss_within_two_orders_stays_linear_as_in_the_notes(tmp_path, axes_drawn):
    plots.learning_curves({"loss": [0.6, 0.3, 0.2], "val_loss": [0.5, 0.4, 0.45], "accuracy": [0.8, 0.9, 0.93],
                           "val_accuracy": [0.82, 0.86, 0.87]}, tmp_path / "curves.png")
    loss_axes, accuracy_axes = axes_drawn
    assert loss_axes.get_yscale() == "linear" and accuracy_axes.get_yscale() == "linear"


def test_a_zero_or_non_finite_loss_keeps_the_linear_scale(tmp_path, axes_drawn):
    plots.learning_curves({"loss": [0.5, 0.0, float("nan")]}, tmp_path / "curves.png")
    assert axes_drawn[0].get_yscale() == "linear"


def test_compared_curves_share_the_rule(tmp_path, axes_drawn):
    wide = {"loss": [0.05, 1e-3, 1e-4], "val_loss": [0.05, 2e-3, 2e-4]}
    plots.compared_curves({"a": wide, "b": wide}, tmp_path / "both.png")
    assert axes_drawn[0].get_yscale() == "log"
    plt.close("all")
