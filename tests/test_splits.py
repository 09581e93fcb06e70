"""The validation splits both engines share."""

import numpy as np

from dualnet.experiments.inputs import doit_stratified, last_fraction, one_hot


def test_last_fraction_is_kerass_validation_split():
    x = np.arange(100)
    x_train, y_train, x_val, y_val = last_fraction(x, x * 2, 0.25)
    np.testing.assert_array_equal(x_train, np.arange(75))
    np.testing.assert_array_equal(x_val, np.arange(75, 100))
    np.testing.assert_array_equal(y_val, np.arange(75, 100) * 2)


def test_doit_split_is_stratified_80_20_and_fixed():
    y = np.repeat(np.arange(10), 50)
    x = np.arange(500)
    x_train, y_train, x_val, y_val = doit_stratified(x, y)
    assert len(x_train) == 400 and len(x_val) == 100
    assert np.bincount(y_val).tolist() == [10] * 10
    again = doit_stratified(x, y)
    np.testing.assert_array_equal(x_val, again[2])  # random_state=42: the same split every time
    np.testing.assert_array_equal(np.sort(np.concatenate([x_train, x_val])), x)


def test_one_hot():
    np.testing.assert_array_equal(one_hot(np.array([2, 0]), 3), [[0, 0, 1], [1, 0, 0]])
