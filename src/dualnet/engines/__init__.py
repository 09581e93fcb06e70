"""The engines a recipe runs on: "keras" (Keras 3, any backend) and "scratch" (NumPy)."""

from __future__ import annotations

from contextlib import contextmanager

ENGINES = ("keras", "scratch")


def build_sequential(recipe, sequential, layers, optimizers, losses, adapt=None, training_steps: int = 1,
                     **model_args):
    """The recipe's model on one engine, given that engine's Sequential class and its layers, optimizers
    and losses modules (Keras's, or dualnet.scratch's: the same names), compiled when it will train.
    `adapt`, if given, rewrites the list of layers first; `training_steps` (batches in the whole run)
    sizes the recipe's learning-rate schedule, if it has one."""
    stack = recipe.model(layers, **model_args)
    model = sequential(adapt(stack) if adapt else stack, name=recipe.id.replace("-", "_"))
    if recipe.kind == "train":
        arguments = dict(recipe.optimizer_args)
        if recipe.schedule:
            peak = arguments.get("learning_rate", 0.001)  # 0.001: Adam's and RMSprop's default
            arguments["learning_rate"] = recipe.schedule.make(optimizers.schedules, peak, training_steps)
        optimizer = getattr(optimizers, recipe.optimizer)(**arguments)
        model.compile(optimizer=optimizer, loss=recipe.make_loss(losses), metrics=list(recipe.metrics))
    return model


@contextmanager
def averaged_once(optimizer, weights):
    """With weight averaging (use_ema), fit() copies the averages into the model when it ends; the
    engines call fit() once per epoch, which would make each epoch start from the averages. Inside this
    block that copy is held back, and it is made once when the block ends without an error. `weights()`
    are the model's trainable weights."""
    if not getattr(optimizer, "use_ema", False):
        yield
        return
    optimizer.finalize_variable_values = lambda var_list: None  # shadows the method on this object
    try:
        yield
    finally:
        del optimizer.finalize_variable_values
    optimizer.finalize_variable_values(weights())


PRECISIONS = ("float32", "mixed_bfloat16")


def get_engine(name: str, embedding_updates: str = "sparse", precision: str = "float32"):
    """The engine by name. embedding_updates (scratch only): "sparse", as Keras's TensorFlow backend
    updates an Embedding with Adam or RMSprop, or "dense", as its JAX and PyTorch backends do.
    precision (Keras only): "float32", or "mixed_bfloat16" (Keras's policy: bfloat16 arithmetic, float32
    weights), which pays only on CPUs with bfloat16 instructions (AMX, AVX-512 BF16)."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
    if name == "keras":
        from dualnet.engines.keras_engine import KerasEngine

        return KerasEngine(precision)
    if name == "scratch":
        from dualnet.engines.scratch_engine import ScratchEngine

        if precision != "float32":
            raise ValueError(f"the scratch engine computes in float32 only (NumPy has no bfloat16 arithmetic), "
                             f"so precision {precision!r} is Keras's alone: use --engine keras, or drop --precision")
        return ScratchEngine(embedding_updates)
    raise ValueError(f"unknown engine {name!r}; choose one of: {', '.join(ENGINES)}")
