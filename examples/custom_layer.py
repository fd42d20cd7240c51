"""Write your own layer, check its gradient numerically, then train with it.

A scratchnet layer is a pair of functions (the layer contract, see ``scratchnet/layers/base.py``):

    forward(x, training=False) -> y     compute the output, and keep what backward will need
    backward(dy) -> dx                  given dy = ∂L/∂y, return dx = ∂L/∂x (and fill self.grads, if any params)

Here a learner writes LeakyReLU, a ReLU that lets a little gradient through for negative inputs:

    Forward:   y  = x           where x > 0,   alpha * x  elsewhere
    Backward:  dx = dy          where x > 0,   alpha * dy elsewhere      (dy/dx is 1 or alpha)

``scratchnet.gradcheck.check_layer`` compares ``backward`` with centred finite differences of ``forward``. It
passes for the correct backward, and fails -- naming the worst entry -- for a deliberately wrong one that forgot
alpha (it copied ReLU's backward). Then the layer goes into a model, which is checked as a whole and trained
on Fashion-MNIST.

    python examples/custom_layer.py
    python examples/custom_layer.py --data-dir ../shared/data --train-samples 5000 --epochs 1
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import scratchnet as sn
from scratchnet import gradcheck, layers


class LeakyReLU(layers.Layer):
    """Leaky ReLU: like ReLU, but negative inputs keep a small slope ``alpha`` instead of being cut to 0.

    Forward:   y  = where(x > 0, x, alpha * x)       x: (N, ...)  ->  y: (N, ...)
    Backward:  dx = where(x > 0, dy, alpha * dy)     (N, ...)

    Args:
        alpha: slope for x <= 0 (Keras's default, 0.3).
    """

    def __init__(self, alpha: float = 0.3, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)  # a Python float, so float32 arrays stay float32

    def forward(self, x, training=False):
        self.positive = x > 0  # the one thing backward needs: which entries took the x branch
        return np.where(self.positive, x, self.alpha * x)

    def backward(self, dy):
        return np.where(self.positive, dy, self.alpha * dy)


class BrokenLeakyReLU(LeakyReLU):
    """The same forward, with a classic mistake in backward: ReLU's gradient, forgetting alpha."""

    def backward(self, dy):
        return dy * self.positive  # wrong: for x <= 0 the slope is alpha, not 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Write LeakyReLU, gradient-check it, train with it.")
    parser.add_argument("--epochs", type=int, default=2, help="training epochs (default: 2)")
    parser.add_argument(
        "--data-dir", default=None, help="folder holding fashion-mnist/ (default: $SCRATCHNET_DATA_DIR)"
    )
    parser.add_argument("--train-samples", type=int, default=None, help="use only the first N training images")
    parser.add_argument("--seed", type=int, default=0, help="seed for the data of the check and the weights")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)

    # An input batch (N, D) = (4, 6) with entries of both signs, kept away from 0: at x = 0 the function has a
    # kink, and a finite difference straddling it would measure neither slope.
    x = rng.uniform(0.1, 2.0, size=(4, 6)) * rng.choice([-1.0, 1.0], size=(4, 6))

    print("1. Check the correct backward against finite differences:\n")
    report = gradcheck.check_layer(LeakyReLU(alpha=0.1), x)
    print(report)

    print("\n2. Check the broken backward (it forgot alpha):\n")
    broken = gradcheck.check_layer(BrokenLeakyReLU(alpha=0.1), x)
    print(broken)
    print(
        f"\n   The worst entry is x[{', '.join(map(str, broken.worst.worst_index))}] = "
        f"{x[broken.worst.worst_index]:.3f}, a negative input: the broken backward says its gradient is "
        f"{broken.worst.analytic:.3g}, the finite difference measures {broken.worst.numeric:.3g}."
    )

    print("\n3. Use LeakyReLU in a model: Flatten -> Dense(128) -> LeakyReLU(0.1) -> Dense(10, softmax)\n")
    model = sn.models.Sequential(
        [
            layers.Flatten(input_shape=(28, 28)),
            layers.Dense(128),
            LeakyReLU(alpha=0.1),
            layers.Dense(10, activation="softmax"),
        ],
        seed=args.seed,
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.summary()
    try:
        (x_train, y_train), (x_test, y_test) = sn.datasets.fashion_mnist.load_data(args.data_dir)
    except sn.datasets.DatasetError as exc:
        print(exc, file=sys.stderr)
        return 1
    x_train, y_train = x_train[: args.train_samples] / 255.0, y_train[: args.train_samples]
    x_test = x_test / 255.0

    print("\n4. Check the whole model on 8 images, through exactly the path fit() uses:\n")
    print(gradcheck.check_model(model, x_train[:8], y_train[:8]))

    print(f"\n5. Train it on Fashion-MNIST ({len(x_train):,} images):\n")
    model.fit(x_train, y_train, epochs=args.epochs)
    test_loss, test_acc = model.evaluate(x_test, y_test, verbose=0)
    print(f"With your LeakyReLU: test loss {test_loss:.4f}, test accuracy {test_acc:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
