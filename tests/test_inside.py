"""The inside view: the numbers behind every picture equal what Keras computes from the same weights
(so a Keras run and a scratch run holding the same weights draw the same pictures), and every figure
kind is written for small runs of both engines."""

import numpy as np
import pytest
import tensorflow as tf
from keras_reference import FLOAT64_RTOL, assert_close, float64, keras

import dualnet
from dualnet import experiments, models
from dualnet.inside import compute, figures


def keras_and_twin(recipe_id, **model_args):
    recipe = experiments.get(recipe_id)
    keras.utils.set_random_seed(2)
    model = keras.Sequential(recipe.model(keras.layers, **model_args))
    return model, compute.scratch_twin(recipe, model.get_weights(), model_args)


def images(n=10, dtype=np.float32):
    return np.random.default_rng(4).random((n, 28, 28, 1)).astype(dtype)


def test_feature_maps_equal_keras_layer_outputs():
    model, twin = keras_and_twin("fashion-cnn-pool")
    x = images()
    ours = compute.feature_maps(twin, x)
    assert [name for name, _ in ours] == [layer.name for layer in twin.layers if "conv" in layer.name or "pool" in layer.name]
    for (name, out), layer in zip(ours, [l for l in model.layers if "conv" in l.name or "pool" in l.name]):
        theirs = keras.Model(model.inputs, layer.output)([x])
        assert_close(out, theirs, f"feature map of {name}")
    np.testing.assert_array_equal(compute.first_kernels(twin), model.layers[0].get_weights()[0])


def test_saliency_equals_keras_input_gradient():
    """In float64: a gradient routes through max-pooling winners (keras_reference.float64 says why)."""
    with float64():
        model, twin = keras_and_twin("fashion-cnn-pool")
        x = images(dtype=np.float64)
        ours = compute.saliency(twin, x)
        last = model.layers[-1]
        below_last = keras.Model(model.inputs, model.layers[-2].output)
        xt = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            z = tf.matmul(below_last(xt), last.kernel) + last.bias  # the logits, before the softmax
            score = tf.reduce_sum(tf.gather(z, tf.argmax(z, axis=1), axis=1, batch_dims=1))
        theirs = np.abs(tape.gradient(score, xt).numpy())
    assert_close(ours, theirs, "saliency", FLOAT64_RTOL)


@pytest.mark.parametrize("layer", ["LSTM", "GRU"])
def test_recurrent_states_equal_keras_and_gates_are_gates(layer):
    model_fn = {"LSTM": models.mult_lstm, "GRU": models.mult_gru}[layer]
    keras.utils.set_random_seed(3)
    model = keras.Sequential(model_fn(keras.layers))
    recipe = experiments.get("mult-lstm" if layer == "LSTM" else "mult-gru")
    twin = compute.scratch_twin(recipe, model.get_weights())
    x = np.random.default_rng(1).random((1, 100, 2)).astype(np.float32)
    view = compute.recurrent_view(twin, x)
    theirs = keras.Model(model.inputs, model.layers[0].output)([x]).numpy()[0]  # return_sequences=True
    assert_close(view["hidden"], theirs, f"{layer} hidden states")
    gates = [k for k in view if k.endswith("_gate")]
    assert gates == (["input_gate", "forget_gate", "output_gate"] if layer == "LSTM" else ["update_gate", "reset_gate"])
    for key in gates:
        assert view[key].shape == (100, 30) and view[key].min() >= 0 and view[key].max() <= 1
    # the first step, from the zero state, by hand from Keras's weights: each gate is the one it is named
    kernel, _, bias = model.layers[0].get_weights()
    z = x[0, 0] @ kernel + (bias if layer == "LSTM" else bias.sum(axis=0))  # GRU: input and recurrent biases
    first = 1 / (1 + np.exp(-z.reshape(-1, 30)))  # every block through the sigmoid; compare the gates'
    named = {"input_gate": 0, "forget_gate": 1, "output_gate": 3} if layer == "LSTM" else {"update_gate": 0,
                                                                                            "reset_gate": 1}
    for key, block in named.items():
        assert_close(view[key][0], first[block], f"{layer} {key} at the first step")


def test_confusion_and_mistakes():
    y = np.array([0, 1, 2, 2, 1, 0])
    probabilities = np.eye(3)[[0, 2, 2, 1, 1, 0]] * 0.5 + 0.1
    probabilities[3, 1] = 0.95
    counts = compute.confusion_matrix(y, probabilities.argmax(axis=1), 3)
    assert counts.sum() == len(y) and counts[1, 2] == 1 and counts[2, 1] == 1 and np.trace(counts) == 4
    assert compute.confident_mistakes(probabilities, y).tolist() == [3, 1]  # 0.95 before 0.6


def text_data(folder):
    """Stand-ins for NSMC (with the words of the sentiment view's sentence) and the Korean corpus."""
    from test_text_data import write_nsmc

    rows = [("재미있을 줄 알았는데 완전 실망했다", 0), ("너무 재미있고 감동적이다!", 1), ("너무 지루했다", 0)] * 40
    write_nsmc(folder, rows)
    write_nsmc(folder, rows[:30], name="ratings_test.txt")
    (folder / "korean").mkdir()
    (folder / "korean" / "taepyeongcheonha.txt").write_text("윤직원 영감은 명창대회에 갑니다.\n" * 300, encoding="utf-8")
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("recipe_id, engine, expected", [  # every figure kind on both engines
    ("fashion-cnn-pool", "scratch", ["confusion", "mistakes", "kernels", "feature-maps", "saliency"]),
    ("doit-conv1", "keras", ["confusion", "mistakes", "kernels", "feature-maps", "saliency"]),
    ("fashion-dense", "keras", ["confusion", "mistakes"]),
    ("mult-gru", "keras", ["recurrent"]),
    ("sentiment-lstm", "scratch", ["recurrent", "sentiment"]),
    ("sentiment-lstm", "keras", ["recurrent", "sentiment"]),
    ("textgen-jamo", "keras", ["recurrent", "next-token"]),
    ("textgen-jamo", "scratch", ["recurrent", "next-token"]),
])
def test_every_figure_kind_is_written(recipe_id, engine, expected, fashion_dir, tmp_path):
    data = str(fashion_dir) if recipe_id.startswith("fashion") else str(text_data(tmp_path / "data"))
    run = dualnet.run(recipe_id, engine=engine, epochs=1, limit=64, data_dir=data, verify=False,
                      out=str(tmp_path / "runs"))
    written = sorted(p.name for p in run.run_dir.glob("inside-*.png"))
    assert written == sorted(f"inside-{name}.png" for name in expected)
    for path in run.run_dir.glob("inside-*.png"):
        assert path.read_bytes()[:4] == b"\x89PNG" and path.stat().st_size > 5000
    again = dualnet.load(run.run_dir)
    again.config["options"]["data_dir"] = data
    assert sorted(p.path.name for p in again.inspect()) == written  # dualnet inspect gives the same set


def test_next_token_distributions_at_temperatures():
    from dualnet.trained import with_temperature

    p = np.array([0.5, 0.3, 0.15, 0.05])
    cold, hot = with_temperature(p, 0.5), with_temperature(p, 1.5)
    assert cold.sum() == pytest.approx(1) and hot.sum() == pytest.approx(1)
    assert cold[0] > p[0] > hot[0] and cold[-1] < p[-1] < hot[-1]  # sharper when cold, flatter when hot


def test_labels_in_korean_where_a_font_is_installed_and_english_otherwise(monkeypatch):
    figures.korean_font.cache_clear()
    if figures.korean_font():
        assert figures.class_label(0) == "T-shirt/top · 티셔츠/상의"
    monkeypatch.setattr(figures, "KOREAN_FONTS", ("No Such Font",))
    figures.korean_font.cache_clear()
    with pytest.warns(UserWarning, match="fonts-nanum"):
        assert figures.class_label(9) == "Ankle boot"
    figures.korean_font.cache_clear()
