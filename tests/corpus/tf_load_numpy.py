# Corpus program: TensorFlow tutorial: load NumPy data (np.load of an .npz, tf.data.Dataset.from_tensor_slices
#   of (examples, labels), shuffle and batch, fit and evaluate on datasets)
# Source: https://www.tensorflow.org/tutorials/load_data/numpy
#   (tensorflow/docs/site/en/tutorials/load_data/numpy.ipynb at commit 7c3650212740)
# License: Apache-2.0
# Kind: dense
# Data: mnist
# Expect: sparse_categorical_accuracy >= 0.75
#   The tutorial: about 0.95 on all of MNIST (raw 0-255 pixels, RMSprop, 10 epochs). The same model fed the same
#   2,000-image slice as NumPy arrays in scratchnet reaches 0.834 (seed 0), real TensorFlow 2.15 this program
#   0.886, so we ask >= 0.75.
# Changes to run offline, headless and fast:
#   - the license cell (a comment) dropped
#   - tf.keras.utils.get_file('mnist.npz', DATA_URL) is replaced by _corpus_data.write_mnist_npz('./mnist.npz'),
#     which writes Keras's mnist.npz (x_train, y_train, x_test, y_test) with the runner's 2,000 training and 500
#     test images and returns its path; the tutorial's np.load then reads it unchanged

# In[6]:

import numpy as np
import tensorflow as tf

# In[8]:
DATA_URL = 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz'

from _corpus_data import write_mnist_npz  # CHANGED: the harness's MNIST slice, see the header
path = write_mnist_npz('./mnist.npz')  # CHANGED: was tf.keras.utils.get_file('mnist.npz', DATA_URL)
with np.load(path) as data:
  train_examples = data['x_train']
  train_labels = data['y_train']
  test_examples = data['x_test']
  test_labels = data['y_test']

# In[11]:
train_dataset = tf.data.Dataset.from_tensor_slices((train_examples, train_labels))
test_dataset = tf.data.Dataset.from_tensor_slices((test_examples, test_labels))

# In[14]:
BATCH_SIZE = 64
SHUFFLE_BUFFER_SIZE = 100

train_dataset = train_dataset.shuffle(SHUFFLE_BUFFER_SIZE).batch(BATCH_SIZE)
test_dataset = test_dataset.batch(BATCH_SIZE)

# In[16]:
model = tf.keras.Sequential([
    tf.keras.layers.Flatten(input_shape=(28, 28)),
    tf.keras.layers.Dense(128, activation='relu'),
    tf.keras.layers.Dense(10)
])

model.compile(optimizer=tf.keras.optimizers.RMSprop(),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=['sparse_categorical_accuracy'])

# In[17]:
model.fit(train_dataset, epochs=10)

# In[18]:
model.evaluate(test_dataset)

