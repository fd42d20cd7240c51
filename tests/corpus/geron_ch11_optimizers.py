# Corpus program: Hands-On Machine Learning (3rd ed.), ch. 11: faster optimizers on Fashion-MNIST
# Source: https://github.com/ageron/handson-ml3/blob/main/11_training_deep_neural_networks.ipynb
#   (ageron/handson-ml3/11_training_deep_neural_networks.ipynb at commit e3f3f9e66d58)
# License: Apache-2.0
# Kind: dense
# Data: fashion_mnist
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - the runner's data loaders return 2,000 training and 500 test images (see tests/corpus/_harness.py)
#   - X_train_full[:-5000] / [-5000:] (train / validation) become [:-500] / [-500:] for the 2,000-image slice
#   - the notebook's set-up cells that check versions (sys, packaging, sklearn asserts) dropped; `import numpy as
#     np` added (the notebook imports it in a scikit-learn cell)
#   - epochs=10 -> 2 in build_and_train_model

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
X_train, y_train = X_train_full[:-500], y_train_full[:-500]
X_valid, y_valid = X_train_full[-500:], y_train_full[-500:]
X_train, X_valid, X_test = X_train / 255, X_valid / 255, X_test / 255

# In[35]:
class_names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

# In[78]:
# extra code – a little function to test an optimizer on Fashion MNIST

def build_model(seed=42):
    tf.random.set_seed(seed)
    return tf.keras.Sequential([
        tf.keras.layers.Flatten(input_shape=[28, 28]),
        tf.keras.layers.Dense(100, activation="relu",
                              kernel_initializer="he_normal"),
        tf.keras.layers.Dense(100, activation="relu",
                              kernel_initializer="he_normal"),
        tf.keras.layers.Dense(100, activation="relu",
                              kernel_initializer="he_normal"),
        tf.keras.layers.Dense(10, activation="softmax")
    ])

def build_and_train_model(optimizer):
    model = build_model()
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer,
                  metrics=["accuracy"])
    return model.fit(X_train, y_train, epochs=2,
                     validation_data=(X_valid, y_valid))

# In[79]:
optimizer = tf.keras.optimizers.SGD(learning_rate=0.001)

# In[80]:
history_sgd = build_and_train_model(optimizer)  # extra code

# In[82]:
optimizer = tf.keras.optimizers.SGD(learning_rate=0.001, momentum=0.9)

# In[83]:
history_momentum = build_and_train_model(optimizer)  # extra code

# In[85]:
optimizer = tf.keras.optimizers.SGD(learning_rate=0.001, momentum=0.9,
                                    nesterov=True)

# In[86]:
history_nesterov = build_and_train_model(optimizer)  # extra code

# In[88]:
optimizer = tf.keras.optimizers.Adagrad(learning_rate=0.001)

# In[89]:
history_adagrad = build_and_train_model(optimizer)  # extra code

# In[91]:
optimizer = tf.keras.optimizers.RMSprop(learning_rate=0.001, rho=0.9)

# In[92]:
history_rmsprop = build_and_train_model(optimizer)  # extra code

# In[94]:
optimizer = tf.keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9,
                                     beta_2=0.999)

# In[95]:
history_adam = build_and_train_model(optimizer)  # extra code

# In[97]:
optimizer = tf.keras.optimizers.Adamax(learning_rate=0.001, beta_1=0.9,
                                       beta_2=0.999)

# In[98]:
history_adamax = build_and_train_model(optimizer)  # extra code

# In[100]:
optimizer = tf.keras.optimizers.Nadam(learning_rate=0.001, beta_1=0.9,
                                      beta_2=0.999)

# In[101]:
history_nadam = build_and_train_model(optimizer)  # extra code

# In[104]:
optimizer = tf.keras.optimizers.AdamW(weight_decay=1e-5, learning_rate=0.001,
                                      beta_1=0.9, beta_2=0.999)

# In[105]:
history_adamw = build_and_train_model(optimizer)  # extra code
