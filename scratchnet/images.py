"""Your own picture as a 28×28 input: a photo or drawing of a digit (or a piece of clothing), prepared like MNIST.

MNIST's digits were made this way (LeCun et al.): each scanned digit was scaled, keeping its aspect ratio, to fit
a 20×20 box, then placed in a 28×28 field so that its centre of mass sits at the centre. The strokes are bright
on a black background. A model trained on MNIST expects exactly that, so a photo of a digit on paper needs the
same treatment before ``model.predict``:

1. grayscale, in [0, 1] (a transparent background counts as white paper);
2. inverted when the background is light (dark ink on paper becomes bright strokes on black);
3. the background level subtracted and the contrast stretched, so the paper is 0 and the darkest ink 1;
4. cropped to the bounding box of the strokes;
5. scaled so the longest side is 20 pixels (``box``), keeping the aspect ratio, with antialiasing;
6. pasted into 28×28 so the centre of mass lands at the centre (``center="mass"``).

Fashion-MNIST was made differently: each product photo was trimmed and its longest side scaled to 28 pixels,
filling the frame. ``prepare_image(path, box=28, center="box")`` does that.

>>> import numpy as np
>>> from scratchnet import images
>>> paper = np.ones((60, 40)); paper[10:50, 18:22] = 0.0       # a dark "1" on white paper
>>> x = images.prepare_image(paper)
>>> x.shape, x.dtype, float(x.max())
((28, 28), dtype('float32'), 1.0)
>>> # model.predict(x[None]) then gives its class probabilities

Pillow (a dependency of matplotlib) reads the files; it is imported only when a file is read or an image resized.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

__all__ = ["load_grayscale", "prepare_image"]

FIELD = 28  # MNIST's image size
MAX_PIXELS = 40_000_000
"""The largest image prepare_image reads (a 48-megapixel photo is refused; scale it down first): checked from the
file's header before decoding, so a crafted file declaring 60000x60000 pixels is refused without using memory."""


def load_grayscale(source) -> np.ndarray:
    """An image file (PNG, JPEG, ...) or an array, as a float64 grayscale array (H, W) in [0, 1].

    Arrays may be (H, W), (H, W, 3) or (H, W, 4), with values in [0, 1] or [0, 255]. Transparent pixels count as
    white, like the paper behind a drawing.
    """
    if isinstance(source, (str, os.PathLike)):
        return _read_file(Path(source))
    a = np.asarray(source)
    if a.dtype.kind not in "buif":
        raise ValueError(
            f"prepare_image expected an image: an array of real numbers (uint8 0-255, or floats in [0, 1]). "
            f"Received: an array of dtype {a.dtype}."
        )
    if a.size == 0 or a.size > MAX_PIXELS * 4:
        raise ValueError(
            f"prepare_image expected an image of 1 to {MAX_PIXELS:,} pixels. Received: an array of shape {a.shape}. "
            "Scale a large photo down first, e.g. with Pillow's img.thumbnail((1000, 1000))."
        )
    a = a.astype(np.float64, copy=False)
    if not np.isfinite(a).all():
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(a))[0])
        raise ValueError(
            f"prepare_image expected finite pixel values. Received: {a[bad]} at index {bad} of an array of shape "
            f"{a.shape}."
        )
    if a.ndim == 3 and a.shape[-1] in (3, 4):
        a = a / 255.0 if a.max() > 1.0 else a
        rgb, alpha = a[..., :3], (a[..., 3:] if a.shape[-1] == 4 else 1.0)
        a = (rgb * alpha + (1.0 - alpha)).dot([0.299, 0.587, 0.114])  # onto white, then luma (ITU-R 601, as PIL)
    elif a.ndim == 2:
        a = a / 255.0 if a.max() > 1.0 else a
    else:
        raise ValueError(
            f"prepare_image expected a grayscale (H, W) or colour (H, W, 3|4) image. Received: shape {a.shape}."
        )
    return np.clip(a, 0.0, 1.0)


def _read_file(path: Path) -> np.ndarray:
    from PIL import Image, UnidentifiedImageError

    if path.is_dir():
        raise IsADirectoryError(f"prepare_image: {path} is a folder; give the path of one image file.")
    try:
        with Image.open(path) as img:  # reads the header only: the size is known before any pixel is decoded
            width, height = img.size
            if width * height > MAX_PIXELS:
                raise ValueError(
                    f"prepare_image: {path} is {width}x{height} pixels, more than the {MAX_PIXELS:,} it reads "
                    "(a digit needs a few hundred). Scale it down first, e.g. with Pillow's img.thumbnail((1000, "
                    "1000)). Received: a file declaring that size."
                )
            img.load()
            rgba = img.convert("RGBA")
    except FileNotFoundError:
        raise FileNotFoundError(f"prepare_image: no image at {path}. Received: path={str(path)!r}.") from None
    except Image.DecompressionBombError:
        raise ValueError(
            f"prepare_image: {path} declares an image so large that Pillow refuses it as a decompression bomb. "
            "Scale it down first."
        ) from None
    except (OSError, SyntaxError) as e:  # cut short or damaged after a valid header ("image file is truncated")
        if isinstance(e, UnidentifiedImageError):
            raise ValueError(
                f"prepare_image: {path} is not an image Pillow can read (PNG, JPEG, GIF, BMP, ...). "
                f"Received: a file of {path.stat().st_size} bytes."
            ) from None
        raise ValueError(
            f"prepare_image: {path} is damaged or cut short ({e}); open it in an image viewer, or save it again."
        ) from None
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    gray = Image.alpha_composite(white, rgba).convert("L")
    return np.asarray(gray, dtype=np.float64) / 255.0


def prepare_image(source, box: int = 20, center: str = "mass", invert: bool | None = None) -> np.ndarray:
    """Turn a picture into a 28×28 float32 input in [0, 1], prepared the way MNIST's digits were.

    Args:
        source: a path to an image file, or an array (H, W), (H, W, 3) or (H, W, 4).
        box: the longest side of the strokes after scaling: 20 as in MNIST; 28 to fill the frame, as in
            Fashion-MNIST.
        center: ``"mass"``: the centre of mass at the centre of the field (MNIST); ``"box"``: the bounding box
            centred (Fashion-MNIST).
        invert: True to invert, False not to; None (default) inverts when the background (the image's border) is
            light, i.e. dark strokes on light paper.

    Returns:
        A float32 array (28, 28): strokes bright, background 0. ``model.predict(x[None])`` classifies it.

    Raises:
        ValueError: for a blank image (nothing but background), or a ``box``/``center`` out of range.
    """
    if isinstance(box, bool) or not isinstance(box, (int, np.integer)) or not 1 <= box <= FIELD:
        raise ValueError(f"prepare_image expected box to be an int in [1, {FIELD}]. Received: box={box!r}.")
    if center not in ("mass", "box"):
        raise ValueError(f"prepare_image expected center='mass' or 'box'. Received: center={center!r}.")
    a = load_grayscale(source)
    border = np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])
    if invert is None:
        invert = float(np.median(border)) > 0.5
    if invert:
        a = 1.0 - a
        border = 1.0 - border

    # The paper is seldom perfectly black after inverting (a photo's grey, JPEG noise): take its level away,
    # then stretch so the strongest stroke is 1.
    a = np.clip(a - float(np.median(border)), 0.0, None)
    peak = float(a.max())
    if peak < 0.05:
        raise ValueError(
            "prepare_image found no strokes: the image is (nearly) all background. Received: an image of shape "
            f"{a.shape} whose values differ from the background by at most {peak:.3f}."
        )
    a /= peak
    a[a < 0.1] = 0.0  # faint noise would stretch the bounding box

    rows, cols = np.flatnonzero(a.any(axis=1)), np.flatnonzero(a.any(axis=0))
    a = a[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    a = _resize_longest_side(a, box)

    out = np.zeros((FIELD, FIELD), dtype=np.float64)
    h, w = a.shape
    if center == "mass":
        total = a.sum()
        cy = float((a.sum(axis=1) * np.arange(h)).sum() / total)
        cx = float((a.sum(axis=0) * np.arange(w)).sum() / total)
        # Pixel centres of the field run 0..27: its centre is 13.5.
        top, left = round((FIELD - 1) / 2 - cy), round((FIELD - 1) / 2 - cx)
    else:
        top, left = (FIELD - h) // 2, (FIELD - w) // 2
    top, left = min(max(top, 0), FIELD - h), min(max(left, 0), FIELD - w)  # keep every stroke in the field
    out[top : top + h, left : left + w] = a
    return np.clip(out, 0.0, 1.0).astype(np.float32)


def _resize_longest_side(a: np.ndarray, size: int) -> np.ndarray:
    """Scale ``a`` so its longest side is ``size`` pixels, keeping the aspect ratio (antialiased)."""
    from PIL import Image

    h, w = a.shape
    scale = size / max(h, w)
    new_h, new_w = max(1, round(h * scale)), max(1, round(w * scale))
    resized = Image.fromarray(a.astype(np.float32), mode="F").resize((new_w, new_h), Image.Resampling.LANCZOS)
    return np.clip(np.asarray(resized, dtype=np.float64), 0.0, 1.0)
