"""The scratch engine: the course's networks in NumPy, with every backward pass written by hand.

It imports nothing from Keras, TensorFlow, PyTorch or JAX. Layers take Keras's
names and arguments and keep Keras's weight layouts, so
`scratch_model.set_weights(keras_model.get_weights())` just works.
"""

from dualnet.scratch import config, layers, losses, optimizers
from dualnet.scratch.model import History, NonFiniteLossError, Sequential, load_model
from dualnet.scratch.random import set_random_seed

__all__ = ["History", "config", "NonFiniteLossError", "Sequential", "layers", "load_model", "losses", "optimizers",
           "set_random_seed"]
