# %% [markdown]
# # Lesson 6: watching a network learn
#
# A loss curve says *that* training goes well or badly. To see *why*, look inside: how big the activations are,
# how many ReLUs have died, how large the gradients and the updates are, layer by layer. This lesson trains a few
# small networks on purpose badly and well, and watches.
#
# Derivations: the section "What the MNIST exercise learned, in pictures" of the guide,
# [docs/backprop.md](../docs/backprop.md#what-the-mnist-exercise-learned-in-pictures).
# Teachers: `python -m scratchnet.lab build` writes a guide with this lesson's objectives, timing and what each
# check looks for.

# %%
from scratchnet.callbacks import LivePlot

(x_train, y_train), (x_test, y_test) = sn.datasets.fashion_mnist.load_data(verbose=0)
x_small, y_small = x_train[:6000] / 255.0, y_train[:6000]


def make_model(seed=0, kernel_initializer="glorot_uniform"):
    model = sn.Sequential(
        [
            sn.layers.Flatten(input_shape=(28, 28)),
            sn.layers.Dense(64, activation="relu", kernel_initializer=kernel_initializer),
            sn.layers.Dense(64, activation="relu", kernel_initializer=kernel_initializer),
            sn.layers.Dense(10, activation="softmax", kernel_initializer=kernel_initializer),
        ],
        seed=seed,
    )
    return model


# %% [markdown]
# ## Live curves
#
# `LivePlot` redraws the curves while `fit` runs (here every 75 steps, and at each epoch's end). In a notebook it
# is one picture, replaced in place; in a script it writes `training.png`.

# %%
model = make_model()
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x_small, y_small, epochs=4, validation_split=0.2, callbacks=[LivePlot(every_n_batches=75)])

# %% [markdown]
# ## Inside the layers: `LayerStats`
#
# `LayerStats` records, on a fixed probe batch, after every epoch: the mean and spread of each layer's output,
# the fraction of dead ReLUs (units that output 0 for every example of the probe batch, so they get no gradient
# and never recover), the norm of every gradient, and the update-to-weight ratio (about 1e-3 is healthy).

# %%
stats = sn.callbacks.LayerStats(x_small, y_small)
model = make_model()
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_small, y_small, epochs=3, callbacks=[stats], verbose=0)
sn.plotting.plot_layer_stats(stats)

# %% [markdown]
# ## A learning rate too high kills ReLUs
#
# With SGD at learning rate 1.0, the first steps are so large that many units are pushed to negative inputs for
# every image: they output 0, get a zero gradient, and stay dead.

# %%
for lr in (0.05, 1.0):
    stats = sn.callbacks.LayerStats(x_small, y_small)
    model = make_model()
    model.compile(optimizer=sn.optimizers.SGD(learning_rate=lr), loss="sparse_categorical_crossentropy")
    with np.errstate(all="ignore"):
        model.fit(x_small, y_small, epochs=2, callbacks=[stats], verbose=0)
    dead = {layer: f"{fractions[-1]:.0%}" for layer, fractions in stats.stats["dead_fraction"].items()}
    print(f"SGD lr {lr}: dead ReLUs after 2 epochs {dead}, final probe loss {stats.stats['loss'][-1]:.3f}")

# %% [markdown]
# ## Too low, right, too high
#
# The same model, Adam with three learning rates. Too low: it barely moves. Too high: it jumps around a poor
# loss (or diverges). Try others.

# %%
fig, ax = plt.subplots(figsize=(5.5, 3.2), layout="constrained")
for lr in (1e-5, 1e-3, 5e-2):
    model = make_model()
    model.compile(optimizer=sn.optimizers.Adam(learning_rate=lr), loss="sparse_categorical_crossentropy")
    with np.errstate(all="ignore"):
        h = model.fit(x_small, y_small, epochs=4, verbose=0).history
    ax.plot(range(1, 5), h["loss"], "o-", label=f"Adam lr {lr:g}")
ax.set(xlabel="epoch", ylabel="training loss", title="the learning rate", yscale="log")
ax.legend()
plt.show()

# %% [markdown]
# ## Initialization
#
# Zeros: every unit of a layer computes the same thing and gets the same gradient, forever; and with ReLU and
# zero weights, no gradient reaches the first layers at all. Too large (Glorot × 8): activations and logits blow
# up, the softmax saturates and the first losses are huge. Glorot (Keras's default) scales the weights so the
# signal keeps its size from layer to layer.

# %%
import warnings

fig, ax = plt.subplots(figsize=(5.5, 3.2), layout="constrained")
for label in ("zeros", "glorot_uniform", "glorot_uniform x 8"):
    model = make_model(kernel_initializer=label.split()[0])
    model.build((28, 28))
    if label.endswith("x 8"):
        for layer in model.layers:
            if "W" in layer.params:
                layer.params["W"] *= 8  # in place: the model's parameter vector sees it
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    with np.errstate(all="ignore"), warnings.catch_warnings(record=True) as hints:
        warnings.simplefilter("always")
        h = model.fit(x_small, y_small, epochs=4, verbose=0).history
    for hint in hints:  # scratchnet's training hints say what looks wrong
        print(f"{label}: {hint.message}")
    ax.plot(range(1, 5), h["loss"], "o-", label=label)
ax.set(xlabel="epoch", ylabel="training loss", title="the initial weights", yscale="log")
ax.legend()
plt.show()

# %% [markdown]
# ## Questions to try
#
# - Add `sn.layers.Dropout(0.2)` after each hidden layer: what happens to the gap between training and validation
#   in the live plot?
# - Make the hidden layers `sigmoid`: what does `plot_layer_stats` show for the gradient norms of the first layer?
# - Find the largest SGD learning rate that kills no ReLU in two epochs.
