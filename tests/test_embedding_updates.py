"""An Embedding trained with Adam by fit() on batches where rows repeat (the padding index in every padded
batch): the scratch engine's default ("sparse") updates as Keras on TensorFlow does, and its "dense"
option as Keras on JAX and PyTorch does (whose gradients are dense; checked by hand, a subprocess per
backend would be slow), which differs measurably.

Compared in float64 with hyperparameters float32 holds exactly (test_scratch_models_vs_keras says why)."""

import numpy as np
import pytest
from keras_reference import FLOAT64_RTOL, assert_close, float64, keras

from dualnet import scratch

ADAM = {"learning_rate": 0.0625, "beta_1": 0.875, "beta_2": 1 - 2 ** -9}


def data():
    rng = np.random.default_rng(5)
    x = rng.integers(0, 6, (24, 7))
    x[:, :3] = 0  # padding: row 0 is in every batch, several times
    return x, rng.integers(0, 2, (24, 1)).astype(np.float64)


def layers(L, **embedding):
    return [L.Input(shape=(7,)), L.Embedding(12, 3, **embedding), L.Flatten(), L.Dense(1, activation="sigmoid")]


def train_both(sparse_updates, **adam):
    x, y = data()
    with float64():
        keras.utils.set_random_seed(3)
        theirs = keras.Sequential(layers(keras.layers))
        theirs.compile(keras.optimizers.Adam(**ADAM, **adam), "binary_crossentropy")
        ours = scratch.Sequential(layers(scratch.layers, sparse_updates=sparse_updates))
        ours.set_weights(theirs.get_weights())
        ours.compile(scratch.optimizers.Adam(**ADAM, **adam), "binary_crossentropy")
        theirs.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
        ours.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
        return theirs.get_weights(), ours.get_weights()


def test_sparse_updates_train_as_keras_on_tensorflow():
    theirs, ours = train_both(sparse_updates=True)
    for i, (w, w_ref) in enumerate(zip(ours, theirs)):
        assert_close(w, w_ref, f"weight {i} after 9 Adam steps", FLOAT64_RTOL)


def test_sparse_updates_clip_by_the_parts_norm_as_tensorflow_does():
    """clipnorm on TensorFlow clips an Embedding's IndexedSlices by the norm of its parts, duplicates not
    summed; a norm of 0.05 clips every step here (checked: without the clip the weights end elsewhere)."""
    theirs, ours = train_both(sparse_updates=True, clipnorm=0.05)
    unclipped, _ = train_both(sparse_updates=True)
    assert np.abs(unclipped[0] - theirs[0]).max() > 1e-3
    for i, (w, w_ref) in enumerate(zip(ours, theirs)):
        assert_close(w, w_ref, f"weight {i} after 9 clipped Adam steps", FLOAT64_RTOL)


def test_dense_updates_differ_where_rows_repeat():
    theirs, ours = train_both(sparse_updates=False)
    difference = np.abs(ours[0] - theirs[0]).max() / np.abs(theirs[0]).max()
    assert difference > 1e-3, difference  # the repeated rows move differently


@pytest.mark.parametrize("sparse_updates", [True, False])
def test_the_setting_survives_save_and_load(tmp_path, sparse_updates):
    model = scratch.Sequential(layers(scratch.layers, sparse_updates=sparse_updates))
    model.compile("adam", "binary_crossentropy")
    model.save(tmp_path / "model.npz")
    assert scratch.load_model(tmp_path / "model.npz").layers[0].sparse_updates is sparse_updates


def test_sgd_is_the_same_either_way():
    """Only rules that square the gradient (Adam, RMSprop) see the difference."""
    x, y = data()
    results = []
    for sparse in (True, False):
        scratch.set_random_seed(1)
        model = scratch.Sequential(layers(scratch.layers, sparse_updates=sparse))
        model.compile(scratch.optimizers.SGD(0.1), "binary_crossentropy")
        model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
        results.append(model.get_weights())
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)
