"""A seeded Keras run sees its training samples in a new order every epoch, as an unseeded run (the
notes') and the scratch engine do, and the order depends on (seed, epoch) alone, so a resumed run
continues as an unbroken one. (Keras's own shuffle=True on TensorFlow repeats one permutation every
epoch once keras.utils.set_random_seed has run: KerasEngine.fit says more.)"""

from types import SimpleNamespace

import numpy as np
import tensorflow as tf
from keras_reference import keras

from dualnet.engines.keras_engine import KerasEngine, epoch_order

SAMPLES, BATCH, EPOCHS = 12, 4, 3


class BatchRecorder(keras.layers.Layer):
    """The identity on one number per sample; in training it writes each batch it sees into a log."""

    def build(self, shape):
        steps = EPOCHS * SAMPLES // BATCH
        self.log = self.add_weight(shape=(steps, BATCH), initializer="zeros", trainable=False)
        self.step = self.add_weight(shape=(), initializer="zeros", trainable=False, dtype="int32")
        self.scale = self.add_weight(shape=(1, 1), initializer="ones")

    def call(self, x, training=False):
        if training:
            row = tf.one_hot(self.step, self.log.shape[0])[:, None] * tf.reshape(x, [1, -1])
            self.log.assign(self.log + row)
            self.step.assign(self.step + 1)
        return x @ self.scale


def batches_seen(seed: int, initial_epoch: int = 0) -> np.ndarray:
    engine = KerasEngine()
    engine.seed(seed)
    recorder = BatchRecorder()
    model = keras.Sequential([keras.Input((1,)), recorder])
    model.compile("sgd", "mse")
    x = np.arange(SAMPLES, dtype="float32").reshape(-1, 1)
    splits = SimpleNamespace(x_train=x, y_train=x, x_val=None, y_val=None)
    history = engine.fit(model, splits, EPOCHS, BATCH, initial_epoch=initial_epoch)
    assert len(history["loss"]) == EPOCHS - initial_epoch
    seen = recorder.log.numpy().astype(int)
    return seen[: (EPOCHS - initial_epoch) * SAMPLES // BATCH].reshape(EPOCHS - initial_epoch, SAMPLES)


def test_every_epoch_has_its_own_order_drawn_from_seed_and_epoch():
    seen = batches_seen(seed=5)
    for epoch in range(EPOCHS):
        np.testing.assert_array_equal(seen[epoch], epoch_order(SAMPLES, 5, epoch))
    assert len({tuple(order) for order in seen}) == EPOCHS, f"an order repeated: {seen.tolist()}"
    for order in seen:
        assert sorted(order) == list(range(SAMPLES))  # each sample once per epoch


def test_a_resumed_run_continues_in_the_unbroken_runs_order():
    np.testing.assert_array_equal(batches_seen(seed=7, initial_epoch=1), batches_seen(seed=7)[1:])
