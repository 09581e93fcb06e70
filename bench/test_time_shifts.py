"""Test-time shifts for trained Fashion-MNIST runs: each test image's class from the sum of the model's
outputs for it and for its copies moved one pixel left, right, up and down (the gaps filled with 0, the
background), against the plain figure. Inference only, on the runs' saved models.

    python bench/test_time_shifts.py RUN_DIR [RUN_DIR ...] --data-dir ../shared/datasets
"""

from __future__ import annotations

import argparse

import numpy as np

SHIFTS = ((0, 1), (0, -1), (1, 0), (-1, 0))


def shifted(images: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """(N, H, W, C) images moved dy rows down and dx columns right, the uncovered edge set to 0."""
    moved = np.roll(images, (dy, dx), axis=(1, 2))
    if dy:
        moved[:, slice(0, dy) if dy > 0 else slice(dy, None)] = 0
    if dx:
        moved[:, :, slice(0, dx) if dx > 0 else slice(dx, None)] = 0
    return moved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+")
    parser.add_argument("--data-dir")
    args = parser.parse_args()

    from dualnet.api import load
    from dualnet.data.fashion_mnist import load_fashion_mnist

    _, (x, y) = load_fashion_mnist(args.data_dir)
    x = (x.astype(np.float32) / 255.0)[..., None]
    for run_dir in args.runs:
        run = load(run_dir)
        plain = run.predict(x)
        moved = sum(run.predict(shifted(x, dy, dx)) for dy, dx in SHIFTS)
        accuracy = {name: float(np.mean(outputs.argmax(axis=1) == y))
                    for name, outputs in (("plain", plain), ("with 4 shifts", plain + moved),
                                          ("with 4 shifts, the original counted twice", 2 * plain + moved))}
        print(run_dir, "  ".join(f"{name}: {value:.2%}" for name, value in accuracy.items()), flush=True)


if __name__ == "__main__":
    main()
