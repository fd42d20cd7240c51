# Corpus program: Deep Learning with Python (3rd ed.), ch. 7: the functional MNIST model, a custom metric and callbacks
# Source: https://github.com/fchollet/deep-learning-with-python-notebooks/blob/main/chapter07_deep-dive-keras.ipynb
#   (fchollet/deep-learning-with-python-notebooks/chapter07_deep-dive-keras.ipynb at commit dea84a4e12cc)
# License: MIT
# Kind: dense
# Data: mnist
# Expect: accuracy >= 0.82
#   The book: about 0.97-0.98 on all of MNIST after 3 epochs. On the runner's 2,000-image slice an MLP gets about
#   0.88-0.90, so we ask >= 0.82.
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - the runner's data loaders return 2,000 training and 500 test images (see tests/corpus/_harness.py);
#     reshape((60000, ...)) / reshape((10000, ...)) become reshape((-1, ...)); the validation split images[:10000]
#     / [10000:] becomes [:500] / [500:]
#   - epochs=10 -> 3 in the callback runs
#   - the TensorBoard cells removed (need a TensorBoard server)
#   - the Colab set-up cells (KERAS_BACKEND=jax, the %%backend cell magic) dropped: they choose a Keras backend

# In[53]:
import keras
from keras import layers
from keras.datasets import mnist

def get_mnist_model():
    inputs = keras.Input(shape=(28 * 28,))
    features = layers.Dense(512, activation="relu")(inputs)
    features = layers.Dropout(0.5)(features)
    outputs = layers.Dense(10, activation="softmax")(features)
    model = keras.Model(inputs, outputs)
    return model

(images, labels), (test_images, test_labels) = mnist.load_data()
images = images.reshape((-1, 28 * 28)).astype("float32") / 255
test_images = test_images.reshape((-1, 28 * 28)).astype("float32") / 255
train_images, val_images = images[500:], images[:500]
train_labels, val_labels = labels[500:], labels[:500]

model = get_mnist_model()
model.compile(
    optimizer="adam",
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
model.fit(
    train_images,
    train_labels,
    epochs=3,
    validation_data=(val_images, val_labels),
)
test_metrics = model.evaluate(test_images, test_labels)
predictions = model.predict(test_images)

# In[55]:
from keras import ops

class RootMeanSquaredError(keras.metrics.Metric):
    def __init__(self, name="rmse", **kwargs):
        super().__init__(name=name, **kwargs)
        self.mse_sum = self.add_weight(name="mse_sum", initializer="zeros")
        self.total_samples = self.add_weight(
            name="total_samples", initializer="zeros"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.one_hot(y_true, num_classes=ops.shape(y_pred)[1])
        mse = ops.sum(ops.square(y_true - y_pred))
        self.mse_sum.assign_add(mse)
        num_samples = ops.shape(y_pred)[0]
        self.total_samples.assign_add(num_samples)

    def result(self):
        return ops.sqrt(self.mse_sum / self.total_samples)

    def reset_state(self):
        self.mse_sum.assign(0.)
        self.total_samples.assign(0.)

# In[56]:
model = get_mnist_model()
model.compile(
    optimizer="adam",
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy", RootMeanSquaredError()],
)
model.fit(
    train_images,
    train_labels,
    epochs=3,
    validation_data=(val_images, val_labels),
)
test_metrics = model.evaluate(test_images, test_labels)

# In[59]:
callbacks_list = [
    keras.callbacks.EarlyStopping(
        monitor="accuracy",
        patience=1,
    ),
    keras.callbacks.ModelCheckpoint(
        filepath="checkpoint_path.keras",
        monitor="val_loss",
        save_best_only=True,
    ),
]
model = get_mnist_model()
model.compile(
    optimizer="adam",
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
model.fit(
    train_images,
    train_labels,
    epochs=3,
    callbacks=callbacks_list,
    validation_data=(val_images, val_labels),
)

# In[60]:
model = keras.models.load_model("checkpoint_path.keras")

# In[62]:
from matplotlib import pyplot as plt

class LossHistory(keras.callbacks.Callback):
    def on_train_begin(self, logs):
        self.per_batch_losses = []

    def on_batch_end(self, batch, logs):
        self.per_batch_losses.append(logs.get("loss"))

    def on_epoch_end(self, epoch, logs):
        plt.clf()
        plt.plot(
            range(len(self.per_batch_losses)),
            self.per_batch_losses,
            label="Training loss for each batch",
        )
        plt.xlabel(f"Batch (epoch {epoch})")
        plt.ylabel("Loss")
        plt.legend()
        plt.savefig(f"plot_at_epoch_{epoch}", dpi=300)
        self.per_batch_losses = []

# In[63]:
model = get_mnist_model()
model.compile(
    optimizer="adam",
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
model.fit(
    train_images,
    train_labels,
    epochs=3,
    callbacks=[LossHistory()],
    validation_data=(val_images, val_labels),
)
