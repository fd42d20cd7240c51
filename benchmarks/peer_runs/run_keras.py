"""The Keras 3 (TensorFlow CPU) run of ``benchmarks/peers.py``: the programs a learner writes, default settings.

Started by peers.py in its own venv (benchmarks/.venvs/keras). ``compile`` keeps Keras's default
``jit_compile="auto"`` (XLA where the model allows it), and TensorFlow picks its own threads (all cores).
The gradient-tape model is the loop of TensorFlow's "training loop from scratch" guide: a ``tf.function`` step.
"""

from __future__ import annotations

import os

import common
import numpy as np


def build(model: str, keras):
    L = keras.layers
    adam = keras.optimizers.Adam(
        learning_rate=common.ADAM["lr"],
        beta_1=common.ADAM["beta_1"],
        beta_2=common.ADAM["beta_2"],
        epsilon=common.ADAM["epsilon"],
    )
    loss = "sparse_categorical_crossentropy"
    if model in ("mlp", "tape"):
        layers = [
            keras.Input((28, 28)),
            L.Flatten(),
            L.Dense(128, activation="relu"),
            L.Dense(10, activation="softmax"),
        ]
        optimizer = adam
    elif model == "dlwp":
        rms = common.RMSPROP
        layers = [keras.Input((784,)), L.Dense(512, activation="relu"), L.Dense(10, activation="softmax")]
        optimizer = keras.optimizers.RMSprop(learning_rate=rms["lr"], rho=rms["rho"], epsilon=rms["epsilon"])
    elif model == "cnn":
        layers = [
            keras.Input((28, 28, 1)),
            L.Conv2D(64, (3, 3), activation="relu"),
            L.MaxPooling2D(2, 2),
            L.Conv2D(64, (3, 3), activation="relu"),
            L.MaxPooling2D(2, 2),
            L.Flatten(),
            L.Dense(128, activation="relu"),
            L.Dense(10, activation="softmax"),
        ]
        optimizer = adam
    elif model == "bilstm":
        layers = [
            keras.Input((common.SEQ_LEN,), dtype="int32"),
            L.Embedding(common.VOCAB, 16),
            L.Bidirectional(L.LSTM(32)),
            L.Dense(1, activation="sigmoid"),
        ]
        optimizer, loss = adam, "binary_crossentropy"
    else:
        raise ValueError(model)
    net = keras.Sequential(layers)
    net.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    return net


def shape_inputs(model: str, x: np.ndarray) -> np.ndarray:
    if model == "dlwp":
        return x.reshape(len(x), 784)
    if model == "cnn":
        return x.reshape(len(x), 28, 28, 1)
    return x


def main() -> None:
    args = common.parse_args("keras")
    result = common.Result("keras", args)
    import keras
    import tensorflow as tf

    result.data["version"] = f"Keras {keras.__version__}, TensorFlow {tf.__version__}, NumPy {np.__version__}"
    keras.utils.set_random_seed(0)
    x_train, y_train, x_test, y_test = common.load(args.model, args.data_dir, args.n_train)
    result.data_loaded(x_train, y_train, x_test, y_test)
    x_train, x_test = shape_inputs(args.model, x_train), shape_inputs(args.model, x_test)
    net = build(args.model, keras)
    batch = common.MODELS[args.model]["batch"]
    clock = common.Clock()

    class EpochClock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            clock.start()

        def on_epoch_end(self, epoch, logs=None):
            clock.stop()

    result.before_fit()
    if args.model == "tape":
        train_with_tape(tf, keras, net, x_train, y_train, batch, args.epochs, clock)
    else:
        net.fit(x_train, y_train, batch_size=batch, epochs=args.epochs, verbose=0, callbacks=[EpochClock()])
    result.after_fit(clock.times)
    _, accuracy = net.evaluate(x_test, y_test, verbose=0)
    intra = tf.config.threading.get_intra_op_parallelism_threads()
    inter = tf.config.threading.get_inter_op_parallelism_threads()
    onednn = os.environ.get("TF_ENABLE_ONEDNN_OPTS", "unset: TensorFlow's default, on for x86 Linux")
    result.finish(
        accuracy,
        threads=f"TensorFlow intra-op {intra or 'default (all ' + str(os.cpu_count()) + ' cores)'}, "
        f"inter-op {inter or 'default'}; oneDNN: {onednn}; jit_compile={net.jit_compile}",
    )


def train_with_tape(tf, keras, net, x, y, batch, epochs, clock) -> None:
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    optimizer = net.optimizer

    @tf.function
    def train_step(xb, yb):
        with tf.GradientTape() as tape:
            probs = net(xb, training=True)
            loss = loss_fn(yb, probs)
        grads = tape.gradient(loss, net.trainable_variables)
        optimizer.apply_gradients(zip(grads, net.trainable_variables, strict=True))
        return loss

    rng = np.random.default_rng(0)
    for _ in range(epochs):
        clock.start()
        for rows in common.batches(len(x), batch, rng):
            train_step(x[rows], y[rows])
        clock.stop()


if __name__ == "__main__":
    main()
