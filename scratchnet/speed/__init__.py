"""The speed tricks, all in one room, behind one switch.

``layers/``, ``optimizers.py``, ``losses.py`` and ``metrics.py`` are written the way a textbook writes them:
each layer keeps its parameters in its own arrays, a backward computes ``dW = x.T @ dz`` as a new array, Adam is
the paper's three lines. Where a faster form of the *same* arithmetic exists, the plain code asks this module
(``if speed.enabled(): ...``) and the faster form lives here, with what it buys. Every number quoted below was
measured with ``benchmarks/train_speed.py`` on this project's 2-core machine (the exercise model: 784 -> 128 relu
-> 10 softmax, Adam, batch 32, Fashion-MNIST); ``benchmarks/README.md`` keeps the ledger.

    scratchnet.speed.enabled()            # True unless switched off (a context variable: see switch.py)
    with scratchnet.speed.disabled():     # the plain textbook path, every trick off
        model.fit(x, y)

Both paths compute the same numbers (the tests train the same seeded model both ways and compare the weights to
1e-10); they differ only in how many arrays are allocated, copied and touched per step. The tricks:

In ``dense.py``, for a dense network's training step:

1. :class:`FlatParameters` — all parameters in one vector θ, all gradients in one vector dθ.
2. :func:`dense_backward_into` — Dense's gradients written into dθ with ``out=``, no new arrays.
3. :func:`adam_update` — Adam in place with one reused scratch vector.
4. :func:`flush_denormals` — optimizer state stuck among denormal numbers is set to 0.
5. :func:`mean` — a batch mean as ``sum / N`` instead of ``ndarray.mean()``.

In ``blas.py``:

6. :func:`blas_threads` — small matmuls on one BLAS thread.

In ``convolution.py``:

7. :func:`im2col_rows` — Conv2D's patch matrix copied into a buffer reused between batches.
8. :func:`conv_grads_into` — Conv2D's gradients written into dθ with ``out=``.
9. :func:`max_pool_forward`, :func:`max_pool_backward` — max pooling by window offsets, no copy of the windows.
10. :func:`bias_activation_in_place` — Conv2D's bias and ReLU written over its matmul's output.
11. :func:`conv_input_grad` — Conv2D's input gradient one kernel offset at a time, no (N*Ho*Wo, kh*kw*C) dcols.
13. :func:`conv_forward` — Conv2D's bias inside its matmul (a column of ones after the patches), so dW and db
    come from one matmul too, when W and b lie side by side in θ.
12. :func:`max_pool_backward` after a ReLU made by trick 10 also does that ReLU's backward, on the 4x smaller
    pooled gradient (:func:`is_relu_output`, :func:`relu_backward_done`).

The switch itself is ``switch.py``. A trick keeps what it needs between calls (the flat θ, the patch buffer) in
its own file, keyed by the model or layer, never in their attributes.

For the convolution tricks, measured on the course model (Conv2D(64, 3x3) -> MaxPool -> Conv2D(64, 3x3) ->
MaxPool -> Dense(128) -> Dense(10), Adam, batch 32, float32, one BLAS thread) with
``python benchmarks/train_speed.py --model cnn --steps 150 --data-dir ../shared/data`` (``--readable`` for the
plain path), on the shared 2-core machine (±20 % between runs):

    ms per training step                                       plain    with the trick
    max pooling by window offsets                              26-28    15-17    (most of the gain)
    im2col into a reused buffer, per call                      0.165    0.127 ms (second conv's patches)

Tricks 10-13, measured on the shared machine at load 5-10 (so in CPU time of the training process, from cProfile
with ``time.process_time`` over 30 steps, one BLAS thread; wall times there vary 2-5x):

    ms of CPU per training step                                 before   after
    11: dx one kernel offset at a time (dcols + col2im before)  10.7     8.9
    12: ReLU backward folded into the max pooling               1.7      0
    13: bias inside the matmul: bias + ReLU, and db's sum        3.3      1.5
    the whole step, main (285cd99) -> 10-13                     46.7     39.4
    interleaved processes, 5 rounds, best of 8 x 10 steps       33-43    29-32    (CPU; wall 47-54 -> 33-45)

What is left (the same profile, 39.4 ms): the convolutions' matmuls 24 ms (forward 7.6, dW and db 8.6, dx 8.0),
which run at about 65 % of one thread's matmul peak measured in the same conditions; max-pool backward 4.8,
forward 1.2; the patch copies 1.7; ReLU in place 1.3; Adam 0.9; the Dense layers 1.3.
"""

from scratchnet.speed.blas import blas_threads
from scratchnet.speed.convolution import (
    bias_activation_in_place,
    conv_forward,
    conv_grads_into,
    conv_input_grad,
    im2col_rows,
    is_relu_output,
    max_pool_backward,
    max_pool_forward,
    relu_backward_done,
)
from scratchnet.speed.dense import (
    FLUSH_DENORMALS_EVERY,
    FlatParameters,
    adam_update,
    dense_backward_into,
    flat_parameters,
    flush_denormals,
    is_flat,
    mean,
    separate_parameters,
)
from scratchnet.speed.switch import disabled, enabled

__all__ = [
    "FLUSH_DENORMALS_EVERY",
    "FlatParameters",
    "adam_update",
    "bias_activation_in_place",
    "blas_threads",
    "conv_forward",
    "conv_grads_into",
    "conv_input_grad",
    "dense_backward_into",
    "disabled",
    "enabled",
    "flat_parameters",
    "flush_denormals",
    "im2col_rows",
    "is_flat",
    "is_relu_output",
    "max_pool_backward",
    "max_pool_forward",
    "mean",
    "relu_backward_done",
    "separate_parameters",
]
