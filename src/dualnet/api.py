"""The Python API: what the command line does, in one call each, for notebooks and scripts.

    import dualnet
    run = dualnet.run("fashion-vgg", engine="scratch", epochs=3, limit=5000, seed=0)
    run.history, run.metrics, run.model, run.plot()
    dualnet.list_experiments()            # the registry as a table (dualnet list)
    dualnet.load("runs/fashion-vgg/...")  # a finished run back, model included, loaded safely

The command line (`dualnet run ...`) is a thin shell over `run`; both end in `runner.run`.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Run:
    """One run of an experiment: its recipe, options, model, history, metrics and folder."""

    run_dir: Path
    config: dict
    history: dict = field(default_factory=dict)   # per epoch, as Keras's History.history
    metrics: dict | None = None                   # test figures, the notes' figure beside ours
    model: object = None                          # a keras.Model or a dualnet.scratch.Sequential
    splits: object = None                         # the data as the run saw it (fresh runs only)

    @property
    def experiment(self) -> str:
        return self.config["experiment"]["id"]

    @property
    def engine(self) -> str:
        return self.config["options"]["engine"]

    @property
    def recipe(self):
        from dualnet import experiments

        return experiments.get(self.experiment)

    def plot(self):
        """The learning curves as the notes draw them (shown inline in a notebook)."""
        from dualnet import plots

        if not self.history:
            raise ValueError(f"{self.experiment}: this run has no learning curves (it trained no epoch)")
        path = plots.learning_curves(self.history, self.run_dir / "curves.png",
                                     title=f"{self.experiment} ({self.engine})")
        return Picture(path)

    def pictures(self) -> list:
        """Every figure the run wrote (curves, demo figures, the augmentation grid), shown inline."""
        return [Picture(p) for p in sorted(self.run_dir.glob("*.png"))]

    def inspect(self) -> list:
        """The inside view (dualnet.inside): confusion matrix and mistakes, kernels, feature maps and
        saliency, hidden states and gates, whichever fit the network; written beside curves.png and
        shown inline in a notebook."""
        from dualnet.inside import inspect

        return [Picture(path) for path in inspect(self, self.splits)]

    def predict(self, x, batch_size: int = 256):
        return self.engine_adapter().predict(self.model, x, batch_size)

    def summary(self) -> str:
        return (self.run_dir / "summary.txt").read_text(encoding="utf-8")

    def engine_adapter(self):
        """The engine object (dualnet.engines) that trained this run, as it was set up."""
        from dualnet.engines import get_engine

        return get_engine(self.engine, self.config["options"].get("embedding_updates", "sparse"))

    def __repr__(self) -> str:
        figure = ""
        if self.metrics and self.metrics.get("notes"):
            notes = self.metrics["notes"]
            figure = f": {notes['metric'].replace('_', ' ')} {notes['ours']:.2%} (notes {notes['notes']:.2%})"
        elif self.metrics and "test_loss" in self.metrics:
            figure = f": test loss {self.metrics['test_loss']:.4f}"
        epochs = len(self.history.get("loss", []))
        return (f"Run({self.experiment} on {self.engine}, seed {self.config['options']['seed']}, "
                f"{epochs} epoch{'s' if epochs != 1 else ''}{figure}; {self.run_dir})")


class Picture:
    """A PNG file that shows itself inline in a notebook and says where it is elsewhere."""

    def __init__(self, path):
        self.path = Path(path)

    def _repr_png_(self) -> bytes:
        return self.path.read_bytes()

    def __repr__(self) -> str:
        return f"Picture({self.path})"


def run(experiment: str, *, engine: str | None = None, backend: str | None = None, epochs: int | None = None,
        batch_size: int | None = None, seed: int | None = None, limit: int | None = None,
        data_dir: str | None = None, verify: bool = True, out: str = "runs", corpus: str | None = None,
        embedding_updates: str | None = None, resume: str | os.PathLike | None = None, inside: bool = True,
        precision: str | None = None, stream=None) -> Run:
    """Run an experiment of the course (or continue one with resume=RUN_DIR) and return the Run.

    The arguments are the command line's options (`dualnet run --help`). Progress goes to `stream`
    (default: standard output); in a notebook, a live line per epoch. inside=False skips the inside
    view's pictures at the end (run.inspect() draws them whenever wanted)."""
    from dualnet import experiments
    from dualnet.runner import RunOptions
    from dualnet.runner import run as run_recipe

    recipe = experiments.get(experiment)
    if resume is not None:
        options = resume_options(Path(resume), recipe, engine=engine, backend=backend, batch_size=batch_size,
                                 seed=seed, limit=limit, corpus=corpus, embedding_updates=embedding_updates,
                                 precision=precision, epochs=epochs, data_dir=data_dir, verify=verify)
        options.inside = inside
    else:
        engine = engine or recipe.engines[0]
        choice = None
        backend = backend or recipe.backend  # the fast recipes: "auto"; the notes' recipes: none (TensorFlow)
        if backend == "auto" and engine == "keras":
            backend, why = choose_backend(recipe)
            choice = f"auto: {backend} ({why})"
            print(f"backend {choice}", file=sys.stderr)
        use_backend(None if backend == "auto" else backend)
        precision, precision_choice = choose_precision(recipe, engine, precision or recipe.precision)
        options = RunOptions(engine=engine, epochs=epochs, batch_size=batch_size,
                             seed=0 if seed is None else seed, limit=limit, data_dir=data_dir, verify=verify,
                             out=out, corpus=corpus, embedding_updates=embedding_updates or "sparse",
                             backend_choice=choice, inside=inside, precision=precision,
                             precision_choice=precision_choice)
    return run_recipe(recipe, options, stream=stream, resume=Path(resume) if resume is not None else None)


def choose_backend(recipe) -> tuple[str, str]:
    """(backend, why) for auto: the fastest measured for the recipe's model (else its kind of network),
    unless Keras already runs in this process (a notebook's kernel), which keeps its backend."""
    keras = sys.modules.get("keras")
    if keras is not None:
        return keras.backend.backend(), "Keras was already imported in this process; restart to let auto choose"
    from dualnet.bench import auto_backend

    return auto_backend(recipe)


def choose_precision(recipe, engine: str, precision: str | None) -> tuple[str, str | None]:
    """(precision, why) for the run: float32 unless asked; auto: bfloat16 on Keras where `dualnet bench`
    measured it faster for this model on this backend and kind of CPU (the scratch engine has float32 only)."""
    if precision != "auto":
        return precision or "float32", None
    if engine != "keras":
        return "float32", "auto: float32 (the scratch engine computes in float32 only)"
    from dualnet.bench import auto_precision

    chosen, why = auto_precision(recipe, backend_in_use())
    print(f"precision auto: {chosen} ({why})", file=sys.stderr)
    return chosen, f"auto: {chosen} ({why})"


def backend_in_use() -> str:
    """The Keras backend of this process: the running one once Keras is imported (a notebook's kernel keeps
    it whatever $KERAS_BACKEND says now), else the one Keras will take when it is."""
    keras = sys.modules.get("keras")
    if keras is not None:
        return keras.backend.backend()
    return os.environ.get("KERAS_BACKEND", "tensorflow")


def use_backend(backend: str | None) -> None:
    """Keras reads its backend once, when first imported: set it before, or say why it cannot be."""
    if backend is None:
        return
    keras = sys.modules.get("keras")
    if keras is not None and keras.backend.backend() != backend:
        raise ValueError(f"Keras is already running on {keras.backend.backend()} in this process; to use {backend}, "
                         f"restart (in a notebook: the kernel) and set KERAS_BACKEND={backend} or pass "
                         f"backend='{backend}' before anything imports Keras")
    os.environ["KERAS_BACKEND"] = backend


def resume_options(run_dir: Path, recipe, *, engine=None, backend=None, batch_size=None, seed=None, limit=None,
                   corpus=None, embedding_updates=None, precision=None, epochs=None, data_dir=None, verify=True):
    """The resumed run's own options. An option that would change what the run is (engine, backend,
    batch size, seed, data) is refused; epochs may extend it, and data_dir / verify say where its data
    are now and whether to check them."""
    from dualnet.rundir import read_run_config
    from dualnet.runner import RunOptions

    previous = read_run_config(run_dir)
    if previous["experiment"]["id"] != recipe.id:
        raise ValueError(f"{run_dir} is a run of {previous['experiment']['id']}, not of {recipe.id}: "
                         f"resume it with 'dualnet run {previous['experiment']['id']} --resume {run_dir}'")
    options = RunOptions(**previous["options"])
    run_backend = previous.get("engine", {}).get("backend")
    backend = None if backend == "auto" else backend
    precision = None if precision == "auto" else precision
    given = [("--engine", engine, options.engine), ("--backend", backend, run_backend or "no Keras backend"),
             ("--batch-size", batch_size, previous.get("batch_size", options.batch_size)),
             ("--seed", seed, options.seed), ("--limit", limit, options.limit), ("--corpus", corpus, options.corpus),
             ("--embedding-updates", embedding_updates, options.embedding_updates),
             ("--precision", precision, options.precision)]
    conflicts = [f"{flag} {value} (the run has {kept})" for flag, value, kept in given
                 if value is not None and value != kept]
    if conflicts:
        raise ValueError(f"--resume continues {run_dir} as it was made; these options would change it: "
                         f"{'; '.join(conflicts)}. Drop them, or start a new run without --resume.")
    if run_backend and backend_in_use() != run_backend:
        use_backend(run_backend)
        print(f"resuming on the run's own Keras backend, {run_backend}", file=sys.stderr)
    if epochs:
        options.epochs = epochs
    if data_dir:
        options.data_dir = data_dir
    options.verify = options.verify and verify
    return options


def load(run_dir) -> Run:
    """A finished (or interrupted) run back from its folder: config, history, metrics and the trained
    model (or the last checkpoint's), loaded without running code from any file."""
    import json

    from dualnet.engines import get_engine
    from dualnet.rundir import RunFolderError, read_history_csv, read_run_config

    run_dir = Path(run_dir)
    config = read_run_config(run_dir)
    history = read_history_csv(run_dir / "history.csv") if (run_dir / "history.csv").is_file() else {}
    metrics_path = run_dir / "metrics.json"
    metrics = json.loads(metrics_path.read_text(encoding="utf-8")) if metrics_path.is_file() else None
    model = None
    if "engine" in config:  # a training run (demos have no model)
        engine = get_engine(config["options"]["engine"], config["options"].get("embedding_updates", "sparse"))
        use_backend(config["engine"].get("backend"))
        if (run_dir / engine.model_file).is_file():
            model = engine.load(run_dir / engine.model_file)
        elif metrics is None and (run_dir / "checkpoint").is_dir():
            from dualnet import checkpoint, experiments

            model, _, _ = checkpoint.load(engine, run_dir, experiments.get(config["experiment"]["id"]))
        elif metrics is not None:
            raise RunFolderError(f"{run_dir}: the trained model ({engine.model_file}) is missing")
    return Run(run_dir, config, history, metrics, model)


def list_experiments():
    """Every experiment of the course: id, chapter, listing, kind, engines, the notes' figure and
    whether its data is here. A pandas DataFrame where pandas is installed, else a list of dicts."""
    from dualnet.data import presence
    from dualnet.experiments import REGISTRY

    rows = [{"id": r.id, "chapter": r.chapter, "listing": r.listing, "title": r.title, "kind": r.kind,
             "engines": ", ".join(r.engines), "notes": r.figure(), "data": presence(r)} for r in REGISTRY.values()]
    try:
        import pandas
    except ImportError:
        return rows
    return pandas.DataFrame(rows).set_index("id")


def beside_notes(*runs: Run):
    """Our figure beside the notes' for each run: a pandas DataFrame where pandas is installed, else a
    list of dicts. Runs without a figure in the notes (demos, text generation) show their test loss."""
    rows = []
    for r in runs:
        notes = (r.metrics or {}).get("notes") or {}
        row = {"experiment": r.experiment, "engine": r.engine, "seed": r.config["options"]["seed"],
               "epochs": len(r.history.get("loss", []))}
        if notes:
            row.update(metric=notes["metric"], ours=round(100 * notes["ours"], 2), notes=round(100 * notes["notes"], 2),
                       difference=notes["difference_points"])
        elif r.metrics and "test_loss" in r.metrics:
            row.update(metric="test_loss", ours=round(r.metrics["test_loss"], 4))
        rows.append(row)
    try:
        import pandas
    except ImportError:
        return rows
    return pandas.DataFrame(rows)


def compare(experiment: str, runs=None, **options):
    """One run per engine with the same seed and options (or the given run folders), both learning
    curves in one figure, and the largest difference between their final figures.

    Returns (Picture, differences): differences maps each figure both runs have (the last epoch's
    history and the test metrics) to |first - second|, largest first."""
    import time

    from dualnet import plots
    from dualnet.experiments import get

    recipe = get(experiment)
    if runs:
        pair = [load(r) for r in runs]
        if len(pair) != 2 or any(r.experiment != recipe.id for r in pair):
            raise ValueError(f"compare takes two run folders of {recipe.id}")
    else:
        if len(recipe.engines) < 2:
            raise ValueError(f"{recipe.id} runs on the {recipe.engines[0]} engine only: there is nothing to compare")
        pair = [run(experiment, engine=engine, **options) for engine in recipe.engines]
    figures = lambda r: {**{f"final_{k}": v[-1] for k, v in r.history.items()},  # noqa: E731
                         **{k: v for k, v in (r.metrics or {}).items() if k.startswith("test_")}}
    a, b = figures(pair[0]), figures(pair[1])
    differences = dict(sorted(((k, abs(a[k] - b[k])) for k in a if k in b), key=lambda kv: -kv[1]))
    out = Path(options.get("out", "runs")) / "compare"
    out.mkdir(parents=True, exist_ok=True)
    labels = [f"{r.engine} (seed {r.config['options']['seed']})" for r in pair]
    if labels[0] == labels[1]:
        labels = [f"{label} #{i + 1}" for i, label in enumerate(labels)]
    path = plots.compared_curves(dict(zip(labels, (r.history for r in pair))),
                                 out / f"{recipe.id}-{time.strftime('%Y%m%d-%H%M%S')}.png", title=recipe.id)
    return Picture(path), differences


def summary(experiment: str, engine: str | None = None) -> str:
    """The model's layers and parameter count against the notes' (`dualnet summary`)."""
    from dualnet.engines import get_engine
    from dualnet.experiments import get

    recipe = get(experiment)
    if recipe.model is None:
        raise ValueError(f"{recipe.id} is a {recipe.kind} with no network; run it with dualnet.run('{recipe.id}')")
    chosen = get_engine(engine or recipe.engines[0])
    return chosen.summary(chosen.build(recipe), recipe)


def report(*roots, markdown=None, html=None) -> str:
    """Every run under the given folders (default: runs/ and results/runs/) against the notes, as the
    Markdown table `dualnet report` prints; also written to `markdown` and as a page to `html`."""
    from dualnet.report import find_runs, in_course_order, markdown_table, seed_means, summarize
    from dualnet.rundir import write_text

    rows = in_course_order([summarize(r) for r in find_runs(roots or ("runs", "results/runs"))])
    table = markdown_table(rows) + "\nMean over seeds:\n\n" + seed_means(rows)
    if markdown:
        write_text(Path(markdown), table)
    if html:
        from dualnet.report_page import write_page

        write_page(rows, Path(html))
    return table
