"""The scratch engine's layers, with Keras's names: `models.fashion_vgg(dualnet.scratch.layers)`."""

from dualnet.scratch.layers.base import Layer, LayerInputError
from dualnet.scratch.layers.conv import Conv2D
from dualnet.scratch.layers.core import Activation, Dense, Dropout, Flatten, Input
from dualnet.scratch.layers.embedding import Embedding
from dualnet.scratch.layers.normalization import BatchNormalization
from dualnet.scratch.layers.pooling import GlobalAveragePooling2D, MaxPool2D, MaxPooling2D
from dualnet.scratch.layers.recurrent import GRU, LSTM, SimpleRNN

__all__ = ["GRU", "LSTM", "Activation", "BatchNormalization", "Conv2D", "Dense", "Dropout", "Embedding", "Flatten",
           "GlobalAveragePooling2D", "Input", "Layer", "LayerInputError", "MaxPool2D", "MaxPooling2D", "SimpleRNN"]
