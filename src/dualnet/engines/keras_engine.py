"""Runs a recipe on Keras 3. The backend is Keras's: $KERAS_BACKEND (TensorFlow by default)."""

from __future__ import annotations

import sys
from contextlib import contextmanager

import numpy as np

from dualnet.startup import import_keras

keras = import_keras()  # before the modules below import it: TensorFlow's start-up lines dropped

from dualnet.engines import averaged_once, build_sequential  # noqa: E402
from dualnet.engines import keras_initializers  # noqa: F401,E402  (registers dualnet>ChronoBias)
from dualnet.engines.keras_indexed import index_inputs  # noqa: E402
from dualnet.scratch.model import NonFiniteLossError  # noqa: E402
from dualnet.summary import LayerRow, format_summary  # noqa: E402

BACKEND_NAMES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}


class _ProgressAdapter(keras.callbacks.Callback):
    """Passes Keras's callback hooks on to an engine-neutral progress object."""

    def __init__(self, target):
        super().__init__()
        self.target = target

    def _pass(self, hook, *args):
        method = getattr(self.target, hook, None)
        if method is not None:
            method(*args)

    def on_epoch_begin(self, epoch, logs=None):
        self._pass("on_epoch_begin", epoch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._pass("on_train_batch_end", batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._pass("on_epoch_end", epoch, logs)


class _NonFiniteGuard(keras.callbacks.Callback):
    """Stops training at the first batch whose loss is NaN or infinite, and remembers where."""

    def __init__(self):
        super().__init__()
        self.epoch, self.where = 0, None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(float(loss)):
            self.where = (self.epoch, batch, float(loss))
            self.model.stop_training = True


def epoch_order(count: int, seed: int, epoch: int) -> np.ndarray:
    """The training samples' order in one epoch: a permutation drawn from (seed, epoch) alone."""
    return np.random.default_rng([seed, epoch]).permutation(count)


def batches(x, y=None, batch_size: int = 32) -> dict:
    """(x, y), or x alone, in their order and batched, as the data arguments of Keras's fit(), evaluate()
    and predict(). On TensorFlow a plain tf.data pipeline without autotuning, floats in Keras's float type
    as Keras's own adapter would make them. Why not hand Keras the arrays: the autotuned pipeline it builds
    for arrays takes seconds to tear down when each fit() returns (7-9 s after a 34-s epoch of
    fashion-fast on one core, with Keras 3.15.1 and TensorFlow 2.21.0: bench/fit_overhead.py), and this
    engine calls fit() once per epoch. Other backends iterate arrays without tf.data: they get the
    arrays, with the batch size for Keras to use."""
    if keras.backend.backend() != "tensorflow":
        return {"x": x, **({} if y is None else {"y": y}), "batch_size": batch_size}
    import tensorflow as tf

    arrays = keras_arrays(x) if y is None else keras_arrays(x, y)
    return {"x": tf.data.Dataset.from_tensor_slices(arrays).batch(batch_size).with_options(plain_pipeline())}


def keras_arrays(*arrays) -> tuple:
    """The arrays as Keras's own adapter would feed them: floats in Keras's float type (no copy where
    they already are)."""
    floatx = keras.config.floatx()
    return tuple(a.astype(floatx, copy=False) if np.issubdtype(a.dtype, np.floating) else a
                 for a in map(np.asarray, arrays))


def plain_pipeline():
    import tensorflow as tf

    options = tf.data.Options()
    options.autotune.enabled = False
    return options


def epoch_batches(x, y, order, batch_size: int, kept: dict) -> dict:
    """fit()'s data arguments for one epoch: (x, y) in `order`, batched. On TensorFlow the arrays become
    tensors once (kept in `kept` for as long as x is the same array) and each batch is gathered in the
    epoch's order as it is read, so no reordered copy of the whole training set is made each epoch: on
    Fashion-MNIST that was three fresh 188-MB arrays an epoch, 0.1-2 s each on a virtual machine slow
    to hand out new pages (5-6 s an epoch of fashion-fast's 12-s epochs, session 12). Other backends get
    the arrays reordered."""
    if keras.backend.backend() != "tensorflow":
        return batches(x[order], y[order], batch_size)
    import tensorflow as tf

    if kept.get("source") is not x:
        kept.update(source=x, tensors=tuple(map(tf.convert_to_tensor, keras_arrays(x, y))))
    inputs, labels = kept["tensors"]
    indices = tf.data.Dataset.from_tensor_slices(order).batch(batch_size)
    return {"x": indices.map(lambda i: (tf.gather(inputs, i), tf.gather(labels, i))).with_options(plain_pipeline())}


def validation_data(x, y, batch_size: int):
    """batches() in the form of fit()'s validation_data: the dataset itself, or the arrays as a pair."""
    feed = batches(x, y, batch_size)
    return (feed["x"], feed["y"]) if "y" in feed else feed["x"]


@contextmanager
def dtype_policy(name: str):
    """Layers made inside take Keras's dtype policy `name`; the global policy is restored after."""
    before = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(before)


def output_in_float32(adapt):
    """Under a mixed policy the last layer (the softmax or the regression output) stays in float32, as
    Keras advises: the loss then sees full-precision outputs."""
    def adapted(stack):
        stack = adapt(stack) if adapt else stack
        stack[-1].dtype_policy = "float32"
        return stack
    return adapted


class KerasEngine:
    name = "keras"
    model_file = "model.keras"

    def describe(self) -> dict:
        return {"engine": "keras", "keras": keras.__version__, "backend": keras.backend.backend(),
                "shuffle": "a new order each epoch, from (seed, epoch)",
                **({"precision": self.precision} if self.precision != "float32" else {})}

    def sentence(self) -> str:
        backend = keras.backend.backend()
        version = getattr(sys.modules.get(backend), "__version__", "")
        mixed = f" in {self.precision}" if self.precision != "float32" else ""
        return f"Keras {keras.__version__} on {BACKEND_NAMES.get(backend, backend)} {version}".rstrip() + mixed

    def __init__(self, precision: str = "float32"):
        self.shuffle_seed = 0
        self.precision = precision

    def seed(self, seed: int) -> None:
        keras.utils.set_random_seed(seed)  # Python, NumPy and the backend's generators
        self.shuffle_seed = seed

    def build(self, recipe, **model_args):
        adapt = index_inputs if recipe.index_inputs else None
        if self.precision != "float32":
            adapt = output_in_float32(adapt)
        with dtype_policy(self.precision):
            return build_sequential(recipe, keras.Sequential, keras.layers, keras.optimizers, keras.losses,
                                    adapt=adapt, **model_args)

    @staticmethod
    def input_shape(model) -> tuple:
        return tuple(model.inputs[0].shape[1:])

    def summary(self, model, recipe) -> str:
        rows = [LayerRow(layer.name, type(layer).__name__, tuple(layer.output.shape[1:]), layer.count_params(),
                         sum(int(np.prod(w.shape)) for w in layer.trainable_weights))
                for layer in model.layers]
        return format_summary(f"{recipe.id} (keras, {keras.backend.backend()})", rows, recipe.params)

    def fit(self, model, splits, epochs: int, batch_size: int, callbacks=(), initial_epoch: int = 0,
            epoch_inputs=None) -> dict:
        """One fit() per epoch on the training set in an order drawn for that epoch. Why not Keras's own
        shuffle=True: on TensorFlow, once keras.utils.set_random_seed has run (as every seeded run does),
        it draws the same permutation every epoch (measured with Keras 3.15.1, TensorFlow 2.21.0), while an
        unseeded run, as in the notes, and the scratch engine see a new order each epoch. The order is a
        function of (seed, epoch), so a resumed run continues exactly as an unbroken one would.
        epoch_inputs(epoch), where given, are that epoch's training inputs (augmented), in the splits' order."""
        validation = None if splits.x_val is None else validation_data(splits.x_val, splits.y_val, batch_size)
        guard = _NonFiniteGuard()
        hooks = [guard] + [_ProgressAdapter(c) for c in callbacks]
        history: dict[str, list[float]] = {}
        kept = {}
        with averaged_once(model.optimizer, lambda: model.trainable_weights):
            for epoch in range(initial_epoch, epochs):
                order = epoch_order(len(splits.x_train), self.shuffle_seed, epoch)
                x = splits.x_train if epoch_inputs is None else epoch_inputs(epoch)
                logs = model.fit(**epoch_batches(x, splits.y_train, order, batch_size, kept), shuffle=False,
                                 epochs=epoch + 1, initial_epoch=epoch, validation_data=validation, verbose=0,
                                 callbacks=hooks).history
                if guard.where:
                    stopped_epoch, batch, loss = guard.where
                    raise NonFiniteLossError(
                        f"the loss became {loss} at epoch {stopped_epoch + 1}, batch {batch + 1}: training stopped. "
                        f"The likely cause is too high a learning rate (now {float(model.optimizer.learning_rate)}), "
                        "or inputs that are not scaled or contain NaN.")
                for key, values in logs.items():
                    history.setdefault(key, []).extend(float(v) for v in values)
        return history

    def evaluate(self, model, x, y, batch_size: int) -> dict:
        values = model.evaluate(**batches(x, y, batch_size), verbose=0, return_dict=True)
        return {k: float(v) for k, v in values.items()}

    def predict(self, model, x, batch_size: int = 256) -> np.ndarray:
        return np.asarray(model.predict(**batches(x, None, batch_size), verbose=0))

    def save(self, model, path) -> None:
        model.save(path)

    def load(self, path):
        """A trained model from a run folder; safe_mode refuses files that would run code."""
        return keras.saving.load_model(path, safe_mode=True)

    def save_checkpoint(self, model, folder) -> dict:
        model.save(folder / self.model_file)  # weights and the optimizer's state
        return {}

    def load_checkpoint(self, folder, state, recipe):
        # Weights and optimizer state come back exactly; Keras's random generators are reseeded (seed plus
        # the epochs done), so shuffling and dropout masks after a resume differ from an unbroken run.
        keras.utils.set_random_seed(state["seed"] + state["epochs_done"])
        return self.load(folder / self.model_file)
