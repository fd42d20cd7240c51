# Corpus program: Hands-On Machine Learning (3rd ed.), ch. 10: an image classifier with the Sequential API
# Source: https://github.com/ageron/handson-ml3/blob/main/10_neural_nets_with_keras.ipynb
#   (ageron/handson-ml3/10_neural_nets_with_keras.ipynb at commit e3f3f9e66d58)
# License: Apache-2.0
# Kind: dense
# Data: fashion_mnist
# Expect: sparse_categorical_accuracy >= 0.70
#   The book: about 0.88 validation / 0.86 test accuracy after 30 epochs of SGD on 55,000 images; on 1,500 images
#   for 5 epochs of plain SGD we ask >= 0.70.
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - the runner's data loaders return 2,000 training and 500 test images (see tests/corpus/_harness.py)
#   - X_train_full[:-5000] / [-5000:] (train / validation) become [:-500] / [-500:] for the 2,000-image slice
#   - the notebook's set-up cells that check versions (sys, packaging, sklearn asserts) dropped; `import numpy as
#     np` added (the notebook imports it in a scikit-learn cell)
#   - epochs=30 -> 5
#   - tf.keras.utils.plot_model cell removed (needs pydot and graphviz)
#   - the pandas learning-curve cell (pd.DataFrame(history.history).plot) removed: pandas is not a dependency; the
#     next cell draws the same curves with matplotlib

# In[11]:
import numpy as np  # CHANGED: added, see the header
import matplotlib.pyplot as plt

plt.rc('font', size=14)
plt.rc('axes', labelsize=14, titlesize=14)
plt.rc('legend', fontsize=14)
plt.rc('xtick', labelsize=10)
plt.rc('ytick', labelsize=10)

# In[13]:
from pathlib import Path

IMAGES_PATH = Path() / "images" / "ann"
IMAGES_PATH.mkdir(parents=True, exist_ok=True)

def save_fig(fig_id, tight_layout=True, fig_extension="png", resolution=300):
    path = IMAGES_PATH / f"{fig_id}.{fig_extension}"
    if tight_layout:
        plt.tight_layout()
    plt.savefig(path, format=fig_extension, dpi=resolution)

# In[32]:
import tensorflow as tf

fashion_mnist = tf.keras.datasets.fashion_mnist.load_data()
(X_train_full, y_train_full), (X_test, y_test) = fashion_mnist
X_train, y_train = X_train_full[:-500], y_train_full[:-500]
X_valid, y_valid = X_train_full[-500:], y_train_full[-500:]

# In[34]:
X_train.shape

# In[36]:
X_train.dtype

# In[38]:
X_train, X_valid, X_test = X_train / 255., X_valid / 255., X_test / 255.

# In[40]:
# extra code

plt.imshow(X_train[0], cmap="binary")
plt.axis('off')
plt.show()

# In[42]:
y_train

# In[44]:
class_names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

# In[46]:
class_names[y_train[0]]

# In[48]:
# extra code – this cell generates and saves Figure 10–10

n_rows = 4
n_cols = 10
plt.figure(figsize=(n_cols * 1.2, n_rows * 1.2))
for row in range(n_rows):
    for col in range(n_cols):
        index = n_cols * row + col
        plt.subplot(n_rows, n_cols, index + 1)
        plt.imshow(X_train[index], cmap="binary", interpolation="nearest")
        plt.axis('off')
        plt.title(class_names[y_train[index]])
plt.subplots_adjust(wspace=0.2, hspace=0.5)

save_fig("fashion_mnist_plot")
plt.show()

# In[50]:
tf.random.set_seed(42)
model = tf.keras.Sequential()
model.add(tf.keras.layers.InputLayer(input_shape=[28, 28]))
model.add(tf.keras.layers.Flatten())
model.add(tf.keras.layers.Dense(300, activation="relu"))
model.add(tf.keras.layers.Dense(100, activation="relu"))
model.add(tf.keras.layers.Dense(10, activation="softmax"))

# In[51]:
# extra code – clear the session to reset the name counters
tf.keras.backend.clear_session()
tf.random.set_seed(42)

model = tf.keras.Sequential([
    tf.keras.layers.Flatten(input_shape=[28, 28]),
    tf.keras.layers.Dense(300, activation="relu"),
    tf.keras.layers.Dense(100, activation="relu"),
    tf.keras.layers.Dense(10, activation="softmax")
])

# In[52]:
model.summary()

# In[54]:
model.layers

# In[55]:
hidden1 = model.layers[1]
hidden1.name

# In[56]:
model.get_layer('dense') is hidden1

# In[57]:
weights, biases = hidden1.get_weights()
weights

# In[58]:
weights.shape

# In[59]:
biases

# In[60]:
biases.shape

# In[62]:
model.compile(loss="sparse_categorical_crossentropy",
              optimizer="sgd",
              metrics=["accuracy"])

# In[64]:
# extra code – this cell is equivalent to the previous cell
model.compile(loss=tf.keras.losses.sparse_categorical_crossentropy,
              optimizer=tf.keras.optimizers.SGD(),
              metrics=[tf.keras.metrics.sparse_categorical_accuracy])

# In[65]:
# extra code – shows how to convert class ids to one-hot vectors
tf.keras.utils.to_categorical([0, 5, 1, 0], num_classes=10)

# In[67]:
# extra code – shows how to convert one-hot vectors to class ids
np.argmax(
    [[1., 0., 0., 0., 0., 0., 0., 0., 0., 0.],
     [0., 0., 0., 0., 0., 1., 0., 0., 0., 0.],
     [0., 1., 0., 0., 0., 0., 0., 0., 0., 0.],
     [1., 0., 0., 0., 0., 0., 0., 0., 0., 0.]],
    axis=1
)

# In[69]:
history = model.fit(X_train, y_train, epochs=5,
                    validation_data=(X_valid, y_valid))

# In[70]:
history.params

# In[71]:
print(history.epoch)

# In[73]:
# extra code – shows how to shift the training curve by -1/2 epoch
plt.figure(figsize=(8, 5))
for key, style in zip(history.history, ["r--", "r--.", "b-", "b-*"]):
    epochs = np.array(history.epoch) + (0 if key.startswith("val_") else -0.5)
    plt.plot(epochs, history.history[key], style, label=key)
plt.xlabel("Epoch")
plt.axis([-0.5, 29, 0., 1])
plt.legend(loc="lower left")
plt.grid()
plt.show()

# In[74]:
model.evaluate(X_test, y_test)

# In[76]:
X_new = X_test[:3]
y_proba = model.predict(X_new)
y_proba.round(2)

# In[77]:
y_pred = y_proba.argmax(axis=-1)
y_pred

# In[78]:
np.array(class_names)[y_pred]

# In[79]:
y_new = y_test[:3]
y_new

# In[80]:
# extra code – this cell generates and saves Figure 10–12
plt.figure(figsize=(7.2, 2.4))
for index, image in enumerate(X_new):
    plt.subplot(1, 3, index + 1)
    plt.imshow(image, cmap="binary", interpolation="nearest")
    plt.axis('off')
    plt.title(class_names[y_test[index]])
plt.subplots_adjust(wspace=0.2, hspace=0.5)
save_fig('fashion_mnist_images_plot', tight_layout=False)
plt.show()
