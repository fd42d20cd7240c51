"""The course's callback: stop training as soon as the model is accurate enough.

``fit`` calls a callback's hooks at fixed points of the training loop; ``on_epoch_end`` receives the epoch's
metrics in ``logs``. Setting ``self.model.stop_training = True`` there ends ``fit`` after that epoch. The class
below is the course's code, unchanged except for the import (``tf.keras.callbacks`` -> ``scratchnet.callbacks``).

On Fashion-MNIST this network passes 60% during its very first epoch, so training stops after one epoch of the
ten asked for. Change 0.6 to 0.9 to watch it train longer.

    python examples/callbacks.py                   # Fashion-MNIST, up to 10 epochs; stops after the first
    python examples/callbacks.py --data-dir ../shared/data --train-samples 3000
"""

from __future__ import annotations

import argparse
import sys

import scratchnet as sn


class myCallback(sn.callbacks.Callback):  # the course's name (not PEP 8), kept so the code reads the same
    def on_epoch_end(self, epoch, logs={}):  # noqa: B006 -- the course's signature; logs is only read
        if logs.get("accuracy") > 0.6:
            print("\nReached 60% accuracy so cancelling training!")
            self.model.stop_training = True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Stop training at 60% accuracy with a callback.")
    parser.add_argument("--epochs", type=int, default=10, help="the most epochs to train (default: 10)")
    parser.add_argument(
        "--data-dir", default=None, help="folder holding fashion-mnist/ (default: $SCRATCHNET_DATA_DIR)"
    )
    parser.add_argument("--train-samples", type=int, default=None, help="use only the first N training images")
    parser.add_argument("--seed", type=int, default=0, help="seed for the initial weights and the shuffling")
    args = parser.parse_args(argv)

    try:
        (x_train, y_train), (x_test, y_test) = sn.datasets.fashion_mnist.load_data(args.data_dir)
    except sn.datasets.DatasetError as exc:
        print(exc, file=sys.stderr)
        return 1
    x_train, y_train = x_train[: args.train_samples], y_train[: args.train_samples]
    x_train, x_test = x_train / 255.0, x_test / 255.0

    callbacks = myCallback()
    model = sn.models.Sequential(
        [
            sn.layers.Flatten(input_shape=(28, 28)),
            sn.layers.Dense(512, activation=sn.nn.relu),
            sn.layers.Dense(10, activation=sn.nn.softmax),
        ],
        seed=args.seed,
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=args.epochs, callbacks=[callbacks])

    epochs_run = len(history.epoch)
    accuracy = history.history["accuracy"][-1]
    if epochs_run < args.epochs:
        print(f"fit() stopped after epoch {epochs_run} of {args.epochs}: accuracy {accuracy:.4f} > 0.6.")
    else:
        print(f"fit() ran all {args.epochs} epochs: accuracy {accuracy:.4f} never went above 0.6.")
    test_loss, test_acc = model.evaluate(x_test, y_test, verbose=0)
    print(f"Test loss {test_loss:.4f}, test accuracy {test_acc:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
