"""The MNIST exercise, end to end: load, normalize, build, train, evaluate, predict, and look at the result.

This is the classic first neural network (TensorFlow's "hello world" of image classification), written with
scratchnet in place of tf.keras:

    Flatten -> Dense(128, relu) -> Dense(10, softmax), trained with Adam for 5 epochs

It prints each step as it goes and writes five figures (PNG) to ``--out``:

    prediction.png           the chosen test image beside its 10 class probabilities (predicted red, true blue)
    predictions_grid.png     25 test images labelled with their predicted and true classes
    history.png              loss and accuracy per epoch, training against validation
    confusion_matrix.png     which digits are mistaken for which
    first_layer_weights.png  what each unit of the first Dense layer looks for, as a 28×28 picture

``--dataset auto`` (the default) means MNIST. When MNIST cannot be had (no network, no local copy) but
Fashion-MNIST is on disk, the run says so in one line and does the same exercise on Fashion-MNIST, so the whole
pipeline can be seen on an offline machine. ``--dataset mnist`` never falls back.

Run it with ``make demo`` or::

    python examples/mnist.py                         # 5 epochs on all 60,000 training images, ~10 s
    python examples/mnist.py --index 12 --out figs   # look at test image 12, write the figures to ./figs
    python examples/mnist.py --data-dir ../shared/data --train-samples 2000 --epochs 1   # a quick look
    python examples/mnist.py --explain               # also print one training step, layer by layer
    python examples/mnist.py --image my_seven.jpg    # also classify your own photo or drawing (your_image.png)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

import scratchnet as sn

# What each figure shows, in the order they are written; printed at the end of a run.
FIGURES = {
    "prediction.png": "test image #{index} beside its class probabilities (predicted red, true blue)",
    "predictions_grid.png": "the first 25 test images, labelled predicted (true): blue when right, red when wrong",
    "history.png": "loss and accuracy after each epoch, training against validation",
    "confusion_matrix.png": "which classes are mistaken for which (rows true, columns predicted)",
    "first_layer_weights.png": "the first Dense layer's weights, one 28×28 picture per unit (the first 32 of 128)",
    "your_image.png": "{image}, prepared like the training images, beside its class probabilities",
}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Train Flatten -> Dense(128, relu) -> Dense(10, softmax) on MNIST and draw what it learned.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--dataset",
        choices=["auto", "mnist", "fashion_mnist"],
        default="auto",
        help="auto: MNIST, or Fashion-MNIST when MNIST cannot be had but Fashion-MNIST is on disk",
    )
    parser.add_argument("--epochs", type=int, default=5, help="passes over the training images")
    parser.add_argument("--batch-size", type=int, default=32, help="images per gradient step")
    parser.add_argument("--validation-split", type=float, default=0.1, help="fraction held out for validation")
    parser.add_argument("--seed", type=int, default=0, help="seed for the initial weights and the shuffling")
    parser.add_argument(
        "--data-dir", default=None, help="folder holding mnist/ and fashion-mnist/ (default: $SCRATCHNET_DATA_DIR)"
    )
    parser.add_argument("--out", default="out", help="folder the figures are written to")
    parser.add_argument("--index", type=int, default=0, help="which test image to predict and draw")
    parser.add_argument(
        "--train-samples", type=int, default=None, help="use only the first N training images (for quick runs)"
    )
    parser.add_argument(
        "--image", default=None, help="also classify this picture (PNG, JPEG) of your own, prepared like MNIST"
    )
    parser.add_argument(
        "--explain", action="store_true", help="before training, print one training step layer by layer (model.explain)"
    )
    args = parser.parse_args(argv)
    for name in ("epochs", "batch_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1. Received: {getattr(args, name)}.")
    if args.train_samples is not None and args.train_samples < 2:
        parser.error(f"--train-samples must be at least 2. Received: {args.train_samples}.")
    if not 0 <= args.validation_split < 1:
        parser.error(f"--validation-split must be in [0, 1). Received: {args.validation_split}.")
    return args


def step(number: int, title: str) -> None:
    """Print the heading of one step of the lesson."""
    print(f"\n{number}. {title}")


def note(text: str) -> None:
    print(f"   {text}")


def load(choice: str, data_dir: str | None):
    """Load the dataset. Returns (title, class_names, ((x_train, y_train), (x_test, y_test))).

    Raises:
        scratchnet.datasets.DatasetError: when the dataset (and, for 'auto', its fallback) cannot be loaded.
    """
    datasets = sn.datasets
    if choice == "fashion_mnist":
        return "Fashion-MNIST", datasets.fashion_mnist.class_names, datasets.fashion_mnist.load_data(data_dir)
    # The loader runs silently (verbose=0): when it fails, its message lists every attempt, and for 'auto' the one
    # line below says what happens instead. Offline, the attempt takes a few seconds (the loader retries).
    if choice == "mnist" and not datasets.mnist.available_locally(data_dir):
        note("MNIST is not on disk yet, so load_data() tries to download it (up to 11 MB, once).")
    try:
        return "MNIST", None, datasets.mnist.load_data(data_dir, verbose=0)
    except datasets.DatasetError:
        if choice == "mnist" or not datasets.fashion_mnist.available_locally(data_dir):
            raise
    note(
        "MNIST is not available (offline and not on disk; --dataset mnist says more), so this run uses the "
        "Fashion-MNIST found on disk: the same exercise, on pictures of clothes."
    )
    return "Fashion-MNIST", datasets.fashion_mnist.class_names, datasets.fashion_mnist.load_data(data_dir)


def main(argv=None) -> int:
    args = parse_args(argv)
    print("The MNIST exercise in scratchnet: a network of two Dense layers learns to read 28×28 images.")

    # 1. Load -------------------------------------------------------------------------------------------------
    step(1, "Load the data: (x_train, y_train), (x_test, y_test) = sn.datasets.mnist.load_data()")
    try:
        title, class_names, ((x_train, y_train), (x_test, y_test)) = load(args.dataset, args.data_dir)
    except sn.datasets.DatasetError as exc:
        print(f"\n{exc}", file=sys.stderr)
        if args.dataset == "auto":
            print(
                "\nNo verified copy of Fashion-MNIST (the offline fallback) was found either. Put its four files "
                "in <root>/fashion-mnist/ and set SCRATCHNET_DATA_DIR=<root> (or pass --data-dir <root>), or "
                "install Debian's dataset-fashion-mnist package.",
                file=sys.stderr,
            )
        return 1
    if args.train_samples is not None:
        x_train, y_train = x_train[: args.train_samples], y_train[: args.train_samples]
    if not 0 <= args.index < len(x_test):
        print(f"--index must be a test image in [0, {len(x_test)}). Received: {args.index}.", file=sys.stderr)
        return 2
    mine = None
    if args.image is not None:
        # MNIST's digits fill a 20×20 box centred by mass in 28×28; Fashion-MNIST's items fill the frame.
        how = {} if title == "MNIST" else {"box": 28, "center": "box"}
        try:
            mine = sn.images.prepare_image(args.image, **how)
        except (OSError, ValueError) as exc:
            print(f"--image: {exc}", file=sys.stderr)
            return 2
    num_classes = int(y_test.max()) + 1
    names = class_names or [str(k) for k in range(num_classes)]
    note(
        f"{title}: {len(x_train):,} training and {len(x_test):,} test images of {x_train.shape[1]}×"
        f"{x_train.shape[2]} {x_train.dtype} pixels in [0, 255], each labelled with one of {num_classes} classes."
    )
    if class_names:
        note(f"Classes: {', '.join(f'{k} {name}' for k, name in enumerate(class_names))}.")

    # 2. Normalize --------------------------------------------------------------------------------------------
    step(2, "Normalize: x_train / 255.0, x_test / 255.0")
    x_train, x_test = x_train / 255.0, x_test / 255.0
    note("Pixels now lie in [0, 1], the scale the initial weights are made for (raw 0..255 saturates the softmax).")

    # 3. Build ------------------------------------------------------------------------------------------------
    step(3, "Build the model: Flatten -> Dense(128, relu) -> Dense(10, softmax)")
    model = sn.models.Sequential(
        [
            sn.layers.Flatten(input_shape=x_train.shape[1:]),
            sn.layers.Dense(128, activation=sn.nn.relu),
            sn.layers.Dense(num_classes, activation=sn.nn.softmax),
        ],
        seed=args.seed,
    )
    model.compile(optimizer=sn.optimizers.Adam(), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.summary(print_fn=lambda line: print(f"   {line}"))
    note("Flatten turns each image into 784 numbers; each Dense computes x @ W + b, then its activation.")
    if args.explain:
        note("One training step on two images, layer by layer: model.explain(x_train[:2], y_train[:2])")
        model.explain(x_train[:2], y_train[:2])
    else:
        note("To watch one training step go through these layers, forward and backward, add --explain.")

    # 4. Train ------------------------------------------------------------------------------------------------
    held_out = f", holding out the last {args.validation_split:.0%} for validation" if args.validation_split else ""
    step(4, f"Train: model.fit(x_train, y_train, epochs={args.epochs}, validation_split={args.validation_split:g})")
    note(
        f"Adam follows the gradient of the cross-entropy loss, one batch of {args.batch_size} images at a time"
        f"{held_out}."
    )
    start = time.perf_counter()
    history = model.fit(
        x_train, y_train, batch_size=args.batch_size, epochs=args.epochs, validation_split=args.validation_split
    )
    seconds = time.perf_counter() - start
    logs = {name: values[-1] for name, values in history.history.items()}
    summary = f"training accuracy {logs['accuracy']:.1%}"
    if "val_accuracy" in logs:
        summary += f", validation accuracy {logs['val_accuracy']:.1%}"
    note(f"Trained in {seconds:.1f} s: {summary}.")

    # 5. Evaluate ---------------------------------------------------------------------------------------------
    step(5, f"Evaluate on the {len(x_test):,} test images, which the model has never seen")
    test_loss, test_acc = model.evaluate(x_test, y_test)
    note(f"Test loss: {test_loss:.4f}")
    note(f"Test accuracy: {test_acc:.4f} (chance is {1 / num_classes:.2f})")

    # 6. Predict ----------------------------------------------------------------------------------------------
    i = args.index
    step(6, f"Predict: predictions = model.predict(x_test); np.argmax(predictions[{i}])")
    predictions = model.predict(x_test)
    p = predictions[i]
    answer, truth = int(np.argmax(p)), int(y_test[i])
    note(f"predictions[{i}] = [{' '.join(f'{v:.2f}' for v in p)}]")
    note(f"These are {num_classes} probabilities, one per class; they sum to {p.sum():.2f}.")
    verdict = "right" if answer == truth else "wrong"
    note(
        f"np.argmax(predictions[{i}]) = {answer} ({names[answer]}, {p[answer]:.0%} sure). "
        f"The true label is {truth} ({names[truth]}): {verdict}."
    )

    number = 7
    if mine is not None:
        how_text = "".join(f", {k}={v!r}" for k, v in how.items())
        step(number, f"Your image: x = sn.images.prepare_image({args.image!r}{how_text}); model.predict(x[None])")
        number += 1
        note("Grayscale, inverted if the background is light, cropped, scaled and centred like the training images.")
        if title != "MNIST":
            note(
                f"This model learned {title}: it knows only its {num_classes} classes of clothes, so it names "
                "whatever your picture shows (a drawn digit too) with one of them. To classify digits, train on "
                "MNIST: --dataset mnist (it says how to get MNIST if it is missing)."
            )
        mine_p = model.predict(mine[None], verbose=0)[0]
        for k in np.argsort(mine_p)[::-1][:3]:
            note(f"{names[k]:>12}: {mine_p[k]:.1%}")

    # 7 (or 8). Draw ------------------------------------------------------------------------------------------
    step(number, f"Draw what the model learned into {args.out}/")
    from scratchnet import plotting

    y_pred = predictions.argmax(axis=1)
    figures = {
        "prediction.png": plotting.plot_prediction(x_test[i], p, truth, class_names),
        "predictions_grid.png": plotting.plot_predictions_grid(x_test[:25], predictions[:25], y_test[:25], class_names),
        "history.png": plotting.plot_history(history),
        "confusion_matrix.png": plotting.plot_confusion_matrix(y_test, y_pred, names),
        # layers[1] is the first Dense (after Flatten); its kernel W is (784, 128): one column per unit.
        "first_layer_weights.png": plotting.plot_weights(
            model.layers[1].kernel, image_shape=x_train.shape[1:], max_units=32
        ),
    }
    if mine is not None:
        figures["your_image.png"] = plotting.plot_prediction(mine, mine_p, None, class_names)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    import matplotlib.pyplot as plt

    width = max(len(str(out / name)) for name in figures)
    print(f"Wrote {len(figures)} figures:")
    for name, fig in figures.items():
        path = out / name
        # No "Software" metadata: the bytes then depend only on the figure, so regenerated docs figures diff cleanly.
        fig.savefig(path, dpi=100, metadata={"Software": None})
        plt.close(fig)
        print(f"  {path!s:<{width}}  {FIGURES[name].format(index=i, image=args.image)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
