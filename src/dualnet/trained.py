"""Using a trained run: sample text from a text-generation run, read a sentence's sentiment word by word."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from dualnet.engines import get_engine
from dualnet.rundir import RunFolderError, read_run_config


def load_run(run_dir):
    """(engine, model, vocabulary) of a finished run; the model loads without running code from the file."""
    run_dir = Path(run_dir)
    config = read_run_config(run_dir)
    try:
        vocabulary = json.loads((run_dir / "vocabulary.json").read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RunFolderError(f"{run_dir}: not a finished text run ({Path(exc.filename).name} is missing)") from None
    engine = get_engine(config["options"]["engine"])
    model_path = run_dir / engine.model_file
    if not model_path.is_file():
        raise RunFolderError(f"{run_dir}: no trained model ({engine.model_file}); did the run finish?")
    return engine, engine.load(model_path), vocabulary


def with_temperature(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """The distribution sharpened (T < 1) or flattened (T > 1): p^(1/T), normalised."""
    logits = np.log(np.maximum(probabilities.astype(np.float64), 1e-12)) / temperature
    p = np.exp(logits - logits.max())
    return p / p.sum()


def sample(probabilities: np.ndarray, temperature: float, rng: np.random.Generator) -> int:
    """Draw from the distribution at that temperature; T = 0 takes the most likely."""
    if temperature <= 0:
        return int(np.argmax(probabilities))
    p = with_temperature(probabilities, temperature)
    return int(rng.choice(len(p), p=p))


def generate(run_dir, seed_text: str, length: int, temperature: float = 1.0, seed: int = 0) -> str:
    from dualnet.data import text

    engine, model, vocabulary = load_run(run_dir)
    if vocabulary.get("kind") != "text":
        raise RunFolderError(f"{run_dir}: not a text-generation run")
    level, window, tokens = vocabulary["level"], vocabulary["window"], vocabulary["tokens"]
    ids_of = {t: i for i, t in enumerate(tokens)}
    seed_tokens = text.tokens_of(seed_text, level)
    if level == "word" and seed_tokens[-1:] == ["\n"] and not seed_text.endswith("\n"):
        seed_tokens = seed_tokens[:-1]  # the line-break word closes every line; the seed's line goes on
    ids = [ids_of.get(t, 0) for t in seed_tokens] or [0]
    # The model saw only full windows of running text. A short seed is put after line breaks, as a
    # text starts a paragraph, where the vocabulary has them (characters, jamo); else after copies of
    # its first token.
    filler = ids_of.get("\n", ids[0])
    rng = np.random.default_rng(seed)
    for _ in range(length):
        context = ids[-window:]
        context = [filler] * (window - len(context)) + context
        probabilities = engine.predict(model, np.array([context], dtype=np.int32))[0].copy()
        probabilities[0] = 0.0  # "<unk>" stands for words outside the vocabulary: never write it
        ids.append(sample(probabilities, temperature, rng))
    return text.detokenize([tokens[i] for i in ids], level)


def sentiment_by_word(run_dir, sentence: str) -> list[tuple[str, float]]:
    """The positive probability of each growing prefix of the sentence, as the book shows it."""
    from dualnet.data.imdb import pad_sequences
    from dualnet.data.nsmc import WordIndex, words_of

    engine, model, vocabulary = load_run(run_dir)
    if vocabulary.get("kind") != "nsmc-words":
        raise RunFolderError(f"{run_dir}: not a sentiment run")
    index = WordIndex(vocabulary["num_words"], vocabulary["index"])
    words = [w for w in words_of(sentence, max_words=vocabulary["maxlen"]) if w]
    if not words:
        raise RunFolderError("the sentence has no word to read (Hangul, Latin letters, digits or , ! ( ) ?)")
    prefixes = [words[:k] for k in range(1, len(words) + 1)]
    x = pad_sequences(index.sequences(prefixes), vocabulary["maxlen"], padding="post")
    positive = engine.predict(model, x)[:, 1]
    return [(" ".join(p), float(q)) for p, q in zip(prefixes, positive)]
