"""Mixed precision (Keras's mixed_bfloat16 policy) as an engine option: what it builds, what a run records,
what it refuses, and how the benchmark keeps it apart from the choice of backend. (Whether it is faster is
the benchmark's question: `dualnet bench --precisions float32 mixed_bfloat16`.)"""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from dualnet import experiments
from dualnet.api import run
from dualnet.bench import configurations, fastest_by_kind, keras_float32_rates, label, markdown
from dualnet.cli import build_parser
from dualnet.engines import get_engine
from dualnet.experiments.inputs import Splits
from dualnet.report import summarize


def test_mixed_bfloat16_computes_in_bfloat16_but_keeps_weights_and_outputs_in_float32():
    engine = get_engine("keras", precision="mixed_bfloat16")
    model = engine.build(experiments.get("fashion-fast"), training_steps=1)
    hidden, last = model.layers[:-1], model.layers[-1]
    assert {layer.compute_dtype for layer in hidden} == {"bfloat16"}
    assert last.compute_dtype == "float32" and model.outputs[0].dtype == "float32"
    assert {w.dtype for w in model.weights} == {"float32"}
    assert keras.config.dtype_policy().name == "float32"  # the global policy is put back after the build
    x = np.random.default_rng(0).random((8, 28, 28, 1), dtype=np.float32)
    y = np.arange(8) % 10
    history = engine.fit(model, Splits(x, y, None, None, x, y), epochs=1, batch_size=8)
    assert np.isfinite(history["loss"][0])
    assert get_engine("keras").build(experiments.get("fashion-fast")).layers[0].compute_dtype == "float32"


def test_a_run_in_mixed_precision_says_so_in_its_config_its_first_line_and_the_report(fashion_dir, tmp_path, capsys):
    result = run("fashion-fast", engine="keras", backend="tensorflow", precision="mixed_bfloat16", epochs=1,
                 limit=64, data_dir=str(fashion_dir), verify=False, out=str(tmp_path), inside=False)
    config = json.loads((result.run_dir / "config.json").read_text())
    assert config["engine"]["precision"] == "mixed_bfloat16" and config["options"]["precision"] == "mixed_bfloat16"
    assert "in mixed_bfloat16" in capsys.readouterr().out
    assert summarize(result.run_dir)["engine"] == "keras (tensorflow, mixed_bfloat16)"
    with pytest.raises(ValueError, match="--precision float32 \\(the run has mixed_bfloat16\\)"):
        run("fashion-fast", resume=result.run_dir, precision="float32", data_dir=str(fashion_dir), verify=False)


def test_the_scratch_engine_refuses_bfloat16_and_names_the_fix():
    with pytest.raises(ValueError, match="float32 only.*--engine keras"):
        get_engine("scratch", precision="mixed_bfloat16")
    with pytest.raises(ValueError, match="precision must be one of float32, mixed_bfloat16"):
        get_engine("keras", precision="float16")
    assert build_parser().parse_args(["run", "fashion-fast", "--precision", "mixed_bfloat16"]).precision == "mixed_bfloat16"
    assert build_parser().parse_args(["bench", "--precisions", "float32", "mixed_bfloat16"]).precisions == [
        "float32", "mixed_bfloat16"]


def test_the_benchmark_measures_each_precision_but_chooses_backends_in_float32():
    configs = configurations(("scratch", "keras"), ("tensorflow",), ("float32", "mixed_bfloat16"))
    assert configs == [("scratch", None, "float32"), ("keras", "tensorflow", "float32"),
                       ("keras", "tensorflow", "mixed_bfloat16")]
    assert label("keras", "tensorflow", "mixed_bfloat16") == "keras/tensorflow mixed_bfloat16"
    rows = {"keras/tensorflow": {"train": [500.0], "infer": [1.0], "peak_mb": 1, "precision": "float32"},
            "keras/jax": {"train": [400.0], "infer": [1.0], "peak_mb": 1},  # a record from before precisions
            "keras/jax mixed_bfloat16": {"train": [900.0], "infer": [1.0], "peak_mb": 1, "precision": "mixed_bfloat16"}}
    assert keras_float32_rates(rows) == {"tensorflow": 500.0, "jax": 400.0}
    record = {"date": "2026-11-30", "seconds": 1, "rounds": 1,
              "machine": {"cpu": "c", "extensions": [], "cores": 2, "openblas_kernels": "k", "versions": {}},
              "results": {"fashion-fast": {"kind": "convolutional", "configs": rows}}}
    assert fastest_by_kind(record) == {"convolutional": "tensorflow"}
    assert "| fashion-fast | convolutional | keras/jax mixed_bfloat16 | 900.0 | 1.0 | 1 | 1.80 | 900 |" in markdown(
        record, ["dualnet", "bench"])
