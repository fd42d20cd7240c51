# Corpus program: Deep Learning with Python (1st ed.), 4.4: overfitting and underfitting (IMDB, sizes, L2, dropout)
# Source: https://github.com/fchollet/deep-learning-with-python-notebooks/blob/main/first_edition/4.4-overfitting-and-underfitting.ipynb
#   (fchollet/deep-learning-with-python-notebooks/first_edition/4.4-overfitting-and-underfitting.ipynb at commit dea84a4e12cc)
# License: MIT
# Kind: dense
# Data: synthetic
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - imdb.load_data(num_words=10000) is replaced by _corpus_data.imdb (synthetic reviews, 2,000 train / 500 test,
#     vocabulary 1,000: word indices 1-99 lean positive, 100-198 negative), and dimension=10000 -> 1000 and
#     input_shape=(10000,) -> (1000,); imdb.get_word_index() / decoding cells removed (no word index)
#   - epochs=20 -> 5 (and range(1, 21) -> range(1, 6) for the plots)
#   - the bigger model 512 -> 512 units kept
#   - first edition, Keras 2 era: kept as written; where Keras 3 behaves differently the corpus follows Keras 3
#   - the notebook's three illustration cells about dropout (`layer_output *= np.randint(...)`, a book's sketch on
#     an undefined `layer_output`, which fails in Keras too) and the one-line `model.add(layers.Dropout(0.5))` sketch
#     (no `model` is defined there) are commented out

# In[0]:
import keras
keras.__version__

# In[3]:
from _corpus_data import imdb  # CHANGED: synthetic, see the header
import numpy as np

(train_data, train_labels), (test_data, test_labels) = imdb.load_data(num_words=1000)

def vectorize_sequences(sequences, dimension=1000):
    # Create an all-zero matrix of shape (len(sequences), dimension)
    results = np.zeros((len(sequences), dimension))
    for i, sequence in enumerate(sequences):
        results[i, sequence] = 1.  # set specific indices of results[i] to 1s
    return results

# Our vectorized training data
x_train = vectorize_sequences(train_data)
# Our vectorized test data
x_test = vectorize_sequences(test_data)
# Our vectorized labels
y_train = np.asarray(train_labels).astype('float32')
y_test = np.asarray(test_labels).astype('float32')

# In[5]:
from keras import models
from keras import layers

original_model = models.Sequential()
original_model.add(layers.Dense(16, activation='relu', input_shape=(1000,)))
original_model.add(layers.Dense(16, activation='relu'))
original_model.add(layers.Dense(1, activation='sigmoid'))

original_model.compile(optimizer='rmsprop',
                       loss='binary_crossentropy',
                       metrics=['acc'])

# In[7]:
smaller_model = models.Sequential()
smaller_model.add(layers.Dense(4, activation='relu', input_shape=(1000,)))
smaller_model.add(layers.Dense(4, activation='relu'))
smaller_model.add(layers.Dense(1, activation='sigmoid'))

smaller_model.compile(optimizer='rmsprop',
                      loss='binary_crossentropy',
                      metrics=['acc'])

# In[9]:
original_hist = original_model.fit(x_train, y_train,
                                   epochs=5,
                                   batch_size=512,
                                   validation_data=(x_test, y_test))

# In[10]:
smaller_model_hist = smaller_model.fit(x_train, y_train,
                                       epochs=5,
                                       batch_size=512,
                                       validation_data=(x_test, y_test))

# In[11]:
epochs = range(1, 6)
original_val_loss = original_hist.history['val_loss']
smaller_model_val_loss = smaller_model_hist.history['val_loss']

# In[12]:
import matplotlib.pyplot as plt

# b+ is for "blue cross"
plt.plot(epochs, original_val_loss, 'b+', label='Original model')
# "bo" is for "blue dot"
plt.plot(epochs, smaller_model_val_loss, 'bo', label='Smaller model')
plt.xlabel('Epochs')
plt.ylabel('Validation loss')
plt.legend()

plt.show()

# In[14]:
bigger_model = models.Sequential()
bigger_model.add(layers.Dense(512, activation='relu', input_shape=(1000,)))
bigger_model.add(layers.Dense(512, activation='relu'))
bigger_model.add(layers.Dense(1, activation='sigmoid'))

bigger_model.compile(optimizer='rmsprop',
                     loss='binary_crossentropy',
                     metrics=['acc'])

# In[15]:
bigger_model_hist = bigger_model.fit(x_train, y_train,
                                     epochs=5,
                                     batch_size=512,
                                     validation_data=(x_test, y_test))

# In[17]:
bigger_model_val_loss = bigger_model_hist.history['val_loss']

plt.plot(epochs, original_val_loss, 'b+', label='Original model')
plt.plot(epochs, bigger_model_val_loss, 'bo', label='Bigger model')
plt.xlabel('Epochs')
plt.ylabel('Validation loss')
plt.legend()

plt.show()

# In[19]:
original_train_loss = original_hist.history['loss']
bigger_model_train_loss = bigger_model_hist.history['loss']

plt.plot(epochs, original_train_loss, 'b+', label='Original model')
plt.plot(epochs, bigger_model_train_loss, 'bo', label='Bigger model')
plt.xlabel('Epochs')
plt.ylabel('Training loss')
plt.legend()

plt.show()

# In[22]:
from keras import regularizers

l2_model = models.Sequential()
l2_model.add(layers.Dense(16, kernel_regularizer=regularizers.l2(0.001),
                          activation='relu', input_shape=(1000,)))
l2_model.add(layers.Dense(16, kernel_regularizer=regularizers.l2(0.001),
                          activation='relu'))
l2_model.add(layers.Dense(1, activation='sigmoid'))

# In[23]:
l2_model.compile(optimizer='rmsprop',
                 loss='binary_crossentropy',
                 metrics=['acc'])

# In[25]:
l2_model_hist = l2_model.fit(x_train, y_train,
                             epochs=5,
                             batch_size=512,
                             validation_data=(x_test, y_test))

# In[26]:
l2_model_val_loss = l2_model_hist.history['val_loss']

plt.plot(epochs, original_val_loss, 'b+', label='Original model')
plt.plot(epochs, l2_model_val_loss, 'bo', label='L2-regularized model')
plt.xlabel('Epochs')
plt.ylabel('Validation loss')
plt.legend()

plt.show()

# In[28]:
from keras import regularizers

# L1 regularization
regularizers.l1(0.001)

# L1 and L2 regularization at the same time
regularizers.l1_l2(l1=0.001, l2=0.001)

# In[30]:
# At training time: we drop out 50% of the units in the output
# layer_output *= np.randint(0, high=2, size=layer_output.shape)

# In[32]:
# At test time:
# layer_output *= 0.5

# In[34]:
# At training time:
# layer_output *= np.randint(0, high=2, size=layer_output.shape)
# Note that we are scaling *up* rather scaling *down* in this case
# layer_output /= 0.5

# In[36]:
# model.add(layers.Dropout(0.5))

# In[38]:
dpt_model = models.Sequential()
dpt_model.add(layers.Dense(16, activation='relu', input_shape=(1000,)))
dpt_model.add(layers.Dropout(0.5))
dpt_model.add(layers.Dense(16, activation='relu'))
dpt_model.add(layers.Dropout(0.5))
dpt_model.add(layers.Dense(1, activation='sigmoid'))

dpt_model.compile(optimizer='rmsprop',
                  loss='binary_crossentropy',
                  metrics=['acc'])

# In[39]:
dpt_model_hist = dpt_model.fit(x_train, y_train,
                               epochs=5,
                               batch_size=512,
                               validation_data=(x_test, y_test))

# In[41]:
dpt_model_val_loss = dpt_model_hist.history['val_loss']

plt.plot(epochs, original_val_loss, 'b+', label='Original model')
plt.plot(epochs, dpt_model_val_loss, 'bo', label='Dropout-regularized model')
plt.xlabel('Epochs')
plt.ylabel('Validation loss')
plt.legend()

plt.show()
