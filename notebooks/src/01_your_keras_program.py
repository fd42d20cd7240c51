# %% [markdown]
# # Lesson 1: your Keras program, in scratchnet
#
# The classic first exercise trains `Flatten -> Dense(128, relu) -> Dense(10, softmax)` on Fashion-MNIST with
# `tf.keras`. Here it runs unchanged except for one line: `import scratchnet as sn` instead of TensorFlow.
# Every number it computes comes from NumPy code you can read (`sn.layers.Dense`, `sn.optimizers.Adam`, ...).
#
# In this lesson: train the model, read its predictions, pick the predicted class correctly (a classic slip
# waits there), and draw an image beside its probabilities.
#
# Run the cells from top to bottom (Shift+Enter). Cells that say `# your code here` are yours to fill in; the
# cell after each one checks your answer.
#
# Derivations: the section "One training step" of the guide,
# [docs/backprop.md](../docs/backprop.md#one-training-step).
# Teachers: `python -m scratchnet.lab build` writes a guide with this lesson's objectives, timing and what each
# check looks for.

# %% [markdown]
# ## The program
#
# 70,000 small grey pictures of clothes, 28 × 28 pixels, each labelled with one of 10 classes. To keep this
# lesson quick we train on the first 12,000 training images for 3 epochs (the full exercise uses all 60,000 and
# 5 epochs; change the two numbers to see the difference).

# %%
(x_train, y_train), (x_test, y_test) = sn.datasets.fashion_mnist.load_data(verbose=0)
class_names = sn.datasets.fashion_mnist.class_names
x_train, x_test = x_train / 255.0, x_test / 255.0  # pixels from 0..255 to 0..1

model = sn.Sequential(
    [
        sn.layers.Flatten(input_shape=(28, 28)),
        sn.layers.Dense(128, activation="relu"),
        sn.layers.Dense(10, activation="softmax"),
    ],
    seed=0,
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.summary()

# %%
history = model.fit(x_train[:12000], y_train[:12000], epochs=3)

# %%
test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test accuracy: {test_accuracy:.3f}")

# %% [markdown]
# ## Predictions
#
# `model.predict` returns one row per image: ten probabilities, one per class, that sum to 1 (that is what the
# final softmax does).

# %%
predictions = model.predict(x_test, verbose=0)
print(predictions.shape)
print(np.round(predictions[0], 3), "sum:", predictions[0].sum())

# %% [markdown]
# The predicted class of image `i` is the position of the largest probability: `np.argmax(predictions[i])`.

# %%
i = 0
print("predicted:", np.argmax(predictions[i]), class_names[np.argmax(predictions[i])])
print("true:     ", y_test[i], class_names[y_test[i]])

# %% [markdown]
# ### The classic slip: `np.argmax(predictions)` without an axis
#
# `predictions` is a 2-D array, (10000, 10). Without `axis=`, `np.argmax` flattens it into 100,000 numbers and
# returns *one* index into all of them: not a class, not one answer per image.

# %%
flat_index = np.argmax(predictions)
print("np.argmax(predictions) =", flat_index)
print("which is row, column", np.unravel_index(flat_index, predictions.shape), "of the (10000, 10) array")

# %% [markdown]
# **Exercise.** Write `predicted_classes(probabilities)`: for an array `(N, C)` of probabilities, return the
# `N` predicted classes. (One line; the axis is the point.)


# %%
def predicted_classes(probabilities):
    # BEGIN SOLUTION
    return np.argmax(probabilities, axis=1)
    # END SOLUTION


exercises.check("predicted_classes", predicted_classes)

# %%
labels = np.argmax(predictions, axis=1)
print("first ten predicted:", labels[:10])
print("first ten true:     ", y_test[:10])
print(f"accuracy computed by hand: {np.mean(labels == y_test):.3f}")

# %% [markdown]
# ## Looking at one prediction
#
# The picture to draw is the image beside a **bar chart** of its ten probabilities: one bar per class, in class
# order, so you can read which classes the model hesitates between. Red is the predicted class, blue the true
# one (one blue bar: right).

# %%
sn.plotting.plot_prediction(x_test[7], predictions[7], y_test[7], class_names)

# %% [markdown]
# The original exercise drew `plt.hist(predictions[7], bins='auto')`. That is a **histogram** of ten numbers:
# its x axis is "probability value" and its bars count how many classes fall in each range. Which class got
# which probability is gone, and nine near-zero probabilities pile up in one tall bar at 0. Side by side:

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3), layout="constrained")
left.hist(predictions[7], bins="auto")
left.set(title="plt.hist(predictions[7]): the wrong picture", xlabel="probability value", ylabel="how many classes")
right.bar(range(10), predictions[7], color="tab:blue")
right.set(title="plt.bar(range(10), predictions[7])", xlabel="class", ylabel="probability", ylim=(0, 1))
right.set_xticks(range(10), class_names, rotation=45, ha="right")
plt.show()

# %% [markdown]
# ## Many predictions at once
#
# Red labels are mistakes. Which classes does the model confuse? (Lesson 6 looks inside the network.)

# %%
sn.plotting.plot_predictions_grid(x_test[:15], predictions[:15], y_test[:15], class_names)

# %%
sn.plotting.plot_confusion_matrix(y_test, labels, class_names=class_names)

# %% [markdown]
# ## Your own picture
#
# A model only understands inputs prepared like its training images: 28 × 28, grayscale, a bright object on a
# black background, centred. `sn.images.prepare_image` does that to any photo or drawing (it inverts dark-on-light
# pictures, crops, scales and centres). Fashion-MNIST's items fill the frame, hence `box=28, center="box"`; for
# handwritten digits and an MNIST model keep the defaults (a 20-pixel box centred by mass, as MNIST was made).
#
# Here we fake a phone photo from a test image the model gets right, confidently: larger, dark on light paper, a
# little noise. Replace `photo` by the path of your own picture (in Colab: upload it with the file browser on the
# left).

# %%
import tempfile
from pathlib import Path

from PIL import Image

# The first test image the model classifies right with at least 90% (a fair start: what changes is the photo).
k = next(i for i in range(len(y_test)) if labels[i] == y_test[i] and predictions[i].max() >= 0.9)
rng = np.random.default_rng(1)
paper = 1.0 - np.kron(x_test[k], np.ones((8, 8)))  # 224 × 224, dark on light
paper = np.clip(paper + rng.normal(0, 0.03, paper.shape), 0, 1)
photo = Path(tempfile.mkdtemp()) / "my_photo.png"
Image.fromarray((paper * 255).astype(np.uint8)).save(photo)

mine = sn.images.prepare_image(photo, box=28, center="box")
p_mine = model.predict(mine[None], verbose=0)[0]
fig, axes = plt.subplots(1, 2, figsize=(6, 3), layout="constrained")
axes[0].imshow(paper, cmap="gray")
axes[0].set(title="the photo", xticks=[], yticks=[])
axes[1].imshow(mine, cmap="gray")
axes[1].set(title="prepared: 28 × 28, inverted", xticks=[], yticks=[])
plt.show()
print(f"test image {k}, a {class_names[y_test[k]]}: predicted {class_names[labels[k]]} {predictions[k].max():.0%}")
sn.plotting.plot_prediction(mine, p_mine, class_names=class_names)

# %% [markdown]
# The prepared photo is close to the test image, not identical (scaled twice, noisy), and a small model trained
# for a minute can change its mind on such details: compare the two predictions, then try another `k`. Your own
# photos will differ from the training images even more (lighting, angle, background); that is where accuracy on
# the test set stops telling the whole story.

# %% [markdown]
# ## What next
#
# Lesson 2 opens the `Dense` layer: forward, backward, and the chain rule with numbers you can check by hand.
