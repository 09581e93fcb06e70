"""The scratch Sequential as a Keras user knows it, and its behaviour on bad input."""

import subprocess
import sys

import numpy as np
import pytest

from dualnet import models, scratch
from dualnet.scratch import layers as S
from dualnet.scratch.layers import LayerInputError


def tiny_classifier(seed=0):
    scratch.set_random_seed(seed)
    model = scratch.Sequential([S.Input(shape=(6, 6, 1)), S.Conv2D(3, 3, activation="relu"), S.MaxPool2D(),
                                S.Flatten(), S.Dropout(0.2), S.Dense(4, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def tiny_data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 4, n)
    x = rng.random((n, 6, 6, 1), dtype=np.float32) * 0.2
    x[np.arange(n), y, y, 0] += 1.0  # a learnable signal: a bright pixel on the diagonal
    return x, y


def test_importing_scratch_loads_no_framework():
    code = ("import sys, dualnet.scratch, dualnet.engines.scratch_engine; "
            "print([m for m in sys.modules if m.split('.')[0] in ('keras', 'tensorflow', 'torch', 'jax')])")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "[]"


def test_fit_learns_and_records_history_like_keras():
    model = tiny_classifier()
    x, y = tiny_data()
    history = model.fit(x, y, batch_size=16, epochs=8, validation_split=0.25, verbose=0)
    assert list(history.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert history.epoch == list(range(8)) and len(history.history["loss"]) == 8
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss, accuracy = model.evaluate(x, y)
    assert 0 <= accuracy <= 1 and loss > 0
    assert model.predict(x[:5]).shape == (5, 4)


def test_validation_split_is_the_last_fraction():
    model = tiny_classifier()
    x, y = tiny_data(40)
    seen = []
    model.evaluate = lambda xv, yv, **kw: seen.append(xv.copy()) or {"loss": 0.0}
    model.fit(x, y, epochs=1, validation_split=0.25, verbose=0)
    np.testing.assert_array_equal(seen[0], x[30:])


def test_same_seed_gives_bitwise_identical_training():
    x, y = tiny_data()
    runs = []
    for _ in range(2):
        model = tiny_classifier(seed=11)
        history = model.fit(x, y, batch_size=8, epochs=3, verbose=0)
        runs.append((model.get_weights(), history.history["loss"]))
    for a, b in zip(runs[0][0], runs[1][0]):
        assert np.array_equal(a, b)
    assert runs[0][1] == runs[1][1]
    other = tiny_classifier(seed=12)
    assert not np.array_equal(other.get_weights()[0], runs[0][0][0])


def test_save_and_load_round_trip(tmp_path):
    model = tiny_classifier()
    x, y = tiny_data()
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "model.npz")
    loaded = scratch.load_model(tmp_path / "model.npz")
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    assert loaded.optimizer.learning_rate == model.optimizer.learning_rate
    assert [type(l).__name__ for l in loaded.layers] == [type(l).__name__ for l in model.layers]


def test_loading_never_unpickles(tmp_path):
    """A file carrying a pickled object (which could run code when loaded) is refused."""

    class Boom:
        def __reduce__(self):
            return (print, ("code ran",))

    path = tmp_path / "evil.npz"
    np.savez(path, **{"config.json": np.array([Boom()], dtype=object), "w0": np.zeros(3)})
    with pytest.raises(ValueError, match="pickle"):
        scratch.load_model(path)


def test_wrong_input_shape_names_layer_and_shapes():
    model = tiny_classifier()
    with pytest.raises(LayerInputError, match=r"Conv2D 'conv2d.*': expected input of shape \(None, 6, 6, 1\), "
                                              r"received \(2, 6, 6\)"):
        model.predict(np.zeros((2, 6, 6), np.float32))


@pytest.mark.parametrize("layer, shape, bad", [
    (lambda: S.Dense(3), (4,), (2, 5)),
    (lambda: S.Conv2D(2, 3), (5, 5, 1), (2, 5, 5, 3)),
    (lambda: S.MaxPooling2D(), (4, 4, 2), (2, 4, 4)),
    (lambda: S.Flatten(), (3, 3), (2, 3, 4)),
    (lambda: S.Dropout(0.5), (3,), (2, 4)),
    (lambda: S.SimpleRNN(2), (5, 3), (2, 5, 4)),
    (lambda: S.LSTM(2), (5, 3), (2, 3)),
    (lambda: S.GRU(2), (5, 3), (2, 6, 3)),
    (lambda: S.Embedding(10, 2), (5,), (2, 4)),
])
def test_every_layer_checks_its_input_shape(layer, shape, bad):
    built = layer()
    built.build(shape, np.random.default_rng(0))
    with pytest.raises(LayerInputError, match=f"{type(built).__name__} '{built.name}': expected input of shape"):
        built(np.zeros(bad, dtype=np.int64 if isinstance(built, S.Embedding) else np.float32))


def test_out_of_range_indices_and_labels():
    emb = S.Embedding(10, 2)
    emb.build((3,), np.random.default_rng(0))
    with pytest.raises(LayerInputError, match=r"indices must be in \[0, 10\)"):
        emb(np.array([[1, 2, 10]]))
    model = tiny_classifier()
    x, _ = tiny_data(8)
    with pytest.raises(ValueError, match=r"labels must be in \[0, 4\).*from 0 to 7"):
        model.fit(x, np.arange(8), verbose=0)


def test_set_weights_with_wrong_shapes_names_layer_and_shapes():
    model = tiny_classifier()
    weights = model.get_weights()
    weights[0] = np.zeros((3, 3, 2, 3), np.float32)
    with pytest.raises(ValueError, match=r"Conv2D 'conv2d.*': weight 'kernel' has shape \(3, 3, 1, 3\), "
                                         r"received \(3, 3, 2, 3\)"):
        model.set_weights(weights)
    with pytest.raises(ValueError, match="set_weights got 3 arrays, the model has 4"):
        model.set_weights(weights[:3])


def test_nan_loss_stops_fit_and_keeps_the_last_good_weights():
    model = tiny_classifier()
    x, y = tiny_data(32)
    model.fit(x, y, epochs=1, verbose=0)
    good = model.get_weights()
    x_bad = x.copy()
    x_bad[20] = np.nan
    with pytest.raises(scratch.NonFiniteLossError, match=r"epoch 1, batch 2.*learning rate"):
        model.fit(x_bad, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), good):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kwargs, message", [(dict(batch_size=0), "batch_size must be at least 1"),
                                             (dict(x=np.zeros((0, 6, 6, 1)), y=np.zeros(0)), "empty")])
def test_bad_fit_arguments(kwargs, message):
    model = tiny_classifier()
    x, y = tiny_data(8)
    args = {"x": x, "y": y, **kwargs}
    with pytest.raises(ValueError, match=message):
        model.fit(verbose=0, **args)


def test_course_models_build_on_the_scratch_engine():
    for fn, params in [(models.fashion_vgg, 5_240_842), (models.sentiment_lstm, 6_070_302),
                       (models.mult_gru, 8_671), (models.doit_conv2, 197_210)]:
        assert scratch.Sequential(fn(S)).count_params() == params


def test_weights_file_from_another_architecture_names_the_layer_and_shapes(tmp_path):
    model = tiny_classifier()
    model.save(tmp_path / "small.npz")
    scratch.set_random_seed(0)
    other = scratch.Sequential([S.Input(shape=(6, 6, 1)), S.Conv2D(5, 3, activation="relu"), S.MaxPool2D(),
                                S.Flatten(), S.Dense(4, activation="softmax")])
    with pytest.raises(ValueError, match=r"Conv2D '.*': weight 'kernel' has shape \(3, 3, 1, 5\), "
                                         r"received \(3, 3, 1, 3\)"):
        other.load_weights(tmp_path / "small.npz")
    same = tiny_classifier(seed=3)
    same.load_weights(tmp_path / "small.npz")
    np.testing.assert_array_equal(same.get_weights()[0], model.get_weights()[0])


@pytest.mark.parametrize("name, kwargs", [("Adam", {}), ("SGD", {"momentum": 0.9}), ("RMSprop", {"momentum": 0.5})])
def test_large_weights_are_updated_piecewise_exactly_as_whole(name, kwargs):
    """A weight larger than one piece is updated a piece at a time; the result is the same to the bit."""
    from dualnet.scratch import optimizers

    rng = np.random.default_rng(3)
    shape = (300, optimizers.PIECE // 100)  # several pieces and a partial last one
    start = rng.standard_normal(shape).astype(np.float32)
    piecewise, whole = start.copy(), start.copy()
    opt_piecewise, opt_whole = (getattr(optimizers, name)(**kwargs) for _ in range(2))
    whole_state = opt_whole.new_state(whole)
    for _ in range(3):
        g = rng.standard_normal(shape).astype(np.float32)
        opt_piecewise.apply([piecewise], [np.asfortranarray(g)])  # gradients may come in either order
        opt_whole.update(whole, g, whole_state)
        opt_whole.iterations += 1
    np.testing.assert_array_equal(piecewise, whole)


def test_recurrent_models_run_on_one_blas_thread_and_others_on_all():
    """Small products of recurrent layers on one BLAS thread (dualnet/scratch/threads.py)."""
    threadpoolctl = pytest.importorskip("threadpoolctl")

    def blas_threads_seen(model):
        seen = []
        first = model.layers[0]
        original = first.forward

        def forward(x, training):
            seen.extend(p["num_threads"] for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas")
            return original(x, training)

        first.forward = forward
        model.predict(np.zeros((2,) + model.input_shape, np.float32))
        return seen

    recurrent = scratch.Sequential([S.Input(shape=(5, 3)), S.SimpleRNN(4), S.Dense(1)])
    dense = scratch.Sequential([S.Input(shape=(3,)), S.Dense(2)])
    everything = [p["num_threads"] for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]
    assert blas_threads_seen(recurrent) == [1] * len(everything)
    assert blas_threads_seen(dense) == everything


def test_a_model_with_moving_statistics_saves_and_goes_on_training_exactly(tmp_path):
    """BatchNormalization's moving mean and variance are weights the optimizer never touches: a saved
    model loads with its optimizer state in the right places and trains on to the same bits."""
    from dualnet import scratch
    from dualnet.scratch import layers as S

    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((32, 6, 6, 1)).astype(np.float32), rng.integers(0, 3, 32)
    scratch.set_random_seed(1)
    model = scratch.Sequential([S.Input((6, 6, 1)), S.Conv2D(3, 3, use_bias=False), S.BatchNormalization(),
                                S.Activation("relu"), S.GlobalAveragePooling2D(), S.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    assert len(model.trainable_weights()) == 5 and len(model.get_weights()) == 7  # + moving mean, variance
    model.save(tmp_path / "m.npz")
    again = scratch.load_model(tmp_path / "m.npz")
    for m in (model, again):
        m.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.filterwarnings("error")  # an overflow warning from exp would fail the test
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_is_accurate_and_quiet_over_the_whole_range(dtype):
    from dualnet.scratch.activations import sigmoid

    z = np.concatenate([np.linspace(-40, 40, 8001), [-1e30, -1e4, -88.8, -80.5, 80.5, 1e4, 1e30]]).astype(dtype)
    got = sigmoid(z)
    exact = 1.0 / (1.0 + np.exp(-np.clip(z.astype(np.float64), -700, 700)))
    assert got.dtype == dtype and np.all(np.isfinite(got)) and np.all((got >= 0) & (got <= 1))
    assert np.abs(got - exact).max() <= (1e-7 if dtype == np.float32 else 1e-15)
    assert np.all(got[got > 0] >= np.finfo(dtype).tiny)  # no subnormal gate values
