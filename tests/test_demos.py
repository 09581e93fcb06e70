"""The notes' figures and worked examples."""

import numpy as np
import pytest
from conftest import make_fashion

from dualnet import demos
from dualnet.experiments.recipe import Augmentation
from dualnet.runner import RunOptions


def test_fig_6_2_is_minus_one_by_sliding_window():
    assert demos.sliding_window_conv(demos.FIG_6_2_PATCH, demos.FIG_6_2_FILTER).tolist() == [[-1.0]]


def test_sliding_window_conv_matches_a_loop():
    rng = np.random.default_rng(0)
    image, kernel = rng.random((7, 9)), rng.random((3, 3))
    loop = np.array([[(image[i:i + 3, j:j + 3] * kernel).sum() for j in range(7)] for i in range(5)])
    np.testing.assert_allclose(demos.sliding_window_conv(image, kernel), loop)


def test_conv_demo_prints_the_shapes_and_minus_one(tmp_path, capsys):
    demos.conv_demo(tmp_path, RunOptions(), None)
    out = capsys.readouterr().out
    assert "(1, 13, 13, 16)" in out and "(1, 14, 14, 1)" in out and "(1, 28, 28, 1)" in out
    assert "by hand: -1; by a sliding window: -1; by Conv2D: -1" in out


@pytest.mark.parametrize("demo, filename", [(demos.image_channels, "channels.png"), (demos.edges, "edges.png")])
def test_photo_figures_are_written(tmp_path, demo, filename):
    assert demo(tmp_path, RunOptions(), None) == [filename]
    assert (tmp_path / filename).read_bytes()[:4] == b"\x89PNG"


def test_fashion_samples_grid(tmp_path, capsys):
    make_fashion(tmp_path / "data")
    demos.fashion_samples(tmp_path, RunOptions(data_dir=str(tmp_path / "data"), verify=False), None)
    assert "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5]" in capsys.readouterr().out
    assert (tmp_path / "samples.png").is_file()


def test_augmentation_appends_half_as_many_transformed_copies():
    from dualnet.augment import append_augmented

    rng = np.random.default_rng(0)
    x = np.zeros((40, 28, 28, 1), np.float32)
    x[:, 8:20, 10:18] = 1.0  # a bright rectangle that the transforms move and bend
    y = np.arange(40) % 10
    x2, y2 = append_augmented(x, y, Augmentation(), rng)
    assert x2.shape == (60, 28, 28, 1) and y2.shape == (60,) and x2.dtype == np.float32
    np.testing.assert_array_equal(x2[:40], x)  # originals first, untouched
    assert x2.min() >= 0 and x2.max() <= 1
    assert (x2[40:].sum(axis=(1, 2, 3)) > 40).all()  # the rectangle (96 pixels) is moved, not lost
    assert not np.allclose(x2[40:], x[:20])  # the copies are transformed


def test_shear_of_zero_degrees_is_identity_and_small_angle_moves_little():
    from dualnet.augment import shear

    rng = np.random.default_rng(0)
    images = rng.random((3, 28, 28, 1)).astype(np.float32)
    np.testing.assert_allclose(shear(images, 0.0, rng), images, atol=1e-6)
    sheared = shear(images, 30.0, rng)
    assert not np.allclose(sheared, images)


def test_augmentation_grid_file(tmp_path):
    rng = np.random.default_rng(1)
    demos.augmentation_grid(np.zeros((28, 28, 1), np.float32), Augmentation(), rng, tmp_path / "grid.png")
    assert (tmp_path / "grid.png").is_file()
