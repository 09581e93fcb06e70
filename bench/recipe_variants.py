"""Try variants of a course recipe on one engine and print each one's figure and training time: the
exploration behind the fast recipes.

    python bench/recipe_variants.py mult-lstm scratch 64:0.003:100:0.02 32:0.002:80:0.02
    python bench/recipe_variants.py mult-gru keras 64:0.002:100:-1 --seeds 0,1,2
    python bench/recipe_variants.py fashion-vgg keras model=fashion_fast,batch=128,lr=0.003,epochs=8,warmup=0.1

A variant is batch:learning_rate:epochs:warmup (a negative warm-up means no schedule), or key=value
pairs joined by commas: batch, lr, opt (an optimizer's class name, with momentum and nesterov), epochs, warmup, hold (the share at the peak before the cosine), alpha,
clipnorm (each gradient tensor's norm cut to at most this), wd (Keras's decoupled weight decay: each
step every weight loses this share of itself times the learning rate), model (a function of dualnet.models),
dropout, hidden, last_pool and pool_first (arguments of the model function: fashion_fast's dropout
rate, the width of a hidden layer before its classifier, its last pooling's padding, 1 to pool before
normalising), widths (fashion_best's filters per resolution, e.g. 40/80/160), ema (weight averaging
with this momentum: Keras's use_ema and ema_momentum),
split (the validation share), smoothing (label smoothing, with one-hot labels and categorical
cross-entropy), flip (1: a random half of the training
images mirrored each epoch), shift (each image moved by up to this many pixels each epoch), cutout (a
random square of this side blanked in each image each epoch), tta (1: test-time flip), precision
(float32, mixed_bfloat16 or auto; default: the recipe's, where auto is bfloat16 if `dualnet bench`
measured the recipe's own network faster in it on this kind of CPU). The Keras backend is $KERAS_BACKEND's.

Accuracy figures only: when the machine is shared, the seconds are not a speed measurement (that is
`dualnet bench`'s job)."""

import dataclasses
import os
import sys

from dualnet import experiments, models
from dualnet.api import choose_precision
from dualnet.experiments.recipe import CosineSchedule
from dualnet.runner import RunOptions, run


KEYS = {"batch", "lr", "opt", "momentum", "nesterov", "epochs", "warmup", "hold", "alpha", "clipnorm", "model",
        "dropout", "hidden", "last_pool", "pool_first", "ema", "split", "smoothing", "flip", "shift", "cutout", "tta", "wd", "widths", "precision"}


def parse(variant: str) -> dict:
    if "=" not in variant:
        batch, rate, epochs, warmup = variant.split(":")
        return {"batch": batch, "lr": rate, "epochs": epochs, "warmup": warmup}
    spec = dict(pair.split("=", 1) for pair in variant.split(","))
    unknown = sorted(set(spec) - KEYS)
    if unknown:  # a typo would otherwise train the unchanged recipe and report it as the variant
        sys.exit(f"unknown key(s) {', '.join(unknown)} in {variant!r}; the keys are {', '.join(sorted(KEYS))}")
    return spec


def vary(recipe, spec: dict):
    """The recipe with the variant's changes."""
    changes = {"id": f"{recipe.id}-variant"}
    if "batch" in spec:
        changes["batch_size"] = int(spec["batch"])
    if "epochs" in spec:
        changes["epochs"] = int(spec["epochs"])
    if "opt" in spec:  # e.g. opt=SGD,momentum=0.9,nesterov=1
        changes["optimizer"] = spec["opt"]
        changes["optimizer_args"] = {k: (bool(int(spec[k])) if k == "nesterov" else float(spec[k]))
                                     for k in ("momentum", "nesterov") if k in spec}
    for key, argument in (("clipnorm", "clipnorm"), ("lr", "learning_rate"), ("ema", "ema_momentum"),
                          ("wd", "weight_decay")):
        if key in spec:  # on top of opt's arguments
            changes["optimizer_args"] = {**changes.get("optimizer_args", recipe.optimizer_args),
                                         argument: float(spec[key])}
    if "ema" in spec:
        changes["optimizer_args"]["use_ema"] = True
    if float(spec.get("warmup", -1)) >= 0 or "hold" in spec:
        changes["schedule"] = CosineSchedule(warmup=max(0.0, float(spec.get("warmup", 0))),
                                             hold=float(spec.get("hold", 0)), alpha=float(spec.get("alpha", 0)))
    elif "warmup" in spec:
        changes["schedule"] = None
    if "model" in spec:
        changes["model"] = getattr(models, spec["model"])
        changes["params"] = None
    casts = (("dropout", float), ("hidden", int), ("last_pool", str), ("pool_first", lambda v: bool(int(v))),
             ("widths", lambda v: tuple(int(w) for w in v.split("/"))))
    model_args = {key: cast(spec[key]) for key, cast in casts if key in spec}
    if model_args:
        changes["model"] = with_arguments(changes.get("model", recipe.model), **model_args)
        changes["params"] = None
    if "split" in spec:
        changes["validation_split"] = float(spec["split"])
    if float(spec.get("smoothing", 0)):
        changes["label_smoothing"] = float(spec["smoothing"])
        changes["loss"] = "categorical_crossentropy"
    if "flip" in spec:
        changes["flip"] = bool(int(spec["flip"]))
    if "precision" in spec:  # float32, mixed_bfloat16 or auto
        changes["precision"] = spec["precision"]
    for key in ("shift", "cutout"):
        if key in spec:
            changes[key] = int(spec[key])
    if spec.get("tta") == "1":
        from dualnet.experiments.fast import flip_averaged

        changes["report"] = flip_averaged
    return dataclasses.replace(recipe, **changes)


def with_arguments(model, **arguments):
    """`model` (a function of dualnet.models) with those keyword arguments, named so for the run's config."""
    def layers(L):
        return model(L, **arguments)
    named = ",".join(f"{k}={v}" for k, v in arguments.items())
    layers.__module__, layers.__qualname__ = model.__module__, f"{model.__qualname__}[{named}]"
    return layers


def main(base: str, engine: str, variants: list[str], seeds=(0,)) -> None:
    recipe = experiments.get(base)
    for variant, seed in ((v, s) for v in variants for s in seeds):
        tried = vary(recipe, parse(variant))
        measured = recipe if tried.model is recipe.model else tried  # the benchmark measured the base's model
        precision, _ = choose_precision(measured, engine, tried.precision)
        options = RunOptions(engine=engine, seed=seed, out="runs/variants", inside=False, precision=precision)
        with open(os.devnull, "w") as quiet:
            result = run(tried, options, stream=quiet)
        figure = (recipe.reported or recipe.goal).metric if (recipe.reported or recipe.goal) else "test_loss"
        extra = {k: round(v, 4) for k, v in result.metrics.items() if k.startswith("test_") and k != figure}
        last = {key: round(values[-1], 5) for key, values in result.history.items()}
        print(f"{base} {engine} seed {seed} {variant}: {figure} {result.metrics[figure]:.4f} {extra}, last epoch "
              f"{last}, trained {result.metrics['train_seconds']} s", flush=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    seeds = (0,)
    if "--seeds" in args:
        at = args.index("--seeds")
        seeds = tuple(int(s) for s in args[at + 1].split(","))
        del args[at:at + 2]
    if len(args) < 3:
        sys.exit(__doc__)
    main(args[0], args[1], args[2:], seeds)
