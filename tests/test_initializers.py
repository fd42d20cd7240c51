"""Initializers (scratchnet/initializers.py)."""

from _helpers import raised

from scratchnet import layers


def test_unknown_initializer():
    message = raised(ValueError, layers.Dense, 3, kernel_initializer="lecun")
    assert message.startswith("Unknown initializer. Expected one of ")
    assert "'glorot_uniform'" in message and message.endswith("Received: initializer='lecun'.")
