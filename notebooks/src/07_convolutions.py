# %% [markdown]
# # Lesson 7: convolutions
#
# The course's next lesson, "Improving Computer Vision Accuracy using Convolutions", puts two `Conv2D` +
# `MaxPooling2D` blocks in front of the dense network. A convolution slides a small kernel over the image and, at
# every position, takes one dot product of the kernel with the patch under it. Its backward is lesson 2's Dense
# backward, applied to the patches.
#
# In this lesson: a convolution with numbers small enough to check by hand, its forward as *patches × kernel*
# (exercise), its backward (exercise), max pooling and the rule for ties (exercise), a gradient check of
# `Conv2D`, and then the course's model on Fashion-MNIST, with its kernels and feature maps.
#
# Notation, the same as in scratchnet's code (channels-last, as Keras): images `x (N, H, W, C)`, kernel
# `W (kh, kw, C, F)` (F filters, the output channels), bias `b (F,)`, output `z (N, Ho, Wo, F)`; `dz` means dL/dz
# and has the shape of `z`.

#
# Derivations: the section "Convolution and pooling" of the guide,
# [docs/backprop.md](../docs/backprop.md#convolution-and-pooling).
# Teachers: `python -m scratchnet.lab build` writes a guide with this lesson's objectives, timing and what each
# check looks for.

# %%
def show(ax, a, title, box=None):
    """A small matrix as a picture with its numbers; ``box=(row, col, height, width)`` outlines a patch."""
    a = np.asarray(a, dtype=float)
    vmax = max(float(np.abs(a).max()), 1.0)
    ax.imshow(a, cmap="coolwarm", vmin=-vmax, vmax=vmax)
    for (i, j), v in np.ndenumerate(a):
        ax.text(j, i, f"{v:g}", ha="center", va="center")
    ax.set(title=title, xticks=[], yticks=[])
    if box is not None:
        r, c, h, w = box
        ax.add_patch(plt.Rectangle((c - 0.5, r - 0.5), w, h, fill=False, lw=3, ec="black"))


# %% [markdown]
# ## What a convolution computes: a 4×4 image, a 2×2 kernel
#
# One image, one channel, one filter, stride 1, no padding (Keras's `padding='valid'`), no bias:
#
#     z[i, j] = sum over a, b of  x[i + a, j + b] * W[a, b]
#
# With `W = [[1, 0], [0, -1]]` that is `z[i, j] = x[i, j] - x[i+1, j+1]`: each pixel minus the one down-right
# of it. The kernel fits at `Ho = 4 - 2 + 1 = 3` positions down and 3 across: `z` is 3×3. (This is the worked
# example of the guide, docs/backprop.md, "Convolution and pooling".)
#
# Note what is *not* there: the kernel is not flipped. Mathematicians call that a cross-correlation; Keras,
# PyTorch and scratchnet call it a convolution.

# %%
x4 = np.arange(16.0).reshape(1, 4, 4, 1)  # (N, H, W, C) = (1, 4, 4, 1)
W2 = np.array([[1.0, 0.0], [0.0, -1.0]]).reshape(2, 2, 1, 1)  # (kh, kw, C, F) = (2, 2, 1, 1)
conv = sn.layers.Conv2D(1, (2, 2), use_bias=False, name="worked_example")
conv(x4)  # builds the layer for (4, 4, 1) images
conv.set_weights([W2])
z4 = conv(x4)
print("z =\n", z4[0, :, :, 0])
print("z[1, 2] by hand: x[1, 2] - x[2, 3] =", x4[0, 1, 2, 0] - x4[0, 2, 3, 0])

fig, axes = plt.subplots(1, 3, figsize=(8, 2.8), layout="constrained", width_ratios=[4, 2, 3])
show(axes[0], x4[0, :, :, 0], "x: the patch of z[1, 2]", box=(1, 2, 2, 2))
show(axes[1], W2[:, :, 0, 0], "W")
show(axes[2], z4[0, :, :, 0], "z", box=(1, 2, 1, 1))
plt.show()

# %% [markdown]
# ## Patches × kernel: im2col
#
# Write every patch as a row, in the order of `W`'s axes `(a, b, c)`: the 4×4 image has 9 patches of 4 numbers,
# a `(9, 4)` matrix called `cols` (for "image to columns"). `W` read as a column `(4, 1)`, the whole convolution is
# one matmul, `cols @ W.reshape(4, 1)`: the matmul a Dense layer does, with patches in the place of examples.
# (Here with a loop over positions, to see it; your version below must not loop over images or positions.)

# %%
cols4 = np.array([x4[0, i : i + 2, j : j + 2, :].ravel() for i in range(3) for j in range(3)])
print("cols =\n", cols4)
print("cols @ W.reshape(4, 1) =", (cols4 @ W2.reshape(4, 1)).ravel())

# %% [markdown]
# **Exercise.** Write `im2col(x, kh, kw, stride=1)` for a batch `x (N, H, W, C)`: one row per output position,
# `(N*Ho*Wo, kh*kw*C)`, rows in the order `(n, i, j)` and each row in the order `(a, b, c)`. With stride `s`,
# patch `(i, j)` starts at pixel `(i*s, j*s)`, and only windows that fit count:
#
#     Ho = (H - kh) // s + 1        Wo = (W - kw) // s + 1
#
# A hint that avoids any loop over positions: for one offset `(a, b)` inside the kernel, entry `(a, b)` of every
# patch is the strided slice `x[:, a : a + s*Ho : s, b : b + s*Wo : s, :]`. So fill an `(N, Ho, Wo, kh, kw, C)`
# array with a loop over the `kh*kw` offsets, then reshape. (NumPy's `sliding_window_view` also gives every
# window at once, with the window axes last: `(N, Ho, Wo, C, kh, kw)`, so mind the order.)


# %%
def im2col(x, kh, kw, stride=1):
    # BEGIN SOLUTION
    n, h, w, c = x.shape
    ho, wo = (h - kh) // stride + 1, (w - kw) // stride + 1
    patches = np.empty((n, ho, wo, kh, kw, c), dtype=x.dtype)
    for a in range(kh):
        for b in range(kw):
            patches[:, :, :, a, b, :] = x[:, a : a + stride * ho : stride, b : b + stride * wo : stride, :]
    return patches.reshape(n * ho * wo, kh * kw * c)
    # END SOLUTION


exercises.check("im2col", im2col)

# %% [markdown]
# **Exercise.** Now the forward of `Conv2D` with a bias, for `F` filters: `z = cols @ W.reshape(kh*kw*C, F) + b`,
# reshaped to `(N, Ho, Wo, F)`. Use your `im2col`.


# %%
def conv2d_forward(x, W, b, stride=1):
    # BEGIN SOLUTION
    kh, kw, c, f = W.shape
    n, h, w, _ = x.shape
    ho, wo = (h - kh) // stride + 1, (w - kw) // stride + 1
    z = im2col(x, kh, kw, stride) @ W.reshape(kh * kw * c, f) + b  # (N*Ho*Wo, F)
    return z.reshape(n, ho, wo, f)
    # END SOLUTION


exercises.check("conv2d_forward", conv2d_forward)

# %% [markdown]
# ## Backward: Dense's backward, on the patches
#
# Since `z = cols @ W + b` (W as a `(kh*kw*C, F)` matrix), lesson 2 gives the backward at once:
#
#     dW    = cols.T @ dz        (kh*kw*C, F), reshaped to (kh, kw, C, F)
#     db    = dz.sum(axis=(0, 1, 2))            (F,)
#     dcols = dz @ W.T           (N*Ho*Wo, kh*kw*C): the gradient of every entry of every patch
#
# (with `dz` as an `(N*Ho*Wo, F)` matrix). Two things are new:
#
# - `W` and `b` are shared by **every position** of every image, so their gradients sum over `N`, `Ho` and `Wo`
#   (the matmul `cols.T @ dz` does that: its inner dimension is the `N*Ho*Wo` rows).
# - A pixel sits in up to `kh*kw` overlapping patches, so its gradient is the **sum** of the `dcols` entries that
#   were copies of it: *col2im*, the way back of im2col, with `+=`.
#
# The worked example with `dz = ones` (so `L = z.sum()`): `dW[a, b]` is the sum of the 3×3 block of `x` that
# `W[a, b]` touched, `dW = [[45, 54], [81, 90]]`; `dx` gets `+1` on the top-left pixel of every patch and `-1` on
# the bottom-right one.

# %%
conv(x4)
dx4 = conv.backward(np.ones((1, 3, 3, 1), dtype=np.float32))
print("dW =\n", conv.grads["W"][:, :, 0, 0])
fig, axes = plt.subplots(1, 3, figsize=(8, 2.8), layout="constrained", width_ratios=[3, 2, 4])
show(axes[0], np.ones((3, 3)), "dz = ones")
show(axes[1], conv.grads["W"][:, :, 0, 0], "dW = cols.T @ dz")
show(axes[2], dx4[0, :, :, 0], "dx = col2im(dz @ W.T)", box=(1, 1, 1, 1))
plt.show()
print("dx[1, 1] = 0: the top-left of patch (1, 1) (+1) and the bottom-right of patch (0, 0) (-1)")

# %% [markdown]
# **Exercise.** Write `conv2d_backward(x, W, dz, stride=1)`, returning `(dx, dW, db)`. For col2im, loop over the
# `kh*kw` offsets `(a, b)` again: the entries `dcols[:, :, :, a, b, :]` belong to the pixels
# `x[:, a : a + s*Ho : s, b : b + s*Wo : s, :]`, all different, so one strided `+=` adds them all. The check
# compares with finite differences and names the classic slips (a flipped kernel, `dW`'s axes, a `db` not summed
# over every position, `=` where `+=` belongs).


# %%
def conv2d_backward(x, W, dz, stride=1):
    # BEGIN SOLUTION
    kh, kw, c, f = W.shape
    n, ho, wo, _ = dz.shape
    dz2 = dz.reshape(n * ho * wo, f)
    dW = (im2col(x, kh, kw, stride).T @ dz2).reshape(kh, kw, c, f)
    db = dz2.sum(axis=0)
    dcols = (dz2 @ W.reshape(kh * kw * c, f).T).reshape(n, ho, wo, kh, kw, c)
    dx = np.zeros_like(x)
    for a in range(kh):
        for b in range(kw):
            dx[:, a : a + stride * ho : stride, b : b + stride * wo : stride, :] += dcols[:, :, :, a, b, :]
    # END SOLUTION
    return dx, dW, db


exercises.check("conv2d_backward", conv2d_backward)

# %% [markdown]
# ## Max pooling, and who gets the gradient
#
# `MaxPooling2D(2, 2)` keeps the largest value of each 2×2 window (windows side by side), per channel: it halves
# height and width. A last row or column that does not fill a window is dropped (`'valid'`): `Ho = H // 2`.
#
# Backward: `y = max(x1, ..., x4)`. Nudging an input that is not the maximum does not change `y`, so its gradient
# is 0; the maximum moves `y` with it, so it gets the whole `dy`. **Ties** (common after a ReLU, which outputs
# many exact zeros): the max has no derivative there, and scratchnet, like TensorFlow and PyTorch, gives the whole
# `dy` to the **first** maximum in row-major order (top row first, left to right), the one `np.argmax` returns.
# Giving every tied input the full `dy` would count it twice.

# %%
xp = np.array([[1, 3, 2, 2], [4, 2, 0, 1], [5, 6, 7, 7], [0, 6, 7, 1]], dtype=np.float32).reshape(1, 4, 4, 1)
dyp = np.array([[1, 2], [3, 4]], dtype=np.float32).reshape(1, 2, 2, 1)
pool = sn.layers.MaxPooling2D(2, 2, name="pool_example")
yp = pool(xp)
dxp = pool.backward(dyp)
fig, axes = plt.subplots(1, 4, figsize=(10, 2.8), layout="constrained", width_ratios=[4, 2, 2, 4])
show(axes[0], xp[0, :, :, 0], "x (ties: 2 2, 6 6, 7 7 7)")
show(axes[1], yp[0, :, :, 0], "y = max of each window")
show(axes[2], dyp[0, :, :, 0], "dy")
show(axes[3], dxp[0, :, :, 0], "dx: the first maximum wins")
for ax in (axes[0], axes[3]):
    for r, c in [(0, 0), (0, 2), (2, 0), (2, 2)]:
        ax.add_patch(plt.Rectangle((c - 0.5, r - 0.5), 2, 2, fill=False, lw=2, ec="black"))
plt.show()

# %% [markdown]
# **Exercise.** Write `maxpool2d_forward(x, size=2)` and `maxpool2d_backward(x, dy, size=2)` for windows of
# `size × size` side by side. A reshape does it without loops: crop `x` to `x[:, :Ho*size, :Wo*size]` and reshape
# to `(N, Ho, size, Wo, size, C)`; the windows run along axes 2 and 4. For the backward, put each window's
# `size*size` entries on one last axis, in row-major order, and let `argmax` pick the winner. The check uses
# inputs with ties.


# %%
def maxpool2d_forward(x, size=2):
    # BEGIN SOLUTION
    n, h, w, c = x.shape
    ho, wo = h // size, w // size
    return x[:, : ho * size, : wo * size].reshape(n, ho, size, wo, size, c).max(axis=(2, 4))
    # END SOLUTION


def maxpool2d_backward(x, dy, size=2):
    # BEGIN SOLUTION
    n, h, w, c = x.shape
    ho, wo = h // size, w // size
    blocks = x[:, : ho * size, : wo * size].reshape(n, ho, size, wo, size, c)
    windows = blocks.transpose(0, 1, 3, 5, 2, 4).reshape(n, ho, wo, c, size * size)  # each window row-major
    winner = np.arange(size * size) == windows.argmax(axis=-1)[..., None]  # bool: only the first maximum
    dwindows = (winner * dy[..., None]).reshape(n, ho, wo, c, size, size)
    dx = np.zeros_like(x)
    dx[:, : ho * size, : wo * size] = dwindows.transpose(0, 1, 4, 2, 5, 3).reshape(n, ho * size, wo * size, c)
    return dx
    # END SOLUTION


print(exercises.check("maxpool2d_forward", maxpool2d_forward))
print(exercises.check("maxpool2d_backward", maxpool2d_backward))

# %% [markdown]
# ## Checking the library's layers
#
# The same finite differences as lesson 4, now on `Conv2D` with options your exercise did not have: stride 2,
# `padding='same'` (zeros around the image so that `Ho = ceil(H / stride)`), and a tanh. And `MaxPooling2D` on
# random inputs (no ties: at a tie the max has no derivative for finite differences to measure).

# %%
rng = np.random.default_rng(0)
conv_check = sn.layers.Conv2D(3, (3, 3), strides=2, padding="same", activation="tanh", name="conv_check")
print(sn.gradcheck.check_layer(conv_check, rng.normal(size=(2, 7, 7, 2))))
print(sn.gradcheck.check_layer(sn.layers.MaxPooling2D(2, 2, name="pool_check"), rng.normal(size=(2, 6, 5, 3))))

# %% [markdown]
# ## The course's model
#
# The program of the course, after the import swap. Images get a channel axis (`reshape(-1, 28, 28, 1)`): a
# convolution wants `(height, width, channels)`. To keep this lesson quick we train on the first 6,000 images for
# 2 epochs (the course uses all 60,000 and 5 epochs, and reaches about 0.90 test accuracy; each epoch of the full
# set takes about 30 s here).

# %%
(x_train, y_train), (x_test, y_test) = sn.datasets.fashion_mnist.load_data(verbose=0)
class_names = sn.datasets.fashion_mnist.class_names
x_train = x_train.reshape(-1, 28, 28, 1) / 255.0
x_test = x_test.reshape(-1, 28, 28, 1) / 255.0

model = sn.Sequential(
    [
        sn.layers.Conv2D(64, (3, 3), activation="relu", input_shape=(28, 28, 1)),
        sn.layers.MaxPooling2D(2, 2),
        sn.layers.Conv2D(64, (3, 3), activation="relu"),
        sn.layers.MaxPooling2D(2, 2),
        sn.layers.Flatten(),
        sn.layers.Dense(128, activation="relu"),
        sn.layers.Dense(10, activation="softmax"),
    ],
    seed=0,
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.summary()

# %% [markdown]
# The parameters: the first `Conv2D` has 64 kernels of `3×3×1` plus 64 biases, `640`; the second 64 kernels of
# `3×3×64` (each looks at all 64 channels below it) plus 64, `36,928`; then `Flatten` of `(5, 5, 64)` gives 1,600
# inputs to `Dense(128)`: `204,928`; the output layer `1,290`. Each 3×3 'valid' convolution trims a pixel off every
# border (28 → 26, 13 → 11), each pooling halves (26 → 13, 11 → 5: the last row is dropped).

# %%
history = model.fit(x_train[:6000], y_train[:6000], epochs=2)
test_loss, test_accuracy = model.evaluate(x_test[:2000], y_test[:2000], verbose=0)
print(f"test accuracy on 2,000 test images: {test_accuracy:.3f}")

# %% [markdown]
# ## What the first layer learned
#
# Each of the 64 kernels of the first layer, `W[:, :, 0, f]`, as a 3×3 picture: red where it wants ink, blue where
# it wants none. Filter `f` responds most to patches that look like its picture. Look for a blue row or column
# beside a red one: it responds where the dark background meets the bright garment, an edge detector found by
# gradient descent alone. (Train longer, or on more images, and look again.)

# %%
sn.plotting.plot_kernels(model.layers[0].kernel)

# %% [markdown]
# ## Feature maps
#
# The course's last cell builds a second model whose outputs are *every* layer's output, runs a few test images
# through it, and draws one channel of each convolution and pooling output. scratchnet speaks the same idiom:

# %%
activation_model = sn.Model(inputs=model.inputs, outputs=[layer.output for layer in model.layers])
chosen = [0, 23, 28]  # the course's FIRST_IMAGE, SECOND_IMAGE, THIRD_IMAGE: three ankle boots
activations = activation_model.predict(x_test[chosen], verbose=0)
for layer, a in zip(model.layers, activations, strict=True):
    print(f"{layer.name:16} {a.shape}")

# %% [markdown]
# `sn.plotting.plot_feature_maps` draws them: one row per image, one column per conv/pool layer, channel 1 of each
# (the course's `CONVOLUTION_NUMBER`). Bright is where that filter responded: here the first convolution's channel 1
# lights up along the top edge of each boot; each pooling halves the map and keeps its strongest responses; the
# second convolution responds to larger parts of the shoe.

# %%
sn.plotting.plot_feature_maps(model, x_test[chosen], channel=1, labels=y_test[chosen], class_names=class_names)

# %% [markdown]
# ## Questions to try
#
# - Change `channel=1` to other filters: which respond to edges, which to the whole garment?
# - Draw the feature maps of a shirt and a sneaker (`np.where(y_test == 6)[0][:3]`, class 7).
# - Use `Conv2D(16, (3, 3))` in both places: how many parameters, how fast, how accurate?
# - Replace `MaxPooling2D` with `AveragePooling2D`: what does its backward give each input of a window?
