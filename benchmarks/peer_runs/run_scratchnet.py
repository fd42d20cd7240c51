"""The scratchnet run of ``benchmarks/peers.py``: the Keras programs of run_keras.py, written for scratchnet.

Started by peers.py in its own venv (benchmarks/.venvs/scratchnet, the checkout installed in editable mode).
The bidirectional-LSTM classifier and the gradient-tape loop need layers and a tape that scratchnet may not have
yet: the run checks with hasattr and reports "skipped" with what is missing.
"""

from __future__ import annotations

import common
import numpy as np


def missing_for(model: str, sn) -> str | None:
    """What scratchnet lacks for this model, or None."""
    if model == "bilstm":
        absent = [
            f"sn.layers.{name}" for name in ("Embedding", "LSTM", "Bidirectional") if not hasattr(sn.layers, name)
        ]
        return ", ".join(absent) or None
    if model == "tape":
        return None if hasattr(sn, "GradientTape") else "sn.GradientTape"
    return None


def build(model: str, sn):
    L = sn.layers
    adam = sn.optimizers.Adam(
        learning_rate=common.ADAM["lr"],
        beta_1=common.ADAM["beta_1"],
        beta_2=common.ADAM["beta_2"],
        epsilon=common.ADAM["epsilon"],
    )
    loss = "sparse_categorical_crossentropy"
    if model in ("mlp", "tape"):
        layers = [L.Flatten(input_shape=(28, 28)), L.Dense(128, activation="relu"), L.Dense(10, activation="softmax")]
        optimizer = adam
    elif model == "dlwp":
        rms = common.RMSPROP
        layers = [L.Dense(512, activation="relu", input_shape=(784,)), L.Dense(10, activation="softmax")]
        optimizer = sn.optimizers.RMSprop(learning_rate=rms["lr"], rho=rms["rho"], epsilon=rms["epsilon"])
    elif model == "cnn":
        layers = [
            L.Conv2D(64, (3, 3), activation="relu", input_shape=(28, 28, 1)),
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
            L.Embedding(common.VOCAB, 16, input_shape=(common.SEQ_LEN,)),
            L.Bidirectional(L.LSTM(32)),
            L.Dense(1, activation="sigmoid"),
        ]
        optimizer, loss = adam, "binary_crossentropy"
    else:
        raise ValueError(model)
    net = sn.Sequential(layers, seed=0)
    net.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    return net


def shape_inputs(model: str, x: np.ndarray) -> np.ndarray:
    if model == "dlwp":
        return x.reshape(len(x), 784)
    if model == "cnn":
        return x.reshape(len(x), 28, 28, 1)
    return x


def main() -> None:
    args = common.parse_args("scratchnet")
    result = common.Result("scratchnet", args)
    import scratchnet as sn

    result.data["version"] = f"scratchnet {sn.__version__}, NumPy {np.__version__}"
    missing = missing_for(args.model, sn)
    if missing:
        result.skip(f"scratchnet has no {missing} yet")
        return

    x_train, y_train, x_test, y_test = common.load(args.model, args.data_dir, args.n_train)
    result.data_loaded(x_train, y_train, x_test, y_test)
    x_train, x_test = shape_inputs(args.model, x_train), shape_inputs(args.model, x_test)
    net = build(args.model, sn)
    batch = common.MODELS[args.model]["batch"]
    clock = common.Clock()
    threads_in_fit: list[int] = []

    class EpochClock(sn.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            clock.start()

        def on_epoch_end(self, epoch, logs=None):
            clock.stop()
            # Inside fit, where scratchnet's BLAS-thread rule is in force.
            threads_in_fit.append(sn.speed.blas.get_num_threads())

    result.before_fit()
    if args.model == "tape":
        train_with_tape(sn, net, x_train, y_train, batch, args.epochs, clock)
        threads_in_fit.append(sn.speed.blas.get_num_threads())
    else:
        net.fit(x_train, y_train, batch_size=batch, epochs=args.epochs, verbose=0, callbacks=[EpochClock()])
    result.after_fit(clock.times)
    _, accuracy = net.evaluate(x_test, y_test, verbose=0)
    result.finish(
        accuracy,
        threads=f"BLAS threads in fit: {sorted(set(threads_in_fit))} (scratchnet's rule; "
        f"{sn.speed.blas.get_num_threads()} outside fit)",
    )


def train_with_tape(sn, net, x, y, batch, epochs, clock) -> None:
    """The custom loop a Keras learner writes, in scratchnet's spelling (only run once sn.GradientTape exists)."""
    loss_fn = sn.losses.SparseCategoricalCrossentropy()
    optimizer = net.optimizer
    rng = np.random.default_rng(0)
    for _ in range(epochs):
        clock.start()
        for rows in common.batches(len(x), batch, rng):
            with sn.GradientTape() as tape:
                probs = net(x[rows], training=True)
                loss = loss_fn(y[rows], probs)
            grads = tape.gradient(loss, net.trainable_variables)
            optimizer.apply_gradients(zip(grads, net.trainable_variables, strict=True))
        clock.stop()


if __name__ == "__main__":
    main()
