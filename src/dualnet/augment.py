"""The notes' augmentation (ImageDataGenerator ranges) with Keras 3 preprocessing layers.

Rotation, zoom, shifts and the horizontal flip are Keras layers; the shear is
a written-out affine transform, because ImageDataGenerator's shear_range is an
angle in degrees while keras.layers.RandomShear takes a fraction of the image.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from dualnet.experiments.recipe import Augmentation


def keras_augmenter(aug: Augmentation, seed: int):
    from dualnet.startup import import_keras

    keras = import_keras()

    z = aug.zoom_range
    return keras.Sequential([
        keras.layers.RandomRotation(aug.rotation_range / 360.0, fill_mode="nearest", seed=seed),
        # ImageDataGenerator draws the two zoom factors independently, so both are given here.
        keras.layers.RandomZoom((-z, z), (-z, z), fill_mode="nearest", seed=seed + 1),
        keras.layers.RandomTranslation(aug.height_shift_range, aug.width_shift_range, fill_mode="nearest",
                                        seed=seed + 2),
        *([keras.layers.RandomFlip("horizontal", seed=seed + 3)] if aug.horizontal_flip else []),
    ])


def shear(images: np.ndarray, max_degrees: float, rng: np.random.Generator) -> np.ndarray:
    """Shear each (H, W, C) image by an angle drawn from [-max_degrees, max_degrees], about its centre,
    as ImageDataGenerator does: (row, col) <- (cos(a)·row, col - sin(a)·row), nearest fill."""
    out = np.empty_like(images)
    h, w = images.shape[1:3]
    centre = np.array([(h - 1) / 2, (w - 1) / 2])
    for i, angle in enumerate(np.deg2rad(rng.uniform(-max_degrees, max_degrees, size=len(images)))):
        matrix = np.array([[np.cos(angle), 0.0], [-np.sin(angle), 1.0]])
        offset = centre - matrix @ centre
        for c in range(images.shape[3]):
            out[i, :, :, c] = ndimage.affine_transform(images[i, :, :, c], matrix, offset, order=1, mode="nearest")
    return out


def augment(images: np.ndarray, aug: Augmentation, rng: np.random.Generator, batch: int = 4096) -> np.ndarray:
    """Random augmentations of float images (N, H, W, C) in [0, 1]."""
    from dualnet.startup import import_keras

    keras = import_keras()

    augmenter = keras_augmenter(aug, seed=int(rng.integers(2**31 - 4)))
    images = shear(images, aug.shear_range, rng) if aug.shear_range else images
    parts = [keras.ops.convert_to_numpy(augmenter(images[i:i + batch], training=True))
             for i in range(0, len(images), batch)]
    return np.clip(np.concatenate(parts), 0.0, 1.0).astype(np.float32)


def append_augmented(x: np.ndarray, y: np.ndarray, aug: Augmentation, rng: np.random.Generator):
    """The notes' recipe: augmented copies of randomly drawn (with replacement) training images,
    aug.fraction of the training set's size, appended after the originals."""
    count = int(round(aug.fraction * len(x)))
    chosen = rng.integers(0, len(x), size=count)
    return np.concatenate([x, augment(x[chosen], aug, rng)]), np.concatenate([y, y[chosen]])


def epoch_images(images: np.ndarray, seed: int, epoch: int, *, flip: bool = False, shift: int = 0,
                 cutout: int = 0) -> np.ndarray:
    """One epoch's training images (N, H, W, C), each change drawn anew from (seed, epoch) alone, so a
    resumed run sees what it would have: a random half mirrored (flip), each image moved by up to
    `shift` pixels each way (shift), a random square of side `cutout` blanked in each (cutout). The
    images are never changed in place."""
    out = mirror_half(images, seed, epoch) if flip else images
    if shift:
        out = shifted(out, shift, np.random.default_rng([seed, epoch, 2]))
    if cutout:
        out = cut_out(out if out is not images else images.copy(), cutout, np.random.default_rng([seed, epoch, 3]))
    return out


def shifted(images: np.ndarray, shift: int, rng: np.random.Generator) -> np.ndarray:
    """A copy with each image moved by whole pixels, drawn from [-shift, shift] down and across, the
    uncovered border zero (Fashion-MNIST's background): a random crop of the zero-padded image,
    made by offset rather than by image, so it takes (2·shift + 1)² slicings whatever N is."""
    n, h, w = images.shape[:3]
    padded = np.pad(images, ((0, 0), (shift, shift), (shift, shift), (0, 0)))
    down, across = rng.integers(0, 2 * shift + 1, size=(2, n))
    out = np.empty_like(images)
    for top in range(2 * shift + 1):
        for left in range(2 * shift + 1):
            chosen = np.flatnonzero((down == top) & (across == left))
            out[chosen] = padded[chosen, top:top + h, left:left + w]
    return out


def cut_out(images: np.ndarray, side: int, rng: np.random.Generator) -> np.ndarray:
    """Blank (zero) a side x side square in each image, in place, its centre anywhere in the image, so
    a square may be cut by the border: cutout, as DeVries and Taylor (2017) describe it."""
    n, h, w = images.shape[:3]
    rows, cols = (rng.integers(0, size, size=n)[:, None] - side // 2 for size in (h, w))
    in_rows = (np.arange(h) >= rows) & (np.arange(h) < rows + side)  # (N, H)
    in_cols = (np.arange(w) >= cols) & (np.arange(w) < cols + side)  # (N, W)
    images[in_rows[:, :, None] & in_cols[:, None, :]] = 0
    return images


def mirror_half(images: np.ndarray, seed: int, epoch: int) -> np.ndarray:
    """A copy of (N, H, W, C) images with a random half of them mirrored left to right, a new half each
    epoch drawn from (seed, epoch): the fast recipes' augmentation, cheap enough to redo every epoch."""
    chosen = np.random.default_rng([seed, epoch, 1]).random(len(images)) < 0.5
    out = images.copy()
    out[chosen] = images[chosen][:, :, ::-1]
    return out
