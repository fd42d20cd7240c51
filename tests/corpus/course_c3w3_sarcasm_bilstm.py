# Corpus program: C3 W3 Lab 5, the sarcasm classifier with a Bidirectional LSTM
# Source: https://github.com/https-deeplearning-ai/tensorflow-1-public/blob/b6de6443398016a18dcd24108c4a694b1fac5458/C3/W3/ungraded_labs/C3_W3_Lab_5_sarcasm_with_bi_LSTM.ipynb
#   (https-deeplearning-ai/tensorflow-1-public/C3/W3/ungraded_labs/C3_W3_Lab_5_sarcasm_with_bi_LSTM.ipynb at commit b6de64433980, the course's
#   Tokenizer/pad_sequences version of the lab, used from 2022 until the 2024 rewrite to TextVectorization)
# License: Apache-2.0
# Kind: dense
# Needs: Embedding, Bidirectional, LSTM
# Data: synthetic
#   No "Expect" line: the lab never calls evaluate(); it reads val_accuracy from the History (the harness records
#   it). On the synthetic text the validation accuracy should pass 0.9.
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - the wget of sarcasm.json is replaced by _corpus_data.write_sarcasm_json("./sarcasm.json"): 2,500 synthetic
#     headlines (real words; sarcastic ones lean on words like "area", "nation's", "somehow") in the real
#     file's format (article_link, headline, is_sarcastic); training_size = 20000 -> 2000
#   - NUM_EPOCHS = 10 -> 3 (the LSTM runs 120 steps a headline)

# In[3]:
# Download the dataset
# !wget https://storage.googleapis.com/tensorflow-1-public/course3/sarcasm.json
from _corpus_data import write_sarcasm_json  # CHANGED: synthetic headlines, see the header
write_sarcasm_json("./sarcasm.json")

# In[4]:
import json

# Load the JSON file
with open("./sarcasm.json", 'r') as f:
    datastore = json.load(f)

# Initialize the lists
sentences = []
labels = []

# Collect sentences and labels into the lists
for item in datastore:
    sentences.append(item['headline'])
    labels.append(item['is_sarcastic'])

# In[6]:
training_size = 2000  # CHANGED: 20000 -> 2000

# Split the sentences
training_sentences = sentences[0:training_size]
testing_sentences = sentences[training_size:]

# Split the labels
training_labels = labels[0:training_size]
testing_labels = labels[training_size:]

# In[8]:
import numpy as np
from tensorflow.keras.preprocessing.text import Tokenizer
from tensorflow.keras.preprocessing.sequence import pad_sequences

vocab_size = 10000
max_length = 120
trunc_type='post'
padding_type='post'
oov_tok = "<OOV>"

# Initialize the Tokenizer class
tokenizer = Tokenizer(num_words=vocab_size, oov_token=oov_tok)

# Generate the word index dictionary
tokenizer.fit_on_texts(training_sentences)
word_index = tokenizer.word_index

# Generate and pad the training sequences
training_sequences = tokenizer.texts_to_sequences(training_sentences)
training_padded = pad_sequences(training_sequences, maxlen=max_length, padding=padding_type, truncating=trunc_type)

# Generate and pad the testing sequences
testing_sequences = tokenizer.texts_to_sequences(testing_sentences)
testing_padded = pad_sequences(testing_sequences, maxlen=max_length, padding=padding_type, truncating=trunc_type)

# Convert the labels lists into numpy arrays
training_labels = np.array(training_labels)
testing_labels = np.array(testing_labels)

# In[10]:
import tensorflow as tf

# Parameters
embedding_dim = 16
lstm_dim = 32
dense_dim = 24

# Model Definition with LSTM
model_lstm = tf.keras.Sequential([
    tf.keras.layers.Embedding(vocab_size, embedding_dim, input_length=max_length),
    tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(lstm_dim)),
    tf.keras.layers.Dense(dense_dim, activation='relu'),
    tf.keras.layers.Dense(1, activation='sigmoid')
])

# Set the training parameters
model_lstm.compile(loss='binary_crossentropy',optimizer='adam',metrics=['accuracy'])

# Print the model summary
model_lstm.summary()

# In[12]:
NUM_EPOCHS = 3  # CHANGED: 10 -> 3

# Train the model
history_lstm = model_lstm.fit(training_padded, training_labels, epochs=NUM_EPOCHS, validation_data=(testing_padded, testing_labels))

# In[13]:
import matplotlib.pyplot as plt

# Plot Utility
def plot_graphs(history, string):
  plt.plot(history.history[string])
  plt.plot(history.history['val_'+string])
  plt.xlabel("Epochs")
  plt.ylabel(string)
  plt.legend([string, 'val_'+string])
  plt.show()

# Plot the accuracy and loss history
plot_graphs(history_lstm, 'accuracy')
plot_graphs(history_lstm, 'loss')

