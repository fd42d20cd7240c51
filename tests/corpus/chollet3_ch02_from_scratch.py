# Corpus program: Deep Learning with Python (3rd ed.), ch. 2: the MNIST network reimplemented from scratch with
#   keras.Variable and keras.ops (NaiveDense, NaiveSequential, BatchGenerator), a weight update by hand and by
#   optimizers.SGD.apply_gradients, and the TensorFlow training step with tf.GradientTape
# Source: https://github.com/fchollet/deep-learning-with-python-notebooks/blob/main/chapter02_mathematical-building-blocks.ipynb
#   (fchollet/deep-learning-with-python-notebooks/chapter02_mathematical-building-blocks.ipynb at commit dea84a4e12cc)
# License: MIT
# Kind: dense
# Data: mnist
#   No "Expect" line: the program measures its own accuracy (ops.argmax of model(test_images)) and never calls
#   evaluate(); running to the end is what is checked.
# Changes to run offline, headless and fast:
#   - only the cells of "Reimplementing our first example from scratch" (the earlier cells are
#     tests/corpus/chollet3_ch02_first_network.py); the %%backend tensorflow cell magics are comments (the book's
#     own guard that the cell runs with the TensorFlow backend)
#   - the runner's data loaders return 2,000 training and 500 test images (see tests/corpus/_harness.py);
#     reshape((60000, 28 * 28)) / reshape((10000, 28 * 28)) become reshape((-1, 28 * 28))
#   - epochs=10 -> 3

# In[95]:
import keras
from keras import ops

class NaiveDense:
    def __init__(self, input_size, output_size, activation=None):
        self.activation = activation
        self.W = keras.Variable(
            shape=(input_size, output_size), initializer="uniform"
        )
        self.b = keras.Variable(shape=(output_size,), initializer="zeros")

    def __call__(self, inputs):
        x = ops.matmul(inputs, self.W)
        x = x + self.b
        if self.activation is not None:
            x = self.activation(x)
        return x

    @property
    def weights(self):
        return [self.W, self.b]

# In[97]:
class NaiveSequential:
    def __init__(self, layers):
        self.layers = layers

    def __call__(self, inputs):
        x = inputs
        for layer in self.layers:
            x = layer(x)
        return x

    @property
    def weights(self):
        weights = []
        for layer in self.layers:
            weights += layer.weights
        return weights

# In[98]:
model = NaiveSequential(
    [
        NaiveDense(input_size=28 * 28, output_size=512, activation=ops.relu),
        NaiveDense(input_size=512, output_size=10, activation=ops.softmax),
    ]
)
assert len(model.weights) == 4

# In[100]:
import math

class BatchGenerator:
    def __init__(self, images, labels, batch_size=128):
        assert len(images) == len(labels)
        self.index = 0
        self.images = images
        self.labels = labels
        self.batch_size = batch_size
        self.num_batches = math.ceil(len(images) / batch_size)

    def next(self):
        images = self.images[self.index : self.index + self.batch_size]
        labels = self.labels[self.index : self.index + self.batch_size]
        self.index += self.batch_size
        return images, labels

# In[103]:
learning_rate = 1e-3

def update_weights(gradients, weights):
    for g, w in zip(gradients, weights):
        w.assign(w - g * learning_rate)

# In[104]:
from keras import optimizers

optimizer = optimizers.SGD(learning_rate=1e-3)

def update_weights(gradients, weights):
    optimizer.apply_gradients(zip(gradients, weights))

# In[106]:
# %%backend tensorflow
import tensorflow as tf

x = tf.zeros(shape=())
with tf.GradientTape() as tape:
    y = 2 * x + 3
grad_of_y_wrt_x = tape.gradient(y, x)

# In[107]:
# %%backend tensorflow
def one_training_step(model, images_batch, labels_batch):
    with tf.GradientTape() as tape:
        predictions = model(images_batch)
        loss = ops.sparse_categorical_crossentropy(labels_batch, predictions)
        average_loss = ops.mean(loss)
    gradients = tape.gradient(average_loss, model.weights)
    update_weights(gradients, model.weights)
    return average_loss

# In[109]:
# %%backend tensorflow
def fit(model, images, labels, epochs, batch_size=128):
    for epoch_counter in range(epochs):
        print(f"Epoch {epoch_counter}")
        batch_generator = BatchGenerator(images, labels)
        for batch_counter in range(batch_generator.num_batches):
            images_batch, labels_batch = batch_generator.next()
            loss = one_training_step(model, images_batch, labels_batch)
            if batch_counter % 100 == 0:
                print(f"loss at batch {batch_counter}: {loss:.2f}")

# In[110]:
# %%backend tensorflow
from keras.datasets import mnist

(train_images, train_labels), (test_images, test_labels) = mnist.load_data()

train_images = train_images.reshape((-1, 28 * 28))  # CHANGED: was (60000, 28 * 28)
train_images = train_images.astype("float32") / 255
test_images = test_images.reshape((-1, 28 * 28))  # CHANGED: was (10000, 28 * 28)
test_images = test_images.astype("float32") / 255

fit(model, train_images, train_labels, epochs=3, batch_size=128)  # CHANGED: epochs=10

# In[112]:
# %%backend tensorflow
predictions = model(test_images)
predicted_labels = ops.argmax(predictions, axis=1)
matches = predicted_labels == test_labels
f"accuracy: {ops.mean(matches):.2f}"

