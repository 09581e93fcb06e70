"""The recurrent chapter: seed 000 (book chapter 7) and seed 001 (Do it chapter 09)."""

import numpy as np

from dualnet import models
from dualnet.experiments.recipe import Recipe, Reported

BOTH = ("keras", "scratch")


def correctness(engine, model, splits, stream) -> dict:
    """The notes' measure for the multiplication problem: the share of test samples predicted
    within 0.04 of the true product."""
    prediction = engine.predict(model, splits.x_test)[:, 0]
    share = float(np.mean(np.abs(prediction - splits.y_test) <= 0.04))
    print(f"correctness: {share:.2%} of {len(prediction)} test samples within 0.04", file=stream)
    return {"correctness": share}


def sequence_predictions(engine, model, splits, stream) -> dict:
    """Listings 7.4 and 7.5: the six training sequences, then two the model never saw."""
    trained = engine.predict(model, splits.x_train)[:, 0]
    unseen = {"[0.6, 0.7, 0.8, 0.9]": [0.6, 0.7, 0.8, 0.9], "[-0.1, 0.0, 0.1, 0.2]": [-0.1, 0.0, 0.1, 0.2]}
    print("predictions for the six training sequences:", [round(float(p), 4) for p in trained], file=stream)
    out = {"predictions": [float(p) for p in trained]}
    for name, values in unseen.items():
        p = float(engine.predict(model, np.array(values, np.float32).reshape(1, 4, 1))[0, 0])
        print(f"unseen {name} -> {p:.4f}", file=stream)
        out[f"unseen {name}"] = p
    return out


MULTIPLICATION = dict(chapter="rnn", kind="train", engines=BOTH, data="multiplication", split="last-fraction",
                      validation_split=0.2, optimizer="Adam", loss="mse", metrics=(), epochs=100,
                      batch_size=32, report=correctness)

TEXT = dict(chapter="rnn", kind="train")
GENERATION = dict(chapter="rnn", kind="train", data="text", optimizer="Adam", loss="sparse_categorical_crossentropy",
                  engines=BOTH, notes="sample text (dualnet generate RUN)")
DOIT_IMDB = dict(chapter="rnn", kind="train", data="imdb", loss="binary_crossentropy", batch_size=32)

RECIPES = [
    Recipe("seq-predict", "rnn", "Predict the next number of a sequence", "7.1-7.5", "train",
           model=models.seq_predict, params=131, data="sequence", optimizer="Adam", loss="mse", metrics=(),
           epochs=100, batch_size=32, engines=BOTH, report=sequence_predictions,
           notes="predictions ~ [0.38, 0.50, 0.62, 0.72, 0.80, 0.88]; [0.6..0.9] -> 0.995; [-0.1..0.2] -> 0.29"),
    Recipe("mult-simplernn", title="Multiplication problem, SimpleRNN", listing="7.6-7.10",
           model=models.mult_simplernn, params=2_851,
           reported=Reported("correctness", 0.0977, "7.10", book=0.0932), **MULTIPLICATION),
    Recipe("mult-lstm", title="Multiplication problem, LSTM", listing="7.11-7.14", model=models.mult_lstm,
           params=11_311, reported=Reported("correctness", 0.9568, "7.14", book=0.9477), **MULTIPLICATION),
    Recipe("mult-gru", title="Multiplication problem, GRU", listing="book 7.15-7.18", model=models.mult_gru,
           params=8_671, reported=Reported("correctness", 0.9886, "book 7.18"), **MULTIPLICATION),
    Recipe("doit-rnn-scratch", title="Do it 09-2: the recurrent network written by hand",
           listing="Do it 09-2", model=models.doit_simplernn, params=4_289, data_args={"num_words": 100},
           index_inputs=True, bptt_steps=10, optimizer="SGD", optimizer_args={"learning_rate": 0.01}, epochs=20,
           engines=("scratch",), reported=Reported("val_accuracy", 0.6816, "Do it 09-2"), **DOIT_IMDB),
    Recipe("doit-rnn-scratch-notes", title="Do it 09-2: the hand-written network with the book's own gradient",
           listing="Do it 09-2", model=models.doit_simplernn, params=4_289, data_args={"num_words": 100},
           index_inputs=True, bptt_steps=10, notes_gradient=True, optimizer="SGD",
           optimizer_args={"learning_rate": 0.01}, epochs=20, engines=("scratch",),
           reported=Reported("val_accuracy", 0.6816, "Do it 09-2"), **DOIT_IMDB),
    Recipe("doit-simplernn", title="Do it 09-2: SimpleRNN on one-hot words", listing="Do it 09-2",
           model=models.doit_simplernn, params=4_289, data_args={"num_words": 100},
           index_inputs=True, optimizer="SGD", epochs=20, engines=BOTH,
           reported=Reported("val_accuracy", 0.6998, "Do it 09-2"), **DOIT_IMDB),
    Recipe("doit-embedding-rnn", title="Do it 09-3: Embedding and SimpleRNN", listing="Do it 09-3",
           model=models.doit_embedding_rnn, params=32_337, data_args={"num_words": 1000}, optimizer="Adam",
           epochs=10, engines=BOTH, reported=Reported("val_accuracy", 0.8222, "Do it 09-3"), **DOIT_IMDB),
    Recipe("doit-embedding-lstm", title="Do it 09-3: Embedding and LSTM", listing="Do it 09-3",
           model=models.doit_embedding_lstm, params=33_321, data_args={"num_words": 1000}, optimizer="Adam",
           epochs=10, engines=BOTH, reported=Reported("val_accuracy", 0.8372, "Do it 09-3"), **DOIT_IMDB),
    Recipe("sentiment-lstm", title="Korean movie-review sentiment (NSMC)", listing="book 7.19-7.31",
           model=models.sentiment_lstm, params=6_070_302, data="nsmc", data_args={"num_words": 20000},
           validation_split=0.2, optimizer="Adam", loss="sparse_categorical_crossentropy", epochs=5,
           batch_size=128, engines=BOTH, reported=Reported("test_accuracy", 0.8004, "book 7.27"), **TEXT),
    Recipe("textgen-word", title="Next-word generation, Korean novel", listing="book 7.32-7.42",
           model=models.textgen, data_args={"language": "korean", "level": "word", "window": 25},
           batch_size=512, epochs=50, **GENERATION),
    Recipe("textgen-jamo", title="Next-letter (jamo) generation, Korean novel", listing="book 7.43-7.50",
           model=models.textgen_letters, data_args={"language": "korean", "level": "jamo", "window": 80},
           batch_size=256, epochs=100, **GENERATION),
    Recipe("textgen-char", title="Next-character generation, tinyshakespeare", listing="beyond the notes",
           model=models.textgen_letters, data_args={"language": "english", "level": "char", "window": 80},
           batch_size=256, epochs=50, **GENERATION),
]
