# %% [markdown]
# # Lesson 8: batch normalization by hand
#
# `BatchNormalization` (Ioffe and Szegedy, 2015) is in most networks of the second course and of Géron's chapter
# 11: after a Dense or a Conv2D, it standardizes each feature over the batch, then scales and shifts it with two
# learned vectors, `gamma` and `beta`. Its forward is four lines. Its backward is the classic hard one of CS231n's
# second assignment: the mean and the variance depend on *every* example of the batch, so every `dx` depends on
# every `dy`.
#
# In this lesson: the forward (exercise), the backward through the computation graph, then in one line
# (exercise), training vs inference, and what batch normalization does to the numbers `LayerStats` shows.
#
# Notation, the same as in scratchnet's code: `x (N, D)`, `gamma, beta (D,)`, `y (N, D)`; `dy` means dL/dy.

# %% [markdown]
# ## The forward
#
#     mu      = x.mean(axis=0)                 (D,)    each feature's mean over the batch
#     var     = x.var(axis=0)                  (D,)    biased: divided by N, the variance of this batch
#     xhat    = (x - mu) / sqrt(var + eps)     (N, D)  each feature now has mean 0, variance (almost) 1
#     y       = gamma * xhat + beta            (N, D)  and gets the scale and shift that training finds best
#
# `eps` (Keras's 1e-3) keeps a feature that is constant in the batch from dividing by zero. With `gamma = 1`,
# `beta = 0` (their initial values), the layer outputs `xhat`.
#
# **Exercise.** Write the training forward. Watch the axis: mean and variance are *per feature*, over the
# examples.

# %%
def batchnorm_forward(x, gamma, beta, eps):
    # BEGIN SOLUTION
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    xhat = (x - mu) / np.sqrt(var + eps)
    return gamma * xhat + beta
    # END SOLUTION


exercises.check("batchnorm_forward", batchnorm_forward)

# %% [markdown]
# The layer does the same (in float32 by default):

# %%
rng = np.random.default_rng(0)
x = rng.normal(loc=5.0, scale=3.0, size=(8, 3))
bn = sn.layers.BatchNormalization(dtype="float64")
y = bn(x, training=True)
print("mean of each feature after:", y.mean(axis=0).round(6))
print("std of each feature after: ", y.std(axis=0).round(4))
print("weights:", [f"{name} {w.shape}" for name, w in bn.params.items()])

# %% [markdown]
# ## The backward, through the computation graph
#
# Draw the forward as a graph of small steps, and go back through it one step at a time, each step's local
# derivative times the gradient arriving from above (CS231n's `batchnorm_backward`):
#
#     xmu = x - mu;   sq = xmu ** 2;   var = sq.mean(0);   std = sqrt(var + eps);   inv = 1 / std
#     xhat = xmu * inv;   y = gamma * xhat + beta
#
# Going back: `dbeta = dy.sum(0)`, `dgamma = (dy * xhat).sum(0)` (gamma and beta are shared by every example:
# their gradients sum over the batch), `dxhat = dy * gamma`. Then `xhat = xmu * inv` has two inputs:
# `dxmu = dxhat * inv` (one path) and `dinv = (dxhat * xmu).sum(0)`; `dstd = -dinv / std**2`;
# `dvar = dstd / (2 std)`; `dsq = dvar / N` to every example; `dxmu += 2 xmu * dsq` (the second path into xmu);
# `xmu = x - mu` has two inputs too: `dx = dxmu` plus `dmu / N` to every example, with `dmu = -dxmu.sum(0)`.
#
# The last term is the one most often forgotten: **moving one x moves the mean, and with it every xhat of its
# feature.**


# %%
def batchnorm_backward_graph(dy, x, gamma, eps):
    n = x.shape[0]
    mu = x.mean(axis=0)
    xmu = x - mu
    var = (xmu**2).mean(axis=0)
    std = np.sqrt(var + eps)
    inv = 1 / std
    xhat = xmu * inv
    dbeta, dgamma = dy.sum(axis=0), (dy * xhat).sum(axis=0)
    dxhat = dy * gamma
    dxmu = dxhat * inv
    dinv = (dxhat * xmu).sum(axis=0)
    dstd = -dinv / std**2
    dvar = dstd / (2 * std)
    dxmu += 2 * xmu * dvar / n
    dmu = -dxmu.sum(axis=0)
    return dxmu + dmu / n, dgamma, dbeta


# Against scratchnet's layer (which writes the one-line form you will write below):
gamma = rng.uniform(0.5, 2.0, size=3)
layer = sn.layers.BatchNormalization(dtype="float64")
layer(x, training=True)  # builds it
layer.params["gamma"][...] = gamma
layer(x, training=True)
dy = rng.normal(size=x.shape)
dx_layer = layer.backward(dy)
dx_graph, dgamma_graph, _ = batchnorm_backward_graph(dy, x, gamma, 1e-3)
print("largest |dx_graph - dx_layer|:        ", np.abs(dx_graph - dx_layer).max())
print("largest |dgamma_graph - dgamma_layer|:", np.abs(dgamma_graph - layer.grads["gamma"]).max())

# %% [markdown]
# ## The backward in one line
#
# Put the pieces together and simplify (write `xmu = xhat / inv`; the path through `var`'s dependence on `mu`
# vanishes because `sum(x - mu) = 0`):
#
#     dx = inv / N * (N * dxhat - dxhat.sum(0) - xhat * (dxhat * xhat).sum(0))       dxhat = dy * gamma
#
# Three terms: the direct path, the path through the mean (`- dxhat.sum(0)`), the path through the variance
# (`- xhat * ...`). One consequence you can check: each feature's `dx` sums to zero over the batch — adding the
# same number to every example of a feature changes nothing after normalization.
#
# **Exercise.** Write the one-line backward (with dgamma and dbeta). The check names the classic slips: the
# forgotten mean term, the unbiased variance, the statistics treated as constants, the wrong axis.


# %%
def batchnorm_backward(dy, x, gamma, eps):
    # BEGIN SOLUTION
    n = x.shape[0]
    inv = 1 / np.sqrt(x.var(axis=0) + eps)
    xhat = (x - x.mean(axis=0)) * inv
    dxhat = dy * gamma
    dx = inv / n * (n * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0))
    return dx, (dy * xhat).sum(axis=0), dy.sum(axis=0)
    # END SOLUTION


exercises.check("batchnorm_backward", batchnorm_backward)

# %% [markdown]
# What the forgotten mean term looks like in numbers: the right `dx` of each feature sums to 0 over the batch;
# without the mean term it does not.


# %%
def forgot_the_mean(dy, x, gamma, eps):
    inv = 1 / np.sqrt(x.var(axis=0) + eps)
    xhat = (x - x.mean(axis=0)) * inv
    dxhat = dy * gamma
    return inv * (dxhat - xhat * (dxhat * xhat).mean(axis=0)), (dy * xhat).sum(axis=0), dy.sum(axis=0)


print("right dx, summed over the batch:        ", dx_layer.sum(axis=0).round(12))
print("without the mean term, summed the same: ", forgot_the_mean(dy, x, gamma, 1e-3)[0].sum(axis=0).round(3))

# %% [markdown]
# scratchnet's layer writes the one-line form (`scratchnet/layers/batch_normalization.py`); the gradient checker
# agrees with it, after a Dense (N, D) and after a Conv2D (N, H, W, C), where the statistics are over the batch
# *and* every position of the image:

# %%
print(sn.gradcheck.check_layer(sn.layers.BatchNormalization(), rng.normal(size=(6, 4)), training=True))
print(sn.gradcheck.check_layer(sn.layers.BatchNormalization(), rng.normal(size=(2, 3, 3, 4)), training=True))

# %% [markdown]
# ## Training vs inference
#
# `predict` often sees one example at a time: there is no batch to average over. So while training, the layer
# also keeps *moving averages* of the batch statistics, and at inference uses them instead:
#
#     moving_mean     = momentum * moving_mean     + (1 - momentum) * mu        momentum = 0.99 (Keras)
#     moving_variance = momentum * moving_variance + (1 - momentum) * var
#
# They are weights of the layer that gradient descent never touches: `summary()` counts them as non-trainable,
# `get_weights()` lists them after gamma and beta, in Keras's order, and `save` keeps them.

# %%
model = sn.Sequential(
    [
        sn.layers.Dense(16, use_bias=False, input_shape=(3,)),  # a bias before BatchNormalization is subtracted again
        sn.layers.BatchNormalization(),
        sn.layers.Activation("relu"),
        sn.layers.Dense(1),
    ],
    seed=0,
)
model.summary()
x_train = rng.normal(loc=2.0, scale=5.0, size=(512, 3)).astype("float32")
y_train = (x_train[:, :1] - 0.5 * x_train[:, 1:2]).astype("float32")
model.compile(optimizer=sn.optimizers.Adam(0.01), loss="mse")
model.fit(x_train, y_train, epochs=2, batch_size=32, verbose=0)
bn = model.layers[1]
h = x_train @ model.layers[0].params["W"]
print("mean of the whole set, first 4 units:  ", h.mean(axis=0)[:4].round(2))
print("moving_mean after 2 epochs (32 steps): ", bn.params["moving_mean"][:4].round(2))
model.fit(x_train, y_train, epochs=18, batch_size=32, verbose=0)
h = x_train @ model.layers[0].params["W"]
print("mean of the whole set, first 4 units:  ", h.mean(axis=0)[:4].round(2))
print("moving_mean after 20 epochs (320 steps):", bn.params["moving_mean"][:4].round(2))

# %% [markdown]
# The moving averages start at 0 (and 1) and forget their start slowly: after k steps they have come
# `1 - 0.99**k` of the way, 28% after 32 steps, 96% after 320. A model evaluated after a few steps of training
# predicts with statistics that are still mostly the initial ones.
#
# One example, two modes: in training mode (`model(x, training=True)`) a batch of one has variance 0, so every
# unit outputs `beta`; in inference mode the moving statistics give a real answer.

# %%
one = x_train[:1]
print("training mode: ", model(one, training=True).ravel(), " (the same for any input)")
print("inference mode:", model(one).ravel(), " target:", y_train[0])

# %% [markdown]
# ## What it does to learning: LayerStats
#
# Lesson 6's `LayerStats` records, each epoch, the fraction of dead ReLUs and each weight's update ratio
# `‖Δθ‖ / ‖θ‖`. A deep ReLU network with a learning rate on the high side, with and without batch normalization:

# %%
from scratchnet.callbacks import LayerStats


def deep(batch_norm):
    layers = [sn.layers.InputLayer(shape=(20,))]
    for _ in range(4):
        layers.append(sn.layers.Dense(64, use_bias=not batch_norm))
        if batch_norm:
            layers.append(sn.layers.BatchNormalization())
        layers.append(sn.layers.Activation("relu"))
    layers.append(sn.layers.Dense(3, activation="softmax"))
    return sn.Sequential(layers, seed=1)


centres = rng.normal(size=(3, 20)) * 3
labels = rng.integers(0, 3, size=1024)
x_blobs = (centres[labels] + rng.normal(size=(1024, 20)) * 2 + 10).astype("float32")  # not centred on 0
for batch_norm in (False, True):
    model = deep(batch_norm)
    model.compile(optimizer=sn.optimizers.SGD(0.05), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    stats = LayerStats(x_blobs[:256], labels[:256])
    history = model.fit(x_blobs, labels, epochs=4, batch_size=32, verbose=0, callbacks=[stats])
    dead = {name: round(v[-1], 2) for name, v in stats.stats["dead_fraction"].items()}
    print("with" if batch_norm else "without", "BatchNormalization:")
    print("  accuracy per epoch:", [round(a, 3) for a in history.history["accuracy"]])
    print("  dead ReLUs after the last epoch:", dead)
    ratios = {k.split("/")[0]: f"{v[-1]:.1e}" for k, v in stats.stats["update_ratio"].items() if k.endswith("/W")}
    print("  update ratio of each kernel:", ratios)

# %% [markdown]
# Without it, inputs far from 0 push the first layers' pre-activations to one side, many ReLUs die, and the
# update ratios vary by orders of magnitude from layer to layer. With it, every layer sees standardized inputs:
# about half of each layer's units are on for any batch, and the layers learn at comparable rates.
#
# ## Questions to try
#
# - Put `BatchNormalization` *after* the ReLU instead of before: does anything change in the numbers above?
# - With `batch_size=2`, how noisy are the batch statistics? Compare the moving averages with the true ones.
# - Replace `BatchNormalization` by `LayerNormalization`: which of the two needs moving averages, and why?
