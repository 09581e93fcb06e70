"""Turn a recipe's data description into the arrays an engine trains on.

Both engines get exactly the same arrays: the validation split is made here,
not by the framework, with Keras's validation_split meaning (the last fraction
of the training data, taken before any shuffling).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dualnet.data import DataError, load_fashion_mnist
from dualnet.data.imdb import doit_split, load_imdb, pad_sequences
from dualnet.data.multiplication import multiplication_problem, sequence_problem


@dataclass
class Splits:
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray | None
    y_val: np.ndarray | None
    x_test: np.ndarray
    y_test: np.ndarray
    source: dict | None = None  # where the data came from, when it matters (IMDB: npz or raw reviews)
    model_args: dict = field(default_factory=dict)  # what the model function needs from the data (vocabulary)
    files: dict = field(default_factory=dict)       # JSON files for the run folder, e.g. vocabulary.json

    def sizes(self) -> dict:
        return {"train": len(self.x_train), "validation": 0 if self.x_val is None else len(self.x_val),
                "test": len(self.x_test)}

    def describe(self) -> str:
        """'45,000 training samples (15,000 validation, 10,000 test)'."""
        sizes = self.sizes()
        others = [f"{sizes[k]:,} {k}" for k in ("validation", "test") if sizes[k]]
        return f"{sizes['train']:,} training samples" + (f" ({', '.join(others)})" if others else "")


def last_fraction(x, y, fraction: float):
    """Keras's validation_split: the last `fraction` of the samples, before shuffling."""
    if not fraction:
        return x, y, None, None
    split_at = int(len(x) * (1.0 - fraction))
    return x[:split_at], y[:split_at], x[split_at:], y[split_at:]


def doit_stratified(x, y):
    """Do it's split: train_test_split(stratify=y, test_size=0.2, random_state=42)."""
    from sklearn.model_selection import train_test_split

    x_train, x_val, y_train, y_val = train_test_split(x, y, stratify=y, test_size=0.2, random_state=42)
    return x_train, y_train, x_val, y_val


def one_hot(y: np.ndarray, num_classes: int) -> np.ndarray:
    out = np.zeros((len(y), num_classes), dtype=np.float32)
    out[np.arange(len(y)), y] = 1.0
    return out


def prepare_fashion(recipe, options, rng: np.random.Generator) -> Splits:
    (x_train, y_train), (x_test, y_test) = load_fashion_mnist(options.data_dir, verify=options.verify)
    require_samples(recipe, training=x_train, test=x_test)
    if options.limit:
        x_train, y_train = x_train[:options.limit], y_train[:options.limit]
        x_test, y_test = x_test[:options.limit], y_test[:options.limit]
    # The notes: pixels / 255 and one channel axis, (N, 28, 28, 1).
    x_train = (x_train.astype(np.float32) / 255.0)[..., None]
    x_test = (x_test.astype(np.float32) / 255.0)[..., None]
    if recipe.augmentation:
        from dualnet.augment import append_augmented

        x_train, y_train = append_augmented(x_train, y_train, recipe.augmentation, rng)
    if recipe.split == "doit-stratified":
        x_train, y_train, x_val, y_val = doit_stratified(x_train, y_train)
    else:
        x_train, y_train, x_val, y_val = last_fraction(x_train, y_train, recipe.validation_split)
    splits = Splits(x_train, y_train, x_val, y_val, x_test, y_test)
    if recipe.loss == "categorical_crossentropy":  # the Do-it notes one-hot their labels
        splits.y_train, splits.y_test = one_hot(splits.y_train, 10), one_hot(splits.y_test, 10)
        if splits.y_val is not None:
            splits.y_val = one_hot(splits.y_val, 10)
    return splits


def prepare_multiplication(recipe, options, rng) -> Splits:
    """Book 7.8: 3,000 samples; the first 2,560 for training, of which the last 20% validate
    (Keras's validation_split), and the last 440 for the test. The data seed is the run's seed."""
    x, y = multiplication_problem(3000, seed=options.seed)
    train_end = 2560
    if options.limit:
        train_end = min(options.limit, train_end)
    x_train, y_train, x_val, y_val = last_fraction(x[:train_end], y[:train_end], recipe.validation_split)
    return Splits(x_train, y_train, x_val, y_val, x[2560:], y[2560:])


def prepare_sequence(recipe, options, rng) -> Splits:
    """Listing 7.1: six sequences, all for training; the 'test' is the same six, as the notes predict them."""
    x, y = sequence_problem()
    return Splits(x, y, None, None, x, y)




def prepare_imdb(recipe, options, rng) -> Splits:
    """Do it 09: IMDB with num_words and skip_top=20, tokens <= 2 removed, the seed-42 permutation into
    20,000 train / 5,000 validation, padded to 100. Inputs stay word indices: where the notes one-hot
    them, the engines look the one-hot rows up by index instead (the same numbers, 1/100 of the memory)."""
    (x_all, y_all), (x_test, y_test), info = load_imdb(options.data_dir, num_words=recipe.data_args["num_words"],
                                                       skip_top=20, verify=options.verify)
    x_train, y_train, x_val, y_val = doit_split(x_all, y_all, maxlen=100)
    x_test = pad_sequences([[w for w in x if w > 2] for x in x_test], 100)
    if options.limit:  # every set, the validation set too: a quick try should be quick throughout
        x_train, y_train, x_val, y_val, x_test, y_test = (a[:options.limit] for a in (x_train, y_train, x_val, y_val,
                                                                                      x_test, y_test))
    splits = Splits(x_train, y_train.astype(np.float32), x_val, y_val.astype(np.float32), x_test,
                    np.asarray(y_test, np.float32))
    splits.source = info
    return splits


def prepare_nsmc(recipe, options, rng) -> Splits:
    """Book 7.19-7.25: words of Hangul only, 5 characters a word, 25 words a sentence, the 20,000 most
    frequent training words, padded after the words; the last 20% of the training set validates."""
    from dualnet.data.nsmc import WordIndex, load_nsmc, words_of

    data = load_nsmc(options.data_dir, verify=options.verify)
    (train_docs, y_train), (test_docs, y_test) = data["train"], data["test"]
    if options.limit:
        train_docs, y_train, test_docs, y_test = (train_docs[:options.limit], y_train[:options.limit],
                                                  test_docs[:options.limit], y_test[:options.limit])
    train_words, test_words = [words_of(d) for d in train_docs], [words_of(d) for d in test_docs]
    index = WordIndex(recipe.data_args["num_words"]).fit(train_words)
    x_train = pad_sequences(index.sequences(train_words), 25, padding="post")
    x_test = pad_sequences(index.sequences(test_words), 25, padding="post")
    x_train, y_train, x_val, y_val = last_fraction(x_train, y_train, recipe.validation_split)
    splits = Splits(x_train, y_train, x_val, y_val, x_test, y_test)
    splits.files["vocabulary.json"] = {"kind": "nsmc-words", "maxlen": 25, **index.to_json()}
    return splits


def prepare_text(recipe, options, rng) -> Splits:
    """Next-token prediction as the book prepares it (7.34-7.38, 7.44-7.48): the corpus as words (cleaned,
    with line breaks as words), characters or jamo; cut into consecutive pieces of window + 1 tokens,
    each giving `window` tokens and the one that follows. The last 10% of the pieces are held out as a
    test (the book trains on all of them and reports no figure; a held-out loss is one to compare)."""
    from dualnet.data import text

    args = recipe.data_args
    if options.corpus:
        content, path = text.read_corpus(options.corpus), options.corpus
    else:
        content, path = text.load_shared_corpus(args["language"], options.data_dir, options.verify)
    tokens = text.tokens_of(content, args["level"])
    window = args["window"]
    if options.limit:
        tokens = tokens[:options.limit * (window + 1)]
    if len(tokens) < 2 * (window + 1):
        raise DataError(f"{path}: {len(tokens):,} {args['level']} tokens, too few for {recipe.id}: it cuts the text "
                        f"into pieces of {window + 1} tokens and needs at least two (one to train on, one to test); "
                        "give a longer text with --corpus FILE")
    vocabulary = ["<unk>"] + text.build_vocabulary(tokens, args.get("max_vocabulary"))
    ids_of = {t: i for i, t in enumerate(vocabulary)}
    ids = np.array([ids_of.get(t, 0) for t in tokens], dtype=np.int32)
    x, y = text.chunks(ids, window)
    split_at = max(1, int(len(x) * 0.9))
    splits = Splits(x[:split_at], y[:split_at], None, None, x[split_at:], y[split_at:])
    splits.model_args = {"vocabulary": len(vocabulary), "window": window}
    splits.files["vocabulary.json"] = {"kind": "text", "level": args["level"], "window": window,
                                       "tokens": vocabulary, "corpus": str(path)}
    splits.source = {"corpus": str(path), "tokens": len(tokens), "vocabulary": len(vocabulary)}
    return splits


def require_samples(recipe, **sets) -> None:
    for name, x in sets.items():
        if len(x) == 0:
            raise DataError(f"{recipe.id}: the {name} set is empty: check the dataset files")


PREPARERS = {"fashion": prepare_fashion, "imdb": prepare_imdb, "nsmc": prepare_nsmc, "text": prepare_text, "multiplication": prepare_multiplication,
             "sequence": prepare_sequence}


def prepare(recipe, options, rng) -> Splits:
    return PREPARERS[recipe.data](recipe, options, rng)
