"""Figures: learning curves as the notes draw them, and image grids."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; no screen needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from dualnet.rundir import atomic_path  # noqa: E402


def save(fig, path: Path) -> Path:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=100, bbox_inches="tight", format=Path(path).suffix.lstrip("."))
    plt.close(fig)
    return path


def log_scale_if_wide(ax, values) -> None:
    """A loss that falls by more than two orders of magnitude (the multiplication problem's 0.05 to 1e-4)
    is drawn on a log scale, where its last epochs, which decide the figure, are visible; narrower ones
    stay linear, as the notes draw them."""
    finite = np.asarray([v for v in values if np.isfinite(v)], dtype=float)
    if finite.size and finite.min() > 0 and finite.max() / finite.min() > 100:
        ax.set_yscale("log")
        ax.set_ylabel("loss (log scale)")


def learning_curves(history: dict, path: Path, title: str = "") -> Path:
    """Left: loss and val_loss. Right: accuracy and val_accuracy, y from 0.7 to 1 as in the notes."""
    metric = next((k for k in history if not k.startswith("val_") and k != "loss"), None)
    fig, axes = plt.subplots(1, 2 if metric else 1, figsize=(12 if metric else 6, 4), squeeze=False)
    epochs = np.arange(1, len(history["loss"]) + 1)
    panels = [("loss", axes[0][0])] + ([(metric, axes[0][1])] if metric else [])
    for key, ax in panels:
        ax.plot(epochs, history[key], "b-", label=key)
        if f"val_{key}" in history:
            ax.plot(epochs, history[f"val_{key}"], "r--", label=f"val_{key}")
        ax.set_xlabel("Epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend()
        if key == "loss":
            log_scale_if_wide(ax, history["loss"] + history.get("val_loss", []))
        if key == "accuracy":
            lowest = min(history[key] + history.get("val_accuracy", []))
            ax.set_ylim(min(0.7, max(0.0, lowest - 0.02)), 1)  # widen only for a poor run
    if title:
        fig.suptitle(title)
    return save(fig, path)


def image_grid(images, path: Path, rows: int, cols: int, labels=None, size: float = 1.0) -> Path:
    fig = plt.figure(figsize=(cols * size * 1.2, rows * size * (1.4 if labels is not None else 1.0)))
    for i, image in enumerate(images[: rows * cols]):
        ax = fig.add_subplot(rows, cols, i + 1)
        ax.imshow(np.squeeze(image), cmap="gray")
        ax.axis("off")
        if labels is not None:
            ax.set_title(labels[i], fontsize=8)
    return save(fig, path)


def compared_curves(histories: dict[str, dict], path: Path, title: str = "") -> Path:
    """Several runs' learning curves in one figure (a colour per run): loss and val_loss on the left,
    the metric and its validation twin on the right."""
    first = next(iter(histories.values()))
    metric = next((k for k in first if not k.startswith("val_") and k != "loss"), None)
    fig, axes = plt.subplots(1, 2 if metric else 1, figsize=(12 if metric else 6, 4), squeeze=False)
    for colour, (label, history) in zip(("tab:blue", "tab:orange", "tab:green", "tab:red"), histories.items()):
        epochs = np.arange(1, len(history["loss"]) + 1)
        for key, ax in [("loss", axes[0][0])] + ([(metric, axes[0][1])] if metric else []):
            if key in history:
                ax.plot(epochs, history[key], "-", color=colour, label=f"{label} {key}")
            if f"val_{key}" in history:
                ax.plot(epochs, history[f"val_{key}"], "--", color=colour, label=f"{label} val_{key}")
    log_scale_if_wide(axes[0][0], [v for h in histories.values() for k in ("loss", "val_loss") for v in h.get(k, [])])
    for ax in axes[0]:
        ax.set_xlabel("Epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return save(fig, path)
