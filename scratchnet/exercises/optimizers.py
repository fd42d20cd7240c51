"""The exercises of lesson 5: one step of SGD with momentum, and of Adam, exactly as scratchnet's optimizers do it.

The reference runs the library's own optimizer on a copy, so an exercise can never drift from the code it
teaches. Updates are compared as the change they make to ``param`` (``Exercise.steps``): with a learning rate of
0.001 a wrong step would otherwise hide in the sixth digit of the parameter.
"""

from __future__ import annotations

import numpy as np

from scratchnet import optimizers
from scratchnet.exercises._core import Exercise, register
from scratchnet.exercises.basics import _sizes


def _param_inputs(rng):
    shape = tuple(_sizes(rng, 2))
    return {"param": rng.standard_normal(shape), "grad": rng.standard_normal(shape)}


def _sgd_inputs(rng):
    inputs = _param_inputs(rng)
    inputs["velocity"] = 0.1 * rng.standard_normal(inputs["param"].shape)
    inputs["learning_rate"] = float(rng.choice([0.01, 0.05, 0.1]))
    inputs["momentum"] = float(rng.choice([0.5, 0.9]))
    return inputs


def _sgd_reference(i):
    opt = optimizers.SGD(learning_rate=i["learning_rate"], momentum=i["momentum"])
    param = i["param"].copy()
    opt.build([param])
    opt.velocities[0][...] = i["velocity"]
    opt.update_step(0, param, i["grad"])
    return param, opt.velocities[0]


def _sgd_other_convention(i):
    velocity = i["momentum"] * i["velocity"] + i["grad"]
    return i["param"] - i["learning_rate"] * velocity, velocity


register(
    Exercise(
        name="sgd_momentum_step",
        args=("param", "grad", "velocity", "learning_rate", "momentum"),
        outputs=("param", "velocity"),
        make_inputs=_sgd_inputs,
        reference=_sgd_reference,
        steps=("param",),
        may_modify=("param", "velocity"),
        mistakes=[
            (
                "that is the other momentum convention (velocity = momentum * velocity + grad; param -= "
                "learning_rate * velocity). Keras's SGD, and scratchnet's, keep the velocity as a step: "
                "velocity = momentum * velocity - learning_rate * grad; param = param + velocity.",
                _sgd_other_convention,
            ),
            (
                "added learning_rate * grad: that step goes uphill. velocity = momentum * velocity - "
                "learning_rate * grad.",
                lambda i: (
                    i["param"] + i["momentum"] * i["velocity"] + i["learning_rate"] * i["grad"],
                    i["momentum"] * i["velocity"] + i["learning_rate"] * i["grad"],
                ),
            ),
            (
                "moved param with the old velocity: update the velocity first, then param = param + velocity.",
                lambda i: (i["param"] + i["velocity"], None),
            ),
            (
                "ignored the velocity: that is plain SGD. With momentum, velocity = momentum * velocity - "
                "learning_rate * grad, then param = param + velocity.",
                lambda i: (i["param"] - i["learning_rate"] * i["grad"], None),
            ),
        ],
        hints={
            "sign": "A step goes downhill, against the gradient: velocity = momentum * velocity - learning_rate * grad."
        },
        description="One step of SGD with momentum, in Keras's form; return the new param and velocity.",
    )
)


def _adam_inputs(rng):
    inputs = _param_inputs(rng)
    shape = inputs["param"].shape
    inputs["m"] = 0.1 * rng.standard_normal(shape)
    inputs["v"] = 0.01 * rng.random(shape) + 1e-3
    inputs["t"] = int(rng.choice([1, 2, 5, 10]))
    inputs["learning_rate"] = float(rng.choice([0.001, 0.01]))
    inputs["beta_1"] = float(rng.choice([0.9, 0.8]))
    inputs["beta_2"] = float(rng.choice([0.999, 0.99]))
    inputs["epsilon"] = float(rng.choice([1e-7, 1e-2]))  # a large epsilon shows where it is added
    return inputs


def _adam_reference(i):
    opt = optimizers.Adam(
        learning_rate=i["learning_rate"], beta_1=i["beta_1"], beta_2=i["beta_2"], epsilon=i["epsilon"]
    )
    param = i["param"].copy()
    opt.build([param])
    opt.m[0][...] = i["m"]
    opt.v[0][...] = i["v"]
    opt.iterations = i["t"]  # as Optimizer.apply leaves it: t counts this update
    opt.update_step(0, param, i["grad"])
    return param, opt.m[0], opt.v[0]


def _adam_variant(
    bias_correction: str = "both",
    paper_epsilon: bool = False,
    t_shift: int = 0,
    epsilon_inside: bool = False,
    root: bool = True,
    swap_correction: bool = False,
    old_moments: bool = False,
):
    """Adam with one known mistake, for the diagnosis.

    ``bias_correction``: "both" (right), "none", "m" or "v" (only that one corrected); ``epsilon_inside``: the
    epsilon added under the square root.
    """

    def update(i):
        b1, b2, g, t, eps = i["beta_1"], i["beta_2"], i["grad"], i["t"] + t_shift, i["epsilon"]
        m = b1 * i["m"] + (1 - b1) * g
        v = b2 * i["v"] + (1 - b2) * g * g
        if t < 1:
            return None, m, v

        def denominator(x):
            if not root:
                return x + eps
            return np.sqrt(x + eps) if epsilon_inside else np.sqrt(x) + eps

        step_m, step_v = (i["m"], i["v"]) if old_moments else (m, v)

        if bias_correction != "both" or paper_epsilon:
            m_hat = m / (1 - b1**t) if bias_correction in ("both", "m") else m
            v_hat = v / (1 - b2**t) if bias_correction in ("both", "v") else v
            return i["param"] - i["learning_rate"] * m_hat / denominator(v_hat), m, v
        lr_t = i["learning_rate"] * np.sqrt(1 - b2**t) / (1 - b1**t)
        if swap_correction:
            lr_t = i["learning_rate"] * np.sqrt(1 - b1**t) / (1 - b2**t)
        return i["param"] - lr_t * step_m / denominator(step_v), m, v

    return update


register(
    Exercise(
        name="adam_step",
        args=("param", "grad", "m", "v", "t", "learning_rate", "beta_1", "beta_2", "epsilon"),
        outputs=("param", "m", "v"),
        make_inputs=_adam_inputs,
        reference=_adam_reference,
        steps=("param",),
        may_modify=("param", "m", "v"),
        mistakes=[
            (
                "no bias correction: m and v start at 0, so early steps need lr_t = learning_rate * "
                "sqrt(1 - beta_2**t) / (1 - beta_1**t).",
                _adam_variant(bias_correction="none"),
            ),
            (
                "bias-corrected m only: v starts at 0 too, so divide it by (1 - beta_2**t) as well; scratchnet "
                "folds both into lr_t = learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t).",
                _adam_variant(bias_correction="m"),
            ),
            (
                "bias-corrected v only: m starts at 0 too, so divide it by (1 - beta_1**t) as well; scratchnet "
                "folds both into lr_t = learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t).",
                _adam_variant(bias_correction="v"),
            ),
            (
                "epsilon went inside the square root: sqrt(v + epsilon). It is added after it, "
                "m / (sqrt(v) + epsilon), so that it only guards against dividing by 0.",
                _adam_variant(epsilon_inside=True),
            ),
            (
                "epsilon went inside the square root, sqrt(v_hat + epsilon), in the paper's form. It is added "
                "after it; and scratchnet, like Keras, folds the bias correction into the step size: lr_t = "
                "learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t); param - lr_t * m / (sqrt(v) + epsilon).",
                _adam_variant(paper_epsilon=True, epsilon_inside=True),
            ),
            (
                "that is the paper's Algorithm 1 with epsilon added to sqrt(v_hat). scratchnet, like Keras, folds the "
                "correction into the step size: lr_t = learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t); "
                "param - lr_t * m / (sqrt(v) + epsilon).",
                _adam_variant(paper_epsilon=True),
            ),
            (
                "the bias correction used t + 1: t already counts this update (1 on the first).",
                _adam_variant(t_shift=1),
            ),
            (
                "the bias correction used t - 1: t already counts this update (1 on the first).",
                _adam_variant(t_shift=-1),
            ),
            (
                "divided by v, not by its square root: param - lr_t * m / (sqrt(v) + epsilon). v is a mean of "
                "squares; its root has the gradient's units.",
                lambda i: (_adam_variant(root=False)(i)[0], None, None),
            ),
            (
                "swapped beta_1 and beta_2 in the bias correction: lr_t = learning_rate * sqrt(1 - beta_2**t) / "
                "(1 - beta_1**t).",
                lambda i: (_adam_variant(swap_correction=True)(i)[0], None, None),
            ),
            (
                "stepped with the old m and v: update both first, then step with the new ones.",
                lambda i: (_adam_variant(old_moments=True)(i)[0], None, None),
            ),
            (
                "v is a running mean of grad * grad (the square): v = beta_2 * v + (1 - beta_2) * grad * grad.",
                lambda i: (None, None, i["beta_2"] * i["v"] + (1 - i["beta_2"]) * i["grad"]),
            ),
        ],
        hints={"sign": "A step goes downhill: param - lr_t * m / (sqrt(v) + epsilon)."},
        description=(
            "One Adam update, exactly as scratchnet.optimizers.Adam makes it; t is the number of this update "
            "(1 for the first). Return the new param, m and v."
        ),
    )
)
