"""images.prepare_image: a drawing or photo becomes a 28×28 input prepared like MNIST.

The test images are drawn here with Pillow: dark strokes on white paper, as a phone photo of a digit would be.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from scratchnet import images


def _seven(size=(150, 200), ink=30, paper=235, width=14) -> Image.Image:
    """A '7' in dark ink on light paper, off-centre, (width, height) = size."""
    img = Image.new("L", size, paper)
    draw = ImageDraw.Draw(img)
    draw.line([(30, 40), (120, 40)], fill=ink, width=width)
    draw.line([(120, 40), (60, 180)], fill=ink, width=width)
    return img


def _bbox(x: np.ndarray) -> tuple[int, int]:
    rows, cols = np.flatnonzero(x.any(axis=1)), np.flatnonzero(x.any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def _centre_of_mass(x: np.ndarray) -> tuple[float, float]:
    rows, cols = np.indices(x.shape)
    return float((rows * x).sum() / x.sum()), float((cols * x).sum() / x.sum())


@pytest.mark.parametrize("suffix", ["png", "jpg"])
def test_a_file_becomes_an_mnist_like_input(tmp_path, suffix):
    path = tmp_path / f"seven.{suffix}"
    _seven().save(path)
    x = images.prepare_image(path)
    assert x.shape == (28, 28) and x.dtype == np.float32
    assert x.min() == 0.0 and x.max() == pytest.approx(1.0, abs=0.02)
    # Inverted: the background (paper) is 0, the strokes bright.
    assert x[0].max() == 0.0 and x[:, 0].max() == 0.0
    # The longest side of the strokes is 20 pixels: the 7 is taller than wide.
    height, width = _bbox(x)
    assert height == 20 and width < 20
    # Its centre of mass is at the centre of the field, to the pixel.
    cy, cx = _centre_of_mass(x)
    assert abs(cy - 13.5) <= 0.5 and abs(cx - 13.5) <= 0.5


def test_bright_strokes_on_black_are_not_inverted_and_give_the_same_input():
    dark_on_light = np.asarray(_seven(), dtype=float) / 255
    light_on_dark = 1.0 - dark_on_light
    np.testing.assert_allclose(images.prepare_image(light_on_dark), images.prepare_image(dark_on_light), atol=1e-6)


def test_the_aspect_ratio_is_kept():
    paper = np.ones((100, 300))
    paper[40:60, 50:250] = 0.0  # a bar 200 wide and 20 high
    height, width = _bbox(images.prepare_image(paper))
    assert width == 20 and height in (2, 3)


def test_a_transparent_background_counts_as_paper(tmp_path):
    rgba = Image.new("RGBA", (120, 120), (0, 0, 0, 0))  # transparent black: paper, not ink
    ImageDraw.Draw(rgba).line([(60, 10), (60, 110)], fill=(0, 0, 0, 255), width=12)
    path = tmp_path / "one.png"
    rgba.save(path)
    x = images.prepare_image(path)
    assert _bbox(x)[0] == 20 and x[0].max() == 0.0


def test_fashion_mnist_style_fills_the_frame():
    paper = np.ones((80, 60))
    paper[5:75, 10:50] = 0.2
    x = images.prepare_image(paper, box=28, center="box")
    assert _bbox(x) == (28, 16)


def test_colour_arrays_and_0_255_values_are_read():
    rgb = np.stack([np.asarray(_seven(), dtype=float)] * 3, axis=-1)  # 0..255, (H, W, 3)
    np.testing.assert_allclose(images.prepare_image(rgb), images.prepare_image(rgb[..., 0] / 255), atol=1e-6)


def test_a_blank_image_is_refused_saying_why():
    with pytest.raises(ValueError, match="found no strokes"):
        images.prepare_image(np.full((40, 40), 0.9))


def test_a_file_that_is_no_image_is_refused(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("not an image")
    with pytest.raises(ValueError, match="not an image Pillow can read"):
        images.prepare_image(path)
    with pytest.raises(FileNotFoundError, match="no image at"):
        images.prepare_image(tmp_path / "missing.png")


def test_preparing_twice_keeps_size_and_place():
    # An MNIST-like input already (bright, centred, 20 px): preparing it again keeps its size and place.
    x = images.prepare_image(np.asarray(_seven(), dtype=float) / 255)
    again = images.prepare_image(x)
    assert _bbox(again) == _bbox(x)
    assert np.abs(np.array(_centre_of_mass(again)) - np.array(_centre_of_mass(x))).max() <= 1.0
