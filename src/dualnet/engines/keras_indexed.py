"""A Keras SimpleRNN that takes word indices where the notes feed one-hot vectors.

one_hot(x) @ kernel is row x of the kernel, so the layer looks the rows up for the whole sequence at
once and steps through time on the projected inputs. Its weights are the one-hot layer's, in the same
shapes and order, so set_weights carries them either way.
"""

from __future__ import annotations

import keras
from keras import ops

# Arguments of a SimpleRNN that belong to its cell; the rest belong to the RNN layer around it.
_CELL_ARGS = ("units", "activation", "use_bias", "kernel_initializer", "recurrent_initializer", "bias_initializer",
              "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
              "recurrent_constraint", "bias_constraint", "seed")


@keras.saving.register_keras_serializable(package="dualnet")
class IndexedSimpleRNNCell(keras.layers.SimpleRNNCell):
    """One time step on inputs already multiplied by the kernel, the bias added."""

    def call(self, projected, states, training=False):
        output = projected + ops.matmul(states[0], self.recurrent_kernel)
        if self.activation is not None:
            output = self.activation(output)
        return output, [output]


@keras.saving.register_keras_serializable(package="dualnet")
class IndexedSimpleRNN(keras.layers.RNN):
    """SimpleRNN over integer inputs (batch, time) that stand for one-hot vectors of length `depth`."""

    def __init__(self, units, depth, dropout=0.0, recurrent_dropout=0.0, **kwargs):
        if dropout or recurrent_dropout:
            raise ValueError("IndexedSimpleRNN has no input or recurrent dropout; use SimpleRNN on one-hot "
                             "vectors for that")
        cell_args = {key: kwargs.pop(key) for key in _CELL_ARGS if key in kwargs}
        for unused in ("cell", "activity_regularizer"):
            kwargs.pop(unused, None)
        super().__init__(IndexedSimpleRNNCell(units, **cell_args), **kwargs)
        self.depth = depth

    @classmethod
    def like(cls, layer: keras.layers.SimpleRNN, depth: int) -> "IndexedSimpleRNN":
        """The same layer (arguments, name) for indices into one-hot vectors of length `depth`."""
        return cls(depth=depth, **layer.get_config())

    def build(self, sequences_shape, initial_state_shape=None):
        # The cell builds its kernel (depth, units) as it would for one-hot vectors.
        super().build((*sequences_shape, self.depth), initial_state_shape)

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        return super().compute_output_shape((*sequences_shape, self.depth), initial_state_shape)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        projected = ops.take(self.cell.kernel, ops.cast(sequences, "int32"), axis=0)
        if self.cell.use_bias:
            projected = projected + self.cell.bias
        return super().call(projected, initial_state=initial_state, mask=mask, training=training)

    def get_config(self):
        config = super().get_config()
        cell = config.pop("cell")["config"]
        config.update({key: cell[key] for key in _CELL_ARGS if key in cell}, depth=self.depth)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def index_inputs(layers: list) -> list:
    """The notes' [Input((T, D)), SimpleRNN, ...] as [Input((T,), int32), IndexedSimpleRNN, ...]."""
    first, recurrent = layers[0], layers[1]
    if len(first.shape) != 3 or not isinstance(recurrent, keras.layers.SimpleRNN):
        raise ValueError("index inputs need a model that starts with Input(shape=(time, depth)) and a SimpleRNN; "
                         f"this one starts with an input of shape {first.shape} and a {type(recurrent).__name__}")
    time_steps, depth = first.shape[1:]
    return [keras.Input(shape=(time_steps,), dtype="int32"), IndexedSimpleRNN.like(recurrent, depth), *layers[2:]]
