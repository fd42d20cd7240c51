# %% [markdown]
# # Lesson 2: one Dense layer by hand
#
# A `Dense` layer computes `z = x @ W + b`: every output unit is a weighted sum of every input, plus a bias.
# Training needs the other direction too: given how the loss changes with `z` (that is `dz`, read "dL/dz"),
# how does it change with `x`, `W` and `b`? That is the **backward** pass, and it is three lines.
#
# Notation, the same as in scratchnet's code and docstrings: `x` is the input batch `(N, D)`, `W` the kernel
# `(D, M)`, `b` the bias `(M,)`, `z` the output `(N, M)`; `dz` means dL/dz and always has the shape of `z`.
#
# Derivations: the section "Dense" of the guide,
# [docs/backprop.md](../docs/backprop.md#dense).
# Teachers: `python -m scratchnet.lab build` writes a guide with this lesson's objectives, timing and what each
# check looks for.

# %% [markdown]
# ## Forward, with numbers small enough to check
#
# Two examples (N = 2) with three features (D = 3), going into two units (M = 2).

# %%
x = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])  # (N, D) = (2, 3)
W = np.array([[0.1, -0.2], [0.4, 0.3], [-0.5, 0.2]])  # (D, M) = (3, 2)
b = np.array([0.1, -0.1])  # (M,)
print("x @ W + b =\n", x @ W + b)
print("unit 0 of example 0 by hand:", 1.0 * 0.1 + 2.0 * 0.4 + 3.0 * -0.5 + 0.1)

# %% [markdown]
# **Exercise.** Write `dense_forward(x, W, b)`. `b` is added to every row: NumPy's broadcasting does that.


# %%
def dense_forward(x, W, b):
    # BEGIN SOLUTION
    return x @ W + b
    # END SOLUTION


exercises.check("dense_forward", dense_forward)

# %% [markdown]
# ## Backward: the chain rule, one entry at a time
#
# `z[n, m] = sum_d x[n, d] * W[d, m] + b[m]`. Nudge `W[d, m]` and every `z[n, m]` of column `m` moves by
# `x[n, d]` times the nudge, for all N examples. So
#
#     dW[d, m] = sum_n x[n, d] * dz[n, m]     that is    dW = x.T @ dz      (D, M), the shape of W
#     db[m]    = sum_n dz[n, m]               that is    db = dz.sum(axis=0) (M,)
#     dx[n, d] = sum_m dz[n, m] * W[d, m]     that is    dx = dz @ W.T      (N, D), the shape of x
#
# `W` and `b` are shared by all examples, so their gradients **sum** over the batch. A layer never divides by
# N: the mean over the batch belongs to the loss (lesson 3).
#
# A trick for the shapes: a gradient has the shape of what it is the gradient of, and there is only one way to
# multiply `x (N, D)` and `dz (N, M)` into `(D, M)`.

# %%
dz = np.array([[1.0, 0.0], [0.0, 2.0]])  # pretend the loss said so
print("dW = x.T @ dz =\n", x.T @ dz)
print("dW[2, 1] by hand: x[0, 2] * dz[0, 1] + x[1, 2] * dz[1, 1] =", 3.0 * 0.0 + 2.0 * 2.0)

# %% [markdown]
# **Exercise.** Write `dense_backward(x, W, dz)`, returning `(dx, dW, db)`. The check tries random shapes and
# compares with finite differences; if something is off, it says what (a transpose, a factor of N, ...).


# %%
def dense_backward(x, W, dz):
    # BEGIN SOLUTION
    dx = dz @ W.T
    dW = x.T @ dz
    db = dz.sum(axis=0)
    # END SOLUTION
    return dx, dW, db


exercises.check("dense_backward", dense_backward)

# %% [markdown]
# ## The activation is its own step of the chain rule
#
# `Dense(2, activation="relu")` is `z = x @ W + b` followed by `y = relu(z)`. Backward goes through the ReLU
# first: `dz = dy * (y > 0)`, the gradient passes where the unit was on and stops where it was off. Sigmoid:
# `dz = dy * y * (1 - y)`. Both are written with the output `y`, which is all a layer has to keep.


# %%
def relu_backward(dy, y):
    # BEGIN SOLUTION
    return dy * (y > 0)
    # END SOLUTION


def sigmoid_backward(dy, y):
    # BEGIN SOLUTION
    return dy * y * (1 - y)
    # END SOLUTION


print(exercises.check("relu_backward", relu_backward))
print(exercises.check("sigmoid_backward", sigmoid_backward))

# %% [markdown]
# ## The same numbers from scratchnet
#
# A tiny network, `Dense(3, relu) -> Dense(2, softmax)`, on our two examples. `explain(..., full=True)` prints
# every number of one training step: pick any entry of `dW` and recompute it from the `x` and `dz` printed
# above it.

# %%
tiny = sn.Sequential(
    [sn.layers.Dense(3, activation="relu", input_shape=[3]), sn.layers.Dense(2, activation="softmax")], seed=0
)
tiny.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
tiny.explain(x, np.array([0, 1]), full=True)

# %% [markdown]
# ## A picture of the chain
#
# Forward arrows carry `x -> z -> y` down the chain, backward arrows carry `dy -> dz -> dx` back up, and each
# layer hands its `dW`, `db` to the optimizer.

# %%
sn.plotting.plot_model(tiny)

# %% [markdown]
# ## What the matrices look like
#
# The forward pass as pictures: `x (2, 3) @ W (3, 2) + b = z (2, 2)`. Each cell of `z` is the row of `x` beside
# it dotted with the column of `W` above it.

# %%
fig, axes = plt.subplots(1, 4, figsize=(10, 2.6), layout="constrained", width_ratios=[3, 2, 2, 2])
for ax, (name, a) in zip(axes, [("x", x), ("W", W), ("b", b[None, :]), ("z = x @ W + b", x @ W + b)], strict=True):
    ax.imshow(a, cmap="coolwarm", vmin=-3, vmax=3)
    for (i, j), v in np.ndenumerate(a):
        ax.text(j, i, f"{v:.2f}", ha="center", va="center")
    ax.set(title=name, xticks=[], yticks=[])
plt.show()

# %% [markdown]
# Lesson 3: the loss at the end of the chain, softmax and cross-entropy, and where the 1/N lives.
