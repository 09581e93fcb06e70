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


class EpochImages:
    """A run's training images for each epoch, each change drawn anew from (seed, epoch) alone, so a
    resumed run sees what it would have: a random half mirrored left to right (flip), each image moved by
    whole pixels, up to `shift` each way down and across, the uncovered border zero (Fashion-MNIST's
    background; shift), a random square of side `cutout` blanked in each (cutout). The training set is
    never changed.

    Called once per epoch with the epoch; made for speed: the zero-padded images are made once per run
    (their mirror image is a view of them), an epoch's images are gathered from them group by group
    (mirrored or not, and each offset: at most 2·(2·shift + 1)² gathers whatever N is) into one of two
    kept arrays in turn. Fresh arrays of the training set's size cost 1-5 s an epoch on this project's
    virtual machines (188 MB for Fashion-MNIST; bench/epoch_copies.py), a quarter of fashion-best's epoch
    on TensorFlow; in turn, because the Keras engine converts an epoch's inputs anew when they are another
    array than the last epoch's."""

    def __init__(self, images: np.ndarray, seed: int, *, flip: bool = False, shift: int = 0, cutout: int = 0):
        self.images, self.seed, self.flip, self.shift, self.cutout = images, seed, flip, shift, cutout
        pad = ((0, 0), (shift, shift), (shift, shift), (0, 0))
        self.padded = np.pad(images, pad) if shift else images
        self.buffers = []

    def __call__(self, epoch: int) -> np.ndarray:
        if not (self.flip or self.shift or self.cutout):
            return self.images
        if len(self.buffers) < 2:
            self.buffers.append(np.empty_like(self.images))
        out = self.buffers[epoch % len(self.buffers)]
        n, h, w = self.images.shape[:3]
        mirrored = flip_draws(n, self.seed, epoch) if self.flip else np.zeros(n, dtype=bool)
        down, across = (np.random.default_rng([self.seed, epoch, 2]).integers(0, 2 * self.shift + 1, size=(2, n))
                        if self.shift else np.zeros((2, n), dtype=int))
        sources = ((False, self.padded), (True, self.padded[:, :, ::-1])) if self.flip else ((False, self.padded),)
        for flipped, source in sources:
            for top in range(2 * self.shift + 1):
                for left in range(2 * self.shift + 1):
                    chosen = np.flatnonzero((mirrored == flipped) & (down == top) & (across == left))
                    if len(chosen):
                        out[chosen] = source[chosen, top:top + h, left:left + w]
        if self.cutout:
            cut_out(out, self.cutout, np.random.default_rng([self.seed, epoch, 3]))
        return out


def epoch_images(images: np.ndarray, seed: int, epoch: int, **changes) -> np.ndarray:
    """One epoch's images as EpochImages makes them (a new object's kept array)."""
    return EpochImages(images, seed, **changes)(epoch)


def flip_draws(count: int, seed: int, epoch: int) -> np.ndarray:
    """Which images an epoch mirrors: a random half, drawn from (seed, epoch)."""
    return np.random.default_rng([seed, epoch, 1]).random(count) < 0.5


def cut_out(images: np.ndarray, side: int, rng: np.random.Generator) -> np.ndarray:
    """Blank (zero) a side x side square in each image, in place, its centre anywhere in the image, so
    a square may be cut by the border: cutout, as DeVries and Taylor (2017) describe it."""
    n, h, w = images.shape[:3]
    rows, cols = (rng.integers(0, size, size=n)[:, None] - side // 2 for size in (h, w))
    in_rows = (np.arange(h) >= rows) & (np.arange(h) < rows + side)  # (N, H)
    in_cols = (np.arange(w) >= cols) & (np.arange(w) < cols + side)  # (N, W)
    images[in_rows[:, :, None] & in_cols[:, None, :]] = 0
    return images
