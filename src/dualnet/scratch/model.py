"""Sequential: the Keras model API over the scratch layers.

compile, fit, evaluate, predict, summary, get_weights/set_weights in Keras's
order, and save/load as one NPZ holding the weights and a JSON config (no
pickle anywhere, so loading a file never runs code from it).
"""

from __future__ import annotations

import json
import math

import numpy as np

from dualnet.scratch import layers as layer_classes
from dualnet.scratch import config, losses, optimizers
from dualnet.scratch.layers.base import Layer, LayerInputError
from dualnet.scratch.layers.core import Input
from dualnet.scratch.layers.recurrent import RecurrentLayer
from dualnet.scratch.random import generator
from dualnet.scratch.split import BatchSplit, will_split
from dualnet.scratch.threads import blas_threads


class NonFiniteLossError(FloatingPointError):
    """The loss became NaN or infinite; the model holds the weights of the last good epoch."""


class History:
    def __init__(self):
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def record(self, epoch: int, logs: dict) -> None:
        self.epoch.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)


class Sequential:
    def __init__(self, layers=(), name: str = "sequential"):
        self.name = name
        self.layers: list[Layer] = []
        self.input_shape = None
        self.optimizer = self.loss = None
        self.metric_names: list[str] = []
        self.stop_training = False
        self.batch_split: BatchSplit | None = None  # the helper process fit() may train with (split.py)
        for layer in layers:
            self.add(layer)

    # -- building -----------------------------------------------------------
    def add(self, layer) -> None:
        if isinstance(layer, Input):
            self.input_shape = layer.shape
            return
        if not self.layers and self.input_shape is None and layer.declared_input_shape is not None:
            self.input_shape = layer.declared_input_shape
        self.layers.append(layer)
        if self.input_shape is not None:
            self.build()

    def build(self, input_shape=None) -> None:
        """Create every layer's weights, in order, from the engine's random generator."""
        if input_shape is not None:
            self.input_shape = tuple(input_shape)
        shape, rng = self.input_shape, generator()
        for i, layer in enumerate(self.layers):
            layer.input_gradient = i > 0
            if not layer.built:
                layer.build(shape, rng)
            shape = layer.compute_output_shape(shape)

    @property
    def dtype(self) -> np.dtype:
        """The float type of the weights (the scratch engine's floatx when the first layer was made)."""
        return self.layers[0].dtype if self.layers else np.dtype(config.floatx())

    @property
    def built(self) -> bool:
        return bool(self.layers) and all(layer.built for layer in self.layers)

    @property
    def output_shape(self):
        return self.layers[-1].output_shape

    def compile(self, optimizer="rmsprop", loss=None, metrics=()):
        self.optimizer = optimizers.get(optimizer)
        self.loss = losses.get(loss)
        self.metric_names = list(metrics or [])
        self._accuracy = losses.accuracy_for(self.loss)

    # -- weights ------------------------------------------------------------
    def weights(self) -> list[np.ndarray]:
        return [w for layer in self.layers for w in layer.weights]

    def trainable_layers(self):
        return [layer for layer in self.layers if layer.trainable and layer.trainable_weights]

    def trainable_weights(self) -> list[np.ndarray]:
        """What the optimizer updates, in the order of its state (and of the layers' grads)."""
        return [w for layer in self.trainable_layers() for w in layer.trainable_weights]

    def gradients(self) -> list[np.ndarray]:
        """The last backward pass's gradients, in the order of trainable_weights."""
        return [g for layer in self.trainable_layers() for g in layer.grads]

    def get_weights(self) -> list[np.ndarray]:
        return [w.copy() for w in self.weights()]

    def set_weights(self, values) -> None:
        values = list(values)
        expected = sum(len(layer.weights) for layer in self.layers)
        if len(values) != expected:
            raise ValueError(f"model '{self.name}': set_weights got {len(values)} arrays, the model has {expected}")
        for layer in self.layers:
            layer.set_weights(values[:len(layer.weights)])
            values = values[len(layer.weights):]

    def load_weights(self, path) -> None:
        load_weights_into(self, path)

    def count_params(self) -> int:
        return sum(layer.count_params() for layer in self.layers)

    # -- forward and backward -------------------------------------------------
    def blas(self):
        """The BLAS threads for this model's products: one where it has recurrent layers (threads.py)."""
        return blas_threads(1 if any(isinstance(layer, RecurrentLayer) for layer in self.layers) else None)

    def __call__(self, x, training: bool = False):
        if not self.built:
            raise ValueError(f"model '{self.name}' has no input shape: start it with Input(shape=...)")
        with self.blas():
            for layer in self.layers:
                if x is None:
                    raise LayerInputError(f"{type(layer).__name__} '{layer.name}' follows a layer without gradient")
                x = layer(x, training=training)
        return x

    def uses_logits(self) -> bool:
        """Keras computes a cross-entropy after a final softmax/sigmoid from the logits; so do we."""
        last = self.layers[-1]
        return (not self.loss.from_logits and self.loss.logits_of is not None
                and getattr(last, "activation", None) == self.loss.logits_of)

    def loss_of(self, y, output):
        """(loss, its gradient) for the last forward pass: from the final layer's logits where Keras
        would take them, else from the outputs."""
        if self.uses_logits():
            return self.loss.value_and_grad_from_logits(y, self.layers[-1].logits)
        return self.loss.value_and_grad(y, output)

    def loss_and_gradients(self, x, y, training: bool = True):
        """Forward, loss, and backward through every layer; the weight gradients stay on the layers."""
        output = self(x, training=training)
        loss, grad = self.loss_of(y, output)
        with self.blas():
            if self.uses_logits():  # the gradient is already that of the final layer's logits
                grad = self.layers[-1].backward(grad, preactivation=True)
            else:
                grad = self.layers[-1].backward(grad)
            for layer in reversed(self.layers[:-1]):
                if grad is None:
                    break
                grad = layer.backward(grad)
        return loss, output, grad

    def train_on_batch(self, x, y) -> dict:
        return self.train_step(x, y, None)

    def train_step(self, x, y, split: BatchSplit | None) -> dict:
        """One update from the batch (x, y); with `split`, half of the batch is computed in its helper."""
        if split is not None and len(x) > 1:
            loss, output = split.loss_and_gradients(self, x, y)
        else:
            loss, output, _ = self.loss_and_gradients(x, y)
        if not math.isfinite(loss):
            return {"loss": loss}
        self.optimizer.apply(self.trainable_weights(), self.gradients(),
                             [s for layer in self.trainable_layers()
                              for s in (layer.grad_squares or [None] * len(layer.grads))])
        return self.batch_logs(loss, y, output)

    def batch_logs(self, loss, y, output) -> dict:
        logs = {"loss": loss}
        if "accuracy" in self.metric_names:
            logs["accuracy"] = float(self._accuracy(y, output).mean())
        return logs

    def helper_for_fit(self) -> BatchSplit | None:
        """The helper process that takes half of each training batch, holding this model as it is now,
        where split.py says the split pays; else None."""
        if not will_split(self):
            return None
        if self.batch_split is None:
            self.batch_split = BatchSplit()
        self.batch_split.prepare(self)
        return self.batch_split

    def close(self) -> None:
        """Stop the helper process, if fit() started one (it also stops with the model or at exit)."""
        if self.batch_split is not None:
            self.batch_split.close()
            self.batch_split = None

    # -- the Keras loop ---------------------------------------------------------
    def fit(self, x, y, batch_size=32, epochs=1, verbose="auto", callbacks=(), validation_split=0.0,
            validation_data=None, shuffle=True, initial_epoch=0):
        if self.optimizer is None:
            raise RuntimeError(f"model '{self.name}' must be compiled before fit: call compile(optimizer, loss)")
        x, y = as_inputs(x, self.dtype), np.asarray(y)
        if len(x) == 0:
            raise ValueError("fit: the training data is empty")
        if len(x) != len(y):
            raise ValueError(f"fit: {len(x)} input samples but {len(y)} labels")
        if int(batch_size) < 1:
            raise ValueError(f"fit: batch_size must be at least 1, received {batch_size}")
        if validation_data is None and validation_split:
            split_at = int(len(x) * (1.0 - validation_split))  # Keras: the last fraction, before shuffling
            x, y, validation_data = x[:split_at], y[:split_at], (x[split_at:], y[split_at:])
        callbacks = list(callbacks)
        steps = math.ceil(len(x) / batch_size)
        if verbose in ("auto", 1, True):
            from dualnet.progress import EpochProgress

            callbacks.append(EpochProgress(epochs, steps))
        history = History()
        rng = generator()
        self.stop_training = False
        split = self.helper_for_fit() if epochs > initial_epoch else None
        for epoch in range(initial_epoch, epochs):
            good_weights = self.get_weights()
            call(callbacks, "on_epoch_begin", epoch)
            order = rng.permutation(len(x)) if shuffle else np.arange(len(x))
            seen, sums = 0, {}
            for step in range(steps):
                batch = order[step * batch_size:(step + 1) * batch_size]
                logs = self.train_step(x[batch], y[batch], split)
                if not math.isfinite(logs["loss"]):
                    self.set_weights(good_weights)
                    raise NonFiniteLossError(
                        f"the loss became {logs['loss']} at epoch {epoch + 1}, batch {step + 1}: training stopped "
                        f"and the weights of the end of epoch {epoch} were kept. The likely cause is too high a "
                        f"learning rate (now {self.optimizer.learning_rate}), or inputs that are not scaled "
                        "(e.g. pixels not divided by 255) or contain NaN.")
                seen += len(batch)
                for key, value in logs.items():  # Keras's running means, weighted by batch size
                    sums[key] = sums.get(key, 0.0) + value * len(batch)
                call(callbacks, "on_train_batch_end", step, {k: v / seen for k, v in sums.items()})
            epoch_logs = {k: v / seen for k, v in sums.items()}
            if validation_data is not None:
                val = self.evaluate(*validation_data, batch_size=batch_size, return_dict=True)
                epoch_logs.update({f"val_{k}": v for k, v in val.items()})
            history.record(epoch, epoch_logs)
            call(callbacks, "on_epoch_end", epoch, epoch_logs)
            if self.stop_training:
                break
        if epochs > 0:  # as Keras: with use_ema, the weights become their averages
            self.optimizer.finalize_variable_values(self.trainable_weights())
        self.history = history
        return history

    def evaluate(self, x, y, batch_size=32, verbose=0, return_dict=False):
        x, y = as_inputs(x, self.dtype), np.asarray(y)
        if len(x) == 0:
            raise ValueError("evaluate: the data is empty")
        sums, seen = {}, 0
        for start in range(0, len(x), batch_size):
            xb, yb = x[start:start + batch_size], y[start:start + batch_size]
            output = self(xb, training=False)
            loss, _ = self.loss_of(yb, output)
            for key, value in self.batch_logs(loss, yb, output).items():
                sums[key] = sums.get(key, 0.0) + value * len(xb)
            seen += len(xb)
        results = {k: v / seen for k, v in sums.items()}
        return results if return_dict else list(results.values())

    def predict(self, x, batch_size=32, verbose=0):
        x = as_inputs(x, self.dtype)
        return np.concatenate([self(x[i:i + batch_size], training=False) for i in range(0, len(x), batch_size)])

    # -- description ----------------------------------------------------------
    def summary(self, print_fn=print, notes_params=None) -> None:
        from dualnet.summary import LayerRow, format_summary

        rows = [LayerRow(layer.name, type(layer).__name__, layer.output_shape, layer.count_params(),
                         sum(w.size for w in layer.trainable_weights) if layer.trainable else 0)
                for layer in self.layers]
        print_fn(format_summary(self.name, rows, notes_params).rstrip("\n"))

    def get_config(self) -> dict:
        return {"name": self.name, "input_shape": list(self.input_shape),
                "layers": [{"class_name": type(layer).__name__, "config": layer.get_config()}
                           for layer in self.layers],
                "compile": None if self.optimizer is None else
                {"optimizer": self.optimizer.get_config(), "loss": self.loss.name,
                 "from_logits": self.loss.from_logits, "metrics": self.metric_names,
                 **({"label_smoothing": self.loss.label_smoothing} if getattr(self.loss, "label_smoothing", 0) else {})}}

    # -- files ------------------------------------------------------------------
    def save(self, path, include_optimizer: bool = True) -> None:
        """One .npz: the weights as w0, w1, ..., the optimizer's state as opt/..., and the config as
        JSON text; no pickled object."""
        arrays = {f"w{i}": w for i, w in enumerate(self.weights())}
        config = self.get_config()
        if include_optimizer and self.optimizer is not None and self.optimizer.state:
            state = self.optimizer.get_state()
            config["compile"]["optimizer_iterations"] = state["iterations"]
            arrays.update({f"opt/{key}": value for key, value in state["arrays"].items()})
        arrays["config.json"] = np.array(json.dumps(config))
        with open(path, "wb") as fh:
            np.savez(fh, **arrays)


def load_weights_into(model: Sequential, path) -> None:
    """Put the weights of a saved model file into `model`; a file of another architecture is refused
    with the layer and both shapes named (Sequential.set_weights)."""
    with np.load(path, allow_pickle=False) as data:
        weights = [data[f"w{i}"] for i in range(sum(name.startswith("w") for name in data.files))]
    model.set_weights(weights)


def load_model(path) -> Sequential:
    """Rebuild a model saved by Sequential.save. Only known layer classes are built; nothing is unpickled."""
    try:
        with np.load(path, allow_pickle=False) as data:
            config = json.loads(str(data["config.json"]))
            weights = [data[f"w{i}"] for i in range(sum(name.startswith("w") for name in data.files))]
            optimizer_arrays = {name[4:]: data[name] for name in data.files if name.startswith("opt/")}
    except (KeyError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not a dualnet scratch model ({exc})") from exc
    built = []
    for entry in config["layers"]:
        cls = getattr(layer_classes, entry["class_name"], None)
        if not (isinstance(cls, type) and issubclass(cls, Layer)):
            raise ValueError(f"{path}: unknown layer class {entry['class_name']!r}; the file is not a dualnet "
                             "scratch model or comes from a newer version")
        built.append(cls(**entry["config"]))
    model = Sequential([Input(config["input_shape"]), *built], name=config["name"])
    model.set_weights(weights)
    if config.get("compile"):
        opt = dict(config["compile"]["optimizer"])
        opt_class = optimizers.OPTIMIZERS[opt.pop("name").lower()]
        loss = losses.get(config["compile"]["loss"])
        loss.from_logits = config["compile"]["from_logits"]
        if "label_smoothing" in config["compile"]:
            loss.label_smoothing = config["compile"]["label_smoothing"]
        iterations = config["compile"].get("optimizer_iterations", 0)
        model.compile(opt_class(**opt), loss, config["compile"]["metrics"])
        if optimizer_arrays:
            model.optimizer.set_state({"iterations": iterations, "arrays": optimizer_arrays}, model.trainable_weights())
    return model


def as_inputs(x, dtype) -> np.ndarray:
    """Float inputs in the model's float type; integer inputs (indices) are kept as they are."""
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.integer) else x.astype(dtype, copy=False)


def call(callbacks, hook, *args) -> None:
    for callback in callbacks:
        method = getattr(callback, hook, None)
        if method is not None:
            method(*args)
