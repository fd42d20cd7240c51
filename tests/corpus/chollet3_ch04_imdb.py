# Corpus program: Deep Learning with Python (3rd ed.), ch. 4: classifying movie reviews (binary)
# Source: https://github.com/fchollet/deep-learning-with-python-notebooks/blob/main/chapter04_classification-and-regression.ipynb
#   (fchollet/deep-learning-with-python-notebooks/chapter04_classification-and-regression.ipynb at commit dea84a4e12cc)
# License: MIT
# Kind: dense
# Data: synthetic
# Expect: accuracy >= 0.85
#   The book: about 0.88 test accuracy on the real IMDB data; the synthetic reviews are easier, and we ask >=
#   0.85.
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - imdb.load_data(num_words=10000) is replaced by _corpus_data.imdb (synthetic reviews, 2,000 train / 500 test,
#     vocabulary 1,000: word indices 1-99 lean positive, 100-198 negative), and 10000 -> 1000 wherever it is the
#     vocabulary size; imdb.get_word_index() / decoding cells removed (no word index)
#   - x_train[:10000] / [10000:] validation split becomes [:500] / [500:] (2,000 reviews)
#   - the Colab set-up cells (KERAS_BACKEND=jax, the %%backend cell magic) dropped: they choose a Keras backend

# In[7]:
from _corpus_data import imdb  # CHANGED: synthetic, see the header

(train_data, train_labels), (test_data, test_labels) = imdb.load_data(
    num_words=1000
)

# In[8]:
train_data[0]

# In[9]:
train_labels[0]

# In[10]:
max([max(sequence) for sequence in train_data])

# In[14]:
import numpy as np

def multi_hot_encode(sequences, num_classes):
    results = np.zeros((len(sequences), num_classes))
    for i, sequence in enumerate(sequences):
        results[i][sequence] = 1.0
    return results

x_train = multi_hot_encode(train_data, num_classes=1000)
x_test = multi_hot_encode(test_data, num_classes=1000)

# In[15]:
x_train[0]

# In[16]:
y_train = train_labels.astype("float32")
y_test = test_labels.astype("float32")

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

# In[19]:
model.compile(
    optimizer="adam",
    loss="binary_crossentropy",
    metrics=["accuracy"],
)

# In[21]:
x_val = x_train[:500]
partial_x_train = x_train[500:]
y_val = y_train[:500]
partial_y_train = y_train[500:]

# In[22]:
history = model.fit(
    partial_x_train,
    partial_y_train,
    epochs=20,
    batch_size=512,
    validation_data=(x_val, y_val),
)

# In[23]:
history = model.fit(
    x_train,
    y_train,
    epochs=20,
    batch_size=512,
    validation_split=0.2,
)

# In[24]:
history_dict = history.history
history_dict.keys()

# In[25]:
import matplotlib.pyplot as plt

history_dict = history.history
loss_values = history_dict["loss"]
val_loss_values = history_dict["val_loss"]
epochs = range(1, len(loss_values) + 1)
plt.plot(epochs, loss_values, "r--", label="Training loss")
plt.plot(epochs, val_loss_values, "b", label="Validation loss")
plt.title("[IMDB] Training and validation loss")
plt.xlabel("Epochs")
plt.xticks(epochs)
plt.ylabel("Loss")
plt.legend()
plt.show()

# In[26]:
plt.clf()
acc = history_dict["accuracy"]
val_acc = history_dict["val_accuracy"]
plt.plot(epochs, acc, "r--", label="Training acc")
plt.plot(epochs, val_acc, "b", label="Validation acc")
plt.title("[IMDB] Training and validation accuracy")
plt.xlabel("Epochs")
plt.xticks(epochs)
plt.ylabel("Accuracy")
plt.legend()
plt.show()

# In[27]:
model = keras.Sequential(
    [
        layers.Dense(16, activation="relu"),
        layers.Dense(16, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(
    optimizer="adam",
    loss="binary_crossentropy",
    metrics=["accuracy"],
)
model.fit(x_train, y_train, epochs=4, batch_size=512)
results = model.evaluate(x_test, y_test)

# In[28]:
results

# In[30]:
model.predict(x_test)
