"""The models of benchmarks/peers.py and their settings: plain data, read by the driver and by each run."""

# The models. n_train: training images (or sequences); every model is tested on the whole test set.
MODELS = {
    "mlp": {
        "title": "exercise MLP: Flatten -> Dense(128, relu) -> Dense(10, softmax), Adam, batch 32",
        "short": "exercise MLP (128, Adam, batch 32), 60k",
        "data": "fashion",
        "n_train": 60000,
        "batch": 32,
    },
    "dlwp": {
        "title": "DLwP MLP: Dense(512, relu) -> Dense(10, softmax) on 784 inputs, RMSprop, batch 128",
        "short": "DLwP MLP (512, RMSprop, batch 128), 60k",
        "data": "fashion",
        "n_train": 60000,
        "batch": 128,
    },
    "cnn": {
        "title": "course CNN: Conv2D(64,3,relu) -> MaxPool(2) -> Conv2D(64,3,relu) -> MaxPool(2) -> Flatten -> "
        "Dense(128,relu) -> Dense(10,softmax), Adam, batch 32",
        "short": "course CNN (2x Conv2D 64 + pools, Adam, batch 32), 12k",
        "data": "fashion",
        "n_train": 12000,
        "batch": 32,
    },
    "bilstm": {
        "title": "text classifier: Embedding(5000, 16) -> Bidirectional(LSTM(32)) -> Dense(1, sigmoid), Adam, "
        "batch 32, "
        "synthetic sequences of 80 tokens",
        "short": "Embedding -> BiLSTM(32) -> Dense (Adam, batch 32), 10k sequences",
        "data": "text",
        "n_train": 10000,
        "batch": 32,
    },
    "tape": {
        "title": "custom training loop with a gradient tape on the exercise MLP (Adam, batch 32)",
        "short": "GradientTape loop on the exercise MLP, 60k",
        "data": "fashion",
        "n_train": 60000,
        "batch": 32,
    },
}

# Text data: vocabulary, sequence length, test sequences.
VOCAB, SEQ_LEN, TEXT_TEST = 5000, 80, 2000
# Keras's default hyper-parameters, which the PyTorch runs copy (PyTorch's own defaults differ: eps 1e-8, alpha 0.99).
ADAM = {"lr": 1e-3, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}
RMSPROP = {"lr": 1e-3, "rho": 0.9, "epsilon": 1e-7}
