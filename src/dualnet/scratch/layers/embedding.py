"""Embedding: a row lookup. Its gradient adds each output gradient back into the row it came from."""

from __future__ import annotations

import numpy as np

from dualnet.scratch.layers.base import Layer, LayerInputError


class Embedding(Layer):
    """`sparse_updates` (the scratch engine's own argument): True gives Adam and RMSprop, besides the
    summed gradient of each row, the sum of its squared parts (one per occurrence of the row in the
    batch), which is what Keras's TensorFlow backend feeds them from its IndexedSlices gradient; False
    is the dense gradient of Keras's JAX and PyTorch backends. The two differ for a row seen more than
    once in a batch, such as the padding index 0 in every padded batch."""

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", input_length=None,
                 sparse_updates=False, **kwargs):
        super().__init__(**kwargs)
        self.sparse_updates = bool(sparse_updates)
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.input_length = input_length  # Keras 2's argument, accepted and only used for the shape
        self.embeddings_initializer = embeddings_initializer

    def build(self, input_shape, rng):
        super().build(input_shape, rng)
        self.embeddings = self.add_weight("embeddings", (self.input_dim, self.output_dim),
                                          self.embeddings_initializer, rng)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def forward(self, x, training):
        if x.size and (x.min() < 0 or x.max() >= self.input_dim):
            raise LayerInputError(f"Embedding '{self.name}': indices must be in [0, {self.input_dim}), "
                                  f"received values from {x.min()} to {x.max()}")
        self.indices = x.astype(np.intp)
        return self.embeddings[self.indices]

    def backward(self, dy):
        grad = np.zeros_like(self.embeddings)
        rows, parts = self.indices.ravel(), dy.reshape(-1, self.output_dim)
        np.add.at(grad, rows, parts)
        self.grads = [grad]
        if self.sparse_updates:
            squares = np.zeros_like(self.embeddings)
            np.add.at(squares, rows, parts * parts)
            self.grad_squares = [squares]
        return None  # integer inputs have no gradient

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "sparse_updates": self.sparse_updates}
