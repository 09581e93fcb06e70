"""Initializers the scratch engine has and Keras lacks, registered under the names the scratch engine
reads (package "dualnet"), so one model definition builds the same weights on both engines and a saved
Keras model loads again. Imported by the Keras engine."""

from __future__ import annotations

import keras

from dualnet.scratch import initializers


@keras.saving.register_keras_serializable(package="dualnet")
class ChronoBias(keras.initializers.Initializer):
    """The scratch engine's ChronoBias (an LSTM bias with chrono-initialised gates) for Keras."""

    def __init__(self, max_steps):
        self.values = initializers.ChronoBias(max_steps)

    def __call__(self, shape, dtype=None):
        return keras.ops.convert_to_tensor(self.values(tuple(shape)), dtype=dtype)

    def get_config(self):
        return self.values.get_config()
