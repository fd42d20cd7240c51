# Corpus program: Hands-On Machine Learning (3rd ed.), ch. 11: a 100-layer self-normalizing network (Dense with
#   activation="selu" and kernel_initializer="lecun_normal", inputs standardized) on Fashion-MNIST, against the
#   same depth with relu and he_normal
# Source: https://github.com/ageron/handson-ml3/blob/main/11_training_deep_neural_networks.ipynb
#   (ageron/handson-ml3/11_training_deep_neural_networks.ipynb at commit e3f3f9e66d58)
# License: Apache-2.0
# Kind: dense
# Data: fashion_mnist
#   No "Expect" line: the chapter never evaluates these two models (it compares their training curves).
# Changes to run offline, headless and fast:
#   - the runner's data loaders return 2,000 training and 500 test images (see tests/corpus/_harness.py);
#     X_train_full[:-5000] / [-5000:] (train / validation) become [:-500] / [-500:]
#   - the set-up cell that checks the TensorFlow version (packaging) keeps only `import tensorflow as tf`, and
#     `import numpy as np` is added there (the notebook imports it in an earlier, omitted cell)
#   - epochs=5 -> 2 for both 100-layer models
#   - pixel_stds + 1e-7: in the 2,000-image slice some border pixels are 0 in every image (std 0, so 0 / 0 = NaN);
#     in the book's 55,000 images every pixel has some ink somewhere

# In[7]:
import numpy as np  # CHANGED: added, see the header
import tensorflow as tf


# In[9]:
import matplotlib.pyplot as plt

plt.rc('font', size=14)
plt.rc('axes', labelsize=14, titlesize=14)
plt.rc('legend', fontsize=14)
plt.rc('xtick', labelsize=10)
plt.rc('ytick', labelsize=10)

# In[29]:
dense = tf.keras.layers.Dense(50, activation="selu",
                              kernel_initializer="lecun_normal")

# In[31]:
tf.random.set_seed(42)
model = tf.keras.Sequential()
model.add(tf.keras.layers.Flatten(input_shape=[28, 28]))
for layer in range(100):
    model.add(tf.keras.layers.Dense(100, activation="selu",
                                    kernel_initializer="lecun_normal"))
model.add(tf.keras.layers.Dense(10, activation="softmax"))

# In[32]:
model.compile(loss="sparse_categorical_crossentropy",
              optimizer=tf.keras.optimizers.SGD(learning_rate=0.001),
              metrics=["accuracy"])

# In[34]:
fashion_mnist = tf.keras.datasets.fashion_mnist.load_data()
(X_train_full, y_train_full), (X_test, y_test) = fashion_mnist
X_train, y_train = X_train_full[:-500], y_train_full[:-500]  # CHANGED: -5000 -> -500
X_valid, y_valid = X_train_full[-500:], y_train_full[-500:]  # CHANGED: -5000 -> -500
X_train, X_valid, X_test = X_train / 255, X_valid / 255, X_test / 255

# In[35]:
class_names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

# In[36]:
pixel_means = X_train.mean(axis=0, keepdims=True)
pixel_stds = X_train.std(axis=0, keepdims=True) + 1e-7  # CHANGED: + 1e-7, see the header
X_train_scaled = (X_train - pixel_means) / pixel_stds
X_valid_scaled = (X_valid - pixel_means) / pixel_stds
X_test_scaled = (X_test - pixel_means) / pixel_stds

# In[37]:
history = model.fit(X_train_scaled, y_train, epochs=2,  # CHANGED: 5 -> 2
                    validation_data=(X_valid_scaled, y_valid))

# In[39]:
tf.random.set_seed(42)

# In[40]:
model = tf.keras.Sequential()
model.add(tf.keras.layers.Flatten(input_shape=[28, 28]))
for layer in range(100):
    model.add(tf.keras.layers.Dense(100, activation="relu",
                                    kernel_initializer="he_normal"))
model.add(tf.keras.layers.Dense(10, activation="softmax"))

# In[41]:
model.compile(loss="sparse_categorical_crossentropy",
              optimizer=tf.keras.optimizers.SGD(learning_rate=0.001),
              metrics=["accuracy"])

# In[42]:
history = model.fit(X_train_scaled, y_train, epochs=2,  # CHANGED: 5 -> 2
                    validation_data=(X_valid_scaled, y_valid))

