"""The inside view of a run: what each layer, filter and gate does, as pictures beside curves.png.

`inspect(run)` works for a run of either engine: the run's weights go into a scratch twin
(dualnet.inside.compute), which computes every number the pictures show (dualnet.inside.figures).
What is drawn depends on the network:
- a Fashion-MNIST classifier: the confusion matrix on the test set and the most confident mistakes;
- a convolutional network: the first convolution's learned kernels beside the hand-made filters of the
  `edges` experiment, the feature maps of every convolution and pooling layer for one test image of
  each class, and a saliency map for the same images;
- a recurrent network: the hidden state over time for one test input, with an LSTM's input, forget and
  output gates and cell state, or a GRU's update and reset gates (for the multiplication problem, with
  its two marked positions drawn in);
- sentiment (NSMC): a sentence coloured word by word by the positive probability of its prefix;
- text generation: the next-token distribution after one test window at temperatures 0.5, 1 and 1.5.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from dualnet.inside import compute

FILES = {"confusion": "inside-confusion.png", "mistakes": "inside-mistakes.png", "kernels": "inside-kernels.png",
         "feature_maps": "inside-feature-maps.png", "saliency": "inside-saliency.png",
         "recurrent": "inside-recurrent.png", "sentiment": "inside-sentiment.png", "next_token": "inside-next-token.png"}
# The sentence of 7.31's kind that the sentiment view reads word by word.
SENTIMENT_SENTENCE = "재미있을 줄 알았는데 완전 실망했다. 너무 지루했다"


def model_args_of(recipe, vocabulary: dict | None) -> dict:
    """What the model function needs from the data (a text model's vocabulary.json)."""
    if vocabulary and recipe.data == "text":
        return {"vocabulary": len(vocabulary["tokens"]), "window": vocabulary["window"]}
    return {}


def test_data(run, splits=None):
    """(x, y) of the test set shaped for the network, labels as class numbers; the run's own data."""
    from dualnet.experiments.inputs import prepare
    from dualnet.runner import RunOptions, fit_to_input

    if splits is None:
        splits = prepare(run.recipe, RunOptions(**run.config["options"]), np.random.default_rng(0))
    x, y = fit_to_input(splits.x_test, run.engine_adapter().input_shape(run.model)), np.asarray(splits.y_test)
    return x, (y.argmax(axis=1) if y.ndim == 2 and y.shape[1] > 1 else y)


def inspect(run, splits=None) -> list[Path]:
    """Write the pictures that fit the run's network into its folder; return their paths."""
    from dualnet.demos import HAND_KERNELS
    from dualnet.inside import figures
    from dualnet.plots import save

    recipe = run.recipe
    if recipe.kind != "train" or run.model is None:
        raise ValueError(f"{recipe.id}: there is no trained network in this run to look inside")
    vocabulary = _vocabulary(Path(run.run_dir))
    twin = compute.scratch_twin(recipe, run.model.get_weights(), model_args_of(recipe, vocabulary))
    x, y = test_data(run, splits)
    out = Path(run.run_dir)
    written = []

    def keep(name, fig):
        written.append(save(fig, out / FILES[name]))

    if recipe.data == "fashion":
        probabilities = compute.class_probabilities(twin, x)
        predicted = probabilities.argmax(axis=1)
        classes = probabilities.shape[1]
        keep("confusion", figures.confusion(compute.confusion_matrix(y, predicted, classes),
                                            title=f"{recipe.id} ({run.engine}): confusion matrix, {len(y):,} test images"))
        wrong = compute.confident_mistakes(probabilities, y)
        keep("mistakes", figures.mistakes(x[wrong], y[wrong], predicted[wrong], probabilities[wrong, predicted[wrong]]))
        kernels = compute.first_kernels(twin)
        if kernels is not None:
            chosen = compute.one_per_class(y, classes)
            labels = [figures.class_label(int(c)) for c in y[chosen]]
            keep("kernels", figures.kernels(kernels, HAND_KERNELS))
            keep("feature_maps", figures.feature_maps(x[chosen], compute.feature_maps(twin, x[chosen]), labels))
            keep("saliency", figures.saliency(x[chosen], compute.saliency(twin, x[chosen]), labels))
    view = compute.recurrent_view(twin, x[:1])
    if view is not None:
        inputs = marks = None
        if recipe.data == "multiplication":  # column 0 marks the two numbers to multiply
            inputs, marks = x[0], np.flatnonzero(x[0, :, 0] == 1)
        keep("recurrent", figures.recurrent_states(view, inputs, marks))
    if recipe.data == "nsmc" and vocabulary:
        from dualnet.data.nsmc import WordIndex, words_of

        index = WordIndex(vocabulary["num_words"], vocabulary["index"])
        words = [w for w in words_of(SENTIMENT_SENTENCE, max_words=vocabulary["maxlen"]) if w]
        known = [w for w in words if index.sequences([[w]])[0]]
        if known:
            ids = [index.sequences([[w]])[0][0] for w in known]
            keep("sentiment", figures.coloured_sentence(known, compute.prefix_probabilities(twin, ids, vocabulary["maxlen"])))
    if recipe.data == "text" and vocabulary:
        from dualnet.data.text import detokenize

        tokens = vocabulary["tokens"]
        chosen, distributions = compute.next_token_distribution(twin, x[0])
        context = detokenize([tokens[i] for i in x[0][-12:]], vocabulary["level"]).replace("\n", " ⏎ ")
        keep("next_token", figures.next_tokens([tokens[i] for i in chosen], distributions, context))
    return written


def _vocabulary(run_dir: Path) -> dict | None:
    path = run_dir / "vocabulary.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
