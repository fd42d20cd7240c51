# Corpus program: Keras guide: the functional API (the dense MNIST model, training and saving)
# Source: https://keras.io/guides/functional_api/
#   (keras-team/keras-io/guides/functional_api.py at commit 14a2af7ef8d0)
# License: Apache-2.0
# Kind: dense
# Data: mnist
# Expect: accuracy >= 0.82
#   Keras reaches about 0.97-0.98 on all of MNIST; on the runner's 2,000-image slice an MLP gets about 0.88-0.90,
#   so we ask >= 0.82.
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - the guide's prose (the module-level strings between code blocks) removed; every code line kept in order
#     unless listed
#   - the runner's data loaders return 2,000 training and 500 test images (see tests/corpus/_harness.py);
#     reshape(60000, 784) / reshape(10000, 784) become reshape(-1, 784)
#   - keras.utils.plot_model calls removed (need pydot and graphviz)
#   - only the guide's first sections (build, summary, train and evaluate, save and load); the later sections use
#     Conv2D, Embedding, LSTM, multiple inputs and shared layers

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

inputs = keras.Input(shape=(784,))

# Just for demonstration purposes.
img_inputs = keras.Input(shape=(32, 32, 3))

inputs.shape

inputs.dtype

dense = layers.Dense(64, activation="relu")
x = dense(inputs)

x = layers.Dense(64, activation="relu")(x)
outputs = layers.Dense(10)(x)

model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")

model.summary()

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()

x_train = x_train.reshape(-1, 784).astype("float32") / 255
x_test = x_test.reshape(-1, 784).astype("float32") / 255

model.compile(
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    optimizer=keras.optimizers.RMSprop(),
    metrics=["accuracy"]
)

history = model.fit(x_train, y_train, batch_size=64, epochs=2, validation_split=0.2)

test_scores = model.evaluate(x_test, y_test, verbose=2)
print("Test loss:", test_scores[0])
print("Test accuracy:", test_scores[1])

model.save("path_to_my_model")
del model
# Recreate the exact same model purely from the file:
model = keras.models.load_model("path_to_my_model")
