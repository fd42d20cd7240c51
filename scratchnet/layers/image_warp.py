"""Affine warps and resizing of a batch of images in NumPy, for the augmentation layers and ImageDataGenerator.

Every output pixel ``(row, col)`` is looked up in its input image at ``M @ (row, col, 1)``, each image with its
own 3×3 matrix ``M``, and read between pixels by bilinear interpolation. A position outside the image is brought
back inside by the fill mode, as SciPy's ``ndimage.affine_transform`` (which Keras uses) names them::

    fill_mode     beyond the edge of  a b c d
    "constant"    k k k k | a b c d | k k k k      (k = cval)
    "nearest"     a a a a | a b c d | d d d d
    "reflect"     d c b a | a b c d | d c b a
    "wrap"        a b c d | a b c d | a b c d

Why NumPy and not Pillow's ``Image.transform``: Pillow fills only with a constant, works one 8-bit (or one
single-channel float) image at a time, and would round float images; here a whole float32 batch is warped at once,
with every fill mode. (SciPy is not a dependency of scratchnet.)
"""

from __future__ import annotations

import numpy as np

__all__ = ["FILL_MODES", "affine_matrices", "resize", "warp"]

FILL_MODES = ("constant", "nearest", "reflect", "wrap")


def affine_matrices(height, width, theta=0.0, tx=0.0, ty=0.0, shear=0.0, zx=1.0, zy=1.0) -> np.ndarray:
    """The (B, 3, 3) matrices of Keras's ImageDataGenerator: rotation, shift, shear, zoom, about the center.

    Angles are in radians, ``tx``/``ty`` shifts in pixels along rows/columns; each argument a number or a (B,) array.
    """
    theta, tx, ty, shear, zx, zy = np.broadcast_arrays(
        *(np.asarray(v, np.float64) for v in (theta, tx, ty, shear, zx, zy))
    )
    n = theta.shape[0] if theta.ndim else 1
    one, zero = np.ones(n), np.zeros(n)

    def stack(rows):
        return np.stack([np.stack([np.broadcast_to(v, n) for v in row], -1) for row in rows], 1)

    rotation = stack([[np.cos(theta), -np.sin(theta), zero], [np.sin(theta), np.cos(theta), zero], [zero, zero, one]])
    shift = stack([[one, zero, tx], [zero, one, ty], [zero, zero, one]])
    shearing = stack([[one, -np.sin(shear), zero], [zero, np.cos(shear), zero], [zero, zero, one]])
    zoom = stack([[zx, zero, zero], [zero, zy, zero], [zero, zero, one]])
    matrices = rotation @ shift @ shearing @ zoom
    # About the image's center, not its corner: move the center to the origin, transform, move it back.
    cr, cc = height / 2 - 0.5, width / 2 - 0.5
    to_center = np.array([[1, 0, cr], [0, 1, cc], [0, 0, 1]], np.float64)
    from_center = np.array([[1, 0, -cr], [0, 1, -cc], [0, 0, 1]], np.float64)
    return to_center @ matrices @ from_center


def _inside(index: np.ndarray, size: int, fill_mode: str) -> np.ndarray:
    """Integer positions brought inside ``[0, size)`` by the fill mode (constant: clipped, masked by the caller)."""
    if fill_mode == "wrap":
        return np.mod(index, size)
    if fill_mode == "reflect":
        index = np.mod(index, 2 * size)
        return np.where(index >= size, 2 * size - 1 - index, index)
    return np.clip(index, 0, size - 1)


def warp(images: np.ndarray, matrices: np.ndarray, fill_mode: str = "nearest", cval: float = 0.0) -> np.ndarray:
    """Each image (B, H, W, C) resampled at ``matrices[b] @ (row, col, 1)`` (B, 3, 3), bilinearly."""
    _, h, w, _ = images.shape
    rows, cols = np.meshgrid(np.arange(h, dtype=np.float64), np.arange(w, dtype=np.float64), indexing="ij")
    grid = np.stack([rows.ravel(), cols.ravel(), np.ones(h * w)])  # (3, H*W)
    source = matrices @ grid  # (B, 3, H*W): where each output pixel comes from
    return sample(images, source[:, 0], source[:, 1], fill_mode, cval).reshape(images.shape)


def sample(images: np.ndarray, r: np.ndarray, c: np.ndarray, fill_mode: str, cval: float) -> np.ndarray:
    """Bilinear reads of ``images`` (B, H, W, C) at float positions ``r``, ``c`` (B, P): (B, P, C)."""
    b, h, w, _ = images.shape
    r0, c0 = np.floor(r), np.floor(c)
    fr, fc = (r - r0)[..., None].astype(images.dtype), (c - c0)[..., None].astype(images.dtype)
    r0, c0 = r0.astype(np.int64), c0.astype(np.int64)
    batch = np.arange(b)[:, None]
    out = np.zeros((*r.shape, images.shape[-1]), images.dtype)
    for dr, dc, weight in ((0, 0, (1 - fr) * (1 - fc)), (0, 1, (1 - fr) * fc), (1, 0, fr * (1 - fc)), (1, 1, fr * fc)):
        ri, ci = r0 + dr, c0 + dc
        value = images[batch, _inside(ri, h, fill_mode), _inside(ci, w, fill_mode)]
        if fill_mode == "constant":
            outside = (ri < 0) | (ri >= h) | (ci < 0) | (ci >= w)
            value = np.where(outside[..., None], images.dtype.type(cval), value)
        out += weight * value
    return out


def resize(images: np.ndarray, height: int, width: int, interpolation: str = "bilinear") -> np.ndarray:
    """Images (B, H, W, C) resized to (B, height, width, C), pixel centers aligned as TensorFlow's
    ``tf.image.resize`` aligns them (half-pixel), bilinear or nearest."""
    b, h, w, _ = images.shape
    r = (np.arange(height) + 0.5) * (h / height) - 0.5
    c = (np.arange(width) + 0.5) * (w / width) - 0.5
    if interpolation == "nearest":
        r, c = np.clip(np.floor(r + 0.5), 0, h - 1), np.clip(np.floor(c + 0.5), 0, w - 1)
    rr, cc = np.meshgrid(r, c, indexing="ij")
    rr, cc = np.broadcast_to(rr.ravel(), (b, height * width)), np.broadcast_to(cc.ravel(), (b, height * width))
    return sample(images, rr, cc, "nearest", 0.0).reshape(b, height, width, images.shape[-1])
