"""The course's networks, each written once as a function of a layers namespace.

`fashion_vgg(keras.layers)` builds the network for Keras 3;
`fashion_vgg(dualnet.scratch.layers)` builds it for the NumPy engine. Each
function returns the list of layers a Sequential model takes, input first.
"""

FASHION_INPUT = (28, 28, 1)


def fashion_dense(L):
    """Book 5.22: the dense baseline."""
    return [L.Input(shape=(28, 28)),
            L.Flatten(),
            L.Dense(128, activation="relu"),
            L.Dense(10, activation="softmax")]


def fashion_cnn_sample(L):
    """Seed [7]: one convolution and one pooling layer, shown for its summary."""
    return [L.Input(shape=FASHION_INPUT),
            L.Conv2D(32, (3, 3), activation="relu", name="conv"),
            L.MaxPooling2D((2, 2), name="pool"),
            L.Flatten(),
            L.Dense(10, activation="softmax")]


def fashion_cnn(L):
    """Listing 6.7: three convolutions without activation or pooling; overfits."""
    return [L.Input(shape=FASHION_INPUT),
            L.Conv2D(kernel_size=(3, 3), filters=16),
            L.Conv2D(kernel_size=(3, 3), filters=32),
            L.Conv2D(kernel_size=(3, 3), filters=64),
            L.Flatten(),
            L.Dense(128, activation="relu"),
            L.Dense(10, activation="softmax")]


def fashion_cnn_pool(L):
    """Listing 6.10: pooling between the convolutions and dropout before the classifier."""
    return [L.Input(shape=FASHION_INPUT),
            L.Conv2D(kernel_size=(3, 3), filters=32),
            L.MaxPool2D(strides=(2, 2)),
            L.Conv2D(kernel_size=(3, 3), filters=64),
            L.MaxPool2D(strides=(2, 2)),
            L.Conv2D(kernel_size=(3, 3), filters=128),
            L.Flatten(),
            L.Dense(128, activation="relu"),
            L.Dropout(rate=0.3),
            L.Dense(10, activation="softmax")]


def fashion_vgg(L):
    """Listing 6.12: a VGG-style network, two convolutions per block."""
    return [L.Input(shape=FASHION_INPUT),
            L.Conv2D(kernel_size=(3, 3), filters=32, padding="same", activation="relu"),
            L.Conv2D(kernel_size=(3, 3), filters=64, padding="same", activation="relu"),
            L.MaxPool2D(pool_size=(2, 2)),
            L.Dropout(rate=0.5),
            L.Conv2D(kernel_size=(3, 3), filters=128, padding="same", activation="relu"),
            L.Conv2D(kernel_size=(3, 3), filters=256, padding="valid", activation="relu"),
            L.MaxPool2D(pool_size=(2, 2)),
            L.Dropout(rate=0.5),
            L.Flatten(),
            L.Dense(units=512, activation="relu"),
            L.Dropout(rate=0.5),
            L.Dense(units=256, activation="relu"),
            L.Dropout(rate=0.5),
            L.Dense(units=10, activation="softmax")]


def doit_conv_scratch(L):
    """Do it 08-4, the network built by hand: ten 3x3 kernels 'same' with bias, ReLU, 2x2 max-pool,
    a hidden layer of 100, and 10 logits (the softmax is in the loss)."""
    return [L.Input(shape=FASHION_INPUT),
            L.Conv2D(10, (3, 3), padding="same", activation="relu"),
            L.MaxPooling2D((2, 2)),
            L.Flatten(),
            L.Dense(100, activation="relu"),
            L.Dense(10)]


def doit_conv1(L):
    """Do it 08: 10 kernels 3x3 'same', pooling, a hidden layer of 100."""
    return [L.Input(shape=FASHION_INPUT),
            L.Conv2D(10, (3, 3), activation="relu", padding="same"),
            L.MaxPooling2D((2, 2)),
            L.Flatten(),
            L.Dense(100, activation="relu"),
            L.Dense(10, activation="softmax")]


def doit_conv2(L):
    """Do it 08: doit_conv1 with Dropout(0.5) after Flatten."""
    return [L.Input(shape=FASHION_INPUT),
            L.Conv2D(10, (3, 3), activation="relu", padding="same"),
            L.MaxPooling2D((2, 2)),
            L.Flatten(),
            L.Dropout(0.5),
            L.Dense(100, activation="relu"),
            L.Dense(10, activation="softmax")]


def _conv_bn_relu(L, filters):
    """A 3x3 'same' convolution without bias (the normalisation's beta takes its place), batch
    normalisation, ReLU: the building block of the fast recipes."""
    return [L.Conv2D(filters, (3, 3), padding="same", use_bias=False),
            L.BatchNormalization(),
            L.Activation("relu")]


def fashion_fast(L, widths=(32, 64, 128), dropout=0.3, hidden=0, last_pool="valid", pool_first=False):
    """Beyond the notes: one normalised convolution per resolution (28, 14, 7), each followed by pooling,
    then dropout and the classifier; 7.5 million multiply-adds an image, a tenth of fashion_vgg's 76 million.
    Ablations: `hidden` > 0 puts a ReLU layer of that width before the classifier; `last_pool="same"`
    pools the 7 x 7 maps to 4 x 4 instead of 3 x 3, which keeps their last row and column; `pool_first`
    pools each convolution's output before normalising it, so the normalisation and the ReLU see a
    quarter of the numbers."""
    layers = [L.Input(shape=FASHION_INPUT)]
    for stage, filters in enumerate(widths, 1):
        pool = L.MaxPooling2D((2, 2), padding=last_pool if stage == len(widths) else "valid")
        conv, norm, relu = _conv_bn_relu(L, filters)
        layers += [conv, pool, norm, relu] if pool_first else [conv, norm, relu, pool]
    head = [L.Dense(hidden, activation="relu"), L.Dropout(dropout)] if hidden else []
    return layers + [L.Flatten(),
                     L.Dropout(dropout),
                     *head,
                     L.Dense(10, activation="softmax")]


def fashion_fast_pool_first(L, **options):
    """fashion_fast with each stage pooled before it is normalised (convolution, pooling, normalisation,
    ReLU): the same weights; 1.3 times the training speed on TensorFlow on one core, 1.1-1.2 on two
    (results/ablation-fast-recipes-*). `options` are fashion_fast's (bench/recipe_variants.py varies them)."""
    return fashion_fast(L, **{"pool_first": True, **options})


def fashion_best(L, widths=(32, 64, 128), convs=2, dropout=0.3):
    """Beyond the notes, for accuracy: `convs` normalised convolutions per resolution (28, 14, 7) instead of
    fashion_fast's one, the last of each stage pooled before it is normalised; 29 million multiply-adds an
    image at the default widths (fashion_fast: 7.5, fashion_vgg: 76)."""
    layers = [L.Input(shape=FASHION_INPUT)]
    for filters in widths:
        for _ in range(convs - 1):
            layers += _conv_bn_relu(L, filters)
        conv, norm, relu = _conv_bn_relu(L, filters)
        layers += [conv, L.MaxPooling2D((2, 2)), norm, relu]
    return layers + [L.Flatten(), L.Dropout(dropout), L.Dense(10, activation="softmax")]


def fashion_fast_narrow(L):
    """fashion_fast at half the width (an ablation): twice its training speed on TensorFlow here, and 12
    epochs of it matched 7 of fashion_fast on the test set (results/fast-recipes-exploration-*)."""
    return fashion_fast(L, (16, 32, 64))


# -- the recurrent chapter ----------------------------------------------------

def seq_predict(L):
    """Listing 7.2: four numbers in, the next one out."""
    return [L.Input(shape=(4, 1)),
            L.SimpleRNN(units=10, return_sequences=False),
            L.Dense(1)]


def _multiplication(L, recurrent, units=30):
    return [L.Input(shape=(100, 2)),
            recurrent(units=units, return_sequences=True),
            recurrent(units=units),
            L.Dense(1)]


def chrono_bias(max_steps: int) -> dict:
    """An LSTM bias initializer with chrono-initialised gates (dualnet.scratch.initializers.ChronoBias),
    in the serialized form both engines read: a fresh dict for each layer."""
    from dualnet.scratch.initializers import ChronoBias  # NumPy only: the name both engines register

    return {"class_name": ChronoBias.registered_name, "config": {"max_steps": max_steps}}


def mult_gru_wide(L):
    """Beyond the notes: mult_gru with 64 cells a layer (more accurate; measured 2.5 times the time per
    sample of 30 cells on Keras/JAX)."""
    return _multiplication(L, L.GRU, units=64)


def mult_lstm_wide(L):
    """Beyond the notes: mult_lstm with 64 cells a layer."""
    return _multiplication(L, L.LSTM, units=64)


def mult_simplernn(L):
    """Listing 7.7: the multiplication problem with SimpleRNN."""
    return _multiplication(L, L.SimpleRNN)


def mult_lstm(L):
    """Listing 7.11: the multiplication problem with LSTM."""
    return _multiplication(L, L.LSTM)


def mult_lstm_chrono(L):
    """Beyond the notes: mult_lstm whose gates start as chrono initialisation sets them (forget biases
    log(tau) for spans tau over 1..99 steps, input biases their negatives): some cells can carry a marked
    number across the 100 steps from the first batch, where Keras's default (forget bias 1) forgets it
    within a few steps and the network sits on the mean-prediction plateau until it learns to keep it."""
    def chrono_lstm(**arguments):
        return L.LSTM(unit_forget_bias=False, bias_initializer=chrono_bias(100), **arguments)
    return _multiplication(L, chrono_lstm)


def mult_gru(L):
    """Book 7.15: the multiplication problem with GRU (reset_after=True, Keras's default)."""
    return _multiplication(L, L.GRU)


def doit_simplernn(L):
    """Do it 09-2: one-hot words (100 of them) into 32 recurrent cells. With the recipe's index_inputs,
    both engines take the word indices instead and look the kernel's rows up: the same numbers without
    the one-hot tensor."""
    return [L.Input(shape=(100, 100)),
            L.SimpleRNN(32),
            L.Dense(1, activation="sigmoid")]


def _imdb_embedding(L, recurrent):
    return [L.Input(shape=(100,)),
            L.Embedding(1000, 32),
            recurrent(8),
            L.Dense(1, activation="sigmoid")]


def doit_embedding_rnn(L):
    """Do it 09-3: an Embedding instead of one-hot vectors, then SimpleRNN(8)."""
    return _imdb_embedding(L, L.SimpleRNN)


def doit_embedding_lstm(L):
    """Do it 09-3: the same with an LSTM."""
    return _imdb_embedding(L, L.LSTM)


def sentiment_lstm(L):
    """Book 7.25: NSMC sentiment, 20,000 words of 300 dimensions, sentences of 25 words."""
    return [L.Input(shape=(25,)),
            L.Embedding(20000, 300),
            L.LSTM(50),
            L.Dense(2, activation="softmax")]


def textgen(L, vocabulary: int = 10000, window: int = 25):
    """Book 7.39: the next word from a window of 25 words. The vocabulary comes from the corpus; the
    default only serves `dualnet summary`."""
    return [L.Input(shape=(window,)),
            L.Embedding(vocabulary, 100),
            L.LSTM(units=100, return_sequences=True),
            L.Dropout(0.2),
            L.LSTM(units=100),
            L.Dense(vocabulary, activation="softmax")]


def textgen_letters(L, vocabulary: int = 600, window: int = 80):
    """Book 7.49: the next letter (jamo, or character) from a window of 80, with one wide LSTM."""
    return [L.Input(shape=(window,)),
            L.Embedding(vocabulary, 100),
            L.LSTM(units=400),
            L.Dense(vocabulary, activation="softmax")]
