# Corpus program: Keras example: simple MNIST convnet
# Source: https://keras.io/examples/vision/mnist_convnet/
#   (keras-team/keras-io/examples/vision/mnist_convnet.py at commit 02cfe8063b50)
# License: Apache-2.0
# Kind: conv
# Data: mnist
# Needs: Conv2D, MaxPooling2D
# Expect: accuracy >= 0.75
#   The example: about 0.99 test accuracy on all of MNIST. On the runner's 2,000 images after 3 epochs (27
#   steps of 128 each) scratchnet measured 0.834; the bound is a sanity check, not Keras's number.
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - the example's prose (the module-level strings between code blocks) removed; every code line kept in order
#     unless listed
#   - the runner's data loaders return 2,000 training and 500 test images (see tests/corpus/_harness.py)
#   - epochs = 15 -> 3

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

# Model / data parameters
num_classes = 10
input_shape = (28, 28, 1)

# Load the data and split it between train and test sets
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()

# Scale images to the [0, 1] range
x_train = x_train.astype("float32") / 255
x_test = x_test.astype("float32") / 255
# Make sure images have shape (28, 28, 1)
x_train = np.expand_dims(x_train, -1)
x_test = np.expand_dims(x_test, -1)
print("x_train shape:", x_train.shape)
print(x_train.shape[0], "train samples")
print(x_test.shape[0], "test samples")


# convert class vectors to binary class matrices
y_train = keras.utils.to_categorical(y_train, num_classes)
y_test = keras.utils.to_categorical(y_test, num_classes)

model = keras.Sequential(
    [
        keras.Input(shape=input_shape),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(num_classes, activation="softmax"),
    ]
)

model.summary()

batch_size = 128
epochs = 3

model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])

model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, validation_split=0.1)

score = model.evaluate(x_test, y_test, verbose=0)
print("Test loss:", score[0])
print("Test accuracy:", score[1])
