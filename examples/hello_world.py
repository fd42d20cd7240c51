"""The course's first neural network: one neuron learns y = 2x - 1 from six examples.

In tf.keras this is::

    model = tf.keras.Sequential([keras.layers.Dense(units=1, input_shape=[1])])
    model.compile(optimizer='sgd', loss='mean_squared_error')
    model.fit(xs, ys, epochs=500)
    print(model.predict([10.0]))

The same lines run in scratchnet. The network is y = x @ W + b with one weight and one bias; gradient descent on
the mean squared error moves W towards 2 and b towards -1, so the prediction for x = 10 comes out close to 19 --
close, not equal: the model has seen six points, and it only ever gets *near* the minimum.

    python examples/hello_world.py               # 500 epochs, as in the course
    python examples/hello_world.py --epochs 50   # see how far it gets in fewer
"""

from __future__ import annotations

import argparse

import numpy as np

import scratchnet as sn


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="One Dense neuron learns y = 2x - 1.")
    parser.add_argument("--epochs", type=int, default=500, help="passes over the six examples (default: 500)")
    parser.add_argument("--seed", type=int, default=0, help="seed for the initial weight (default: 0)")
    args = parser.parse_args(argv)

    # Six points on the line y = 2x - 1. The network is not told the rule; it has to find it.
    xs = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0], dtype=float)
    ys = np.array([-3.0, -1.0, 1.0, 3.0, 5.0, 7.0], dtype=float)

    model = sn.Sequential([sn.layers.Dense(units=1, input_shape=[1])], seed=args.seed)
    model.compile(optimizer="sgd", loss="mean_squared_error")
    model.summary()

    print(f"\nBefore training: {line(model)}   (W is random, b starts at 0)")
    # The course prints all 500 epochs (verbose=1); that buries the result, so we keep a few from the History.
    history = model.fit(xs, ys, epochs=args.epochs, verbose=0)
    losses = history.history["loss"]
    for epoch in sorted({e for e in (1, 2, 3, 10, 100, args.epochs) if e <= args.epochs}):
        print(f"  epoch {epoch:>4}: loss {losses[epoch - 1]:.6f}")
    print(f"After {args.epochs} epochs: {line(model)}   (the rule is y = 2x - 1)")

    print("\nmodel.predict([10.0]):")
    print(model.predict([10.0]))
    print("The rule gives 2 * 10 - 1 = 19. The network gets close, not exact: it has seen six examples, and")
    print("gradient descent only ever approaches the minimum of the loss.")


def line(model) -> str:
    """The learned line, read off the Dense layer's kernel W (1, 1) and bias b (1,)."""
    dense = model.layers[0]
    W, b = float(dense.kernel[0, 0]), float(dense.bias[0])
    return f"y = {W:.3f}x {'-' if b < 0 else '+'} {abs(b):.3f}"


if __name__ == "__main__":
    main()
