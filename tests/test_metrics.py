"""Metrics (scratchnet/metrics.py)."""

from _helpers import mnist_model, raised


def test_unknown_metric():
    message = raised(ValueError, mnist_model().compile, optimizer="adam", loss="mse", metrics=["precision"])
    assert message.startswith("Unknown metric. Expected one of ")
    for name in ("accuracy", "acc", "sparse_categorical_accuracy", "categorical_accuracy", "binary_accuracy"):
        assert repr(name) in message
    assert message.endswith("Received: metric='precision'.")
