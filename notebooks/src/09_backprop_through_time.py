# %% [markdown]
# # Lesson 9: backprop through time
#
# The sequence labs of the TensorFlow course (text with `Embedding` and `LSTM`, time series with `SimpleRNN`)
# use layers that apply the *same* weights at every step of a sequence, carrying a state from one step to the
# next. Their backward is the one of lesson 2, run backwards through the steps, with two twists: the state's
# gradient is *carried* from each step to the one before, and the shared weights' gradients are *summed* over
# the steps. This is CS231n's third assignment, and what `scratchnet/layers/recurrent.py` writes out.
#
# In this lesson: one SimpleRNN step forward and backward (exercises), the loop over time (exercise), exploding and
# vanishing gradients with numbers, clipping, and the LSTM step (exercise) with the path that lets it remember.
#
# Notation, as in scratchnet's code: a batch of sequences `x (N, T, D)`, state `h (N, H)`, weights `Wx (D, H)`
# (Keras's `kernel`), `Wh (H, H)` (`recurrent_kernel`), `b (H,)`; `dh` means dL/dh.

# %% [markdown]
# ## One step
#
#     h_t = tanh(x_t @ Wx + h_{t-1} @ Wh + b)        x_t (N, D), h_{t-1} (N, H)  ->  h_t (N, H)
#
# The same `Wx`, `Wh`, `b` at every step: a SimpleRNN of 32 units on 16 features has `16*32 + 32*32 + 32 = 1568`
# parameters, whatever the length of the sequence.
#
# **Exercise.** Write one step.

# %%
def rnn_step_forward(x, h_prev, Wx, Wh, b):
    # BEGIN SOLUTION
    return np.tanh(x @ Wx + h_prev @ Wh + b)
    # END SOLUTION


exercises.check("rnn_step_forward", rnn_step_forward)

# %% [markdown]
# ## One step backward
#
# With `z = x @ Wx + h_prev @ Wh + b` and `h = tanh(z)`: first through the tanh, `dz = dh * (1 - h**2)` (tanh's
# derivative written with its *output*, as in lesson 2), then lesson 2's Dense backward, twice, once per input:
#
#     dx = dz @ Wx.T      dWx = x.T @ dz          dh_prev = dz @ Wh.T      dWh = h_prev.T @ dz      db = dz.sum(0)
#
# **Exercise.** Write the step's backward. (A classic slip: `1 - np.tanh(h)**2`, tanh applied twice.)


# %%
def rnn_step_backward(dh, x, h_prev, Wx, Wh, h):
    # BEGIN SOLUTION
    dz = dh * (1 - h**2)
    return dz @ Wx.T, dz @ Wh.T, x.T @ dz, h_prev.T @ dz, dz.sum(axis=0)
    # END SOLUTION


exercises.check("rnn_step_backward", rnn_step_backward)

# %% [markdown]
# ## The loop over time
#
# Forward: `h_0` given, then `h_t = step(x_t, h_{t-1})` for t = 1..T, keeping every h. When every step's output
# is used (`return_sequences=True`), the loss sends back `dh_all (N, T, H)`, one gradient per step. Backward
# goes from the last step to the first, and at each step the gradient of `h_t` has **two** sources:
#
#     dh = dh_all[:, t] + dh_next          what the loss sent to step t, plus what step t+1 sent back to h_t
#
# and each step *adds* its share to `dWx`, `dWh`, `db`: the weights are shared by every step, so their gradient
# is the sum over the steps. What is left in `dh_next` after step 1 is `dh0`.
#
# **Exercise.** Write `rnn_backward` (the forward is in it: recompute the states first). The check names the
# missing carry and the gradients not summed over time.


# %%
def rnn_backward(dh_all, x, h0, Wx, Wh, b):
    # BEGIN SOLUTION
    t_steps = x.shape[1]
    hs, h = [], h0
    for t in range(t_steps):
        h = rnn_step_forward(x[:, t], h, Wx, Wh, b)
        hs.append(h)
    dx = np.zeros_like(x)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dh_next = np.zeros_like(h0)
    for t in reversed(range(t_steps)):
        h_prev = hs[t - 1] if t > 0 else h0
        dx[:, t], dh_next, dWx_t, dWh_t, db_t = rnn_step_backward(
            dh_all[:, t] + dh_next, x[:, t], h_prev, Wx, Wh, hs[t]
        )
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return dx, dh_next, dWx, dWh, db
    # END SOLUTION


exercises.check("rnn_backward", rnn_backward)

# %% [markdown]
# scratchnet's `SimpleRNN` is this loop, vectorized over the batch (`scratchnet/layers/recurrent.py`); the
# gradient checker agrees with it, and with `LSTM` and `GRU`, for every option:

# %%
rng = np.random.default_rng(0)
x = rng.normal(size=(2, 6, 3))
for layer in (sn.layers.SimpleRNN(4, return_sequences=True), sn.layers.LSTM(4), sn.layers.GRU(4, go_backwards=True)):
    report = sn.gradcheck.check_layer(layer, x)
    print(f"{type(layer).__name__:10s} passed: {report.passed}, worst relative error {report.max_rel_error:.1e}")

# %% [markdown]
# ## Exploding and vanishing gradients
#
# Going back one step multiplies the gradient by `(1 - h**2) * ... @ Wh.T`. Over 50 steps, that is 50 such
# products. Their size is roughly `|Wh|` (its largest singular value) to the power of the number of steps, times
# tanh's slopes (at most 1). Here `Wh` is an orthogonal matrix (Keras's initializer for it) times a scale, and the
# gradient reaching each step from a loss on the last step only:


# %%
def simple_rnn(Wx, Wh, b):
    """scratchnet's SimpleRNN (your rnn_backward's loop, vectorized) with these weights."""
    layer = sn.layers.SimpleRNN(Wh.shape[0], return_sequences=True, dtype="float64")
    layer.build((1, Wx.shape[0]), np.random.default_rng(0), "float64")
    layer.set_weights([Wx, Wh, b])
    return layer


def gradient_norms_back_in_time(scale, T=50, H=16, N=8):
    Wh = scale * sn.initializers.Orthogonal(seed=0)((H, H), dtype="float64")
    layer = simple_rnn(rng.normal(size=(1, H)) * 0.1, Wh, np.zeros(H))
    y = layer(rng.normal(size=(N, T, 1)))
    dh_all = np.zeros_like(y)
    dh_all[:, -1] = rng.normal(size=(N, H))  # the loss looks at the last step only
    dx = layer.backward(dh_all)
    return np.linalg.norm(dx, axis=(0, 2))  # |dL/dx_t| for each step t


steps = [49, 40, 30, 20, 10, 0]
for scale in (0.5, 1.0, 3.0):
    norms = gradient_norms_back_in_time(scale)
    print(f"Wh scale {scale}: |dL/dx_t| at t =", ", ".join(f"{t}: {norms[t]:.1e}" for t in steps))

# %% [markdown]
# With scale 0.5 the gradient shrinks by about half at each step: 40 steps back it is ~1e-12 of what it was, and
# the network cannot learn that an early input mattered (*vanishing*). With scale 3 it grows at each step (less
# than 3 times: tanh's slope `1 - h**2` is below 1 wherever a state is not 0), and 50 steps back it is 1e5 times
# larger: one step of gradient descent would throw the weights far away (*exploding*). Only near scale 1 does it
# keep its size.
#
# ## Clipping
#
# The usual cure for explosions is to rescale the gradient when its norm is too large (Keras's
# `clipnorm=1.0`): the direction is kept, the step is capped.


# %%
def clip_by_norm(grads, max_norm):
    norm = np.sqrt(sum(float((g**2).sum()) for g in grads))
    scale = min(1.0, max_norm / norm)
    return [g * scale for g in grads], norm


H = 16
Wh = 1.5 * sn.initializers.Orthogonal(seed=0)((H, H), dtype="float64")
layer = simple_rnn(rng.normal(size=(1, H)), Wh, np.zeros(H))
y = layer(rng.normal(size=(8, 30, 1)) * 0.01)  # small inputs: the states stay in tanh's linear part
layer.backward(rng.normal(size=y.shape))
clipped, norm = clip_by_norm(list(layer.grads.values()), max_norm=1.0)
print(f"gradient norm {norm:.3g}; after clipping {np.sqrt(sum((g**2).sum() for g in clipped)):.3g}")

# %% [markdown]
# Clipping does nothing for vanishing gradients. For those, the cure is a different cell.
#
# ## The LSTM step
#
# An LSTM keeps a second state, the cell `c`, and four gates computed from the same `z = x @ W + h_prev @ U + b`
# (`W (D, 4H)`, `U (H, 4H)`, `b (4H,)`), in Keras's column order **i, f, c, o**:
#
#     i = sigmoid(z_i)   f = sigmoid(z_f)   g = tanh(z_c)   o = sigmoid(z_o)
#     c = f * c_prev + i * g            keep some of the memory, write some new
#     h = o * tanh(c)                   show some of it
#
# (CS231n orders the blocks i, f, o, g; weights moved between the two need their columns reordered.)
#
# **Exercise.** Write one LSTM step, returning `(h, c)`.


# %%
def lstm_step_forward(x, h_prev, c_prev, W, U, b):
    # BEGIN SOLUTION
    H = h_prev.shape[1]
    z = x @ W + h_prev @ U + b
    i, f, o = (1 / (1 + np.exp(-z[:, k * H : (k + 1) * H])) for k in (0, 1, 3))
    g = np.tanh(z[:, 2 * H : 3 * H])
    c = f * c_prev + i * g
    return o * np.tanh(c), c
    # END SOLUTION


exercises.check("lstm_step_forward", lstm_step_forward)

# %% [markdown]
# Backward, the cell's gradient goes one step back as `dc_prev = dc * f`: multiplied by the forget gate, and by no
# weight matrix. The same measurement as above, on scratchnet's layers with their initial weights, and on an LSTM
# whose forget gates are open (bias 5, `f = sigmoid(5) = 0.99`):

# %%
T, H = 60, 16
xs = rng.normal(size=(16, T, 1))
for label, layer, forget_bias in (
    ("SimpleRNN", sn.layers.SimpleRNN(H, dtype="float64"), None),
    ("LSTM", sn.layers.LSTM(H, dtype="float64"), None),
    ("LSTM, f=0.99", sn.layers.LSTM(H, dtype="float64"), 5.0),
):
    layer.build((T, 1), np.random.default_rng(0), "float64")
    if forget_bias is not None:
        layer.params["bias"][H : 2 * H] = forget_bias
    y = layer(xs)
    dx = layer.backward(np.ones_like(y))  # the loss looks at the last step's output only
    norms = np.linalg.norm(dx, axis=(0, 2))
    print(f"{label:13s} |dL/dx_t| at t =", ", ".join(f"{t}: {norms[t]:.1e}" for t in (59, 45, 30, 15, 0)))

# %% [markdown]
# At its start the LSTM forgets too: its forget gates are about `sigmoid(1) = 0.73` (Keras starts their bias at
# 1, `unit_forget_bias=True`), and 0.73 per step vanishes as fast as a SimpleRNN. The difference is that the decay
# is now a gate the network *learns*: where remembering pays, training pushes `f` towards 1, and the gradient
# then passes 60 steps almost unchanged (last row). A SimpleRNN has no such knob: its decay is `Wh` and tanh's
# slope, at every step.

# %% [markdown]
# ## A time series, as in the course
#
# The course's time-series week predicts the next value of a series from a window of the previous ones. A
# synthetic series (a trend, a season, noise), windows of 20 steps, `SimpleRNN` and `LSTM`:

# %%
time = np.arange(1000)
series = (0.02 * time + 10 * np.sin(time * 2 * np.pi / 50) + rng.normal(size=1000)).astype("float32")
series = (series - series[:800].mean()) / series[:800].std()
window = 20
xw = np.stack([series[i : i + window] for i in range(len(series) - window)])[..., None]
yw = series[window:]
x_tr, y_tr, x_va, y_va = xw[:780], yw[:780], xw[780:], yw[780:]

for cell in (sn.layers.SimpleRNN, sn.layers.LSTM):
    model = sn.Sequential([cell(16, input_shape=(window, 1)), sn.layers.Dense(1)], seed=0)
    model.compile(optimizer=sn.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    history = model.fit(x_tr, y_tr, epochs=5, batch_size=32, validation_data=(x_va, y_va), verbose=0)
    print(f"{cell.__name__:10s} validation MAE per epoch:", [round(v, 3) for v in history.history["val_mae"]])

# %% [markdown]
# ## Questions to try
#
# - In `rnn_backward`, drop the carry (`dh = dh_all[:, t]`): what does the check say, and which steps' `dx` are
#   still right?
# - Make the LSTM's forget-gate bias -3 instead of 1 (`layer.params["bias"][H:2*H] = -3`): how do the gradient
#   norms back in time change?
# - `go_backwards=True` reads the sequence from its end. Which steps of `x` now get the largest gradients?
