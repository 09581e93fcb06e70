"""Training speed of candidate networks for the fast recipes, on Keras (the backend of $KERAS_BACKEND) or
the scratch engine: samples per second of train_on_batch on random inputs of the network's shape, after
two warm-up steps, for about 8 seconds each. A quick comparison between candidates in one sitting; `dualnet bench`
is the measurement of record.

    python bench/candidates.py keras wide:128 narrow:128 two-at-14:128 vgg:32
    KERAS_BACKEND=jax python bench/candidates.py keras wide:128
    python bench/candidates.py scratch wide:128 narrow:128
    KERAS_BACKEND=jax python bench/candidates.py keras gru30:32 gru30:64 gru64:64 lstm30:64

Each argument is candidate:batch_size.
"""

import sys
import time

import dualnet  # noqa: F401  (before NumPy: the OpenBLAS kernel choice)
import numpy as np

from dualnet import models


def two_at_14(L):
    """fashion_fast with a second normalised convolution at 14x14."""
    return ([L.Input(shape=models.FASHION_INPUT)] + models._conv_bn_relu(L, 32) + [L.MaxPooling2D((2, 2))]
            + models._conv_bn_relu(L, 64) + models._conv_bn_relu(L, 64) + [L.MaxPooling2D((2, 2))]
            + models._conv_bn_relu(L, 128) + [L.MaxPooling2D((2, 2)), L.Flatten(), L.Dropout(0.3),
                                               L.Dense(10, activation="softmax")])


def pool_first(L):
    """fashion_fast with each convolution's output pooled before its normalisation and ReLU."""
    return models.fashion_fast(L, pool_first=True)


CANDIDATES = {"wide": models.fashion_fast, "pool-first": pool_first, "narrow": models.fashion_fast_narrow,
              "two-at-14": two_at_14,
              "vgg": models.fashion_vgg, "gru30": models.mult_gru, "gru64": models.mult_gru_wide,
              "lstm30": models.mult_lstm, "lstm64": models.mult_lstm_wide}


def samples_per_second(build, engine: str, batch: int, seconds: float = 8.0) -> float:
    if engine == "keras":
        import keras as framework
    else:
        from dualnet import scratch as framework
    stack = build(framework.layers)
    recurrent = build in (models.mult_gru, models.mult_gru_wide, models.mult_lstm, models.mult_lstm_wide)
    model = framework.Sequential(stack)
    model.compile("adam", "mse" if recurrent else "sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    x = rng.random((batch * 20,) + ((100, 2) if recurrent else (28, 28, 1)), dtype=np.float32)
    y = rng.random((batch * 20, 1), dtype=np.float32) if recurrent else rng.integers(0, 10, batch * 20)
    for _ in range(2):
        model.train_on_batch(x[:batch], y[:batch])
    done, step, started = 0, 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        at = (step % 20) * batch
        model.train_on_batch(x[at:at + batch], y[at:at + batch])
        done, step = done + batch, step + 1
    return done / (time.perf_counter() - started)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    engine = sys.argv[1]
    for argument in sys.argv[2:]:
        name, batch = argument.split(":")
        print(f"{engine} {name} batch {batch}: {samples_per_second(CANDIDATES[name], engine, int(batch)):.0f} "
              "training samples/s", flush=True)
