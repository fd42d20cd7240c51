# %% [markdown]
# # Lesson 3: softmax and cross-entropy
#
# The last layer of a classifier turns scores (logits) `z` into probabilities `p = softmax(z)`, and the loss
# compares them with the labels: `L = -mean_i log p[i, y_i]`. This lesson writes both, their gradients, and
# finds out why the gradient of the two together is so simple: `dz = (p - onehot(y)) / N`.
#
# Derivations: the section "Softmax and cross-entropy fused" of the guide,
# [docs/backprop.md](../docs/backprop.md#softmax-and-cross-entropy-fused-p--y--n).
# Teachers: `python -m scratchnet.lab build` writes a guide with this lesson's objectives, timing and what each
# check looks for.

# %% [markdown]
# ## Softmax, without overflow
#
# `p_j = exp(z_j) / sum_k exp(z_k)`, along each row. `exp(1000)` overflows to `inf` and `inf / inf` is `nan`.
# But subtracting a constant from every logit of a row changes nothing (the factor `exp(-c)` cancels between
# the top and the bottom), so subtract the row's max first: then the largest exponent is `exp(0) = 1`.

# %%
z = np.array([[1.0, 2.0, 3.0], [1000.0, 1001.0, 1002.0]])
with np.errstate(over="ignore", invalid="ignore"):
    print("naive:", np.exp(z) / np.exp(z).sum(axis=1, keepdims=True))

# %% [markdown]
# **Exercise.** Write a stable `softmax(z)` for `z` of shape `(N, C)`. (`keepdims=True` keeps the summed axis, so
# `(N, C) / (N, 1)` broadcasts row by row.)


# %%
def softmax(z):
    # BEGIN SOLUTION
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
    # END SOLUTION


exercises.check("softmax", softmax)

# %% [markdown]
# ## Its Jacobian
#
# Every output of softmax depends on every input: `dp_i / dz_j = p_i (δ_ij - p_j)`, a `C × C` matrix per example,
# `diag(p) - p p^T`. Diagonal entries are positive (raising your own logit raises your probability), off-diagonal
# ones negative (it lowers everybody else's). Keeping only the diagonal is a classic bug.

# %%
p = sn.nn.softmax(np.array([2.0, 1.0, 0.1, -1.0]))
J = np.diag(p) - np.outer(p, p)
fig, ax = plt.subplots(figsize=(3.6, 3), layout="constrained")
image = ax.imshow(J, cmap="coolwarm", vmin=-0.25, vmax=0.25)
for (i, j), v in np.ndenumerate(J):
    ax.text(j, i, f"{v:.3f}", ha="center", va="center", fontsize=8)
ax.set(title="dp_i / dz_j for p = " + np.array2string(p, precision=2), xlabel="j", ylabel="i")
fig.colorbar(image)
plt.show()
print("each column sums to 0:", np.round(J.sum(axis=0), 12) + 0.0)

# %% [markdown]
# Backward never builds the matrix. `dz = J.T @ dy` for one row is `p * (dy - sum(dy * p))`: one multiplication
# and one sum, vectorized over the batch.
#
# **Exercise.** Write `softmax_backward(dy, p)`.


# %%
def softmax_backward(dy, p):
    # BEGIN SOLUTION
    return p * (dy - (dy * p).sum(axis=-1, keepdims=True))
    # END SOLUTION


exercises.check("softmax_backward", softmax_backward)

# %% [markdown]
# ## Cross-entropy, and the fused gradient
#
# With integer labels `y`, `L = -mean_i log p[i, y_i]`. Its gradient with respect to `p` is `-1 / (N p)` at the
# label and 0 elsewhere: huge where the model is confidently wrong (p tiny), and it has to go through the
# softmax Jacobian next. Multiply the two out and almost everything cancels:
#
#     dz = J.T @ dp = (p - onehot(y)) / N
#
# the probabilities minus the one-hot labels, divided by the batch size N: the mean over the batch puts the
# 1/N here, and only here. Let us check that the chain and the shortcut agree.

# %%
rng = np.random.default_rng(0)
z = rng.normal(size=(4, 5))
labels = np.array([0, 3, 1, 4])
p = sn.nn.softmax(z)
N = len(labels)
onehot = np.eye(5)[labels]
dp = -onehot / (N * p)  # the loss's backward alone
chained = sn.nn.softmax_backward(dp, p)  # then the softmax's
fused = (p - onehot) / N
print("largest difference, chain vs fused:", np.abs(chained - fused).max())

# %% [markdown]
# **Exercise.** Write `softmax_crossentropy_backward(z, y)`: logits `(N, C)`, integer labels `(N,)`, the mean over
# the batch. Hint: `p[np.arange(N), y] -= 1` subtracts the one-hot without building it. (The check's cases include
# a row of logits near 1000, as real logits can be: compute `p` with your stable `softmax`.)


# %%
def softmax_crossentropy_backward(z, y):
    # BEGIN SOLUTION
    p = softmax(z)
    n = len(y)
    p[np.arange(n), y] -= 1
    return p / n
    # END SOLUTION


exercises.check("softmax_crossentropy_backward", softmax_crossentropy_backward)

# %% [markdown]
# ## What the loss looks like
#
# For one example, the loss is `-log p` of the true class. At `p = 1/C` (a model that knows nothing, guessing
# uniformly) it is `log C`: 2.30 for 10 classes, which is where the first epoch of lesson 1 starts.

# %%
q = np.linspace(0.01, 1, 200)
fig, ax = plt.subplots(figsize=(5, 3), layout="constrained")
ax.plot(q, -np.log(q))
ax.axvline(0.1, color="gray", linestyle=":")
ax.annotate("uniform guess over 10 classes:\n-log 0.1 = 2.30", (0.1, 2.3), (0.3, 3.2), arrowprops={"arrowstyle": "->"})
ax.set(xlabel="p of the true class", ylabel="loss -log p", title="cross-entropy of one example")
plt.show()

# %% [markdown]
# ## Mean squared error, for regression
#
# `L = mean((y_pred - y_true)**2)` over all N × D entries (as Keras's MSE). **Exercise:** its gradient.


# %%
def mse_backward(y_true, y_pred):
    # BEGIN SOLUTION
    return 2.0 * (y_pred - y_true) / y_pred.size
    # END SOLUTION


exercises.check("mse_backward", mse_backward)

# %% [markdown]
# Lesson 4: how the checker knows, finite differences, and writing a whole layer of your own.
