# Corpus program: Hands-On Machine Learning (3rd ed.), ch. 11: reusing a pretrained network: Fashion-MNIST split
#   into task A (8 classes) and task B (T-shirt vs pullover, 200 images); model A saved and reloaded, its layers
#   reused in a new Sequential, clone_model + set_weights, layer.trainable = False then True, recompiling
# Source: https://github.com/ageron/handson-ml3/blob/main/11_training_deep_neural_networks.ipynb
#   (ageron/handson-ml3/11_training_deep_neural_networks.ipynb at commit e3f3f9e66d58)
# License: Apache-2.0
# Kind: dense
# Data: fashion_mnist
# Expect: accuracy >= 0.8
#   The book: model_B about 0.907 and model_B_on_A about 0.93 test accuracy on task B with all of Fashion-MNIST;
#   with the 2,000-image slice (and still 200 task-B training images) we ask >= 0.8 of the last evaluate.
#   Real TensorFlow 2.15 running this program: 0.933 at the last evaluate (scratchnet's model_B: 0.933 too).
# Changes to run offline, headless and fast:
#   - the runner's data loaders return 2,000 training and 500 test images (see tests/corpus/_harness.py);
#     X_train_full[:-5000] / [-5000:] (train / validation) become [:-500] / [-500:]
#   - the set-up cell that checks the TensorFlow version (packaging) keeps only `import tensorflow as tf`, and
#     `import numpy as np` is added there (the notebook imports it in an earlier, omitted cell)

# In[7]:
import numpy as np  # CHANGED: added, see the header
import tensorflow as tf


# In[34]:
fashion_mnist = tf.keras.datasets.fashion_mnist.load_data()
(X_train_full, y_train_full), (X_test, y_test) = fashion_mnist
X_train, y_train = X_train_full[:-500], y_train_full[:-500]  # CHANGED: -5000 -> -500
X_valid, y_valid = X_train_full[-500:], y_train_full[-500:]  # CHANGED: -5000 -> -500
X_train, X_valid, X_test = X_train / 255, X_valid / 255, X_test / 255

# In[35]:
class_names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

# In[63]:
# extra code – split Fashion MNIST into tasks A and B, then train and save
#              model A to "my_model_A".

pos_class_id = class_names.index("Pullover")
neg_class_id = class_names.index("T-shirt/top")

def split_dataset(X, y):
    y_for_B = (y == pos_class_id) | (y == neg_class_id)
    y_A = y[~y_for_B]
    y_B = (y[y_for_B] == pos_class_id).astype(np.float32)
    old_class_ids = list(set(range(10)) - set([neg_class_id, pos_class_id]))
    for old_class_id, new_class_id in zip(old_class_ids, range(8)):
        y_A[y_A == old_class_id] = new_class_id  # reorder class ids for A
    return ((X[~y_for_B], y_A), (X[y_for_B], y_B))

(X_train_A, y_train_A), (X_train_B, y_train_B) = split_dataset(X_train, y_train)
(X_valid_A, y_valid_A), (X_valid_B, y_valid_B) = split_dataset(X_valid, y_valid)
(X_test_A, y_test_A), (X_test_B, y_test_B) = split_dataset(X_test, y_test)
X_train_B = X_train_B[:200]
y_train_B = y_train_B[:200]

tf.random.set_seed(42)

model_A = tf.keras.Sequential([
    tf.keras.layers.Flatten(input_shape=[28, 28]),
    tf.keras.layers.Dense(100, activation="relu",
                          kernel_initializer="he_normal"),
    tf.keras.layers.Dense(100, activation="relu",
                          kernel_initializer="he_normal"),
    tf.keras.layers.Dense(100, activation="relu",
                          kernel_initializer="he_normal"),
    tf.keras.layers.Dense(8, activation="softmax")
])

model_A.compile(loss="sparse_categorical_crossentropy",
                optimizer=tf.keras.optimizers.SGD(learning_rate=0.001),
                metrics=["accuracy"])
history = model_A.fit(X_train_A, y_train_A, epochs=20,
                      validation_data=(X_valid_A, y_valid_A))
model_A.save("my_model_A.keras")

# In[64]:
# extra code – train and evaluate model B, without reusing model A

tf.random.set_seed(42)
model_B = tf.keras.Sequential([
    tf.keras.layers.Flatten(input_shape=[28, 28]),
    tf.keras.layers.Dense(100, activation="relu",
                          kernel_initializer="he_normal"),
    tf.keras.layers.Dense(100, activation="relu",
                          kernel_initializer="he_normal"),
    tf.keras.layers.Dense(100, activation="relu",
                          kernel_initializer="he_normal"),
    tf.keras.layers.Dense(1, activation="sigmoid")
])

model_B.compile(loss="binary_crossentropy",
                optimizer=tf.keras.optimizers.SGD(learning_rate=0.001),
                metrics=["accuracy"])
history = model_B.fit(X_train_B, y_train_B, epochs=20,
                      validation_data=(X_valid_B, y_valid_B))
model_B.evaluate(X_test_B, y_test_B)

# In[66]:
model_A = tf.keras.models.load_model("my_model_A.keras")
model_B_on_A = tf.keras.Sequential(model_A.layers[:-1])
model_B_on_A.add(tf.keras.layers.Dense(1, activation="sigmoid"))

# In[68]:
tf.random.set_seed(42)  # extra code – ensure reproducibility

# In[69]:
model_A_clone = tf.keras.models.clone_model(model_A)
model_A_clone.set_weights(model_A.get_weights())

# In[70]:
# extra code – creating model_B_on_A just like in the previous cell
model_B_on_A = tf.keras.Sequential(model_A_clone.layers[:-1])
model_B_on_A.add(tf.keras.layers.Dense(1, activation="sigmoid"))

# In[71]:
for layer in model_B_on_A.layers[:-1]:
    layer.trainable = False

optimizer = tf.keras.optimizers.SGD(learning_rate=0.001)
model_B_on_A.compile(loss="binary_crossentropy", optimizer=optimizer,
                     metrics=["accuracy"])

# In[72]:
history = model_B_on_A.fit(X_train_B, y_train_B, epochs=4,
                           validation_data=(X_valid_B, y_valid_B))

for layer in model_B_on_A.layers[:-1]:
    layer.trainable = True

optimizer = tf.keras.optimizers.SGD(learning_rate=0.001)
model_B_on_A.compile(loss="binary_crossentropy", optimizer=optimizer,
                     metrics=["accuracy"])
history = model_B_on_A.fit(X_train_B, y_train_B, epochs=16,
                           validation_data=(X_valid_B, y_valid_B))

# In[74]:
model_B_on_A.evaluate(X_test_B, y_test_B)

