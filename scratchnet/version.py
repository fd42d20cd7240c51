"""scratchnet's version, where TensorFlow keeps it: ``sn.version.VERSION`` (TensorFlow's ``tf.version.VERSION``).

``sn.__version__`` is the same string (Keras's ``keras.__version__``). Keras 3 also has ``keras.version()``, a
function; here ``version`` is this module, so ``sn.version()`` is not available: use ``sn.__version__``.
"""

__all__ = ["VERSION", "__version__"]

__version__ = "0.1.0"
VERSION = __version__
