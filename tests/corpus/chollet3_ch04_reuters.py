# Corpus program: Deep Learning with Python (3rd ed.), ch. 4: classifying newswires (46 classes)
# Source: https://github.com/fchollet/deep-learning-with-python-notebooks/blob/main/chapter04_classification-and-regression.ipynb
#   (fchollet/deep-learning-with-python-notebooks/chapter04_classification-and-regression.ipynb at commit dea84a4e12cc)
# License: MIT
# Kind: dense
# Data: synthetic
# Expect: accuracy >= 0.45
#   The book: about 0.80 test accuracy on the real Reuters data. We check the last evaluate() (the 9-epoch model
#   of cell 54) for >= 0.45 on the synthetic topics (chance: 1/46 = 0.02; we measured 0.57); Keras on the same
#   synthetic data is not measured (no TensorFlow here), the bound only says it learned.
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - reuters.load_data(num_words=10000) is replaced by _corpus_data.reuters (synthetic newswires in 46 topics,
#     2,000 train / 500 test, vocabulary 1,000), num_classes=10000 -> 1000; reuters.get_word_index() cells removed
#   - cell 14 (the IMDB multi_hot_encode cell) is kept for its import and function; its two IMDB encoding lines
#     are removed; the matplotlib import of cell 25 is added there
#   - x_train[:1000] validation slices kept (of 2,000)
#   - np.random.shuffle on the labels kept
#   - the Colab set-up cells (KERAS_BACKEND=jax, the %%backend cell magic) dropped: they choose a Keras backend

# In[14]:
import numpy as np

def multi_hot_encode(sequences, num_classes):
    results = np.zeros((len(sequences), num_classes))
    for i, sequence in enumerate(sequences):
        results[i][sequence] = 1.0
    return results
import matplotlib.pyplot as plt  # CHANGED: the import of cell 25, whose other lines plot the IMDB run

# In[18]:
import keras
from keras import layers

model = keras.Sequential(
    [
        layers.Dense(16, activation="relu"),
        layers.Dense(16, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ]
)

# In[35]:
from _corpus_data import reuters  # CHANGED: synthetic, see the header

(train_data, train_labels), (test_data, test_labels) = reuters.load_data(
    num_words=1000
)

# In[36]:
len(train_data)

# In[37]:
len(test_data)

# In[38]:
train_data[10]

# In[42]:
x_train = multi_hot_encode(train_data, num_classes=1000)
x_test = multi_hot_encode(test_data, num_classes=1000)

# In[43]:
def one_hot_encode(labels, num_classes=46):
    results = np.zeros((len(labels), num_classes))
    for i, label in enumerate(labels):
        results[i, label] = 1.0
    return results

y_train = one_hot_encode(train_labels)
y_test = one_hot_encode(test_labels)

# In[44]:
from keras.utils import to_categorical

y_train = to_categorical(train_labels)
y_test = to_categorical(test_labels)

# In[46]:
model = keras.Sequential(
    [
        layers.Dense(64, activation="relu"),
        layers.Dense(64, activation="relu"),
        layers.Dense(46, activation="softmax"),
    ]
)

# In[47]:
top_3_accuracy = keras.metrics.TopKCategoricalAccuracy(
    k=3, name="top_3_accuracy"
)
model.compile(
    optimizer="adam",
    loss="categorical_crossentropy",
    metrics=["accuracy", top_3_accuracy],
)

# In[49]:
x_val = x_train[:1000]
partial_x_train = x_train[1000:]
y_val = y_train[:1000]
partial_y_train = y_train[1000:]

# In[50]:
history = model.fit(
    partial_x_train,
    partial_y_train,
    epochs=20,
    batch_size=512,
    validation_data=(x_val, y_val),
)

# In[51]:
loss = history.history["loss"]
val_loss = history.history["val_loss"]
epochs = range(1, len(loss) + 1)
plt.plot(epochs, loss, "r--", label="Training loss")
plt.plot(epochs, val_loss, "b", label="Validation loss")
plt.title("Training and validation loss")
plt.xlabel("Epochs")
plt.xticks(epochs)
plt.ylabel("Loss")
plt.legend()
plt.show()

# In[52]:
plt.clf()
acc = history.history["accuracy"]
val_acc = history.history["val_accuracy"]
plt.plot(epochs, acc, "r--", label="Training accuracy")
plt.plot(epochs, val_acc, "b", label="Validation accuracy")
plt.title("Training and validation accuracy")
plt.xlabel("Epochs")
plt.xticks(epochs)
plt.ylabel("Accuracy")
plt.legend()
plt.show()

# In[53]:
plt.clf()
acc = history.history["top_3_accuracy"]
val_acc = history.history["val_top_3_accuracy"]
plt.plot(epochs, acc, "r--", label="Training top-3 accuracy")
plt.plot(epochs, val_acc, "b", label="Validation top-3 accuracy")
plt.title("Training and validation top-3 accuracy")
plt.xlabel("Epochs")
plt.xticks(epochs)
plt.ylabel("Top-3 accuracy")
plt.legend()
plt.show()

# In[54]:
model = keras.Sequential(
    [
        layers.Dense(64, activation="relu"),
        layers.Dense(64, activation="relu"),
        layers.Dense(46, activation="softmax"),
    ]
)
model.compile(
    optimizer="adam",
    loss="categorical_crossentropy",
    metrics=["accuracy"],
)
model.fit(
    x_train,
    y_train,
    epochs=9,
    batch_size=512,
)
results = model.evaluate(x_test, y_test)

# In[55]:
results

# In[56]:
import copy
test_labels_copy = copy.copy(test_labels)
np.random.shuffle(test_labels_copy)
hits_array = np.array(test_labels == test_labels_copy)
hits_array.mean()

# In[58]:
predictions = model.predict(x_test)

# In[59]:
predictions[0].shape

# In[60]:
np.sum(predictions[0])

# In[61]:
np.argmax(predictions[0])

# In[63]:
y_train = train_labels
y_test = test_labels

# In[64]:
model.compile(
    optimizer="adam",
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)

# In[66]:
model = keras.Sequential(
    [
        layers.Dense(64, activation="relu"),
        layers.Dense(4, activation="relu"),
        layers.Dense(46, activation="softmax"),
    ]
)
model.compile(
    optimizer="adam",
    loss="categorical_crossentropy",
    metrics=["accuracy"],
)
model.fit(
    partial_x_train,
    partial_y_train,
    epochs=20,
    batch_size=128,
    validation_data=(x_val, y_val),
)
