# %% [markdown]
# # Lesson 5: optimizers
#
# The backward pass gives the gradient; the optimizer decides where to step. Plain SGD steps against the
# gradient. Momentum keeps a velocity, so it speeds up along a valley and damps the zig-zag across it. Adam
# divides each coordinate's step by a running RMS of its gradients, so every direction moves at a similar pace.
#
# We first watch them on a 2-D loss surface, where the whole path fits in one picture, then on the exercise.
#
# Derivations: the section "Optimizers: SGD and Adam" of the guide,
# [docs/backprop.md](../docs/backprop.md#optimizers-sgd-and-adam-with-bias-correction).
# Teachers: `python -m scratchnet.lab build` writes a guide with this lesson's objectives, timing and what each
# check looks for.

# %% [markdown]
# ## A long, narrow valley
#
# `L(a, b) = 0.5 * (a² + 50 b²)`: 50 times steeper across (`b`) than along (`a`). The minimum is at (0, 0).

# %%
def loss_2d(theta):
    return 0.5 * (theta[0] ** 2 + 50 * theta[1] ** 2)


def grad_2d(theta):
    return np.array([theta[0], 50 * theta[1]])


def path(optimizer, steps=60, start=(-4.0, 1.0)):
    """Run a scratchnet optimizer on the 2-D loss; returns the points visited."""
    theta = np.array(start)
    points = [theta.copy()]
    for _ in range(steps):
        optimizer.apply([theta], [grad_2d(theta)])  # updates theta in place, as in fit()
        points.append(theta.copy())
    return np.array(points)


paths = {
    "SGD, lr 0.035": path(sn.optimizers.SGD(learning_rate=0.035)),
    "SGD + momentum 0.9, lr 0.005": path(sn.optimizers.SGD(learning_rate=0.005, momentum=0.9)),
    "Adam, lr 0.3": path(sn.optimizers.Adam(learning_rate=0.3)),
}
a, b = np.meshgrid(np.linspace(-4.5, 4.5, 200), np.linspace(-1.5, 1.5, 200))
fig, ax = plt.subplots(figsize=(8, 3.6), layout="constrained")
ax.contour(a, b, loss_2d(np.array([a, b])), levels=np.geomspace(0.05, 60, 14), colors="#bbbbbb", linewidths=0.8)
for (label, points), color in zip(paths.items(), ["tab:red", "tab:blue", "tab:green"], strict=True):
    ax.plot(points[:, 0], points[:, 1], ".-", color=color, label=f"{label}: L = {loss_2d(points[-1]):.2g} after 60")
ax.plot(0, 0, "k*", markersize=12)
ax.set(xlabel="a", ylabel="b", title="60 steps from (-4, 1)")
ax.legend(fontsize=8, loc="lower right")
plt.show()

# %% [markdown]
# SGD's learning rate is capped by the steep direction (above `2 / 50 = 0.04` it diverges across the valley), so
# along the valley it crawls. Momentum accumulates the consistent part of the gradient. Adam's steps are about
# `lr` in every coordinate at first, whatever the gradient's size.

# %% [markdown]
# ## Momentum, by hand
#
# Keras's SGD (and scratchnet's) keeps the velocity as a step:
#
#     velocity = momentum * velocity - learning_rate * grad
#     param    = param + velocity
#
# **Exercise.** Write one step. Return the new `param` and `velocity`.


# %%
def sgd_momentum_step(param, grad, velocity, learning_rate, momentum):
    # BEGIN SOLUTION
    velocity = momentum * velocity - learning_rate * grad
    param = param + velocity
    # END SOLUTION
    return param, velocity


exercises.check("sgd_momentum_step", sgd_momentum_step)

# %% [markdown]
# ## Adam, by hand
#
# The update `scratchnet.optimizers.Adam` makes (read its docstring: `help(sn.optimizers.Adam)`), with `t` the
# number of this update, 1 for the first:
#
#     m    = beta_1 * m + (1 - beta_1) * grad            a running mean of the gradient
#     v    = beta_2 * v + (1 - beta_2) * grad * grad     a running mean of its square
#     lr_t = learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t)    m and v start at 0: correct for it
#     param = param - lr_t * m / (sqrt(v) + epsilon)
#
# **Exercise.** Write it. (Use `math.sqrt` on numbers: `np.sqrt` of a Python float is an `np.float64`, which
# silently turns float32 arrays into float64; the check notes it.)

# %%
import math


def adam_step(param, grad, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    # BEGIN SOLUTION
    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * grad * grad
    lr_t = learning_rate * math.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    param = param - lr_t * m / (np.sqrt(v) + epsilon)
    # END SOLUTION
    return param, m, v


exercises.check("adam_step", adam_step)

# %% [markdown]
# Your Adam on the valley, beside scratchnet's: once the check passes the two paths are the same points. Two
# details make the comparison fair. The hyper-parameters are passed explicitly, scratchnet's defaults, so a
# default you changed in the signature cannot differ. And each point is kept as a copy: an `adam_step` that
# updates `param` in place (`param -= ...`, as scratchnet's optimizers do) hands back the same array every
# step, and a list of that one array would hold 61 times the last point.

# %%
if exercises.check("adam_step", adam_step).passed:
    reference = sn.optimizers.Adam(learning_rate=0.3)
    theta, m, v = np.array([-4.0, 1.0]), np.zeros(2), np.zeros(2)
    mine = [theta.copy()]
    for t in range(1, 61):
        theta, m, v = adam_step(
            theta, grad_2d(theta), m, v, t, 0.3, reference.beta_1, reference.beta_2, reference.epsilon
        )
        mine.append(np.array(theta, copy=True))
    difference = np.abs(np.array(mine) - paths["Adam, lr 0.3"]).max()
    if difference < 1e-9:
        print(f"The same path as scratchnet's Adam (largest difference {difference:.1e}: rounding).")
    else:
        print(
            f"Largest difference from scratchnet's Adam: {difference:.3g}. The check passed on its own cases, so "
            "your function depends on something they do not vary: state kept between calls (a global, a counter "
            "of its own instead of t), or changing m or v without returning them."
        )
else:
    print("Finish adam_step above first.")

# %% [markdown]
# ## On the exercise
#
# The same three on Fashion-MNIST (6,000 images, 3 epochs each). Their defaults differ for a reason: SGD's 0.01,
# Adam's 0.001.

# %%
(x_train, y_train), (x_test, y_test) = sn.datasets.fashion_mnist.load_data(verbose=0)
x_small, y_small = x_train[:6000] / 255.0, y_train[:6000]

histories = {}
for label, optimizer in [
    ("SGD", sn.optimizers.SGD(learning_rate=0.01)),
    ("SGD + momentum", sn.optimizers.SGD(learning_rate=0.01, momentum=0.9)),
    ("Adam", sn.optimizers.Adam()),
]:
    model = sn.Sequential(
        [
            sn.layers.Flatten(input_shape=(28, 28)),
            sn.layers.Dense(128, activation="relu"),
            sn.layers.Dense(10, activation="softmax"),
        ],
        seed=0,
    )
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    print(label)
    histories[label] = model.fit(x_small, y_small, epochs=3, validation_split=0.2, verbose=2).history

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), layout="constrained")
for label, h in histories.items():
    axes[0].plot(range(1, 4), h["loss"], "o-", label=label)
    axes[1].plot(range(1, 4), h["val_accuracy"], "o-", label=label)
axes[0].set(title="training loss", xlabel="epoch")
axes[1].set(title="validation accuracy", xlabel="epoch")
axes[0].legend()
plt.show()

# %% [markdown]
# Lesson 6: looking inside the network while it learns.
