# Corpus program: Keras example: mnist_mlp.py, a simple deep NN on MNIST (Keras 2 era)
# Source: https://github.com/keras-team/keras/blob/10bfb1c565582803982e2205d41b095bc929d4a4/examples/mnist_mlp.py
#   (keras-team/keras/examples/mnist_mlp.py at commit 10bfb1c56558)
# License: MIT (Keras 2 era)
# Kind: dense
# Data: mnist
# Expect: accuracy >= 0.83
#   The example's docstring: 98.40% test accuracy after 20 epochs on all of MNIST; on the 2,000-image slice we ask
#   >= 0.83.
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - the runner's data loaders return 2,000 training and 500 test images (see tests/corpus/_harness.py);
#     reshape(60000, 784) / reshape(10000, 784) become reshape(-1, 784)
#   - from keras.utils import np_utils / np_utils.to_categorical -> from keras.utils import to_categorical /
#     to_categorical (Keras 3 removed np_utils)
#   - epochs = 20 -> 5
#   - from __future__ import print_function kept

'''Trains a simple deep NN on the MNIST dataset.

Gets to 98.40% test accuracy after 20 epochs
(there is *a lot* of margin for parameter tuning).
2 seconds per epoch on a K520 GPU.
'''

from __future__ import print_function
import numpy as np
np.random.seed(1337)  # for reproducibility

from keras.datasets import mnist
from keras.models import Sequential
from keras.layers import Dense, Dropout, Activation
from keras.optimizers import RMSprop
from keras.utils import to_categorical


batch_size = 128
num_classes = 10
epochs = 5

# the data, shuffled and split between train and test sets
(x_train, y_train), (x_test, y_test) = mnist.load_data()

x_train = x_train.reshape(-1, 784)
x_test = x_test.reshape(-1, 784)
x_train = x_train.astype('float32')
x_test = x_test.astype('float32')
x_train /= 255
x_test /= 255
print(x_train.shape[0], 'train samples')
print(x_test.shape[0], 'test samples')

# convert class vectors to binary class matrices
y_train = to_categorical(y_train, num_classes)
y_test = to_categorical(y_test, num_classes)

model = Sequential()
model.add(Dense(512, activation='relu', input_shape=(784,)))
model.add(Dropout(0.2))
model.add(Dense(512, activation='relu'))
model.add(Dropout(0.2))
model.add(Dense(10, activation='softmax'))

model.summary()

model.compile(loss='categorical_crossentropy',
              optimizer=RMSprop(),
              metrics=['accuracy'])

history = model.fit(x_train, y_train,
                    batch_size=batch_size, epochs=epochs,
                    verbose=1, validation_data=(x_test, y_test))
score = model.evaluate(x_test, y_test, verbose=0)
print('Test loss:', score[0])
print('Test accuracy:', score[1])
