"""sn.data.Dataset: the pipeline steps as tf.data defines them, and fit/evaluate/predict on a dataset."""

import warnings

import numpy as np
import pytest

import scratchnet as sn
from scratchnet.data import Dataset


def values(ds):
    return [np.asarray(e).tolist() for e in ds]


def test_from_tensor_slices_tuples_dicts_and_nested():
    x, y = np.arange(12).reshape(6, 2), np.arange(6) * 10
    first = next(iter(Dataset.from_tensor_slices((x, y))))
    assert first[0].tolist() == [0, 1] and first[1] == 0
    d = next(iter(Dataset.from_tensor_slices({"a": x, "b": (y, y + 1)}).skip(2)))
    assert d["a"].tolist() == [4, 5] and d["b"][0] == 20 and d["b"][1] == 21
    assert len(Dataset.from_tensor_slices(x)) == 6
    assert Dataset.from_tensor_slices([[1, 2], [3, 4]]).element_spec.shape == (2,)
    with pytest.raises(ValueError, match="same length"):
        Dataset.from_tensor_slices((np.zeros(3), np.zeros(4)))
    assert values(Dataset.from_tensors([1, 2])) == [[1, 2]]


def test_batch_and_drop_remainder_and_cardinality():
    ds = Dataset.range(10).batch(4)
    assert values(ds) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]] and len(ds) == 3
    assert values(Dataset.range(10).batch(4, drop_remainder=True)) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert Dataset.range(10).batch(4, drop_remainder=True).cardinality() == 2
    assert Dataset.range(10).batch(4).element_spec.shape == (None,)
    assert Dataset.range(10).batch(4, drop_remainder=True).element_spec.shape == (4,)
    assert values(Dataset.range(10).batch(4).unbatch()) == list(range(10))


def test_shuffle_uses_a_buffer_of_the_given_size():
    # A buffer of 1 cannot reorder; a buffer of 3 can move an element at most 2 places earlier.
    assert values(Dataset.range(20).shuffle(1, seed=0)) == list(range(20))
    out = values(Dataset.range(100).shuffle(3, seed=1))
    assert sorted(out) == list(range(100)) and out != list(range(100))
    assert all(v <= i + 2 for i, v in enumerate(out))
    full = values(Dataset.range(100).shuffle(100, seed=1))
    assert sorted(full) == list(range(100)) and max(abs(v - i) for i, v in enumerate(full)) > 50


def test_shuffle_reshuffles_each_iteration_unless_told_not_to():
    ds = Dataset.range(50).shuffle(50, seed=3)
    assert values(ds) != values(ds)
    fixed = Dataset.range(50).shuffle(50, seed=3, reshuffle_each_iteration=False)
    assert values(fixed) == values(fixed)
    assert values(Dataset.range(50).shuffle(50, seed=3)) == values(Dataset.range(50).shuffle(50, seed=3))
    two_epochs = values(Dataset.range(5).shuffle(5, seed=2).repeat(2))
    assert sorted(two_epochs[:5]) == sorted(two_epochs[5:]) == list(range(5))


def test_map_gets_arrays_and_tuple_elements_unpacked():
    ds = Dataset.from_tensor_slices((np.full((4, 2), 255, np.uint8), np.arange(4)))
    out = next(iter(ds.map(lambda x, y: (sn.cast(x, "float32") / 255, y + 1)).batch(4)))
    assert out[0].dtype == np.float32 and np.all(out[0] == 1.0) and out[1].tolist() == [1, 2, 3, 4]
    assert values(Dataset.range(6).filter(lambda v: v % 2 == 0)) == [0, 2, 4]
    assert Dataset.range(6).filter(lambda v: v > 2).cardinality() == sn.data.UNKNOWN_CARDINALITY


def test_windowed_time_series_as_the_dlai_course_builds_it():
    series = np.arange(10, dtype="float32")
    ds = Dataset.from_tensor_slices(series).window(5, shift=1, drop_remainder=True)
    ds = ds.flat_map(lambda w: w.batch(5)).map(lambda w: (w[:-1], w[-1]))
    pairs = [(x.tolist(), float(y)) for x, y in ds]
    assert pairs[0] == ([0, 1, 2, 3], 4) and pairs[-1] == ([5, 6, 7, 8], 9) and len(pairs) == 6
    assert [values(w) for w in Dataset.range(7).window(3, 2)] == [[0, 1, 2], [2, 3, 4], [4, 5, 6], [6]]
    assert [values(w) for w in Dataset.range(7).window(2, 1, stride=2, drop_remainder=True)] == [
        [0, 2], [1, 3], [2, 4], [3, 5], [4, 6]]  # fmt: skip
    assert Dataset.range(10).window(5, shift=1, drop_remainder=True).cardinality() == 6


def test_take_skip_repeat_concatenate_zip_cache_enumerate():
    assert values(Dataset.range(10).skip(3).take(2)) == [3, 4]
    assert values(Dataset.range(3).repeat(2)) == [0, 1, 2, 0, 1, 2]
    assert Dataset.range(3).repeat().cardinality() == sn.data.INFINITE_CARDINALITY
    assert values(Dataset.range(3).repeat().take(7)) == [0, 1, 2, 0, 1, 2, 0]
    assert values(Dataset.range(2).concatenate(Dataset.range(5, 7))) == [0, 1, 5, 6]
    assert [(int(a), int(b)) for a, b in Dataset.zip((Dataset.range(3), Dataset.range(10, 20)))] == [
        (0, 10), (1, 11), (2, 12)]  # fmt: skip
    calls = []
    cached = Dataset.range(3).map(lambda v: calls.append(1) or v).cache()
    assert values(cached) == values(cached) == [0, 1, 2] and len(calls) == 3
    assert [int(i) for i, _ in Dataset.range(3).enumerate()] == [0, 1, 2]
    assert Dataset.range(3).prefetch(sn.data.AUTOTUNE).cardinality() == 3
    with pytest.raises(TypeError, match="infinite"):
        len(Dataset.range(3).repeat())
    with pytest.raises(TypeError, match="unknown"):
        len(Dataset.range(3).filter(lambda v: True))


def test_from_generator_is_called_anew_each_pass():
    def gen():
        yield from ((np.full(2, i), i) for i in range(3))

    ds = Dataset.from_generator(gen, output_types=("float32", "int64"))
    assert [int(y) for _, y in ds] == [int(y) for _, y in ds] == [0, 1, 2]
    with pytest.raises(TypeError, match="gen, not gen"):
        Dataset.from_generator(gen())


def _model():
    model = sn.Sequential([sn.layers.Dense(8, activation="relu"), sn.layers.Dense(2, activation="softmax")], seed=0)
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _data(n=96):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, (x[:, 0] > 0).astype(np.int64)


def test_fit_on_a_dataset_equals_fit_on_the_arrays_in_the_same_order():
    x, y = _data()
    a, b = _model(), _model()
    ha = a.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    hb = b.fit(Dataset.from_tensor_slices((x, y)).batch(16), epochs=2, verbose=0)
    np.testing.assert_allclose(ha.history["loss"], hb.history["loss"], rtol=1e-6)
    np.testing.assert_allclose(a.get_weights()[0], b.get_weights()[0], rtol=1e-6)
    ds = Dataset.from_tensor_slices((x, y)).batch(10)
    np.testing.assert_allclose(b.evaluate(ds, verbose=0), b.evaluate(x, y, verbose=0), rtol=1e-6)
    np.testing.assert_allclose(b.predict(ds), b.predict(x), rtol=1e-6)
    assert b.predict(Dataset.from_tensor_slices(x).batch(7)).shape == (96, 2)
    hv = b.fit(ds, validation_data=ds, epochs=1, verbose=0)
    assert hv.history["val_loss"][0] == pytest.approx(b.evaluate(ds, verbose=0)[0], rel=1e-6)


def test_fit_with_sample_weights_in_the_dataset_weighs_the_loss():
    x, y = _data()
    a, b = _model(), _model()
    w = np.where(y == 1, 3.0, 1.0)
    ha = a.fit(x, y, sample_weight=w, batch_size=32, epochs=1, shuffle=False, verbose=0)
    hb = b.fit(Dataset.from_tensor_slices((x, y, w)).batch(32), epochs=1, verbose=0)
    assert ha.history["loss"] == pytest.approx(hb.history["loss"], rel=1e-6)


def test_infinite_datasets_need_steps_as_in_keras():
    x, y = _data()
    model = _model()
    ds = Dataset.from_tensor_slices((x, y)).batch(16).repeat()
    with pytest.raises(ValueError, match="steps_per_epoch=N"):
        model.fit(ds, epochs=1, verbose=0)
    seen = []
    cb = sn.callbacks.LambdaCallback(on_batch_end=lambda batch, logs: seen.append(batch))
    model.fit(ds, epochs=2, steps_per_epoch=4, callbacks=[cb], verbose=0)
    assert seen == [0, 1, 2, 3, 0, 1, 2, 3]
    with pytest.raises(ValueError, match="steps=N"):
        model.evaluate(ds, verbose=0)
    assert len(model.predict(ds, steps=2)) == 32
    with pytest.raises(ValueError, match="validation_steps=N"):
        model.fit(ds, epochs=1, steps_per_epoch=1, validation_data=ds, verbose=0)
    h = model.fit(ds, epochs=1, steps_per_epoch=1, validation_data=ds, validation_steps=2, verbose=0)
    assert "val_loss" in h.history


def test_a_finite_dataset_that_runs_out_stops_training_with_a_warning():
    x, y = _data(64)
    model = _model()
    ds = Dataset.from_tensor_slices((x, y)).batch(16)  # 4 batches
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        h = model.fit(ds, epochs=3, steps_per_epoch=3, verbose=0)
    assert len(h.history["loss"]) == 2 and any("ran out of data" in str(w.message) for w in caught)
    h = model.fit(ds, epochs=3, steps_per_epoch=4, verbose=0)  # equal to the size: each epoch a new pass
    assert len(h.history["loss"]) == 3


def test_bad_datasets_get_a_clear_error():
    x, y = _data()
    model = _model()
    with pytest.raises(ValueError, match=r"\(x, y\)"):
        model.fit(Dataset.from_tensor_slices(x).batch(8), verbose=0)
    with pytest.raises(ValueError, match="`y` is not supported"):
        model.fit(Dataset.from_tensor_slices((x, y)).batch(8), y, verbose=0)
    model.fit(Dataset.from_tensor_slices((x, y)).batch(8), verbose=0)
    with pytest.raises(ValueError, match=r"dataset.batch\(32\)"):
        model.fit(Dataset.from_tensor_slices((x, y)), verbose=0)
    with pytest.raises(ValueError, match="no batches"):
        model.fit(Dataset.from_tensor_slices((x, y)).batch(200, drop_remainder=True), verbose=0)


def test_fit_on_a_generator_and_the_input_scale_hint_after_a_dataset():
    x, y = _data()
    model = _model()

    def gen():
        for i in range(0, 96, 32):
            yield x[i : i + 32], y[i : i + 32]

    h = model.fit(gen(), epochs=1, verbose=0)
    assert len(h.history["loss"]) == 1
    assert model.train_range == pytest.approx((float(x.min()), float(x.max())))
