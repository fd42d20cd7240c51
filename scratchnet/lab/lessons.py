"""The lesson plan: for each lesson, its notebook, minutes, objectives, graded exercises and discussion questions.

The graded exercises are the names ``scratchnet.exercises.check`` logs (``"layer:LeakyReLU"`` for a layer checked
with ``check_layer``); tests/test_lab.py checks that they are exactly the exercises each lesson's notebook checks,
so the plan, the guide and the grader cannot drift from the lessons.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    """One lesson of the lab.

    Attributes:
        stem: the notebook's name without ``.ipynb``, e.g. ``"03_softmax_crossentropy"``.
        title: its title.
        minutes: the time a class needs for it, exercises included.
        objectives: what a learner can do afterwards.
        exercises: the graded exercises, in the order the notebook checks them.
        questions: for a discussion after the lesson.
        data: the dataset it loads (None: none, it runs without a download).
        guide: the section of docs/backprop.md (the derivations) it goes with.
    """

    stem: str
    title: str
    minutes: int
    objectives: tuple[str, ...]
    exercises: tuple[str, ...]
    questions: tuple[str, ...]
    data: str | None = "fashion_mnist"
    guide: str = ""

    @property
    def number(self) -> int:
        return int(self.stem[:2])


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        stem="01_your_keras_program",
        title="Your Keras program, in scratchnet",
        minutes=20,
        objectives=(
            "train the classic Fashion-MNIST classifier with the Keras API",
            "read model.predict's output: one row of class probabilities per image",
            "pick the predicted class with np.argmax(..., axis=1), and say what np.argmax without an axis returns",
            "draw a prediction as a bar chart of its probabilities (not a histogram)",
        ),
        exercises=("predicted_classes",),
        questions=(
            "Why does the first epoch's loss start near 2.30? (What is -log(1/10)?)",
            "The confusion matrix: which classes does the model mix up, and would a person mix them up too?",
            "Your own picture was prepared to look like a training image. What else differs from the test set?",
        ),
        guide="one-training-step",
    ),
    Lesson(
        stem="02_dense_by_hand",
        title="One Dense layer by hand",
        minutes=20,
        objectives=(
            "write z = x @ W + b for a batch, with the shapes of every array",
            "derive dx, dW and db by the chain rule and check one entry by hand",
            "explain why dW and db sum over the batch and why a layer never divides by N",
            "write ReLU's and sigmoid's backward from their outputs",
        ),
        exercises=("dense_forward", "dense_backward", "relu_backward", "sigmoid_backward"),
        questions=(
            "dW = x.T @ dz: why is there only one way to multiply x and dz into W's shape?",
            "Where does the 1/N of the mean over the batch enter the backward pass?",
            "ReLU's backward uses y > 0, not y >= 0: what is different at exactly 0?",
        ),
        data=None,
        guide="dense",
    ),
    Lesson(
        stem="03_softmax_crossentropy",
        title="Softmax and cross-entropy",
        minutes=25,
        objectives=(
            "compute softmax without overflow by subtracting each row's max",
            "read softmax's Jacobian and write its backward without building it",
            "derive the fused gradient (p - onehot(y)) / N and say where the 1/N comes from",
            "write the gradient of the mean squared error",
        ),
        exercises=("softmax", "softmax_backward", "softmax_crossentropy_backward", "mse_backward"),
        questions=(
            "Subtracting the max of the whole batch also avoids overflow. Why does it still fail?",
            "Why do frameworks fuse softmax with cross-entropy instead of chaining their backwards?",
            "A confident wrong answer (p of the true class near 0): how large is its gradient, fused and chained?",
        ),
        data=None,
        guide="softmax-and-cross-entropy-fused-p--y--n",
    ),
    Lesson(
        stem="04_gradient_check",
        title="Is my gradient right?",
        minutes=25,
        objectives=(
            "compute a centred finite difference and choose its step h",
            "read a gradient-check report and find the bug it points at",
            "write a layer's backward (a leaky ReLU) that passes the layer contract and trains",
            "write dropout's backward",
        ),
        exercises=("layer:LeakyReLU", "dropout_backward"),
        questions=(
            "Why does the checker use a random dy instead of dy = ones?",
            "Why does the error of a finite difference grow again when h gets very small?",
            "A wrong backward still trains, a bit worse. How would you notice without a gradient check?",
        ),
        guide="gradient-checking-how-to-know-a-backward-is-right",
    ),
    Lesson(
        stem="05_optimizers",
        title="Optimizers",
        minutes=20,
        objectives=(
            "compare SGD, momentum and Adam on a narrow valley and on the exercise",
            "write one step of SGD with momentum in Keras's form",
            "write one Adam step with its bias correction, exactly as the library does",
        ),
        exercises=("sgd_momentum_step", "adam_step"),
        questions=(
            "Why is SGD's learning rate capped by the steepest direction of the valley?",
            "What would Adam's first steps look like without the bias correction?",
            "An optimizer updates the parameters in place. What does that change for code that keeps them?",
        ),
        guide="optimizers-sgd-and-adam-with-bias-correction",
    ),
    Lesson(
        stem="06_watching_it_learn",
        title="Watching a network learn",
        minutes=15,
        objectives=(
            "follow training with live curves",
            "read LayerStats: activations, dead ReLUs, gradient norms, update-to-weight ratios",
            "recognise a learning rate too high or too low, and a bad initialization, from the pictures",
        ),
        exercises=(),
        questions=(
            "What kills a ReLU, and why does it never come back?",
            "Why can a network initialised with zeros not learn, whatever the learning rate?",
            "What update-to-weight ratio would you aim for, and why?",
        ),
        guide="what-the-mnist-exercise-learned-in-pictures",
    ),
    Lesson(
        stem="07_convolutions",
        title="Convolutions",
        minutes=35,
        objectives=(
            "compute a convolution by hand on a 4×4 image and a 2×2 kernel",
            "write im2col and Conv2D's forward as one matrix product on patches",
            "write Conv2D's backward (col2im with +=) and max pooling's, with its tie rule",
            "read a conv model's summary, kernels and feature maps",
        ),
        exercises=("im2col", "conv2d_forward", "conv2d_backward", "maxpool2d_forward", "maxpool2d_backward"),
        questions=(
            "Why must col2im add (+=) and not assign?",
            "Which input of a pooling window gets the gradient when two tie, and why not both?",
            "How many parameters does Conv2D(64, (3, 3)) have on a grey image, against a Dense layer doing the same?",
        ),
        guide="convolution-and-pooling",
    ),
    Lesson(
        stem="08_batch_normalization",
        title="Batch normalization by hand",
        minutes=35,
        objectives=(
            "write BatchNormalization's training forward: each feature's mean and biased variance over the batch",
            "go back through its computation graph, then write the one-line backward, and say what each term is",
            "explain the moving statistics, and why a batch of one gives the same output in training mode",
            "read what batch normalization does to dead ReLUs and update ratios in LayerStats",
        ),
        exercises=("batchnorm_forward", "batchnorm_backward"),
        questions=(
            "Why does every dx of a feature depend on every dy of that feature, and why do they sum to zero?",
            "Why is a bias before BatchNormalization useless, and what does its gradient look like?",
            "What goes wrong at inference if the moving averages were never updated?",
        ),
        data=None,
    ),
    Lesson(
        stem="09_backprop_through_time",
        title="Backprop through time",
        minutes=40,
        objectives=(
            "write a SimpleRNN step forward and backward, tanh's derivative taken from its output",
            "write the loop over time backward: the carry of dh to the previous step, the weights' gradients summed",
            "show vanishing and exploding gradients with numbers, and clip a gradient by its norm",
            "write an LSTM step in Keras's gate order, and say why its cell state remembers longer",
        ),
        exercises=("rnn_step_forward", "rnn_step_backward", "rnn_backward", "lstm_step_forward"),
        questions=(
            "Which steps' dx are still right when the carry is dropped, and why?",
            "Why does clipping help with exploding gradients but not with vanishing ones?",
            "What would a forget gate stuck at 0 do to an LSTM's memory and its gradients?",
        ),
        data=None,
    ),
    Lesson(
        stem="10_build_the_tape",
        title="Build the tape yourself",
        minutes=45,
        objectives=(
            "write the local derivative of mul, matmul, a broadcast add, sum, exp and log, each from its forward",
            "undo a broadcast in the backward: the gradient of a (D,) bias added to (N, D) sums over the batch",
            "play a tape back in reverse topological order, adding up the gradients of a value used twice",
            "see the same Dense gradient by hand, by scratchnet's GradientTape and by finite differences",
        ),
        exercises=(
            "mul_backward",
            "matmul_backward",
            "add_backward",
            "sum_backward",
            "exp_backward",
            "log_backward",
            "backward_pass",
        ),
        questions=(
            "Why must the playback wait until every op that used a value has handed down its share?",
            "The fused softmax + cross-entropy gradient is simpler than the chain: why can a tape not find it?",
            "What does a tape cost that a hand-written backward does not, and when is it worth it?",
        ),
        data=None,
        guide="from-layers-to-a-tape",
    ),
)


def lesson(stem_or_number: str | int) -> Lesson:
    """The lesson with that notebook stem (``"03_softmax_crossentropy"``), file name or number (3 or ``"03"``)."""
    key = str(stem_or_number)
    key = key[:-6] if key.endswith(".ipynb") else key
    for each in LESSONS:
        if key in (each.stem, f"{each.number:02d}", str(each.number)):
            return each
    raise ValueError(
        f"Unknown lesson. Expected one of {[each.stem for each in LESSONS]}. Received: {stem_or_number!r}."
    )
