"""The recurrent chapter's recipes and data."""

import numpy as np
import pytest

from dualnet import experiments
from dualnet.data.multiplication import multiplication_problem, sequence_problem
from dualnet.engines import get_engine

RNN_PARAMS = {"seq-predict": 131, "mult-simplernn": 2_851, "mult-lstm": 11_311, "mult-gru": 8_671}


@pytest.mark.parametrize("engine", ["keras", "scratch"])
@pytest.mark.parametrize("experiment_id, params", RNN_PARAMS.items())
def test_param_counts_match_the_notes(engine, experiment_id, params):
    recipe = experiments.get(experiment_id)
    e = get_engine(engine)
    assert e.summary(e.build(recipe), recipe).rstrip().endswith(f"Total params: {params:,}")


def test_more_rnn_param_counts():
    from dualnet import models, scratch

    for fn, params in [(models.doit_simplernn, 4_289), (models.doit_embedding_rnn, 32_337),
                       (models.doit_embedding_lstm, 33_321), (models.sentiment_lstm, 6_070_302)]:
        assert scratch.Sequential(fn(scratch.layers)).count_params() == params


def test_multiplication_problem_is_seeded_and_well_formed():
    x, y = multiplication_problem(50, seed=3)
    assert x.shape == (50, 100, 2) and y.shape == (50,)
    assert (x[:, :, 0].sum(axis=1) == 2).all()
    marked = x[:, :, 0] == 1
    np.testing.assert_allclose(y, x[:, :, 1][marked].reshape(50, 2).prod(axis=1), rtol=1e-6)
    np.testing.assert_array_equal(multiplication_problem(50, seed=3)[0], x)
    assert not np.array_equal(multiplication_problem(50, seed=4)[0], x)


def test_sequence_problem_is_the_notes_six():
    x, y = sequence_problem()
    assert x.shape == (6, 4, 1)
    np.testing.assert_allclose(x[0, :, 0], [0.0, 0.1, 0.2, 0.3])
    np.testing.assert_allclose(y, [0.4, 0.5, 0.6, 0.7, 0.8, 0.9])


def test_correctness_report():
    from types import SimpleNamespace

    from dualnet.experiments.rnn import correctness

    class Fixed:
        @staticmethod
        def predict(model, x):
            return np.array([[0.5], [0.5], [0.5], [0.5]])

    splits = SimpleNamespace(x_test=np.zeros(4), y_test=np.array([0.5, 0.53, 0.55, 0.1]))
    assert correctness(Fixed, None, splits, None) == {"correctness": 0.5}


def recurrent_gradient(notes_gradient, symmetric):
    """The gradient of SimpleRNN's recurrent kernel, with the book's backward or the right one."""
    from dualnet.scratch import layers as S

    rng = np.random.default_rng(2)
    layer = S.SimpleRNN(4)
    layer.build((6, 3), rng)
    if symmetric:
        layer.recurrent_kernel[...] = (layer.recurrent_kernel + layer.recurrent_kernel.T) / 2
    layer.notes_gradient = notes_gradient
    layer(rng.standard_normal((2, 6, 3)).astype(np.float32))
    layer.backward(rng.standard_normal((2, 4)).astype(np.float32))
    return layer.grads[1]


def test_the_books_rnn_gradient_misses_a_transpose():
    """Do it 09-2 sends the error back through U, not Uᵀ: the same as the right gradient exactly when U
    is symmetric, and another one otherwise."""
    np.testing.assert_allclose(recurrent_gradient(True, symmetric=True), recurrent_gradient(False, symmetric=True),
                               rtol=1e-6)
    assert not np.allclose(recurrent_gradient(True, symmetric=False), recurrent_gradient(False, symmetric=False))


def test_the_notes_gradient_recipe_uses_it():
    from dualnet.scratch.layers import SimpleRNN

    right = get_engine("scratch").build(experiments.get("doit-rnn-scratch"))
    notes = get_engine("scratch").build(experiments.get("doit-rnn-scratch-notes"))
    assert [layer.notes_gradient for layer in notes.layers if isinstance(layer, SimpleRNN)] == [True]
    assert [layer.notes_gradient for layer in right.layers if isinstance(layer, SimpleRNN)] == [False]
    assert right.layers[0].truncate == notes.layers[0].truncate == 10
