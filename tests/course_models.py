"""Every course network, and those of the recipes beyond the notes, with a small batch of fitting inputs,
for tests that run them on both engines."""

from functools import partial

import numpy as np

from dualnet import models


def _images(rng, n=4, shape=(28, 28, 1)):
    return rng.random((n,) + shape, dtype=np.float32)


def _classes(rng, n=4, k=10):
    return rng.integers(0, k, n)


def _one_hot(rng, n=4, k=10):
    return np.eye(k, dtype=np.float32)[rng.integers(0, k, n)]


def _binary(rng, n=4):
    return rng.integers(0, 2, (n, 1)).astype(np.float32)


# name: (model function, loss, inputs(rng), targets(rng))
COURSE_MODELS = {
    "fashion-dense": (models.fashion_dense, "sparse_categorical_crossentropy",
                      lambda r: _images(r, shape=(28, 28)), _classes),
    "fashion-cnn-sample": (models.fashion_cnn_sample, "sparse_categorical_crossentropy", _images, _classes),
    "fashion-cnn": (models.fashion_cnn, "sparse_categorical_crossentropy", _images, _classes),
    "fashion-cnn-pool": (models.fashion_cnn_pool, "sparse_categorical_crossentropy", _images, _classes),
    "fashion-vgg": (models.fashion_vgg, "sparse_categorical_crossentropy", _images, _classes),
    "fashion-fast": (models.fashion_fast_pool_first, "sparse_categorical_crossentropy", _images, _classes),
    "fashion-best": (models.fashion_best, "sparse_categorical_crossentropy", _images, _classes),
    "doit-conv1": (models.doit_conv1, "categorical_crossentropy", _images, _one_hot),
    "doit-conv2": (models.doit_conv2, "categorical_crossentropy", _images, _one_hot),
    "seq-predict": (models.seq_predict, "mse", lambda r: r.random((6, 4, 1), dtype=np.float32),
                    lambda r: r.random((6, 1), dtype=np.float32)),
    "mult-simplernn": (models.mult_simplernn, "mse", lambda r: r.random((4, 100, 2), dtype=np.float32),
                       lambda r: r.random((4, 1), dtype=np.float32)),
    "mult-lstm": (models.mult_lstm, "mse", lambda r: r.random((4, 100, 2), dtype=np.float32),
                  lambda r: r.random((4, 1), dtype=np.float32)),
    "mult-gru": (models.mult_gru, "mse", lambda r: r.random((4, 100, 2), dtype=np.float32),
                 lambda r: r.random((4, 1), dtype=np.float32)),
    "doit-simplernn": (models.doit_simplernn, "binary_crossentropy",
                       lambda r: np.eye(100, dtype=np.float32)[r.integers(0, 100, (4, 100))], _binary),
    "doit-embedding-rnn": (models.doit_embedding_rnn, "binary_crossentropy",
                           lambda r: r.integers(0, 1000, (4, 100)), _binary),
    "doit-embedding-lstm": (models.doit_embedding_lstm, "binary_crossentropy",
                            lambda r: r.integers(0, 1000, (4, 100)), _binary),
    "sentiment-lstm": (models.sentiment_lstm, "sparse_categorical_crossentropy",
                       lambda r: r.integers(0, 20000, (4, 25)), lambda r: _classes(r, k=2)),
    "textgen-word": (partial(models.textgen, vocabulary=60), "sparse_categorical_crossentropy",
                     lambda r: r.integers(0, 60, (4, 25)), lambda r: _classes(r, k=60)),
    "textgen-jamo": (partial(models.textgen_letters, vocabulary=50), "sparse_categorical_crossentropy",
                     lambda r: r.integers(0, 50, (4, 80)), lambda r: _classes(r, k=50)),
}


class NoDropout:
    """A layers namespace whose Dropout drops nothing: the two engines cannot share random masks,
    so the step-by-step comparison runs without them (dropout itself is tested on its own)."""

    def __init__(self, layers):
        self._layers = layers

    def __getattr__(self, name):
        if name == "Dropout":
            return lambda rate, **kwargs: self._layers.Dropout(0.0, **kwargs)
        return getattr(self._layers, name)
