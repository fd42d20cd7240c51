# %% [markdown]
# # Lesson 10: build the tape yourself
#
# In lessons 2 to 4 every layer came with its backward written out by hand. TensorFlow code does not look like
# that: it writes the forward with tensor ops inside `with tf.GradientTape() as tape:` and asks
# `tape.gradient(loss, variables)`. How can a library differentiate code it has never seen?
#
# It does not differentiate the code. It **records** it: every op run on a tensor leaves a line on the tape
# (what went in, what came out, and the op's *local* derivative), and `gradient` plays the tape back in
# reverse, applying the chain rule one line at a time. You will write both halves: the local derivatives of
# the ops, then the playback. scratchnet's own tape (`scratchnet/tape/`) is the same thing, one file per idea.

# %% [markdown]
# ## Local derivatives
#
# An op `z = f(x, y)` gets `dz`, the gradient of the loss with respect to its output (same shape as `z`), and
# must return `dx` and `dy`. It knows nothing about the rest of the network: the chain rule multiplies its own
# derivative into `dz`, and the tape does the rest.
#
# **Exercise.** `z = x * y`, elementwise. Nudge `x[i]` by `h` and `z[i]` moves by `y[i] * h`.


# %%
def mul_backward(dz, x, y):
    # BEGIN SOLUTION
    return dz * y, dz * x
    # END SOLUTION


exercises.check("mul_backward", mul_backward)

# %% [markdown]
# **Exercise.** `z = x @ W` with `x` of shape `(N, D)` and `W` of shape `(D, M)`. You met this in lesson 2: a
# gradient has the shape of what it is the gradient of, and that alone tells you where the transposes go.


# %%
def matmul_backward(dz, x, W):
    # BEGIN SOLUTION
    return dz @ W.T, x.T @ dz
    # END SOLUTION


exercises.check("matmul_backward", matmul_backward)

# %% [markdown]
# **Exercise.** `z = x + b` where `x` is `(N, M)` and the bias `b` is `(M,)`: NumPy *broadcasts* `b`, adding it to
# every row. A value used N times collects N contributions. This is the step every tape needs after an op
# that broadcast: sum the gradient back down to the input's shape (scratchnet calls it `unbroadcast`).


# %%
def add_backward(dz, x, b):
    # BEGIN SOLUTION
    return dz, dz.sum(axis=0)
    # END SOLUTION


exercises.check("add_backward", add_backward)

# %% [markdown]
# **Exercise.** `z = x.sum(axis=1)`: one number per row. The backward goes the other way: each `x[i, j]` entered
# `z[i]` once, with weight 1.


# %%
def sum_backward(dz, x):
    # BEGIN SOLUTION
    return dz[:, None] * np.ones_like(x)
    # END SOLUTION


exercises.check("sum_backward", sum_backward)

# %% [markdown]
# **Exercise.** `z = exp(x)` and `z = log(x)`. For `exp` you are given the *output* `z`, not `x`: a tape keeps
# what the backward needs, and the derivative of `exp` is `exp` itself.


# %%
def exp_backward(dz, z):
    # BEGIN SOLUTION
    return dz * z
    # END SOLUTION


def log_backward(dz, x):
    # BEGIN SOLUTION
    return dz / x
    # END SOLUTION


print(exercises.check("exp_backward", exp_backward))
print(exercises.check("log_backward", log_backward))

# %% [markdown]
# ## The tape
#
# Here is a whole tape for a tiny computation on numbers. Each entry is one op, in the order it ran, with its
# local derivative already bound to the values it saw (`backward(dout)` returns one gradient per input).

# %%
tape = exercises.get("backward_pass").make_inputs(np.random.default_rng(1))
for entry in tape["entries"]:
    print(entry)
print("values v0 .. v2 are the inputs; the loss is", f"v{tape['n_values'] - 1}")

# %% [markdown]
# To get `dL/dv` for every value: start with `dL/dloss = 1`, then walk the tape **backwards**. When you reach
# an entry, the gradient of its output is complete, because every op that used that output ran later and has
# already been played back. Hand `dout` to its `backward`, and **add** what comes out to the gradients of its
# inputs: a value used by two ops gets a share from each.
#
# **Exercise.** Write `backward_pass(entries, n_values)`, returning an array of `n_values` gradients.


# %%
def backward_pass(entries, n_values):
    # BEGIN SOLUTION
    grads = np.zeros(n_values)
    grads[n_values - 1] = 1.0
    for entry in reversed(entries):
        for i, g in zip(entry.ins, entry.backward(grads[entry.out]), strict=True):
            grads[i] += g
    return grads
    # END SOLUTION


exercises.check("backward_pass", backward_pass)

# %% [markdown]
# That loop is the whole of reverse-mode automatic differentiation. Open `scratchnet/tape/gradient_tape.py`:
# `GradientTape.gradient` is the same loop over tensors, after a topological sort (your tape was already in a
# valid order: the order the ops ran). Each op of `scratchnet/tape/ops.py` is written as you just wrote them,
# its forward beside its local derivative.

# %% [markdown]
# ## The same gradient three ways
#
# One Dense layer, `z = x @ W + b`, and the loss `L = sum(tanh(z))`. By hand (the layer's own backward, lesson 2),
# by the tape (`sn.GradientTape`), and by finite differences.

# %%
rng = np.random.default_rng(0)
x = rng.standard_normal((4, 3))
dense = sn.layers.Dense(2, dtype="float64")
dense(x)  # builds W and b
W, b = dense.trainable_variables

# 1. by hand: tanh's backward, then the layer's (dW = x.T @ dz)
z = x @ W.numpy() + b.numpy()
dz = 1 - np.tanh(z) ** 2
by_hand = x.T @ dz

# 2. by the tape: ops on tensors, recorded, played back
with sn.GradientTape() as g:
    loss = sn.reduce_sum(sn.tanh(sn.matmul(sn.constant(x), W) + b))
by_tape = g.gradient(loss, W).numpy()

# 3. by finite differences
numeric = np.zeros_like(by_hand)
for i, j in np.ndindex(numeric.shape):
    h = np.zeros_like(by_hand)
    h[i, j] = 1e-6
    up = np.tanh(x @ (W.numpy() + h) + b.numpy()).sum()
    down = np.tanh(x @ (W.numpy() - h) + b.numpy()).sum()
    numeric[i, j] = (up - down) / 2e-6

print("hand vs tape:   ", np.abs(by_hand - by_tape).max())
print("hand vs numeric:", np.abs(by_hand - numeric).max())

# %% [markdown]
# A scratchnet layer called on a tensor inside a tape is recorded as **one** op whose backward is the layer's
# hand-written one, so a whole model is a single line on the tape, and the custom training loop of the
# TensorFlow tutorials computes exactly what `fit` computes:

# %%
model = sn.Sequential(
    [sn.layers.Dense(8, activation="relu", input_shape=(3,)), sn.layers.Dense(3, activation="softmax")], seed=0
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
y = np.array([0, 2, 1, 2])
loss_fn = sn.losses.SparseCategoricalCrossentropy()
with sn.GradientTape() as g:
    loss = loss_fn(y, model(x, training=True))
grads = g.gradient(loss, model.trainable_variables)
model.compute_gradients(x, y)
print(
    "tape vs compute_gradients:",
    max(float(np.abs(t.numpy() - h).max()) for t, h in zip(grads, model.gradients, strict=True)),
)
print("the loss op:", loss._op)

# %% [markdown]
# ## What a tape cannot see
#
# The loss op above says `fused`. Softmax followed by cross-entropy has a backward of `dp = -onehot(y) / (N p)`
# and then the softmax's Jacobian; multiplied out on paper (lesson 3) they collapse to `dz = (p - onehot(y)) / N`.
# A tape made of small ops cannot know that two ops belong together: it runs both Jacobians, which is slower
# and loses precision where `p` underflows (the loss must clip `p` before its `log`). scratchnet's loss op looks
# at who made its input, and when that was a softmax output it starts below the softmax with the fused formula,
# as `fit` does. Put any op in between and the tape goes the long way:

# %%
with sn.GradientTape() as g:
    loss = loss_fn(y, model(x) * 1.0)  # "* 1.0": the loss no longer sees the softmax
print("the loss op:", loss._op)
long_way = g.gradient(loss, model.trainable_variables)
print(
    "fused vs long way:", max(float(np.abs(a.numpy() - c.numpy()).max()) for a, c in zip(grads, long_way, strict=True))
)
