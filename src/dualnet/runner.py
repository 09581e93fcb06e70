"""One experiment, start to end: data, model, training, evaluation, and the run folder."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from dualnet import checkpoint, plots
from dualnet.engines import get_engine
from dualnet.experiments.inputs import prepare
from dualnet.machine import machine, package_versions
from dualnet.observations import seen
from dualnet.progress import EpochProgress
from dualnet.scratch.model import NonFiniteLossError
from dualnet.rundir import atomic_path, create_run_dir, write_history_csv, write_json, write_text


@dataclass
class RunOptions:
    engine: str = "keras"
    epochs: int | None = None       # None: the recipe's
    batch_size: int | None = None   # None: the recipe's
    seed: int = 0
    limit: int | None = None        # train (and test) on the first N samples only
    data_dir: str | None = None
    verify: bool = True             # check the datasets' checksums
    corpus: str | None = None       # text generation: a UTF-8 file instead of the default corpus
    out: str = "runs"
    embedding_updates: str = "sparse"  # scratch engine: "sparse" as Keras on TensorFlow, "dense" as on JAX/PyTorch
    backend_choice: str | None = None  # --backend auto: which backend it chose, and why
    precision: str = "float32"      # Keras only: "mixed_bfloat16" for bfloat16 arithmetic (engines.PRECISIONS)
    precision_choice: str | None = None  # --precision auto: which precision it chose, and why
    inside: bool = True             # draw the inside view at the end (dualnet inspect RUN_DIR draws it later)


def fit_to_input(x: np.ndarray | None, shape: tuple) -> np.ndarray | None:
    """Reshape samples to the model's input shape: (N, 28, 28, 1) feeds Input(shape=(28, 28)) too.
    Integer indices standing for one-hot vectors keep their shape."""
    if x is None or (np.issubdtype(x.dtype, np.integer) and x.shape[1:] == tuple(shape[:-1])):
        return x
    return x.reshape((len(x),) + tuple(shape))


def steps_per_epoch(splits, batch_size: int) -> int:
    """Batches in one epoch, the last one partial."""
    return -(-len(splits.x_train) // batch_size)


def compare_with_notes(recipe, metrics: dict) -> dict | None:
    reported = recipe.reported
    if reported is None or reported.metric not in metrics:
        return None
    ours = metrics[reported.metric]
    return {"metric": reported.metric, "ours": ours, "notes": reported.value, "book": reported.book,
            "source": reported.source, "difference_points": round(100 * (ours - reported.value), 2),
            "band_points": round(100 * reported.band, 2), "within_band": abs(ours - reported.value) <= reported.band}


class InterruptedRun(Exception):
    """Training was stopped by Ctrl-C; what was finished is saved and the message says how to resume."""


def run(recipe, options: RunOptions, stream=None, resume: Path | None = None):
    """Run an experiment (or resume one from its run folder) and return the Run (dualnet.api)."""
    from dualnet.api import Run

    stream = stream or sys.stdout
    wall_start = time.perf_counter()
    if options.engine not in recipe.engines:
        raise ValueError(f"{recipe.id} runs on the {' and '.join(recipe.engines)} engine"
                         f"{'s' if len(recipe.engines) > 1 else ''}, not on {options.engine}")
    config = {"experiment": recipe.to_json(), "options": asdict(options), "command": sys.argv,
              "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "versions": package_versions(),
              "machine": machine()}
    if recipe.kind == "demo":
        run_dir = create_run_dir(options.out, recipe.id)
        config["files"] = recipe.demo(run_dir, options, stream)
        write_json(run_dir / "config.json", config)
        return Run(run_dir, config)

    engine = get_engine(options.engine, options.embedding_updates, options.precision)
    engine.seed(options.seed)
    rng = np.random.default_rng(options.seed)
    # Data first: a text model's size depends on the corpus's vocabulary.
    splits = prepare(recipe, options, rng) if recipe.kind == "train" else None
    epochs = options.epochs or recipe.epochs
    batch_size = options.batch_size or recipe.batch_size
    steps = epochs * steps_per_epoch(splits, batch_size) if splits else 1  # for a learning-rate schedule
    model = engine.build(recipe, training_steps=steps, **(splits.model_args if splits else {}))
    config["engine"] = engine.describe()  # after build: what the engine chose for this model
    # The folder only now, with data and model ready: a run that cannot start leaves nothing behind.
    run_dir = Path(resume) if resume else create_run_dir(options.out, recipe.id)
    summary = engine.summary(model, recipe)
    write_text(run_dir / "summary.txt", summary)
    if recipe.kind == "summary":
        print(summary, file=stream, end="")
        write_json(run_dir / "config.json", config)
        return Run(run_dir, config, model=model)

    shape = engine.input_shape(model)
    splits.x_train, splits.x_val, splits.x_test = (fit_to_input(x, shape)
                                                   for x in (splits.x_train, splits.x_val, splits.x_test))
    done, history = 0, {}
    if resume:
        model, done, history = checkpoint.load(engine, run_dir, recipe)
        previous = json.loads((run_dir / "config.json").read_text(encoding="utf-8"))
        config["started"] = previous["started"]
        config["resumed"] = previous.get("resumed", []) + [{"at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                                                            "after_epoch": done}]
    elif recipe.augmentation:
        from dualnet.demos import augmentation_grid

        augmentation_grid(splits.x_train[0], recipe.augmentation, rng, run_dir / "augmented.png")
    for name, content in splits.files.items():  # what a later command needs, e.g. the vocabulary
        write_json(run_dir / name, content)
    config.update(epochs=epochs, batch_size=batch_size, data=splits.sizes(), data_source=splits.source)
    write_json(run_dir / "config.json", config)
    resuming = f" (resuming after epoch {done})" if done else ""
    print(f"{recipe.id}: {epochs} epoch{'s' if epochs != 1 else ''}{resuming} at batch size {batch_size} on "
          f"{splits.describe()}, with {engine.sentence()}.\nRun folder: {run_dir}", file=stream, flush=True)

    history, train_seconds, epoch_seconds = train(engine, model, splits, run_dir, recipe, options, epochs,
                                                  batch_size, done, history, stream)
    metrics = evaluate(engine, model, splits, recipe, history, batch_size, stream)
    metrics.update(train_seconds=round(train_seconds, 1), wall_seconds=round(time.perf_counter() - wall_start, 1),
                   epochs=epochs, limited=bool(options.limit), finished=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                   epoch_seconds=epoch_seconds)
    metrics["notes"] = compare_with_notes(recipe, metrics)
    write_json(run_dir / "metrics.json", metrics)
    with atomic_path(run_dir / engine.model_file) as tmp:
        engine.save(model, tmp)
    # The figure the notes report, or for a recipe beyond the notes the one its goal names.
    target, source = (recipe.reported, "notes") if recipe.reported else (recipe.goal, "goal")
    if target and target.metric in metrics:
        print(f"{target.metric.replace('_', ' ')} {metrics[target.metric]:.2%}  ({source}: {target.describe()})",
              file=stream)
    else:
        print(f"test loss {metrics['test_loss']:.4f}", file=stream)
    observed = seen(run_dir, config)  # what the report will say of this run's history (overfitting, ...)
    if observed:
        print(f"seen in the run: {observed}", file=stream)
    result = Run(run_dir, config, history, metrics, model, splits)
    if options.inside:
        inside_view(result, stream)
    return result


def inside_view(result, stream) -> None:
    """The inside view's pictures at the end of a run (cheap: one pass over the test set). The run is
    already saved, so a failure here is reported and loses nothing."""
    from dualnet.inside import inspect

    try:
        written = inspect(result, result.splits)
    except Exception as exc:  # noqa: BLE001 - pictures must never cost a finished run
        print(f"the inside view could not be drawn ({type(exc).__name__}: {exc}); "
              f"try 'dualnet inspect {result.run_dir}'", file=sys.stderr)
        return
    if written:
        print(f"inside view: {', '.join(p.name for p in written)}", file=stream)


def epoch_inputs(recipe, splits, seed: int):
    """The recipe's per-epoch augmentation as a function of the epoch, or None."""
    if not (recipe.flip or recipe.shift or recipe.cutout):
        return None
    from dualnet.augment import EpochImages

    return EpochImages(splits.x_train, seed, flip=recipe.flip, shift=recipe.shift, cutout=recipe.cutout)


def train(engine, model, splits, run_dir, recipe, options, epochs, batch_size, done, history, stream):
    """Fit from epoch `done`, checkpointing each epoch; (the whole history, seconds, each epoch's seconds
    in this process). A Ctrl-C or a
    non-finite loss keeps what finished and says what to do next."""
    steps = steps_per_epoch(splits, batch_size)
    saver = checkpoint.Checkpointer(engine, model, run_dir, history, options.seed)
    started = time.perf_counter()
    try:
        # The saver before the progress line: a printed epoch is a kept epoch.
        engine.fit(model, splits, epochs, batch_size, callbacks=[saver, EpochProgress(epochs, steps, stream)],
                   initial_epoch=done, epoch_inputs=epoch_inputs(recipe, splits, options.seed))
    except KeyboardInterrupt:
        write_history(run_dir, saver.history, recipe, options)
        raise InterruptedRun(
            f"interrupted after {saver.epochs_done} finished epoch(s) of {epochs}; the history and the last "
            f"checkpoint are in {run_dir}. Resume with:\n  dualnet run {recipe.id} --resume {run_dir}") from None
    except NonFiniteLossError as exc:
        write_history(run_dir, saver.history, recipe, options)
        kept = (f"the last good checkpoint (epoch {saver.epochs_done}) is in {run_dir / checkpoint.FOLDER}"
                if saver.epochs_done else "no epoch finished, so there is no checkpoint")
        raise NonFiniteLossError(f"{exc} {kept}.") from None
    write_history(run_dir, saver.history, recipe, options)
    return saver.history, time.perf_counter() - started, saver.epoch_seconds


def evaluate(engine, model, splits, recipe, history, batch_size, stream) -> dict:
    """Test figures, the last epoch's figures, and the recipe's own report (e.g. correctness)."""
    test = engine.evaluate(model, splits.x_test, splits.y_test, batch_size)
    metrics = {f"test_{k}": v for k, v in test.items()}
    metrics.update({f"final_{k}": v[-1] for k, v in history.items()})
    if "val_accuracy" in history:
        metrics["val_accuracy"] = history["val_accuracy"][-1]
    if recipe.report:
        metrics.update(recipe.report(engine, model, splits, stream))
    return metrics


def write_history(run_dir: Path, history: dict, recipe, options) -> None:
    if history:
        write_history_csv(run_dir / "history.csv", history)
        plots.learning_curves(history, run_dir / "curves.png", title=f"{recipe.id} ({options.engine})")
