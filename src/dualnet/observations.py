"""What a finished run's own record shows beyond its figure: the behaviours some of the notes' recipes
are known for (fashion-cnn overfits, mult-simplernn never learns the task, fashion-vgg-aug validates on
augmented copies, textgen-word on a small corpus predicts one word), measured on each run from its
history and config, so the report states what happened instead of assuming it."""

from __future__ import annotations

from pathlib import Path

from dualnet.rundir import read_history_csv

RISE = 1.2          # val_loss this many times its lowest by the end: overfitting
EARLY_SHARE = 0.8   # ... with the lowest in the first 80 % of the epochs (not a dip in the last few)
PLATEAU = 0.5       # an mse recipe whose best val_loss stays above this share of its first never left the plateau


def overfitting(history: dict) -> str | None:
    val_loss = history.get("val_loss", [])
    if len(val_loss) < 5:
        return None
    best = min(range(len(val_loss)), key=val_loss.__getitem__)
    rise = val_loss[-1] / val_loss[best] if val_loss[best] > 0 else 0.0
    if rise >= RISE and best + 1 <= EARLY_SHARE * len(val_loss):
        return (f"overfitting: val_loss lowest at epoch {best + 1} ({val_loss[best]:.3g}), "
                f"{rise:.1f}x that at epoch {len(val_loss)}")
    return None


def plateau(history: dict, loss: str) -> str | None:
    val_loss = history.get("val_loss", [])
    if loss not in ("mse", "mean_squared_error") or len(val_loss) < 10 or val_loss[0] <= 0:
        return None
    if min(val_loss) >= PLATEAU * val_loss[0]:
        return (f"never left the plateau: the best val_loss ({min(val_loss):.3g}) stayed above half of the "
                f"first epoch's ({val_loss[0]:.3g})")
    return None


def one_prediction(history: dict) -> str | None:
    """A classifier whose training accuracy does not move from its second epoch to its last: it predicts
    the same class (or token) for every sample (textgen-word on a small corpus: 4 steps an epoch)."""
    accuracy = history.get("accuracy", [])
    if len(accuracy) < 5 or max(accuracy[1:]) - min(accuracy[1:]) > 1e-6:
        return None
    return (f"one prediction throughout: training accuracy {accuracy[-1]:.2%} at every epoch from 2 to "
            f"{len(accuracy)} (the share of the class it always predicts)")


def augmented_validation(config: dict) -> str | None:
    """The notes' augmented recipe appends its copies after the originals and validates on the last
    fraction, so the validation images are mostly (or all) augmented copies of images from the whole set."""
    experiment, sizes = config.get("experiment", {}), config.get("data") or {}
    augmentation, validation = experiment.get("augmentation"), sizes.get("validation")
    if not augmentation or not validation or experiment.get("split") != "last-fraction":
        return None
    total = sizes.get("train", 0) + validation
    copies = round(total * augmentation["fraction"] / (1 + augmentation["fraction"]))
    in_validation = min(validation, copies)
    return (f"validation: {in_validation:,} of its {validation:,} images ({in_validation / validation:.0%}) are "
            f"augmented copies of images drawn from the whole training set")


def seen(run_dir: Path, config: dict) -> str:
    """The observations that hold for this run, joined; empty when there are none."""
    path = Path(run_dir) / "history.csv"
    history = read_history_csv(path) if path.is_file() else {}
    found = [overfitting(history), plateau(history, config.get("experiment", {}).get("loss", "")),
             one_prediction(history), augmented_validation(config)]
    return "; ".join(text for text in found if text)
