# %% [markdown]
# # Lesson 4: is my gradient right?
#
# A wrong backward does not crash. The network still trains, a bit worse, and nothing tells you. The one
# reliable test is to compare the backward with the definition of a derivative: nudge an input a little, see how
# much the loss moves. That is what `exercises.check` did in lessons 2 and 3, and what `sn.gradcheck` does for
# whole layers and models.
#
# Derivations: the section "Gradient checking" of the guide,
# [docs/backprop.md](../docs/backprop.md#gradient-checking-how-to-know-a-backward-is-right).
# Teachers: `python -m scratchnet.lab build` writes a guide with this lesson's objectives, timing and what each
# check looks for.

# %% [markdown]
# ## Finite differences
#
# For a function `f`, the centred difference `(f(x + h) - f(x - h)) / (2h)` approaches `f'(x)` with an error
# proportional to `h²`. But `h` cannot be tiny either: `f(x + h) - f(x - h)` then subtracts two nearly equal
# numbers, and the rounding error of float64 (about 1e-16) is divided by `h`. The sweet spot is near `h = 1e-5`.

# %%
def f(x):
    return np.sin(x) * x**2


def df(x):  # by hand: the product rule
    return np.cos(x) * x**2 + 2 * x * np.sin(x)


x0 = 1.3
hs = np.logspace(-13, -1, 60)
errors = [abs((f(x0 + h) - f(x0 - h)) / (2 * h) - df(x0)) for h in hs]
fig, ax = plt.subplots(figsize=(5, 3.2), layout="constrained")
ax.loglog(hs, errors, ".-")
ax.set(xlabel="step h", ylabel="|numeric - exact|", title="centred differences in float64")
ax.annotate("rounding error ~ 1e-16 / h", (1e-12, 1e-4))
ax.annotate("truncation error ~ h²", (1e-3, 1e-6))
plt.show()

# %% [markdown]
# For a layer there is no single number `f` yet, so the checker makes one: `L = sum(forward(x) * dy)` with a
# **random** `dy`. Then `dL/dy = dy`, and `backward(dy)` must return `dL/dx`, which finite differences measure
# entry by entry. (With `dy` all ones, a backward that forgets to multiply by `dy` would pass.) The score is the
# relative error `|analytic - numeric| / (|analytic| + |numeric|)`: about 1e-9 is right, 1e-3 and up is a bug.

# %%
rng = np.random.default_rng(0)
print(sn.gradcheck.check_layer(sn.layers.Dense(3, activation="tanh"), rng.normal(size=(4, 5))))

# %% [markdown]
# ## Reading a failing report
#
# This layer has a classic bug: it divides `dW` by the batch size. (A layer must not: the 1/N is already in
# the `dz` the loss handed down.) The report names the array, its worst entry, and both numbers: the analytic one
# is smaller than the numeric one by exactly N = 4.


# %%
class BadDense(sn.layers.Dense):
    def backward_linear(self, dz):
        dx = super().backward_linear(dz)
        self.grads["W"] /= len(dz)  # the bug
        return dx


print(sn.gradcheck.check_layer(BadDense(3), rng.normal(size=(4, 5))))

# %% [markdown]
# ## Your own layer
#
# **Exercise.** A leaky ReLU lets a little gradient through where the unit is off: `y = x` where `x > 0`, else
# `y = alpha * x`. The forward is written; write the backward. The layer contract (see `help(sn.layers.Layer)`):
# `forward` keeps what `backward` needs, `backward(dy)` returns `dx` and must not change `dy`.
# `exercises.check_layer` checks the contract, then the gradients alone, then that float32 stays float32 (a
# Python float inside `np.where` makes a float64 array), then the layer inside a model, then that the model
# trains.


# %%
class LeakyReLU(sn.layers.Layer):
    def __init__(self, alpha=0.1, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def forward(self, x, training=False):
        self.x = x
        return np.where(x > 0, x, self.alpha * x)

    def backward(self, dy):
        # BEGIN SOLUTION
        return np.where(self.x > 0, dy, self.alpha * dy)
        # END SOLUTION


exercises.check_layer(LeakyReLU)

# %% [markdown]
# Once it passes, it trains like any other layer:

# %%
if exercises.check_layer(LeakyReLU).passed:
    (x_train, y_train), (x_test, y_test) = sn.datasets.fashion_mnist.load_data(verbose=0)
    model = sn.Sequential(
        [
            sn.layers.Flatten(input_shape=(28, 28)),
            sn.layers.Dense(64),
            LeakyReLU(0.1),
            sn.layers.Dense(10, activation="softmax"),
        ],
        seed=0,
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train[:6000] / 255.0, y_train[:6000], epochs=2)
    print("test accuracy:", round(model.evaluate(x_test / 255.0, y_test, verbose=0)[1], 3))
else:
    print("Finish LeakyReLU.backward above first; then this cell trains a model with it.")

# %% [markdown]
# ## Dropout's backward
#
# Inverted dropout keeps each unit with probability `1 - rate` and scales the survivors by `1 / (1 - rate)`:
# `y = x * mask / (1 - rate)`. **Exercise:** `dropout_backward(dy, mask, rate)`, with `mask` a bool array.


# %%
def dropout_backward(dy, mask, rate):
    # BEGIN SOLUTION
    return dy * mask / (1.0 - rate)
    # END SOLUTION


exercises.check("dropout_backward", dropout_backward)

# %% [markdown]
# ## A whole model
#
# `sn.gradcheck.check_model` checks every parameter of a compiled model, through the very path `fit` uses
# (including the fused softmax + cross-entropy). Every layer of scratchnet passes it in the test suite.

# %%
small = sn.Sequential(
    [sn.layers.Dense(6, activation="relu", input_shape=(4,)), sn.layers.Dense(3, activation="softmax")], seed=1
)
small.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
xs = rng.normal(size=(8, 4))
print(sn.gradcheck.check_model(small, xs, rng.integers(0, 3, size=8)))

# %% [markdown]
# Lesson 5: what the optimizer does with these gradients.
