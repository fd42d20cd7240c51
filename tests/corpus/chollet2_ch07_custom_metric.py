# Corpus program: Deep Learning with Python (2nd ed.), ch. 7: a custom metric (RootMeanSquaredError, a
#   keras.metrics.Metric subclass with add_weight state, update_state/result/reset_state) passed to compile; then
#   metrics used by hand (SparseCategoricalAccuracy, Mean) outside fit
# Source: https://github.com/fchollet/deep-learning-with-python-notebooks/blob/master/second_edition/chapter07_working-with-keras.ipynb
#   (fchollet/deep-learning-with-python-notebooks/second_edition/chapter07_working-with-keras.ipynb at commit dea84a4e12cc)
# License: MIT
# Kind: dense
# Data: mnist
# Expect: accuracy >= 0.82
#   The book: about 0.97-0.98 on all of MNIST; an MLP on the runner's 2,000-image slice gets about 0.88 (real
#   TensorFlow 2.15 running this program: 0.882).
# Changes to run offline, headless and fast:
#   - the imports of the notebook's first cell (keras, layers) added before the MNIST cell
#   - the runner's data loaders return 2,000 training and 500 test images (see tests/corpus/_harness.py);
#     reshape((60000, 28 * 28)) / reshape((10000, 28 * 28)) become reshape((-1, 28 * 28)), and the validation
#     split images[10000:] / images[:10000] (and labels) becomes [500:] / [:500]

# In[63]:
from tensorflow import keras  # CHANGED: added (the notebook's first cell imports it)
from tensorflow.keras import layers  # CHANGED: added, likewise
from tensorflow.keras.datasets import mnist

def get_mnist_model():
    inputs = keras.Input(shape=(28 * 28,))
    features = layers.Dense(512, activation="relu")(inputs)
    features = layers.Dropout(0.5)(features)
    outputs = layers.Dense(10, activation="softmax")(features)
    model = keras.Model(inputs, outputs)
    return model

(images, labels), (test_images, test_labels) = mnist.load_data()
images = images.reshape((-1, 28 * 28)).astype("float32") / 255  # CHANGED: was reshape((60000, 28 * 28))
test_images = test_images.reshape((-1, 28 * 28)).astype("float32") / 255  # CHANGED: was reshape((10000, 28 * 28))
train_images, val_images = images[500:], images[:500]  # CHANGED: 10000 -> 500
train_labels, val_labels = labels[500:], labels[:500]  # CHANGED: 10000 -> 500

model = get_mnist_model()
model.compile(optimizer="rmsprop",
              loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
model.fit(train_images, train_labels,
          epochs=3,
          validation_data=(val_images, val_labels))
test_metrics = model.evaluate(test_images, test_labels)
predictions = model.predict(test_images)

# In[66]:
import tensorflow as tf

class RootMeanSquaredError(keras.metrics.Metric):

    def __init__(self, name="rmse", **kwargs):
        super().__init__(name=name, **kwargs)
        self.mse_sum = self.add_weight(name="mse_sum", initializer="zeros")
        self.total_samples = self.add_weight(
            name="total_samples", initializer="zeros", dtype="int32")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = tf.one_hot(y_true, depth=tf.shape(y_pred)[1])
        mse = tf.reduce_sum(tf.square(y_true - y_pred))
        self.mse_sum.assign_add(mse)
        num_samples = tf.shape(y_pred)[0]
        self.total_samples.assign_add(num_samples)

    def result(self):
        return tf.sqrt(self.mse_sum / tf.cast(self.total_samples, tf.float32))

    def reset_state(self):
        self.mse_sum.assign(0.)
        self.total_samples.assign(0)

# In[67]:
model = get_mnist_model()
model.compile(optimizer="rmsprop",
              loss="sparse_categorical_crossentropy",
              metrics=["accuracy", RootMeanSquaredError()])
model.fit(train_images, train_labels,
          epochs=3,
          validation_data=(val_images, val_labels))
test_metrics = model.evaluate(test_images, test_labels)

# In[83]:
metric = keras.metrics.SparseCategoricalAccuracy()
targets = [0, 1, 2]
predictions = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
metric.update_state(targets, predictions)
current_result = metric.result()
print(f"result: {current_result:.2f}")

# In[84]:
values = [0, 1, 2, 3, 4]
mean_tracker = keras.metrics.Mean()
for value in values:
    mean_tracker.update_state(value)
print(f"Mean of values: {mean_tracker.result():.2f}")

