"""Figures for looking at a classifier: its predictions, its training curves, its mistakes and its weights.

The classic beginner exercise (MNIST or Fashion-MNIST, ``Flatten -> Dense(128, relu) -> Dense(10, softmax)``)
ends by *looking* at what the model learned. This module draws the figures of the TensorFlow "Basic
classification" tutorial and a few more:

- ``plot_image`` / ``plot_probabilities`` / ``plot_prediction``: a test image beside the bar chart of its
  class probabilities. The predicted class is red, the true class blue (so a correct prediction shows one blue
  bar), and the label under the image reads "predicted 93% (true)", blue when right and red when wrong.
- ``plot_predictions_grid``: many test images with their labels, to spot which ones the model gets wrong.
- ``plot_history``: loss and metrics per epoch, training against validation, to see under- and over-fitting.
- ``confusion_matrix`` / ``plot_confusion_matrix``: which classes are mistaken for which.
- ``plot_weights``: the first Dense layer's kernel, one 28×28 picture per unit, to see what each unit looks
  for.
- ``plot_layer_stats``: what :class:`scratchnet.callbacks.LayerStats` recorded during training, layer by
  layer: activations, dead ReLUs, gradient norms and update-to-weight ratios.

Every function returns the matplotlib ``Figure`` it drew, so it can be saved with ``fig.savefig("name.png")``.

matplotlib is imported lazily, only by this module and only when a function draws: ``import scratchnet`` and
``confusion_matrix`` (plain NumPy) do not load it.

>>> import numpy as np
>>> from scratchnet import plotting
>>> image = np.zeros((28, 28)); image[6:22, 13:15] = 1.0      # a crude "1"
>>> probabilities = np.full(10, 0.02); probabilities[1] = 0.82
>>> fig = plotting.plot_prediction(image, probabilities, true_label=1)
>>> len(fig.axes)
2
>>> plotting.confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2])
array([[1, 0, 0],
       [0, 1, 1],
       [0, 0, 1]])
"""

from scratchnet.plotting._common import OTHER_COLOR, PREDICTED_COLOR, TRUE_COLOR
from scratchnet.plotting.confusion import confusion_matrix, plot_confusion_matrix
from scratchnet.plotting.convolutions import feature_maps, plot_feature_maps, plot_kernels
from scratchnet.plotting.model import plot_model
from scratchnet.plotting.predictions import plot_image, plot_prediction, plot_predictions_grid, plot_probabilities
from scratchnet.plotting.training import plot_history, plot_layer_stats
from scratchnet.plotting.weights import plot_weights

__all__ = [
    "OTHER_COLOR",
    "PREDICTED_COLOR",
    "TRUE_COLOR",
    "confusion_matrix",
    "feature_maps",
    "plot_confusion_matrix",
    "plot_feature_maps",
    "plot_history",
    "plot_image",
    "plot_kernels",
    "plot_layer_stats",
    "plot_model",
    "plot_prediction",
    "plot_predictions_grid",
    "plot_probabilities",
    "plot_weights",
]
