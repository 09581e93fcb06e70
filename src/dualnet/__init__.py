"""dualnet: the CNN and RNN course, every network twice (a NumPy engine and Keras 3)."""

from dualnet.blas import choose_kernels

choose_kernels()  # before anything imports NumPy: OpenBLAS reads the choice when it loads

__version__ = "0.1.0"
