"""The Keras engine hands TensorFlow its batches as a plain tf.data pipeline (keras_engine.batches says
why): training, evaluation and prediction through it must see what Keras's own handling of the arrays
would give them: the same samples in the same order, the last partial batch included, floats in Keras's
float type."""

from types import SimpleNamespace

import numpy as np
from keras_reference import keras

from dualnet.engines.keras_engine import KerasEngine, batches, epoch_batches, epoch_order

SAMPLES, BATCH, EPOCHS = 10, 4, 2  # 10 = 4 + 4 + 2: a partial last batch each epoch


def small_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(5, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def data():
    rng = np.random.default_rng(3)
    return rng.normal(size=(SAMPLES, 3)), rng.integers(0, 2, SAMPLES)  # float64 inputs, as NumPy makes them


def batches_seen(feed: dict) -> list:
    """The (x, y) batches fit() reads from batches()'s arguments: a batched dataset on TensorFlow, the
    arrays and a batch size on the other backends."""
    if "batch_size" not in feed:
        return list(feed["x"].as_numpy_iterator())
    size = feed["batch_size"]
    return [(feed["x"][i:i + size], feed["y"][i:i + size]) for i in range(0, len(feed["x"]), size)]


def test_batches_keep_order_and_the_partial_batch_and_cast_floats():
    x, y = data()
    feed = batches(x, y, BATCH)
    on_tensorflow = keras.backend.backend() == "tensorflow"
    # TensorFlow: the dataset alone (it carries the labels and the batch size); others: the arrays
    assert feed.keys() == ({"x"} if on_tensorflow else {"x", "y", "batch_size"})
    seen = batches_seen(feed)
    assert [len(bx) for bx, _ in seen] == [4, 4, 2]
    inputs = np.concatenate([bx for bx, _ in seen])
    np.testing.assert_array_equal(inputs, x.astype(inputs.dtype))
    np.testing.assert_array_equal(np.concatenate([by for _, by in seen]), y)
    assert seen[0][1].dtype == y.dtype
    assert seen[0][0].dtype == (np.float32 if on_tensorflow else x.dtype)  # others: Keras casts as it feeds


def test_an_epochs_batches_come_in_its_order_from_arrays_converted_once():
    x, y = data()
    kept = {}
    on_tensorflow = keras.backend.backend() == "tensorflow"
    for epoch in range(2):
        order = epoch_order(SAMPLES, 0, epoch)
        seen = batches_seen(epoch_batches(x, y, order, BATCH, kept))
        assert [len(bx) for bx, _ in seen] == [4, 4, 2]
        inputs = np.concatenate([bx for bx, _ in seen])
        np.testing.assert_array_equal(inputs, x[order].astype(inputs.dtype))
        np.testing.assert_array_equal(np.concatenate([by for _, by in seen]), y[order])
        if on_tensorflow:
            if epoch == 0:
                tensors = kept["tensors"]
            assert kept["tensors"] is tensors  # the same arrays: not converted again
    if on_tensorflow:
        epoch_batches(x + 1, y, order, BATCH, kept)  # another epoch's inputs (augmented): converted anew
        assert kept["tensors"] is not tensors


def test_training_through_the_engine_matches_keras_on_the_arrays():
    x, y = data()
    engine = KerasEngine()
    engine.seed(0)
    ours = small_model()
    engine.seed(0)
    reference = small_model()
    reference.set_weights(ours.get_weights())
    splits = SimpleNamespace(x_train=x, y_train=y, x_val=x[:6], y_val=y[:6])
    history = engine.fit(ours, splits, EPOCHS, BATCH)
    for epoch in range(EPOCHS):
        order = epoch_order(SAMPLES, engine.shuffle_seed, epoch)
        logs = reference.fit(x[order], y[order], batch_size=BATCH, shuffle=False, epochs=epoch + 1,
                             initial_epoch=epoch, validation_data=(x[:6], y[:6]), verbose=0).history
        for key in ("loss", "val_loss", "val_accuracy"):
            np.testing.assert_allclose(history[key][epoch], logs[key][0], rtol=1e-5, err_msg=key)
    for mine, theirs in zip(ours.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(engine.predict(ours, x, batch_size=BATCH),
                               reference.predict(x, batch_size=BATCH, verbose=0), rtol=1e-5, atol=1e-7)
    figures = engine.evaluate(ours, x, y, BATCH)
    expected = reference.evaluate(x, y, batch_size=BATCH, verbose=0, return_dict=True)
    assert figures.keys() == expected.keys()
    for key in figures:
        np.testing.assert_allclose(figures[key], expected[key], rtol=1e-5, err_msg=key)
