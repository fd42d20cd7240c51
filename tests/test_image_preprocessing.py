"""Images: a folder of real PNG files written by the test, read by image_dataset_from_directory and
ImageDataGenerator.flow_from_directory; the generator's transforms; the augmentation layers."""

import numpy as np
import pytest
from PIL import Image

import scratchnet as sn
from scratchnet.layers.image_warp import affine_matrices, warp
from scratchnet.preprocessing.image import ImageDataGenerator

CLASSES = ("bars", "columns", "dots")


def _picture(kind: str, rng) -> np.ndarray:
    """A 28×28 grey image in the manner of Fashion-MNIST, one drawing per class, with noise."""
    image = rng.integers(0, 40, (28, 28)).astype(np.uint8)
    if kind == "bars":
        image[4:24:4] = 220
    elif kind == "columns":
        image[:, 4:24:4] = 220
    else:
        image[6:22:5, 6:22:5] = 250
    return image


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("images")
    rng = np.random.default_rng(0)
    for kind in CLASSES:
        (root / kind).mkdir()
        for i in range(10):
            Image.fromarray(_picture(kind, rng)).save(root / kind / f"{kind}_{i:02d}.png")
    (root / "dots" / "notes.txt").write_text("not an image")
    return root


def test_image_dataset_from_directory_reads_labels_from_folder_names(folder, capsys):
    ds = sn.utils.image_dataset_from_directory(folder, image_size=(28, 28), batch_size=8, color_mode="grayscale")
    assert "Found 30 files belonging to 3 classes." in capsys.readouterr().out
    assert ds.class_names == list(CLASSES)
    batches = list(ds)
    x = np.concatenate([b[0] for b in batches])
    y = np.concatenate([b[1] for b in batches])
    assert x.shape == (30, 28, 28, 1) and x.dtype == np.float32 and y.dtype == np.int32
    assert x.max() > 200 and sorted(np.bincount(y)) == [10, 10, 10]
    # each image read back matches its class's drawing: bars have bright rows, columns bright columns
    for image, label in zip(x[..., 0], y, strict=True):
        bright_rows = (image.mean(axis=1) > 150).sum()
        bright_cols = (image.mean(axis=0) > 150).sum()
        assert (bright_rows, bright_cols) != (0, 0) or CLASSES[label] == "dots"
        if CLASSES[label] == "bars":
            assert bright_rows == 5 and bright_cols == 0


def test_label_modes_image_size_and_color_mode(folder):
    ds = sn.utils.image_dataset_from_directory(folder, label_mode="categorical", image_size=(14, 20), batch_size=4)
    x, y = next(iter(ds))
    assert x.shape == (4, 14, 20, 3) and y.shape == (4, 3) and np.all(y.sum(axis=1) == 1)
    with pytest.raises(ValueError, match="exactly 2 classes"):
        sn.utils.image_dataset_from_directory(folder, label_mode="binary")
    binary = sn.utils.image_dataset_from_directory(folder, label_mode="binary", class_names=["bars", "dots"])
    assert next(iter(binary))[1].shape[1:] == (1,)
    with pytest.raises(FileNotFoundError, match="no such folder"):
        sn.utils.image_dataset_from_directory(folder / "missing")


def test_validation_split_gives_disjoint_subsets_and_needs_a_seed(folder):
    kwargs = {"validation_split": 0.2, "seed": 7, "image_size": (28, 28), "batch_size": 5}
    train = sn.utils.image_dataset_from_directory(folder, subset="training", **kwargs)
    val = sn.utils.image_dataset_from_directory(folder, subset="validation", **kwargs)
    assert len(train.file_paths) == 24 and len(val.file_paths) == 6
    assert not set(train.file_paths) & set(val.file_paths)
    with pytest.raises(ValueError, match="seed"):
        sn.utils.image_dataset_from_directory(folder, validation_split=0.2, subset="training")
    both = sn.utils.image_dataset_from_directory(folder, subset="both", **kwargs)
    assert [len(d.file_paths) for d in both] == [24, 6]


def test_fit_on_image_dataset_from_directory_learns_the_classes(folder):
    ds = sn.utils.image_dataset_from_directory(
        folder, image_size=(28, 28), batch_size=10, color_mode="grayscale", seed=1
    )
    model = sn.Sequential(
        [sn.layers.Rescaling(1 / 255, input_shape=(28, 28, 1)), sn.layers.Flatten(), sn.layers.Dense(3, "softmax")],
        seed=0,
    )
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(ds.cache(), epochs=15, verbose=0)
    assert model.evaluate(ds, verbose=0)[1] == 1.0


def test_flow_from_directory_batches_labels_subsets_and_fit(folder, capsys):
    gen = ImageDataGenerator(rescale=1 / 255, validation_split=0.2, horizontal_flip=True, rotation_range=10)
    train = gen.flow_from_directory(folder, target_size=(28, 28), color_mode="grayscale", batch_size=8,
                                    class_mode="sparse", subset="training", seed=0)  # fmt: skip
    val = gen.flow_from_directory(folder, target_size=(28, 28), color_mode="grayscale", batch_size=8,
                                  class_mode="sparse", subset="validation", seed=0)  # fmt: skip
    out = capsys.readouterr().out
    assert "Found 24 images belonging to 3 classes." in out and "Found 6 images belonging to 3 classes." in out
    assert train.class_indices == {"bars": 0, "columns": 1, "dots": 2}
    assert np.bincount(val.classes).tolist() == [2, 2, 2]  # each class split on its own
    x, y = train[0]
    assert x.shape == (8, 28, 28, 1) and 0 <= x.min() and x.max() <= 1.0 and y.dtype == np.float32
    categorical = ImageDataGenerator().flow_from_directory(folder, target_size=(7, 7), batch_size=30)
    x, y = next(categorical)
    assert x.shape == (30, 7, 7, 3) and y.shape == (30, 3) and x.max() > 1
    model = sn.Sequential([sn.layers.Flatten(input_shape=(28, 28, 1)), sn.layers.Dense(3, "softmax")], seed=0)
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    h = model.fit(train, steps_per_epoch=3, epochs=2, validation_data=val, validation_steps=1, verbose=0)
    assert len(h.history["val_loss"]) == 2
    h = model.fit(train, epochs=1, verbose=0)  # a Sequence: one pass of len(train) batches
    assert len(train) == 3


def test_flow_rescales_shuffles_and_splits_as_keras():
    x = np.arange(10 * 4 * 4).reshape(10, 4, 4, 1).astype(np.float32)
    y = np.arange(10)
    it = ImageDataGenerator(rescale=0.5).flow(x, y, batch_size=4, shuffle=False)
    xb, yb = it[0]
    assert len(it) == 3 and yb.tolist() == [0, 1, 2, 3] and np.allclose(xb, x[:4] * 0.5)
    shuffled = ImageDataGenerator().flow(x, y, batch_size=10, seed=3)
    xb, yb = next(shuffled)
    assert sorted(yb.tolist()) == list(range(10)) and yb.tolist() != list(range(10))
    assert np.array_equal(xb, x[yb])  # images stay with their labels
    val = ImageDataGenerator(validation_split=0.3).flow(x, y, batch_size=10, shuffle=False, subset="validation")
    assert val[0][1].tolist() == [0, 1, 2]  # Keras: the first part is the validation subset
    with pytest.raises(ValueError, match="channel axis"):
        ImageDataGenerator().flow(x[..., 0], y)
    with pytest.raises(ValueError, match="not supported"):
        ImageDataGenerator(featurewise_center=True)


def test_shifts_flips_and_fill_modes_move_pixels_as_defined():
    x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    one_row = affine_matrices(4, 4, tx=1.0)  # each output row reads the row below it
    assert warp(x, one_row, "constant", cval=-1)[0, :, :, 0].tolist()[-1] == [-1, -1, -1, -1]
    assert warp(x, one_row, "nearest")[0, 3, :, 0].tolist() == [12, 13, 14, 15]
    assert warp(x, one_row, "wrap")[0, 3, :, 0].tolist() == [0, 1, 2, 3]
    two_rows = affine_matrices(4, 4, tx=2.0)
    assert warp(x, two_rows, "reflect")[0, 2:, 0, 0].tolist() == [12, 8]  # d c b a | a b c d
    quarter = affine_matrices(4, 4, theta=np.pi / 2)
    np.testing.assert_allclose(warp(x, quarter)[0, :, :, 0], np.rot90(x[0, :, :, 0], -1), atol=1e-5)
    flipped = ImageDataGenerator(horizontal_flip=True).random_transforms(
        np.repeat(x, 64, axis=0), np.random.default_rng(0)
    )
    mirrored = np.all(flipped == x[:, :, ::-1], axis=(1, 2, 3))
    assert 10 < mirrored.sum() < 54 and np.all(mirrored | np.all(flipped == x, axis=(1, 2, 3)))
    shifted = ImageDataGenerator(width_shift_range=0.25, fill_mode="constant").random_transforms(
        x, np.random.default_rng(1)
    )
    assert shifted.shape == x.shape and not np.allclose(shifted, x)


def test_augmentation_layers_act_only_while_training():
    rng = np.random.default_rng(0)
    x = rng.random((6, 8, 8, 1)).astype(np.float32)
    layers = [sn.layers.RandomFlip(seed=1), sn.layers.RandomRotation(0.2, seed=1), sn.layers.RandomZoom(0.3, seed=1)]
    layers += [sn.layers.RandomTranslation(0.2, 0.2, seed=1), sn.layers.RandomContrast(0.5, seed=1)]
    for layer in layers:
        assert np.array_equal(layer(x), x), type(layer).__name__
        assert not np.allclose(layer(x, training=True), x), type(layer).__name__
        assert layer.count_params() == 0
    scale = sn.layers.Rescaling(1 / 255, offset=-1.0)
    assert np.allclose(scale(np.full((1, 2), 255.0)), 0.0) and np.allclose(scale.backward(np.ones((1, 2))), 1 / 255)
    assert sn.layers.Resizing(4, 6)(x).shape == (6, 4, 6, 1)
    flip = sn.layers.RandomFlip("horizontal", seed=2)
    y = flip(x, training=True)
    assert np.array_equal(flip.backward(y), x)  # backward flips back the images it flipped


def test_random_contrast_backward_matches_finite_differences():
    layer = sn.layers.RandomContrast(0.4, seed=3)
    x = np.random.default_rng(1).random((2, 3, 3, 2))
    layer.build(x.shape[1:], np.random.default_rng(0), np.float64)
    y = layer.forward(x, training=True)
    dy = np.random.default_rng(2).random(y.shape)
    dx = layer.backward(dy)
    c = layer.c
    numeric = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        for sign in (1, -1):
            xp = x.copy()
            xp[idx] += sign * 1e-6
            mean = xp.mean(axis=(1, 2), keepdims=True)
            numeric[idx] += sign * np.sum(((xp - mean) * c + mean) * dy) / 2e-6
    np.testing.assert_allclose(dx, numeric, rtol=1e-6, atol=1e-8)


def test_a_model_with_augmentation_layers_saves_and_loads(tmp_path):
    augment = [sn.layers.RandomFlip("horizontal", input_shape=(8, 8, 1)), sn.layers.RandomRotation(0.1)]
    model = sn.Sequential([*augment, sn.layers.Rescaling(1 / 255), sn.layers.Flatten(), sn.layers.Dense(2, "softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    x, y = np.random.default_rng(0).integers(0, 255, (16, 8, 8, 1)), np.arange(16) % 2
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "m.npz")
    loaded = sn.models.load_model(tmp_path / "m.npz")
    np.testing.assert_allclose(loaded.predict(x), model.predict(x), rtol=1e-6)
