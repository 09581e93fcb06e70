"""The numbers behind the inside view, computed once for both engines.

A run's weights (either engine's: the layouts are the same) go into a scratch twin, which keeps every
intermediate value and writes every backward pass out: layer outputs, recurrent states and gates, and
the gradient of a class score with respect to the input come straight from it. Pictures are drawn
from these arrays by dualnet.inside.figures.
"""

from __future__ import annotations

import numpy as np

from dualnet import scratch
from dualnet.scratch.layers import GRU, LSTM, Conv2D, MaxPooling2D
from dualnet.scratch.layers.recurrent import RecurrentLayer


def scratch_twin(recipe, weights: list[np.ndarray], model_args: dict | None = None) -> scratch.Sequential:
    """The recipe's network on the scratch engine, holding the given weights (Keras's order)."""
    twin = scratch.Sequential(recipe.model(scratch.layers, **(model_args or {})))
    twin.set_weights(weights)
    return twin


def class_probabilities(twin, x, batch_size: int = 256) -> np.ndarray:
    return twin.predict(x, batch_size=batch_size)


def confusion_matrix(y_true, y_pred, classes: int) -> np.ndarray:
    """counts[true, predicted]; sums to the number of samples."""
    counts = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(counts, (np.asarray(y_true, np.intp), np.asarray(y_pred, np.intp)), 1)
    return counts


def confident_mistakes(probabilities, y_true, count: int = 16) -> np.ndarray:
    """Indices of the wrong predictions, most confident first."""
    predicted = probabilities.argmax(axis=1)
    wrong = np.flatnonzero(predicted != y_true)
    return wrong[np.argsort(-probabilities[wrong, predicted[wrong]], kind="stable")][:count]


def one_per_class(y, classes: int) -> np.ndarray:
    """The index of the first sample of each class that has one (in class order)."""
    return np.array([np.flatnonzero(y == c)[0] for c in range(classes) if np.any(y == c)])


def layer_outputs(twin, x) -> list[tuple[object, np.ndarray]]:
    """(layer, its output) for every layer, for inputs x (inference mode)."""
    outputs = []
    with twin.blas():
        for layer in twin.layers:
            x = layer(x, training=False)
            outputs.append((layer, x.copy()))
    return outputs


def feature_maps(twin, x) -> list[tuple[str, np.ndarray]]:
    """(layer name, (N, H, W, C) output) of every convolution and pooling layer."""
    return [(layer.name, out) for layer, out in layer_outputs(twin, x) if isinstance(layer, (Conv2D, MaxPooling2D))]


def first_kernels(twin) -> np.ndarray | None:
    """The first convolution's kernels, (kh, kw, c_in, filters), or None where there is none."""
    conv = next((layer for layer in twin.layers if isinstance(layer, Conv2D)), None)
    return None if conv is None else conv.kernel.copy()


def saliency(twin, x, classes=None) -> np.ndarray:
    """|d score / d input| per sample: the score is the chosen class's logit (before the softmax),
    by default the predicted class. Same shape as x."""
    first = twin.layers[0]
    keep, first.input_gradient = first.input_gradient, True
    try:
        with twin.blas():
            out = x
            for layer in twin.layers:
                out = layer(out, training=False)
            chosen = out.argmax(axis=1) if classes is None else np.asarray(classes)
            upstream = np.zeros_like(out)
            upstream[np.arange(len(out)), chosen] = 1.0
            last = twin.layers[-1]
            grad = last.backward(upstream, preactivation=getattr(last, "activation", None) == "softmax")
            for layer in reversed(twin.layers[:-1]):
                grad = layer.backward(grad)
    finally:
        first.input_gradient = keep
    return np.abs(grad)


def recurrent_view(twin, x) -> dict | None:
    """The first recurrent layer's hidden state over time for one input (x of one sample), and its
    gates: LSTM input, forget, output gates and the cell state; GRU update and reset gates. Each array
    is (time steps, units); None where the network has no recurrent layer."""
    index = next((i for i, layer in enumerate(twin.layers) if isinstance(layer, RecurrentLayer)), None)
    if index is None:
        return None
    out = x
    with twin.blas():
        for layer in twin.layers[:index + 1]:
            out = layer(out, training=False)
    layer = twin.layers[index]
    view = {"layer": layer.name, "kind": type(layer).__name__, "hidden": layer.hs[1:, 0].copy()}
    if isinstance(layer, LSTM):  # the layer keeps its gates gate-major: (steps, gate, sample, units)
        gates = layer.ifgo[:, :, 0]
        view.update(input_gate=gates[:, 0].copy(), forget_gate=gates[:, 1].copy(),
                    output_gate=gates[:, 3].copy(), cell=layer.cs[1:, 0].copy())
    elif isinstance(layer, GRU):
        gates = layer.zrh[:, :, 0]
        view.update(update_gate=gates[:, 0].copy(), reset_gate=gates[:, 1].copy())
    return view


def prefix_probabilities(twin, word_ids: list[int], maxlen: int) -> np.ndarray:
    """Book 7.31: the positive probability of each growing prefix of a sentence (word ids, padded after
    the words as the sentiment model was trained)."""
    from dualnet.data.imdb import pad_sequences

    prefixes = [word_ids[:k] for k in range(1, len(word_ids) + 1)]
    return twin.predict(pad_sequences(prefixes, maxlen, padding="post"))[:, 1]


def next_token_distribution(twin, window_ids, temperatures=(0.5, 1.5), top: int = 15):
    """The model's next-token distribution after one window, reshaped by each temperature; the `top`
    most likely tokens of the plain (T = 1) distribution, most likely first: (indices, {T: p[indices]})."""
    from dualnet.trained import with_temperature

    p = twin.predict(np.asarray([window_ids], dtype=np.int32))[0].astype(np.float64)
    chosen = np.argsort(-p, kind="stable")[:top]
    return chosen, {1.0: p[chosen], **{t: with_temperature(p, t)[chosen] for t in temperatures}}
