"""The command line: dualnet list | summary ID | run ID."""

from __future__ import annotations

import argparse
import os
import sys

from dualnet.engines import PRECISIONS  # a light module: no framework is imported

BACKENDS = ("tensorflow", "jax", "torch")


def int_at_least(minimum: int):
    """An argparse type: a whole number no smaller than `minimum`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


positive_int, non_negative_int = int_at_least(1), int_at_least(0)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dualnet", description="The CNN and RNN course, every network twice.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("list", help="every experiment with its chapter, engines, the notes' figure and its data")
    p.add_argument("--data-dir", help="where your datasets are (default: $DUALNET_DATA, then the system places)")

    def engine_options(p):
        p.add_argument("--engine", choices=("keras", "scratch"),
                       help="keras (Keras 3) or scratch (the NumPy engine); default: the experiment's first")
        p.add_argument("--backend", choices=BACKENDS + ("auto",),
                   help="Keras backend (default: auto for the recipes beyond the notes, else $KERAS_BACKEND, else "
                        "tensorflow, the notes' backend); auto: the fastest measured by 'dualnet bench' for this "
                        "model (else its kind of network) on this kind of CPU")

    p = sub.add_parser("summary", help="the model's layers and parameter count, against the notes'")
    p.add_argument("id")
    engine_options(p)

    p = sub.add_parser("run", help="run an experiment and write its run folder")
    p.add_argument("id")
    engine_options(p)
    p.add_argument("--epochs", type=positive_int, help="default: the notes'")
    p.add_argument("--batch-size", type=positive_int, help="default: the notes'")
    p.add_argument("--seed", type=non_negative_int, help="random seed (default 0)")
    p.add_argument("--limit", type=positive_int, help="use only the first N training (and test) samples")
    p.add_argument("--data-dir", help="where your datasets are (default: $DUALNET_DATA, then the system places)")
    p.add_argument("--no-verify", dest="verify", action="store_false",
                   help="skip the datasets' checksums (for your own files in the same format)")
    p.add_argument("--out", default="runs", help="where run folders go (default: ./runs)")
    p.add_argument("--resume", metavar="RUN_DIR",
                   help="continue that run from its last finished epoch (its seed, engine and data; --epochs may extend it)")

    p.add_argument("--no-inside", dest="inside", action="store_false",
                   help="skip the inside view's pictures at the end (draw them later with 'dualnet inspect RUN_DIR')")
    p.add_argument("--corpus", help="text generation: train on this UTF-8 file instead of the default corpus")
    p.add_argument("--embedding-updates", choices=("sparse", "dense"),
                   help="scratch engine, Embedding with Adam/RMSprop: 'sparse' (default) updates as Keras on "
                        "TensorFlow does, 'dense' as Keras on JAX and PyTorch do")
    p.add_argument("--precision", choices=PRECISIONS + ("auto",),
                   help="Keras engine: float32 (default, the notes') or mixed_bfloat16 (bfloat16 arithmetic, float32 "
                        "weights and outputs; it pays only on CPUs with AMX or AVX-512 BF16, see 'dualnet bench "
                        "--precisions'); auto: mixed_bfloat16 where 'dualnet bench' measured it faster for this "
                        "model, backend and kind of CPU, else float32")

    p = sub.add_parser("generate", help="sample text from a trained text-generation run")
    p.add_argument("run_dir")
    p.add_argument("--seed-text", required=True, help="the text to continue")
    p.add_argument("--length", type=positive_int, default=100, help="tokens to add (default 100)")
    p.add_argument("--temperature", type=float, default=1.0, help="below 1: safer; above 1: wilder; 0: greedy")
    p.add_argument("--seed", type=non_negative_int, default=0)

    p = sub.add_parser("sentiment", help="a trained sentiment run's positive probability, word by word")
    p.add_argument("run_dir")
    p.add_argument("sentence")

    p = sub.add_parser("inspect", help="the inside view of a run: kernels, feature maps, saliency, gates, mistakes")
    p.add_argument("run_dir")
    p.add_argument("--data-dir", help="where the run's data are now (default: where they were)")

    p = sub.add_parser("compare", help="one run per engine, same seed: both learning curves in one figure")
    p.add_argument("id")
    p.add_argument("--runs", nargs=2, metavar="RUN_DIR", help="compare these two finished runs instead of training")
    p.add_argument("--epochs", type=positive_int, help="default: the notes'")
    p.add_argument("--seed", type=non_negative_int, default=0, help="random seed (default 0)")
    p.add_argument("--limit", type=positive_int, help="use only the first N samples")
    p.add_argument("--data-dir", help="where your datasets are")
    p.add_argument("--no-verify", dest="verify", action="store_false", help="skip the datasets' checksums")
    p.add_argument("--out", default="runs", help="where run folders and the figure go (default: ./runs)")

    p = sub.add_parser("bench", help="training and inference speed and memory, every engine and backend, as ratios")
    from dualnet.bench import MODELS

    p.add_argument("--models", nargs="+", help=f"course model ids (default: {' '.join(MODELS)})")
    p.add_argument("--engines", nargs="+", choices=("scratch", "keras"), default=["scratch", "keras"])
    p.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS),
                   help="Keras backends to measure (those installed)")
    p.add_argument("--seconds", type=float, default=6.0, help="length of one round (default 6)")
    p.add_argument("--rounds", type=positive_int, default=3, help="rounds per configuration (default 3)")
    p.add_argument("--passes", type=positive_int, default=1,
                   help="measure every configuration this many times, one pass after another, each time in a "
                        "fresh process, and keep the fastest round of all: on a noisy machine a slow spell then "
                        "falls on every configuration alike (default 1)")
    p.add_argument("--precisions", nargs="+", choices=PRECISIONS, default=["float32"],
                   help="Keras precisions to measure (default float32; mixed_bfloat16 adds a row per backend)")
    p.add_argument("--out", default="results", help="folder for bench-<date>-<cpu>.md and .json")

    p = sub.add_parser("report", help="every recorded run against the notes' figures, as one table")
    p.add_argument("roots", nargs="*", default=["runs", "results/runs"], help="folders to search for runs")
    p.add_argument("--markdown", help="also write the table to this file")
    p.add_argument("--html", help="also write one static page with every run and its pictures to this file")

    p = sub.add_parser("record", help="copy a run's results (not its model) into results/runs/")
    p.add_argument("run_dir")
    p.add_argument("--results", default="results")
    return parser


def cmd_list(args) -> int:
    from rich.console import Console
    from rich.table import Table

    from dualnet.data import presence
    from dualnet.experiments import REGISTRY

    table = Table(title="dualnet experiments")
    for column in ("id", "chapter", "kind", "engines", "the notes' figure", "data present"):
        table.add_column(column)
    for r in REGISTRY.values():
        table.add_row(r.id, r.chapter, r.kind, ", ".join(r.engines), r.figure(), presence(r, args.data_dir))
    Console(width=max(120, Console().width)).print(table)
    return 0


def cmd_summary(args) -> int:
    from dualnet.api import summary

    print(summary(args.id, args.engine), end="")
    return 0


def cmd_run(args) -> int:
    from dualnet.api import run

    result = run(args.id, engine=args.engine, backend=args.backend, epochs=args.epochs, batch_size=args.batch_size,
                 seed=args.seed, limit=args.limit, data_dir=args.data_dir, verify=args.verify, out=args.out,
                 corpus=args.corpus, embedding_updates=args.embedding_updates, resume=args.resume,
                 inside=args.inside, precision=args.precision)
    print(f"run folder: {result.run_dir}")
    return 0


def cmd_generate(args) -> int:
    from dualnet.trained import generate

    print(generate(args.run_dir, args.seed_text, args.length, args.temperature, args.seed))
    return 0


def cmd_sentiment(args) -> int:
    from dualnet.trained import sentiment_by_word

    for prefix, positive in sentiment_by_word(args.run_dir, args.sentence):
        print(f"{positive:6.1%} positive  {prefix}")
    return 0


def cmd_inspect(args) -> int:
    from dualnet.api import load
    from dualnet.inside import inspect

    run = load(args.run_dir)
    if args.data_dir:
        run.config["options"]["data_dir"] = args.data_dir
    for path in inspect(run):
        print(path)
    return 0


def cmd_compare(args) -> int:
    from dualnet.api import compare

    options = dict(epochs=args.epochs, seed=args.seed, limit=args.limit, data_dir=args.data_dir, verify=args.verify,
                   out=args.out)
    picture, differences = compare(args.id, runs=args.runs, **({"out": args.out} if args.runs else options))
    if differences:
        key, largest = next(iter(differences.items()))
        print(f"largest difference between the two runs' final figures: {key} {largest:.4f}")
    print(f"figure: {picture.path}")
    return 0


def cmd_bench(args) -> int:
    from dualnet.bench import MODELS, bench

    path = bench(args.models or MODELS, args.engines, args.backends, args.seconds, args.rounds, args.out,
                 precisions=args.precisions, passes=args.passes)
    print(f"wrote {path}")
    return 0


def cmd_report(args) -> int:
    from dualnet.api import report

    print(report(*args.roots, markdown=args.markdown, html=args.html), end="")
    if args.html:
        print(f"report page: {args.html}", file=sys.stderr)
    return 0


def cmd_record(args) -> int:
    from pathlib import Path

    from dualnet.report import record

    print(f"recorded in {record(Path(args.run_dir), Path(args.results))}")
    return 0


COMMANDS = {"bench": cmd_bench, "compare": cmd_compare, "inspect": cmd_inspect, "list": cmd_list, "summary": cmd_summary, "run": cmd_run, "report": cmd_report, "record": cmd_record,
            "generate": cmd_generate, "sentiment": cmd_sentiment}


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "backend", None) not in (None, "auto"):
        os.environ["KERAS_BACKEND"] = args.backend  # before Keras is first imported
    from dualnet.checkpoint import NoCheckpointError
    from dualnet.data import DataError
    from dualnet.experiments import UnknownExperimentError
    from dualnet.runner import InterruptedRun
    from dualnet.rundir import OutputDirError, RunFolderError
    from dualnet.scratch.model import NonFiniteLossError

    try:
        return COMMANDS[args.command](args)
    except (UnknownExperimentError, DataError, OutputDirError, NoCheckpointError, RunFolderError, ValueError) as exc:
        print(f"dualnet: {exc}", file=sys.stderr)
        return 2
    except NonFiniteLossError as exc:
        print(f"dualnet: {exc}", file=sys.stderr)
        return 3
    except (InterruptedRun, KeyboardInterrupt) as exc:
        print(f"dualnet: {exc or 'interrupted'}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
