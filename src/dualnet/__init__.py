"""dualnet: the CNN and RNN course, every network twice (a NumPy engine and Keras 3)."""

__version__ = "0.1.0"
