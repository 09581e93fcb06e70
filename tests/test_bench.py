"""dualnet bench: the sitting writes its record; --backend auto reads it. (Speed itself is measured by
the benchmark, never by a test.)"""

import json
import sys

import numpy as np
import pytest

from dualnet import experiments
from dualnet.bench import MIN_BATCHES, auto_backend, auto_precision, bench, cpu_slug, fastest_by_kind, merged, network_kind, round_samples


def test_network_kinds():
    assert network_kind(experiments.get("fashion-vgg")) == "convolutional"
    assert network_kind(experiments.get("mult-gru")) == "recurrent"
    assert network_kind(experiments.get("fashion-dense")) == "dense"


def record(results, model=None):
    """A bench record; `model` (params, batch size) as the sitting notes for each configuration."""
    noted = {} if model is None else {"params": model[0], "batch_size": model[1]}
    return {"results": {m: {"kind": kind, "configs": {k: {"train": [v], **noted} for k, v in rates.items()}}
                        for m, (kind, rates) in results.items()}}


def test_fastest_backend_by_kind_weighs_each_model_alike():
    measured = record({"a": ("convolutional", {"keras/tensorflow": 500, "keras/jax": 200, "scratch": 300}),
                       "b": ("convolutional", {"keras/tensorflow": 90, "keras/jax": 100}),
                       "c": ("recurrent", {"keras/tensorflow": 1000, "keras/jax": 3000})})
    assert fastest_by_kind(measured) == {"convolutional": "tensorflow", "recurrent": "jax"}


def test_auto_backend_reads_the_newest_record_of_this_cpu(tmp_path):
    pytest.importorskip("jax")
    older = record({"m": ("recurrent", {"keras/tensorflow": 9, "keras/jax": 1})})
    newer = record({"m": ("recurrent", {"keras/tensorflow": 1, "keras/jax": 9})})
    (tmp_path / f"bench-2026-01-01-{cpu_slug()}.json").write_text(json.dumps(older))
    (tmp_path / f"bench-2026-02-01-{cpu_slug()}.json").write_text(json.dumps(newer))
    (tmp_path / "bench-2026-03-01-some-other-cpu.json").write_text(json.dumps(older))
    backend, why = auto_backend(experiments.get("mult-lstm"), places=[tmp_path])
    assert backend == "jax" and f"bench-2026-02-01-{cpu_slug()}.json" in why
    backend, why = auto_backend(experiments.get("fashion-vgg"), places=[tmp_path])
    assert backend == "tensorflow" and "no benchmark of convolutional networks" in why


def test_auto_backend_prefers_a_measurement_of_the_model_itself(tmp_path):
    pytest.importorskip("jax")
    fast = experiments.get("fashion-fast")
    measured = record({"fashion-fast": ("convolutional", {"keras/tensorflow": 900, "keras/jax": 450}),
                       "doit-conv1": ("convolutional", {"keras/tensorflow": 2700, "keras/jax": 4700}),
                       "fashion-cnn-pool": ("convolutional", {"keras/tensorflow": 960, "keras/jax": 1050})},
                      model=(fast.params, fast.batch_size))
    (tmp_path / f"bench-2026-01-01-{cpu_slug()}.json").write_text(json.dumps(measured))
    backend, why = auto_backend(fast, places=[tmp_path])
    assert backend == "tensorflow" and why.startswith("fastest for fashion-fast")
    backend, why = auto_backend(experiments.get("fashion-vgg"), places=[tmp_path])  # not measured: its kind's
    assert backend == "jax" and why.startswith("fastest for convolutional networks")


def test_auto_backend_takes_an_older_measurement_of_the_model_over_a_newer_one_of_its_kind(tmp_path):
    """A later sitting of other convolutional networks (TensorFlow fastest) does not outrank an earlier
    one that measured doit-conv1 itself (JAX fastest)."""
    pytest.importorskip("jax")
    conv1 = experiments.get("doit-conv1")
    older = record({"doit-conv1": ("convolutional", {"keras/tensorflow": 2900, "keras/jax": 5700})},
                   model=(conv1.params, conv1.batch_size))
    newer = record({"fashion-vgg": ("convolutional", {"keras/tensorflow": 140, "keras/jax": 70})})
    (tmp_path / f"bench-2026-01-01-{cpu_slug()}.json").write_text(json.dumps(older))
    (tmp_path / f"bench-2026-02-01-{cpu_slug()}.json").write_text(json.dumps(newer))
    backend, why = auto_backend(conv1, places=[tmp_path])
    assert backend == "jax" and why == f"fastest for doit-conv1 in bench-2026-01-01-{cpu_slug()}.json"
    backend, why = auto_backend(experiments.get("fashion-cnn-pool"), places=[tmp_path])  # its kind, newest first
    assert backend == "tensorflow" and why == f"fastest for convolutional networks in bench-2026-02-01-{cpu_slug()}.json"


@pytest.mark.parametrize("noted", [None, (12_345, 128)])
def test_auto_backend_ignores_a_measurement_of_another_model_under_the_same_id(tmp_path, noted):
    """A recipe whose model changed after the sitting (or a record that did not note the model) is
    chosen for by its kind, not by the old model's figures."""
    pytest.importorskip("jax")
    measured = record({"fashion-fast": ("convolutional", {"keras/tensorflow": 450, "keras/jax": 900}),
                       "fashion-vgg": ("convolutional", {"keras/tensorflow": 900, "keras/jax": 100})}, model=noted)
    (tmp_path / f"bench-2026-01-01-{cpu_slug()}.json").write_text(json.dumps(measured))
    backend, why = auto_backend(experiments.get("fashion-fast"), places=[tmp_path])
    assert backend == "tensorflow" and why.startswith("fastest for convolutional networks")


def test_auto_backend_ignores_another_network_with_the_same_weight_count(tmp_path):
    """fashion_fast and its pooled-first order have the same 104,874 weights: a record that names the
    network it measured is matched by that name too."""
    pytest.importorskip("jax")
    fast = experiments.get("fashion-fast")
    measured = record({"fashion-fast": ("convolutional", {"keras/tensorflow": 450, "keras/jax": 900}),
                       "fashion-vgg": ("convolutional", {"keras/tensorflow": 900, "keras/jax": 100})},
                      model=(fast.params, fast.batch_size))
    for figures in measured["results"]["fashion-fast"]["configs"].values():
        figures["model"] = "dualnet.models.some_other_network"
    (tmp_path / f"bench-2026-01-01-{cpu_slug()}.json").write_text(json.dumps(measured))
    backend, why = auto_backend(fast, places=[tmp_path])
    assert backend == "tensorflow" and why.startswith("fastest for convolutional networks")
    for figures in measured["results"]["fashion-fast"]["configs"].values():
        figures["model"] = "dualnet.models." + fast.model.__qualname__
    (tmp_path / f"bench-2026-01-01-{cpu_slug()}.json").write_text(json.dumps(measured))
    backend, why = auto_backend(fast, places=[tmp_path])
    assert backend == "jax" and why.startswith("fastest for fashion-fast")


@pytest.mark.slow
def test_a_sitting_writes_markdown_and_json(tmp_path):
    path = bench(["seq-predict"], engines=("scratch",), seconds=0.2, rounds=2, out_dir=tmp_path,
                 stream=open("/dev/null", "w"))
    text = path.read_text()
    assert "| seq-predict | recurrent | scratch |" in text and "Machine:" in text and "Command:" in text
    saved = json.loads(path.with_suffix(".json").read_text())
    figures = saved["results"]["seq-predict"]["configs"]["scratch"]
    assert len(figures["train"]) == 2 and len(figures["infer"]) == 2 and figures["peak_mb"] > 0
    assert figures["params"] == 131 and figures["batch_size"] == experiments.get("seq-predict").batch_size
    assert figures["model"] == "dualnet.models.seq_predict" and figures["precision"] == "float32"


@pytest.mark.slow
def test_passes_keep_every_round_of_every_pass(tmp_path):
    path = bench(["seq-predict"], engines=("scratch",), seconds=0.1, rounds=2, out_dir=tmp_path,
                 stream=open("/dev/null", "w"), passes=2)
    saved = json.loads(path.with_suffix(".json").read_text())
    figures = saved["results"]["seq-predict"]["configs"]["scratch"]
    assert saved["passes"] == 2 and len(figures["train"]) == 4 and len(figures["infer"]) == 4
    assert "rounds in each of 2 passes" in path.read_text()


def test_merged_passes_keep_rounds_in_order_and_the_highest_peak():
    first = {"train": [1.0, 2.0], "infer": [5.0], "peak_mb": 300.0, "params": 7}
    second = {"train": [3.0, 0.5], "infer": [4.0], "peak_mb": 200.0, "params": 7}
    assert merged(None, first) is first
    both = merged(first, second)
    assert both["train"] == [1.0, 2.0, 3.0, 0.5] and both["infer"] == [5.0, 4.0]
    assert both["peak_mb"] == 300.0 and both["params"] == 7


@pytest.mark.slow
def test_a_second_sitting_the_same_day_keeps_the_first(tmp_path):
    first = bench(["seq-predict"], engines=("scratch",), seconds=0.1, rounds=1, out_dir=tmp_path,
                  stream=open("/dev/null", "w"))
    kept = first.read_text()
    second = bench(["seq-predict"], engines=("scratch",), seconds=0.1, rounds=1, out_dir=tmp_path,
                   stream=open("/dev/null", "w"))
    assert second != first and first.read_text() == kept and second.with_suffix(".json").is_file()
    assert sorted(p.name for p in tmp_path.glob("bench-*.json"))[-1] == second.with_suffix(".json").name  # newest last


def test_a_round_is_whole_batches_and_never_too_few():
    assert round_samples(rate=2000.0, seconds=3.0, batch=32) == 6000 // 32 * 32  # the time decides
    assert round_samples(rate=110.0, seconds=3.0, batch=32) == 32 * MIN_BATCHES  # a slow network: the floor


def bench_script(name: str):
    """A script of bench/ as a module."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "bench" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_test_time_shifts_move_the_image_and_fill_the_edge_with_background():
    import numpy as np

    shifted = bench_script("test_time_shifts").shifted
    image = np.arange(1, 13, dtype=np.float32).reshape(1, 3, 4, 1)
    right = shifted(image, 0, 1)[0, :, :, 0]
    np.testing.assert_array_equal(right, [[0, 1, 2, 3], [0, 5, 6, 7], [0, 9, 10, 11]])
    up = shifted(image, -1, 0)[0, :, :, 0]
    np.testing.assert_array_equal(up, [[5, 6, 7, 8], [9, 10, 11, 12], [0, 0, 0, 0]])
    assert image[0, 0, 0, 0] == 1  # the original is left as it was


def test_the_notes_reference_is_the_median_of_fresh_processes(monkeypatch):
    """bench/fast_recipes.py: each process estimates the notes' full time from its epochs; the
    reference is their median, and the record lists every estimate."""
    fast_recipes = bench_script("fast_recipes")
    per_process = iter([[6.0, 2.0, 2.0], [6.0, 3.0, 3.0], [6.0, 2.5, 2.5]])
    monkeypatch.setattr(fast_recipes, "train", lambda *a, **k: {
        "metrics": {"epoch_seconds": next(per_process)}, "run": "r", "backend": "tensorflow"})
    timed = fast_recipes.notes_seconds_trained("mult-lstm", "keras", 3, "out", None, repeats=3)
    assert [round(e["seconds"]) for e in timed["estimates"]] == [204, 303, 254]  # 6 + 99 x the mean of the rest
    assert timed["seconds"] == 253.5
    record = {"date": "d", "command": "c", "machine": {"cpu": "cpu", "extensions": [], "cores": 2, "versions": {}},
              "entries": [{"id": "mult-lstm-fast", "engine": "keras", "notes": [timed],
                           "goal": {"metric": "correctness", "at_least": 0.99, "improves": "mult-lstm", "time_share": 1 / 3},
                           "runs": [{"seed": 0, "run": "r", "backend": "jax",
                                     "metrics": {"correctness": 1.0, "train_seconds": 80.0}}]}]}
    assert "mult-lstm on keras/tensorflow: 204, 303, 254 s (median 254)" in fast_recipes.markdown(record)


def test_recipe_variants_pass_model_arguments_to_the_recipes_own_network():
    """bench/recipe_variants.py: fashion-fast's model arguments (its network is fashion_fast pooled first)
    reach the network, and its own order is kept unless the variant changes it."""
    import keras

    variants = bench_script("recipe_variants")
    recipe = experiments.get("fashion-fast")
    kinds = lambda tried: [type(layer).__name__ for layer in keras.Sequential(tried.model(keras.layers)).layers]  # noqa: E731
    wider = variants.vary(recipe, variants.parse("hidden=16"))
    assert kinds(wider)[:3] == ["Conv2D", "MaxPooling2D", "BatchNormalization"] and kinds(wider).count("Dense") == 2
    unpooled = variants.vary(recipe, variants.parse("pool_first=0,last_pool=same"))
    assert kinds(unpooled)[:4] == ["Conv2D", "BatchNormalization", "Activation", "MaxPooling2D"]
    assert keras.Sequential(unpooled.model(keras.layers)).count_params() == 113_834  # 4 x 4 x 128 into the classifier
    with pytest.raises(SystemExit, match="unknown key"):
        variants.parse("pool_frist=1")


def test_auto_precision_takes_bfloat16_only_where_measured_faster_for_the_model_and_backend(tmp_path):
    fast, vgg = experiments.get("fashion-fast"), experiments.get("fashion-vgg")
    measured = record({"fashion-fast": ("convolutional", {"keras/tensorflow": 400, "keras/tensorflow mixed_bfloat16": 770,
                                                          "keras/jax": 200, "keras/jax mixed_bfloat16": 150})},
                      model=(fast.params, fast.batch_size))
    (tmp_path / f"bench-2026-01-01-{cpu_slug()}.json").write_text(json.dumps(measured))
    precision, why = auto_precision(fast, "tensorflow", places=[tmp_path])
    assert precision == "mixed_bfloat16" and "1.93x" in why
    precision, why = auto_precision(fast, "jax", places=[tmp_path])
    assert precision == "float32" and "0.75x" in why
    precision, why = auto_precision(fast, "torch", places=[tmp_path])  # not measured on that backend
    assert precision == "float32" and why.startswith("no benchmark of fashion-fast")
    precision, why = auto_precision(vgg, "tensorflow", places=[tmp_path])  # another model's gain is not its own
    assert precision == "float32" and why.startswith("no benchmark of fashion-vgg")


def test_precision_auto_is_float32_on_the_scratch_engine_and_an_explicit_choice_stands():
    from dualnet.api import choose_precision

    fast = experiments.get("fashion-fast")
    assert choose_precision(fast, "scratch", "auto")[0] == "float32"
    assert choose_precision(fast, "keras", "mixed_bfloat16") == ("mixed_bfloat16", None)
    assert choose_precision(fast, "keras", None) == ("float32", None)


def test_precision_auto_asks_about_the_backend_keras_runs_not_the_environment(monkeypatch):
    """In a notebook whose Keras already runs on JAX, $KERAS_BACKEND may say otherwise: auto must ask the
    benchmark about JAX, the backend the run will use."""
    import types

    import dualnet.bench
    from dualnet.api import choose_precision

    asked = []
    monkeypatch.setattr(dualnet.bench, "auto_precision",
                        lambda recipe, backend: (asked.append(backend), ("float32", "measured"))[1])
    running_on_jax = types.SimpleNamespace(backend=types.SimpleNamespace(backend=lambda: "jax"))
    monkeypatch.setitem(sys.modules, "keras", running_on_jax)
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    assert choose_precision(experiments.get("fashion-fast"), "keras", "auto") == ("float32", "auto: float32 (measured)")
    assert asked == ["jax"]


def test_conv_parts_reports_each_convolution_and_the_reference(monkeypatch):
    """bench/conv_parts.py on one tiny convolution: a row per convolution with its im2col matrix, under
    a heading per thread count that names the reference sgemm's rate (speed itself is not checked)."""
    conv_parts = bench_script("conv_parts")
    monkeypatch.setattr(conv_parts, "SHAPES", [("tiny conv2d", 2, 6, 2, 3)])
    monkeypatch.setattr(conv_parts, "reference_gflops", lambda repeats: 1.0)
    lines = conv_parts.report([1], repeats=1)
    assert any(line.startswith("## 1 thread(s): a 2,048³ sgemm runs at 1 GFLOP/s") for line in lines)
    rows = [line for line in lines if line.startswith("| tiny conv2d |")]
    assert len(rows) == 1
    cells = [cell.strip() for cell in rows[0].strip("|").split("|")]
    assert len(cells) == 9 and cells[1] == "72 x 18 (0.0 MB)"  # 2 images x 6 x 6 windows, 3 x 3 x 2 each


def test_conv_parts_split_ways_give_the_layers_own_input_gradient(monkeypatch):
    """bench/conv_parts.py --split: each way of computing the input gradient gives the
    layer's own input gradient (else its timings compare different work), and the report has a row a
    convolution with each way's time."""
    conv_parts = bench_script("conv_parts")
    rng = np.random.default_rng(3)
    layer = conv_parts.Conv2D(4, 3, padding="same")
    layer.build((6, 6, 2), rng)
    dz = rng.standard_normal(layer.linear_forward(rng.standard_normal((5, 6, 6, 2)).astype(np.float32)).shape)
    expected = layer.linear_backward(dz.astype(np.float32))
    with conv_parts.ThreadPoolExecutor(1) as pool:
        for way, compute in conv_parts.SPLIT_WAYS.items():
            got = compute(layer, dz.astype(np.float32), pool)
            if got.shape != expected.shape:  # the padded grid: "same" pads one pixel each side
                got = got[:, 1:7, 1:7, :]
            np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5, err_msg=way)
    monkeypatch.setattr(conv_parts, "SHAPES", [("tiny conv2d", 2, 6, 2, 3)])
    rows = [line for line in conv_parts.split_report(rounds=1, repeats=1) if line.startswith("| tiny conv2d |")]
    with monkeypatch.context() as patch, conv_parts.ThreadPoolExecutor(1) as pool:
        patch.setitem(conv_parts.SPLIT_WAYS, "wrong", lambda layer, dz, pool: 2 * layer.linear_backward(dz))
        with pytest.raises(AssertionError, match="wrong"):
            conv_parts.check_ways_agree(layer, dz.astype(np.float32), pool)
    columns = 1 + len(conv_parts.SPLIT_WAYS) + (len(conv_parts.SPLIT_WAYS) - 1)  # name, each way's ms, each ratio
    assert len(rows) == 1 and len(rows[0].strip("|").split("|")) == columns
