"""What handing one epoch's reordered training set to TensorFlow costs, on Fashion-MNIST's size (60,000 x
28 x 28 floats, 188 MB): reordering by copying into fresh memory, into a kept buffer, the casts and
TensorFlow's conversion, against a pipeline that gathers each batch by index from tensors made once
(what keras_engine.epoch_batches does). Three rounds each; fresh memory costs most where a (virtual)
machine is slow to hand out new pages.

    python bench/epoch_copies.py
"""

import time

import dualnet  # noqa: F401  (before NumPy: the OpenBLAS kernel choice)
import numpy as np
import tensorflow as tf


def rounds(make, n=3) -> str:
    seconds = []
    for i in range(n):
        started = time.perf_counter()
        make(i)
        seconds.append(time.perf_counter() - started)
    return " ".join(f"{s:.2f}" for s in seconds)


def read_seconds(dataset) -> float:
    started = time.perf_counter()
    for _ in dataset:
        pass
    return time.perf_counter() - started


def main():
    rng = np.random.default_rng(0)
    x = rng.random((60000, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, 60000)
    kept = np.empty_like(x)
    orders = [np.random.default_rng(i).permutation(len(x)) for i in range(3)]
    tensors = tf.convert_to_tensor(x)

    def gathered(i):
        indices = tf.data.Dataset.from_tensor_slices(tf.constant(orders[i])).batch(128)
        return indices.map(lambda idx: (tf.gather(tensors, idx), tf.gather(y, idx)))

    print("x[order], fresh memory       ", rounds(lambda i: x[orders[i]]))
    print("np.take into a kept buffer   ", rounds(lambda i: np.take(x, orders[i], axis=0, out=kept)))
    print("astype (a copy)              ", rounds(lambda i: kept.astype("float32")))
    print("astype(copy=False)           ", rounds(lambda i: kept.astype("float32", copy=False)))
    print("from_tensor_slices           ", rounds(lambda i: tf.data.Dataset.from_tensor_slices((kept, y)).batch(128)))
    print("gathering pipeline, made     ", rounds(gathered))
    print(f"read all batches: sliced {read_seconds(tf.data.Dataset.from_tensor_slices((kept, y)).batch(128)):.2f} s, "
          f"gathered {read_seconds(gathered(0)):.2f} s")


if __name__ == "__main__":
    main()
