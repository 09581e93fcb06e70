"""Runs a recipe on the NumPy engine (dualnet.scratch)."""

from __future__ import annotations

import platform

import numpy as np

from dualnet import allocator, scratch
from dualnet.blas import kernels_in_use
from dualnet.engines import averaged_once, build_sequential
from dualnet.scratch.split import will_split


class ScratchEngine:
    name = "scratch"
    model_file = "model.npz"
    EMBEDDING_UPDATES = ("sparse", "dense")

    def __init__(self, embedding_updates: str = "sparse"):
        if embedding_updates not in self.EMBEDDING_UPDATES:
            raise ValueError(f"embedding updates must be {' or '.join(self.EMBEDDING_UPDATES)}, not {embedding_updates!r}")
        self.embedding_updates = embedding_updates
        self.processes = 1  # 2 once a model it built trains half of each batch in a helper (split.py)

    def describe(self) -> dict:
        return {"engine": "scratch", "numpy": np.__version__, "python": platform.python_version(),
                "openblas_kernels": kernels_in_use(), "malloc": allocator.setting(),
                "embedding_updates": self.embedding_updates, "processes": self.processes}

    def sentence(self) -> str:
        kernels = kernels_in_use()
        split = ", half of each batch in a second process" if self.processes == 2 else ""
        return f"the scratch engine on NumPy {np.__version__}" + (f" (OpenBLAS {kernels} kernels)" if kernels else "") + split

    @staticmethod
    def seed(seed: int) -> None:
        scratch.set_random_seed(seed)

    def build(self, recipe, **model_args):
        model = build_sequential(recipe, scratch.Sequential, scratch.layers, scratch.optimizers, scratch.losses,
                                 **model_args)
        for layer in model.layers:
            if recipe.bptt_steps and hasattr(layer, "truncate"):  # the notes' truncated backpropagation
                layer.truncate = recipe.bptt_steps
            if recipe.notes_gradient and isinstance(layer, scratch.layers.SimpleRNN):
                layer.notes_gradient = True  # the Do it! book's backward, slip included
            if isinstance(layer, scratch.layers.Embedding):
                layer.sparse_updates = self.embedding_updates == "sparse"
        self.processes = 2 if will_split(model) else 1
        return model

    @staticmethod
    def input_shape(model) -> tuple:
        return tuple(model.input_shape)

    def summary(self, model, recipe) -> str:
        lines = []
        model.name = f"{recipe.id} (scratch)"
        model.summary(print_fn=lines.append, notes_params=recipe.params)
        return "\n".join(lines) + "\n"

    def fit(self, model, splits, epochs: int, batch_size: int, callbacks=(), initial_epoch: int = 0,
            epoch_inputs=None) -> dict:
        """model.fit over all epochs; with epoch_inputs(epoch) (that epoch's augmented training inputs),
        one fit() per epoch, the shuffling generator running on from one to the next."""
        validation = None if splits.x_val is None else (splits.x_val, splits.y_val)
        spans = [(initial_epoch, epochs)] if epoch_inputs is None else [(e, e + 1) for e in range(initial_epoch, epochs)]
        history: dict[str, list[float]] = {}
        try:
            with averaged_once(model.optimizer, model.trainable_weights):
                for first, end in spans:
                    x = splits.x_train if epoch_inputs is None else epoch_inputs(first)
                    logs = model.fit(x, splits.y_train, batch_size=batch_size, epochs=end, validation_data=validation,
                                     shuffle=True, verbose=0, callbacks=list(callbacks), initial_epoch=first).history
                    for key, values in logs.items():
                        history.setdefault(key, []).extend(values)
        finally:
            model.close()  # the helper process, if the model trained with one: training is over
        return history

    def evaluate(self, model, x, y, batch_size: int) -> dict:
        return model.evaluate(x, y, batch_size=batch_size, return_dict=True)

    def predict(self, model, x, batch_size: int = 256) -> np.ndarray:
        return model.predict(x, batch_size=batch_size)

    def save(self, model, path) -> None:
        model.save(path, include_optimizer=False)

    def load(self, path):
        return scratch.load_model(path)  # NPZ + JSON, allow_pickle=False

    def save_checkpoint(self, model, folder) -> dict:
        model.save(folder / self.model_file)
        return {"random_state": scratch.random.generator().bit_generator.state}

    def load_checkpoint(self, folder, state, recipe):
        model = self.load(folder / self.model_file)
        # Building the model drew initial weights; restoring the generator afterwards puts shuffling and
        # dropout exactly where the interrupted run left them.
        scratch.random.generator().bit_generator.state = state["random_state"]
        return model
