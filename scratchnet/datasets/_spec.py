"""What a dataset is made of: its files with their pinned sizes and hashes, its mirrors, its shapes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileSpec:
    """One published file and the values that identify it.

    Attributes:
        name: The file name, e.g. ``"train-images-idx3-ubyte.gz"``.
        size: Size of the ``.gz`` in bytes, as the mirrors publish it.
        sha256: SHA-256 (hex) of that ``.gz``.
        payload_size: Size of the decompressed IDX data in bytes.
        payload_sha256: SHA-256 (hex) of the decompressed data, or None where it is not known. Linux distributions
            and some mirrors recompress the files, which changes the ``.gz`` bytes but not the payload, so a file
            whose payload hash matches is accepted too.
    """

    name: str
    size: int
    sha256: str
    payload_size: int
    payload_sha256: str | None = None

    def describe(self) -> str:
        """One line for error messages: name, size and SHA-256 of the ``.gz``."""
        return f"{self.name}  ({self.size} bytes, SHA-256 {self.sha256})"


@dataclass(frozen=True)
class DatasetSpec:
    """A dataset made of four IDX files: train images, train labels, test images, test labels.

    Attributes:
        title: The name people know it by, e.g. ``"Fashion-MNIST"``.
        dirname: Its folder under a data root, e.g. ``"fashion-mnist"``.
        files: The four files, in the order train images, train labels, test images, test labels.
        mirrors: Base URLs tried in order; a file's URL is the base URL followed by its name.
        urls_env: The environment variable that replaces ``mirrors`` (comma-separated base URLs).
        num_classes: Labels are integers in ``[0, num_classes)``.
        image_shape: Shape of one image, e.g. ``(28, 28)``.
        num_train: Number of training examples.
        num_test: Number of test examples.
        install_hint: A system package that provides the files, if any, e.g. ``"dataset-fashion-mnist"``.
    """

    title: str
    dirname: str
    files: tuple[FileSpec, FileSpec, FileSpec, FileSpec]
    mirrors: tuple[str, ...]
    urls_env: str
    num_classes: int
    image_shape: tuple[int, ...]
    num_train: int
    num_test: int
    install_hint: str | None = None
