"""Tensors and Variables behave as TensorFlow's eager ones: values, dtypes, operators, indexing, assign."""

from __future__ import annotations

import numpy as np
import pytest
from _helpers import raised

import scratchnet as sn


def test_constant_follows_tensorflows_dtypes_and_keeps_arrays_as_they_are():
    assert sn.constant([1.0, 2.0]).dtype == np.float32
    assert sn.constant([1, 2]).dtype == np.int32
    assert sn.constant(np.array([1.0])).dtype == np.float64
    assert sn.constant(3, dtype=sn.float32).dtype == np.float32
    assert sn.constant(0.0, shape=(2, 3)).shape == (2, 3)
    np.testing.assert_array_equal(sn.constant([[1, 2], [3, 4]]).numpy(), [[1, 2], [3, 4]])


def test_a_tensor_is_an_array_to_numpy_and_has_the_tensorflow_attributes():
    t = sn.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert np.asarray(t).shape == (2, 3) and isinstance(np.asarray(t), np.ndarray)
    assert t.shape == (2, 3) and t.shape.as_list() == [2, 3] and t.shape.rank == 2 and t.ndim == 2
    assert len(t) == 2 and float(t[1, 2]) == 6.0 and int(t[0, 0]) == 1
    assert t.T.shape == (3, 2)
    assert [row.shape for row in t] == [(3,), (3,)]
    assert repr(sn.constant(3.0)) == "<sn.Tensor: shape=(), dtype=float32, numpy=3.0>"
    assert repr(t).startswith("<sn.Tensor: shape=(2, 3), dtype=float32, numpy=\narray([[1., 2., 3.],")
    assert f"{sn.constant(0.5):.2f}" == "0.50"


def test_operators_work_with_arrays_and_python_numbers_on_either_side_and_keep_float32():
    t = sn.constant([1.0, 2.0])
    for result, expected in [
        (t + 1, [2, 3]),
        (1 + t, [2, 3]),
        (t - 1, [0, 1]),
        (1 - t, [0, -1]),
        (t * 2, [2, 4]),
        (2 * t, [2, 4]),
        (t / 2, [0.5, 1]),
        (2 / t, [2, 1]),
        (t**2, [1, 4]),
        (2**t, [2, 4]),
        (-t, [-1, -2]),
        (np.array([1.0, 1.0]) + t, [2, 3]),
        (t + np.array([1.0, 1.0]), [2, 3]),
    ]:
        assert isinstance(result, sn.Tensor), result
        assert result.dtype == np.float32, result  # float64 arrays and Python floats do not promote
        np.testing.assert_allclose(result.numpy(), expected)
    np.testing.assert_array_equal((t > 1.5).numpy(), [False, True])
    np.testing.assert_array_equal((t == 2.0).numpy(), [False, True])
    np.testing.assert_array_equal((sn.constant([[1.0, 2.0]]) @ sn.constant([[1.0], [1.0]])).numpy(), [[3.0]])
    assert {t: 1}[t] == 1  # == is elementwise, yet a tensor is still hashable by identity


def test_mixing_float_widths_between_tensors_is_refused_with_the_fix():
    message = raised(TypeError, lambda: sn.constant([1.0]) + sn.constant(np.array([1.0])))
    assert "float32 and float64" in message and "sn.cast" in message


def test_tensors_are_immutable_and_say_what_to_do():
    t = sn.constant([1.0, 2.0])
    message = raised(TypeError, t.__setitem__, 0, 5.0)
    assert "immutable" in message and "assign" in message


def test_variable_assign_add_sub_in_place_and_shape_checked():
    v = sn.Variable([1.0, 2.0], name="w")
    array = v._value
    v.assign([3.0, 4.0])
    v.assign_add([1.0, 1.0])
    v.assign_sub(sn.constant([0.5, 0.5]))
    np.testing.assert_allclose(v.numpy(), [3.5, 4.5])
    assert v._value is array  # in place
    assert v.trainable and v.name == "w" and v.value is v
    assert repr(v) == "<sn.Variable 'w:0' shape=(2,) dtype=float32, numpy=array([3.5, 4.5], dtype=float32)>"
    message = raised(ValueError, v.assign, [1.0, 2.0, 3.0])
    assert "shape (2,)" in message and "Received: value of shape (3,)" in message
    assert sn.Variable(lambda: np.zeros(3), trainable=False).trainable is False


def test_a_variable_owns_its_values():
    source = np.zeros(3, dtype=np.float32)
    v = sn.Variable(source)
    v.assign_add(np.ones(3))
    np.testing.assert_array_equal(source, np.zeros(3))
    snapshot = v.numpy()
    v.assign(np.full(3, 7.0))
    np.testing.assert_array_equal(snapshot, np.ones(3))


def test_creation_ops_follow_tensorflow():
    assert sn.zeros((2, 3)).dtype == np.float32 and sn.ones([4]).shape == (4,)
    assert sn.zeros_like(sn.constant([1, 2])).dtype == np.int32
    np.testing.assert_array_equal(sn.fill([2], 7.0).numpy(), [7.0, 7.0])
    np.testing.assert_array_equal(sn.range(3).numpy(), [0, 1, 2])
    assert sn.range(0.0, 1.0, 0.5).dtype == np.float32
    np.testing.assert_array_equal(sn.one_hot([0, 2], 3).numpy(), [[1, 0, 0], [0, 0, 1]])
    np.testing.assert_array_equal(sn.argmax([[1, 5], [7, 0]], axis=1).numpy(), [1, 0])
    np.testing.assert_array_equal(sn.shape(sn.zeros((2, 5))).numpy(), [2, 5])
    assert int(sn.size(sn.zeros((2, 5)))) == 10 and int(sn.rank(sn.zeros((2, 5)))) == 2
    assert sn.linspace(0, 1, 5).shape == (5,)
    np.testing.assert_array_equal(sn.where([True, False]).numpy(), [[0]])


def test_sn_random_is_repeatable_under_set_seed():
    sn.random.set_seed(3)
    a, b = sn.random.normal((2, 3)), sn.random.uniform((4,), 0, 10, dtype="int32")
    sn.random.set_seed(3)
    np.testing.assert_array_equal(sn.random.normal((2, 3)).numpy(), a.numpy())
    np.testing.assert_array_equal(sn.random.uniform((4,), 0, 10, dtype="int32").numpy(), b.numpy())
    assert a.dtype == np.float32 and b.dtype == np.int32
    assert np.abs(sn.random.truncated_normal((1000,)).numpy()).max() <= 2
    assert sorted(sn.random.shuffle(sn.range(5)).numpy().tolist()) == [0, 1, 2, 3, 4]


def test_model_call_returns_a_tensor_and_predict_a_numpy_array():
    model = sn.Sequential([sn.layers.Dense(3, activation="softmax", input_shape=(4,))], seed=0)
    x = np.ones((2, 4), dtype=np.float32)
    out = model(x)
    assert isinstance(out, sn.Tensor) and out.shape == (2, 3)
    np.testing.assert_allclose(out.numpy(), model.predict(x, verbose=0))
    assert type(model.predict(x, verbose=0)) is np.ndarray
    np.testing.assert_allclose(sn.nn.softmax(out).numpy().sum(axis=1), [1.0, 1.0], rtol=1e-6)


@pytest.mark.parametrize("name", ["float32", "int64", "bool"])
def test_dtype_names_are_numpy_dtypes(name):
    assert getattr(sn, name) == np.dtype(name)
