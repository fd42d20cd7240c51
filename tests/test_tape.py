"""GradientTape as TensorFlow has it: what it records, how it plays back, and what it refuses, clearly."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from _helpers import raised

import scratchnet as sn
from scratchnet.tape.tensor import TapeWarning


def test_gradient_of_a_variable_with_no_watch():
    w = sn.Variable(3.0)
    with sn.GradientTape() as tape:
        y = w * w + 2 * w
    assert float(tape.gradient(y, w)) == 8.0


def test_a_tensor_used_twice_gets_both_contributions():
    x = sn.Variable([1.0, 2.0])
    with sn.GradientTape() as tape:
        a = x * 3
        y = sn.reduce_sum(a * x + a)  # x reaches y along three paths
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), 6 * np.array([1.0, 2.0]) + 3)


def test_a_broadcast_parameter_gets_its_gradient_summed_back_to_its_shape():
    x = sn.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
    b = sn.Variable([1.0, 1.0, 1.0])
    with sn.GradientTape() as tape:
        y = sn.reduce_sum(x + b)
    g = tape.gradient(y, b)
    assert g.shape == (3,)
    np.testing.assert_allclose(g.numpy(), [2.0, 2.0, 2.0])  # b was added to each of the 2 rows


def test_constants_need_watch_and_intermediates_can_be_sources():
    x = sn.constant(2.0)
    with sn.GradientTape(persistent=True) as tape:
        y = x * x
        tape.watch(x)
        z = x * x
        u = z * 3
    with pytest.warns(TapeWarning, match="not computed on this tape"):
        assert tape.gradient(y, x) is None  # computed before the watch: not recorded
    assert float(tape.gradient(z, x)) == 4.0
    assert float(tape.gradient(u, z)) == 3.0


def test_structures_of_sources_come_back_in_the_same_structure_with_none_for_the_unconnected():
    w, b, unused = sn.Variable([1.0, 2.0]), sn.Variable(0.5), sn.Variable(1.0)
    with sn.GradientTape() as tape:
        y = sn.reduce_sum(w * b)
    grads = tape.gradient(y, {"dense": [w, b], "other": (unused,)})
    assert set(grads) == {"dense", "other"} and isinstance(grads["other"], tuple)
    np.testing.assert_allclose(grads["dense"][0].numpy(), [0.5, 0.5])
    assert float(grads["dense"][1]) == 3.0
    assert grads["other"] == (None,)


def test_unconnected_gradients_zero():
    w, unused = sn.Variable(1.0), sn.Variable([1.0, 2.0])
    with sn.GradientTape() as tape:
        y = w * 2
    assert tape.gradient(y, unused, unconnected_gradients="zero").numpy().tolist() == [0.0, 0.0]


def test_a_non_persistent_tape_answers_once_and_says_how_to_ask_again():
    w = sn.Variable(1.0)
    with sn.GradientTape() as tape:
        y = w * w
    tape.gradient(y, w)
    message = raised(RuntimeError, tape.gradient, y, w)
    assert "persistent=True" in message


def test_a_persistent_tape_answers_every_time():
    w = sn.Variable(2.0)
    with sn.GradientTape(persistent=True) as tape:
        y = w * w
        z = y * w
    assert float(tape.gradient(y, w)) == 4.0
    assert float(tape.gradient(z, w)) == 12.0
    assert float(tape.gradient(z, w)) == 12.0


def test_gradient_before_the_block_is_refused():
    message = raised(RuntimeError, sn.GradientTape().gradient, sn.constant(1.0), sn.Variable(1.0))
    assert "with sn.GradientTape() as tape" in message


def test_stop_recording_leaves_ops_out():
    w = sn.Variable(2.0)
    with sn.GradientTape() as tape:
        y = w * w
        with tape.stop_recording():
            z = w * 10
        total = y + z
    assert float(tape.gradient(total, w)) == 4.0  # z is a constant to the tape


def test_nested_tapes_give_first_derivatives_only_and_say_so():
    x = sn.Variable(3.0)
    with sn.GradientTape() as outer:
        with sn.GradientTape() as inner:
            y = x * x * x
        dy = inner.gradient(y, x)
    # the inner gradient is computed with NumPy, not recorded: the outer tape sees no path (a documented limit)
    assert float(dy) == 27.0
    with pytest.warns(TapeWarning, match="not computed on this tape"):
        assert outer.gradient(dy, x) is None


def test_a_non_scalar_target_is_summed_as_tensorflow_does():
    x = sn.Variable([1.0, 2.0, 3.0])
    with sn.GradientTape() as tape:
        y = x * x
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [2.0, 4.0, 6.0])


def test_a_list_of_targets_is_summed_and_output_gradients_weigh_it():
    x = sn.Variable([1.0, 2.0])
    with sn.GradientTape(persistent=True) as tape:
        a, b = x * 2, x * x
    np.testing.assert_allclose(tape.gradient([a, b], x).numpy(), [4.0, 6.0])
    np.testing.assert_allclose(tape.gradient(b, x, output_gradients=np.array([1.0, 0.0])).numpy(), [2.0, 0.0])


def test_integer_sources_get_none_and_a_warning():
    i = sn.Variable([1, 2])
    w = sn.Variable(1.0)
    with sn.GradientTape() as tape:
        y = sn.cast(i, "float32") * w
    with pytest.warns(TapeWarning, match="dtype int32 has no gradient"):
        grads = tape.gradient(y, [i, w])
    assert grads[0] is None and float(grads[1]) == 3.0


def test_a_numpy_result_as_target_is_refused_with_the_reason():
    w = sn.Variable([1.0, 2.0])
    with sn.GradientTape() as tape:
        y = np.asarray(w * w).sum()
    message = raised(TypeError, tape.gradient, y, w)
    assert "Received: float" in message and "sn.reduce_mean" in message


def test_numpy_functions_on_tensors_are_recorded_and_unknown_ones_warn():
    w = sn.Variable([1.0, 2.0])
    with sn.GradientTape() as tape:
        y = np.sum(np.exp(w))  # both have tensor ops: recorded
        with pytest.warns(TapeWarning, match="np.cumsum was called on a Tensor inside a GradientTape"):
            lost = np.cumsum(w)
    assert isinstance(lost, np.ndarray)
    np.testing.assert_allclose(tape.gradient(y, w).numpy(), np.exp([1.0, 2.0]), rtol=1e-6)


def test_no_warning_outside_a_tape():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.cumsum(sn.constant([1.0, 2.0]))


def test_a_tape_is_used_once_as_a_block():
    tape = sn.GradientTape()
    with tape:
        pass
    assert "already used" in raised(RuntimeError, tape.__enter__)


def test_watch_takes_tensors_only():
    with sn.GradientTape() as tape:
        assert "sn.constant(x)" in raised(TypeError, tape.watch, np.zeros(2))


def test_a_long_chain_does_not_hit_the_recursion_limit():
    w = sn.Variable(1.0)
    with sn.GradientTape() as tape:
        y = w
        for _ in range(3000):
            y = y * 1.0001
    assert abs(float(tape.gradient(y, w)) - 1.0001**3000) < 1e-3


def test_sgd_on_variables_fits_a_line():
    # DLwP chapter 2's loop, in miniature: y = 2x - 1 from six points
    xs = sn.constant([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0])
    ys = 2 * xs - 1
    w, b = sn.Variable(0.0), sn.Variable(0.0)
    optimizer = sn.optimizers.SGD(learning_rate=0.05)
    for _ in range(300):
        with sn.GradientTape() as tape:
            loss = sn.reduce_mean(sn.square(w * xs + b - ys))
        optimizer.apply_gradients(zip(tape.gradient(loss, [w, b]), [w, b], strict=True))
    assert abs(float(w) - 2) < 1e-3 and abs(float(b) + 1) < 1e-3


def test_apply_gradients_skips_none_and_explains_when_nothing_is_left():
    w, unused = sn.Variable(1.0), sn.Variable(5.0)
    optimizer = sn.optimizers.SGD(learning_rate=0.5)
    optimizer.apply_gradients([(sn.constant(2.0), w), (None, unused)])
    assert float(w) == 0.0 and float(unused) == 5.0
    message = raised(ValueError, optimizer.apply_gradients, [(None, w)])
    assert "every gradient is None" in message
    message = raised(ValueError, optimizer.apply_gradients, [(sn.constant([1.0, 2.0]), w)])
    assert "zip(grads, variables)" in message


def test_keras_3_apply_and_keras_2_minimize():
    w = sn.Variable([1.0, 1.0])
    optimizer = sn.optimizers.SGD(learning_rate=0.25)
    optimizer.apply([sn.constant([4.0, 0.0])], [w])  # Keras 3 order: grads, variables
    np.testing.assert_allclose(w.numpy(), [0.0, 1.0])
    optimizer.minimize(lambda: sn.reduce_sum(w * w), [w])
    np.testing.assert_allclose(w.numpy(), [0.0, 0.5])


def test_keras_3_variables_from_an_initializer_and_slices_that_assign():
    w = sn.Variable(shape=(3, 2), initializer="zeros")
    assert w.shape == (3, 2) and w.dtype == np.float32
    u = sn.Variable("uniform", shape=(50,))
    assert 0 < np.abs(u.numpy()).max() <= 0.05
    w[0, 1].assign(3.0)
    w[2].assign_add([1.0, 1.0])
    np.testing.assert_array_equal(w.numpy(), [[0, 3], [0, 0], [1, 1]])
    assert "initializer='zeros', shape=(3, 2)" in raised(ValueError, sn.Variable)


def test_module_finds_its_variables_in_attributes_lists_and_submodules():
    class Inner(sn.Module):
        def __init__(self):
            super().__init__()
            self.w = sn.Variable(1.0)

    class Outer(sn.Module):
        def __init__(self):
            super().__init__(name="outer")
            self.inner = Inner()
            self.parts = [sn.Variable(2.0), {"b": sn.Variable(3.0, trainable=False)}]
            self.again = self.parts[0]

    m = Outer()
    assert [float(v) for v in m.variables] == [1.0, 2.0, 3.0]
    assert [float(v) for v in m.trainable_variables] == [1.0, 2.0]
    assert m.name == "outer"


def test_custom_gradient_uses_your_derivative():
    @sn.custom_gradient
    def clipped_identity(x):
        def grad(dy):
            return sn.clip_by_value(dy, -0.5, 0.5)

        return x * 1.0, grad

    x = sn.Variable([1.0, 2.0])
    with sn.GradientTape() as tape:
        y = sn.reduce_sum(clipped_identity(x) * sn.constant([3.0, 0.25]))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [0.5, 0.25])


def test_function_is_a_no_op_decorator():
    @sn.function
    def f(x):
        return x + 1

    @sn.function(jit_compile=True)
    def g(x):
        return x * 2

    assert float(f(sn.constant(1.0))) == 2.0 and float(g(sn.constant(1.0))) == 2.0


def test_a_target_that_lost_the_tape_warns_that_every_gradient_is_none():
    w = sn.Variable([1.0, 2.0])
    with sn.GradientTape() as tape:
        y = sn.reduce_sum(sn.constant(np.asarray(w)) * 2.0)  # through NumPy: the tape cannot follow
    with pytest.warns(TapeWarning, match="target was not computed on this tape"):
        assert tape.gradient(y, w) is None
