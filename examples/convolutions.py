"""The course's next lesson, "Improving Computer Vision Accuracy using Convolutions", end to end in scratchnet.

The dense exercise (examples/mnist.py) reads each image as 784 unrelated numbers. A convolution instead slides
small 3×3 filters over the picture, so the same edge or curve is found wherever it is, and pooling keeps the
strongest responses while halving the picture. The course's model, written with scratchnet in place of tf.keras:

    Conv2D(64, (3, 3), relu) -> MaxPooling2D(2, 2) -> Conv2D(64, (3, 3), relu) -> MaxPooling2D(2, 2)
        -> Flatten -> Dense(128, relu) -> Dense(10, softmax)          Adam, 5 epochs, batch 32

It prints each step as it goes and writes figures (PNG) to ``--out``:

    conv_kernels.png          the 64 learned 3×3 filters of the first convolution
    conv_feature_maps.png     the course's visualization cell: test images 0, 23 and 28 (three ankle boots:
                              the same shape, seen alike) through every conv and pooling layer, one channel
    conv_history.png          loss and accuracy per epoch

Run it with::

    python examples/convolutions.py --data-dir ../shared/data            # the whole lesson, ~3 minutes
    python examples/convolutions.py --train-samples 6000 --epochs 1      # a quick look
    python examples/convolutions.py --explain                            # one training step, layer by layer
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import scratchnet as sn

FIGURES = {
    "conv_kernels.png": "the first convolution's 64 filters, each a 3×3 picture of what it looks for",
    "conv_feature_maps.png": "test images {images} through every conv/pool layer: channel {channel} of each output",
    "conv_history.png": "loss and accuracy after each epoch",
}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Train the course's convolutional network on Fashion-MNIST and look at its feature maps.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--epochs", type=int, default=5, help="passes over the training images")
    parser.add_argument("--batch-size", type=int, default=32, help="images per gradient step")
    parser.add_argument("--seed", type=int, default=0, help="seed for the initial weights and the shuffling")
    parser.add_argument(
        "--data-dir", default=None, help="folder holding fashion-mnist/ (default: $SCRATCHNET_DATA_DIR)"
    )
    parser.add_argument("--out", default="out", help="folder the figures are written to")
    parser.add_argument("--train-samples", type=int, default=None, help="use only the first N training images")
    parser.add_argument("--test-samples", type=int, default=None, help="evaluate on the first N test images only")
    parser.add_argument(
        "--images", default="0,23,28", help="test images whose feature maps are drawn (the course's FIRST_IMAGE, ...)"
    )
    parser.add_argument("--channel", type=int, default=1, help="which filter's maps to draw (CONVOLUTION_NUMBER)")
    parser.add_argument("--explain", action="store_true", help="print one training step layer by layer first")
    args = parser.parse_args(argv)
    for name in ("epochs", "batch_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1. Received: {getattr(args, name)}.")
    try:
        args.images = [int(i) for i in args.images.split(",")]
    except ValueError:
        parser.error(f"--images must be comma-separated test image numbers, such as 0,23,28. Received: {args.images}.")
    if not 0 <= args.channel < 64:
        parser.error(f"--channel must be one of the 64 filters, 0 to 63. Received: {args.channel}.")
    return args


def step(number: int, title: str) -> None:
    print(f"\n{number}. {title}")


def note(text: str) -> None:
    print(f"   {text}")


def main(argv=None) -> int:
    args = parse_args(argv)
    print("The convolutions lesson in scratchnet: filters that slide over the image, then a small dense network.")

    # 1. Load -------------------------------------------------------------------------------------------------
    step(1, "Load the data: sn.datasets.fashion_mnist.load_data()")
    try:
        (x_train, y_train), (x_test, y_test) = sn.datasets.fashion_mnist.load_data(args.data_dir)
    except sn.datasets.DatasetError as exc:
        print(f"\n{exc}", file=sys.stderr)
        return 1
    if args.train_samples is not None:
        x_train, y_train = x_train[: args.train_samples], y_train[: args.train_samples]
    if args.test_samples is not None:
        x_test, y_test = x_test[: args.test_samples], y_test[: args.test_samples]
    bad = [i for i in args.images if not 0 <= i < len(x_test)]
    if bad:
        print(f"--images must be test images in [0, {len(x_test)}). Received: {bad}.", file=sys.stderr)
        return 2
    names = sn.datasets.fashion_mnist.class_names
    note(f"{len(x_train):,} training and {len(x_test):,} test images, shape {x_train.shape[1:]}, pixels 0..255.")

    # 2. Reshape and normalize --------------------------------------------------------------------------------
    step(2, "Reshape and normalize: x_train.reshape(-1, 28, 28, 1) / 255.0")
    x_train = x_train.reshape(-1, 28, 28, 1) / 255.0
    x_test = x_test.reshape(-1, 28, 28, 1) / 255.0
    note("A convolution wants (height, width, channels): grayscale images get one channel axis, at the end.")
    note("Without it, Conv2D says so and shows this reshape (or a Reshape((28, 28, 1)) layer).")

    # 3. Build ------------------------------------------------------------------------------------------------
    step(3, "Build the model: two Conv2D + MaxPooling2D blocks, then Flatten -> Dense(128) -> Dense(10)")
    L = sn.layers
    model = sn.models.Sequential(
        [
            L.Conv2D(64, (3, 3), activation="relu", input_shape=(28, 28, 1)),
            L.MaxPooling2D(2, 2),
            L.Conv2D(64, (3, 3), activation="relu"),
            L.MaxPooling2D(2, 2),
            L.Flatten(),
            L.Dense(128, activation="relu"),
            L.Dense(10, activation="softmax"),
        ],
        seed=args.seed,
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.summary(print_fn=lambda line: print(f"   {line}"))
    note("Each Conv2D has 64 filters of 3×3(×channels) weights + 64 biases: 640 and 36,928 parameters.")
    note("A 3×3 'valid' convolution trims one pixel off each border (28 -> 26); each 2×2 pooling halves it.")
    note("Inside, the convolution is one matmul: every 3×3 patch becomes a row (im2col), times W as a matrix.")
    if args.explain:
        model.explain(x_train[:2], y_train[:2])
    else:
        note("To see one training step go through these layers, forward and backward, add --explain.")

    # 4. Train ------------------------------------------------------------------------------------------------
    step(4, f"Train: model.fit(x_train, y_train, epochs={args.epochs})")
    start = time.perf_counter()
    history = model.fit(x_train, y_train, batch_size=args.batch_size, epochs=args.epochs, verbose=2)
    note(f"Trained in {time.perf_counter() - start:.1f} s: training accuracy {history.history['accuracy'][-1]:.1%}.")

    # 5. Evaluate ---------------------------------------------------------------------------------------------
    step(5, f"Evaluate on the {len(x_test):,} test images")
    test_loss, test_acc = model.evaluate(x_test, y_test, verbose=0)
    note(f"Test loss: {test_loss:.4f}")
    note(f"Test accuracy: {test_acc:.4f} (the dense network of examples/mnist.py reaches about 0.87)")

    # 6. Look inside ------------------------------------------------------------------------------------------
    step(6, f"Look inside: feature maps of test images {args.images}, and the first layer's filters, in {args.out}/")
    from scratchnet import plotting

    chosen = x_test[args.images]
    labels = y_test[args.images]
    note(f"Those images are: {', '.join(names[k] for k in labels)}.")
    maps = plotting.feature_maps(model, chosen)
    for name, a in maps.items():
        note(f"{name:<16} output {a.shape[1:]}: channel {args.channel} is one {a.shape[1]}×{a.shape[2]} map")
    figures = {
        "conv_kernels.png": plotting.plot_kernels(model.layers[0].kernel),
        "conv_feature_maps.png": plotting.plot_feature_maps(
            model, chosen, channel=args.channel, labels=labels, class_names=names
        ),
        "conv_history.png": plotting.plot_history(history),
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    import matplotlib.pyplot as plt

    print(f"Wrote {len(figures)} figures:")
    for name, fig in figures.items():
        path = out / name
        fig.savefig(path, dpi=100, metadata={"Software": None})
        plt.close(fig)
        print(f"  {path!s}  {FIGURES[name].format(images=args.images, channel=args.channel)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
