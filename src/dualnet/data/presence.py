"""Whether an experiment's data is on this machine: what `dualnet list` shows in its last column."""

from __future__ import annotations

from dualnet.data.locate import find_local

GENERATED = {"multiplication": "generated (seeded)", "sequence": "generated", None: "built in"}


def presence(recipe, data_dir=None) -> str:
    """'yes', 'no (...)' with what happens then, 'generated' or 'built in'. Looks, never downloads."""
    if recipe.data in GENERATED:
        return GENERATED[recipe.data]
    if recipe.data == "imdb":
        from dualnet.data.imdb import NPZ, RAW, WORD_INDEX

        if find_local(NPZ, data_dir) or (find_local(RAW, data_dir) and find_local(WORD_INDEX, data_dir)):
            return "yes"
        return "no (downloads imdb.npz on first run)"
    files, fallback = _files(recipe)
    if all(find_local(f, data_dir) is not None for f in files):
        return "yes"
    return f"no ({fallback})"


def _files(recipe):
    if recipe.data == "fashion":
        from dualnet.data.fashion_mnist import FILES

        return list(FILES.values()), "downloads on first run"
    if recipe.data == "nsmc":
        from dualnet.data.nsmc import FILES

        return list(FILES.values()), "downloads on first run"
    if recipe.data == "text":
        from dualnet.data.text import SHARED

        corpus = SHARED[recipe.data_args["language"]]
        return [corpus], ("downloads on first run" if corpus.url else "give --data-dir or --corpus FILE")
    return [], "unknown"
