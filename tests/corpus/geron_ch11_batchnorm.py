# Corpus program: Hands-On Machine Learning (3rd ed.), ch. 11: BatchNormalization after Flatten and after each
#   Dense layer, its variables (moving mean and variance not trainable), BN before the activation (use_bias=False,
#   a separate Activation layer), and gradient clipping (SGD clipvalue / clipnorm)
# Source: https://github.com/ageron/handson-ml3/blob/main/11_training_deep_neural_networks.ipynb
#   (ageron/handson-ml3/11_training_deep_neural_networks.ipynb at commit e3f3f9e66d58)
# License: Apache-2.0
# Kind: dense
# Needs: BatchNormalization
# Data: fashion_mnist
#   No "Expect" line: the chapter trains each model for 2 epochs "just to show that the model works".
# Changes to run offline, headless and fast:
#   - the runner's data loaders return 2,000 training and 500 test images (see tests/corpus/_harness.py);
#     X_train_full[:-5000] / [-5000:] (train / validation) become [:-500] / [-500:]
#   - the set-up cell that checks the TensorFlow version (packaging) keeps only `import tensorflow as tf`, and
#     `import numpy as np` is added there (the notebook imports it in an earlier, omitted cell)

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

# In[34]:
fashion_mnist = tf.keras.datasets.fashion_mnist.load_data()
(X_train_full, y_train_full), (X_test, y_test) = fashion_mnist
X_train, y_train = X_train_full[:-500], y_train_full[:-500]  # CHANGED: -5000 -> -500
X_valid, y_valid = X_train_full[-500:], y_train_full[-500:]  # CHANGED: -5000 -> -500
X_train, X_valid, X_test = X_train / 255, X_valid / 255, X_test / 255

# In[35]:
class_names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

# In[47]:
# extra code - clear the name counters and set the random seed
tf.keras.backend.clear_session()
tf.random.set_seed(42)

# In[48]:
model = tf.keras.Sequential([
    tf.keras.layers.Flatten(input_shape=[28, 28]),
    tf.keras.layers.BatchNormalization(),
    tf.keras.layers.Dense(300, activation="relu",
                          kernel_initializer="he_normal"),
    tf.keras.layers.BatchNormalization(),
    tf.keras.layers.Dense(100, activation="relu",
                          kernel_initializer="he_normal"),
    tf.keras.layers.BatchNormalization(),
    tf.keras.layers.Dense(10, activation="softmax")
])

# In[49]:
model.summary()

# In[50]:
[(var.name, var.trainable) for var in model.layers[1].variables]

# In[51]:
# extra code – just show that the model works! 😊
model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd",
              metrics=["accuracy"])
model.fit(X_train, y_train, epochs=2, validation_data=(X_valid, y_valid))

# In[53]:
# extra code - clear the name counters and set the random seed
tf.keras.backend.clear_session()
tf.random.set_seed(42)

# In[54]:
model = tf.keras.Sequential([
    tf.keras.layers.Flatten(input_shape=[28, 28]),
    tf.keras.layers.Dense(300, kernel_initializer="he_normal", use_bias=False),
    tf.keras.layers.BatchNormalization(),
    tf.keras.layers.Activation("relu"),
    tf.keras.layers.Dense(100, kernel_initializer="he_normal", use_bias=False),
    tf.keras.layers.BatchNormalization(),
    tf.keras.layers.Activation("relu"),
    tf.keras.layers.Dense(10, activation="softmax")
])

# In[55]:
# extra code – just show that the model works! 😊
model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd",
              metrics=["accuracy"])
model.fit(X_train, y_train, epochs=2, validation_data=(X_valid, y_valid))

# In[58]:
optimizer = tf.keras.optimizers.SGD(clipvalue=1.0)
model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer)

# In[59]:
optimizer = tf.keras.optimizers.SGD(clipnorm=1.0)
model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer)

