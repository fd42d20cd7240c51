"""Models: layers put together, and the loop that trains them.

model.py       Model: the parameters, one step of backprop (train_step), weights, the Keras conveniences
sequential.py  Sequential: a stack of layers, forward first to last, backward last to first
functional.py  Functional: what Model(inputs, outputs) builds
training.py    compile, fit, evaluate, predict: the loops around train_step
saving.py      model.save / load_model: one .npz file, architecture as JSON, no pickle, atomic writes
summary.py     the summary() table
inspection.py  what the tools that look inside a model share (detached_copy, leaf_layers)
cloning.py     clone_model: the same architecture, new weights
"""

from scratchnet.models.cloning import clone_model
from scratchnet.models.functional import Functional
from scratchnet.models.model import Model
from scratchnet.models.saving import load_model
from scratchnet.models.sequential import Sequential

__all__ = ["Functional", "Model", "Sequential", "clone_model", "load_model"]
