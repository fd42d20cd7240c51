"""TensorFlow's "Basic classification: Classify images of clothing" tutorial, in scratchnet.

The tutorial's code runs here with ``tf.keras`` replaced by ``scratchnet``. Its one twist on the MNIST exercise:
the model ends in ``Dense(10)`` *without* a softmax, so it outputs logits (any real numbers), and the loss is
told so with ``from_logits=True`` -- it then applies the softmax itself, stably. To read probabilities
afterwards, the trained model is wrapped with a Softmax layer: ``Sequential([model, layers.Softmax()])``.

Figures (PNG) written to ``--out``:

    train_images.png       the first 25 training images with their class names
    prediction_0.png       test image 0 beside its class probabilities (predicted red, true blue)
    prediction_12.png      test image 12, the same
    predictions_grid.png   the first 15 test images with predicted and true labels
    single_prediction.png  test image 1, predicted on its own as a batch of one

    python examples/fashion_mnist.py                      # 10 epochs, as in the tutorial
    python examples/fashion_mnist.py --data-dir ../shared/data --epochs 2 --train-samples 5000
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

import scratchnet as sn
from scratchnet import layers, plotting


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="The TF 'Basic classification' tutorial on Fashion-MNIST.")
    parser.add_argument("--epochs", type=int, default=10, help="passes over the training images (default: 10)")
    parser.add_argument(
        "--data-dir", default=None, help="folder holding fashion-mnist/ (default: $SCRATCHNET_DATA_DIR)"
    )
    parser.add_argument("--train-samples", type=int, default=None, help="use only the first N training images")
    parser.add_argument("--seed", type=int, default=0, help="seed for the initial weights and the shuffling")
    parser.add_argument(
        "--out", default="out/fashion_mnist", help="folder for the figures (default: out/fashion_mnist)"
    )
    args = parser.parse_args(argv)

    # --- Import the Fashion-MNIST dataset -------------------------------------------------------------------
    fashion_mnist = sn.datasets.fashion_mnist
    try:
        (train_images, train_labels), (test_images, test_labels) = fashion_mnist.load_data(args.data_dir)
    except sn.datasets.DatasetError as exc:
        print(exc, file=sys.stderr)
        return 1
    train_images, train_labels = train_images[: args.train_samples], train_labels[: args.train_samples]
    # The labels are integers 0..9; the tutorial types out what they mean (also in fashion_mnist.class_names).
    class_names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]  # fmt: skip

    # --- Explore the data -----------------------------------------------------------------------------------
    print("train_images.shape:", train_images.shape, " len(train_labels):", len(train_labels))
    print("train_labels:", train_labels)
    print("test_images.shape:", test_images.shape, " len(test_labels):", len(test_labels))

    # --- Preprocess the data: scale pixels from [0, 255] to [0, 1] ------------------------------------------
    train_images = train_images / 255.0
    test_images = test_images / 255.0

    # --- Build the model: it ends in Dense(10) with no activation, so it outputs logits ---------------------
    model = sn.models.Sequential(
        [
            layers.Flatten(input_shape=(28, 28)),
            layers.Dense(128, activation="relu"),
            layers.Dense(10),
        ],
        seed=args.seed,
    )
    model.compile(
        optimizer="adam",
        loss=sn.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )

    # --- Train, then evaluate accuracy ------------------------------------------------------------------------
    model.fit(train_images, train_labels, epochs=args.epochs)
    test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=2)
    print("\nTest accuracy:", test_acc, " Test loss:", round(test_loss, 4))

    # --- Make predictions: attach a softmax to turn logits into probabilities ----------------------------------
    probability_model = sn.models.Sequential([model, layers.Softmax()])
    predictions = probability_model.predict(test_images)
    print("\npredictions[0]:", predictions[0])
    print("np.argmax(predictions[0]):", np.argmax(predictions[0]), f"({class_names[np.argmax(predictions[0])]})")
    print("test_labels[0]:", test_labels[0], f"({class_names[test_labels[0]]})")

    # --- Use the trained model on a single image: a batch of one -------------------------------------------
    img = test_images[1]
    img = np.expand_dims(img, 0)  # (28, 28) -> (1, 28, 28): models always take batches
    predictions_single = probability_model.predict(img)
    print("\npredictions_single:", predictions_single)
    print("np.argmax(predictions_single[0]):", np.argmax(predictions_single[0]))

    # --- Verify predictions: draw them ----------------------------------------------------------------------
    import matplotlib.pyplot as plt

    figures = {"train_images.png": plot_training_images(train_images[:25], train_labels[:25], class_names)}
    for i in (0, 12):
        figures[f"prediction_{i}.png"] = plotting.plot_prediction(
            test_images[i], predictions[i], test_labels[i], class_names
        )
    figures["predictions_grid.png"] = plotting.plot_predictions_grid(
        test_images[:15], predictions[:15], test_labels[:15], class_names, rows=3, cols=5
    )
    figures["single_prediction.png"] = plotting.plot_prediction(
        img[0], predictions_single[0], test_labels[1], class_names
    )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print(f"\nWrote {len(figures)} figures:")
    for name, fig in figures.items():
        fig.savefig(out / name, dpi=100, metadata={"Software": None})
        plt.close(fig)
        print(f"  {out / name}")
    return 0


def plot_training_images(images, labels, class_names):
    """The tutorial's first look at the data: 25 training images, each titled with its class name."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(5, 5, figsize=(8, 8.8), layout="constrained")
    for image, label, ax in zip(images, labels, axes.ravel(), strict=False):
        plotting.plot_image(image, true_label=label, class_names=class_names, ax=ax)
    fig.suptitle("the first 25 training images and their labels")
    return fig


if __name__ == "__main__":
    sys.exit(main())
