# Corpus program: C3 W2 Lab 1, IMDB reviews: Tokenizer and pad_sequences, an Embedding + Flatten classifier, and
#   the embedding weights written out for the projector
# Source: https://github.com/https-deeplearning-ai/tensorflow-1-public/blob/b6de6443398016a18dcd24108c4a694b1fac5458/C3/W2/ungraded_labs/C3_W2_Lab_1_imdb.ipynb
#   (https-deeplearning-ai/tensorflow-1-public/C3/W2/ungraded_labs/C3_W2_Lab_1_imdb.ipynb at commit b6de64433980, the course's
#   Tokenizer/pad_sequences version of the lab, used from 2022 until the 2024 rewrite to TextVectorization)
# License: Apache-2.0
# Kind: dense
# Needs: Embedding
# Data: synthetic
#   No "Expect" line: the lab never calls evaluate(); it reads val_accuracy from the History (the harness records
#   it). On the synthetic text the validation accuracy should pass 0.9.
# Changes to run offline, headless and fast:
#   - the pip/download cells are commented out (they are shell lines)
#   - tensorflow_datasets is replaced by _corpus_data.tfds: tfds.load("imdb_reviews", ...) gives 2,000 training
#     and 500 test synthetic reviews (20-60 real English words; positive reviews lean on words like "great",
#     negative on "awful"), as (bytes, int64) pairs, so the lab's .numpy().decode("utf8") loop runs unchanged

# In[3]:
# Install this package if running on your local machine
# !pip install -q tensorflow-datasets

# In[5]:
from _corpus_data import tfds  # CHANGED: synthetic reviews, see the header

# Load the IMDB Reviews dataset
imdb, info = tfds.load("imdb_reviews", with_info=True, as_supervised=True)

# In[6]:
# Print information about the dataset
print(info)

# In[9]:
# Print the contents of the dataset you downloaded
print(imdb)

# In[11]:
# Take 2 training examples and print its contents
for example in imdb['train'].take(2):
  print(example)

# In[13]:
import numpy as np

# Get the train and test sets
train_data, test_data = imdb['train'], imdb['test']

# Initialize sentences and labels lists
training_sentences = []
training_labels = []

testing_sentences = []
testing_labels = []

# Loop over all training examples and save the sentences and labels
for s,l in train_data:
  training_sentences.append(s.numpy().decode('utf8'))
  training_labels.append(l.numpy())

# Loop over all test examples and save the sentences and labels
for s,l in test_data:
  testing_sentences.append(s.numpy().decode('utf8'))
  testing_labels.append(l.numpy())

# Convert labels lists to numpy array
training_labels_final = np.array(training_labels)
testing_labels_final = np.array(testing_labels)

# In[15]:
# Parameters

vocab_size = 10000
max_length = 120
embedding_dim = 16
trunc_type='post'
oov_tok = "<OOV>"

# In[16]:
from tensorflow.keras.preprocessing.text import Tokenizer
from tensorflow.keras.preprocessing.sequence import pad_sequences

# Initialize the Tokenizer class
tokenizer = Tokenizer(num_words = vocab_size, oov_token=oov_tok)

# Generate the word index dictionary for the training sentences
tokenizer.fit_on_texts(training_sentences)
word_index = tokenizer.word_index

# Generate and pad the training sequences
sequences = tokenizer.texts_to_sequences(training_sentences)
padded = pad_sequences(sequences,maxlen=max_length, truncating=trunc_type)

# Generate and pad the test sequences
testing_sequences = tokenizer.texts_to_sequences(testing_sentences)
testing_padded = pad_sequences(testing_sequences,maxlen=max_length, truncating=trunc_type)

# In[18]:
import tensorflow as tf

# Build the model
model = tf.keras.Sequential([
    tf.keras.layers.Embedding(vocab_size, embedding_dim, input_length=max_length),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(6, activation='relu'),
    tf.keras.layers.Dense(1, activation='sigmoid')
])

# Setup the training parameters
model.compile(loss='binary_crossentropy',optimizer='adam',metrics=['accuracy'])

# Print the model summary
model.summary()

# In[20]:
num_epochs = 10

# Train the model
model.fit(padded, training_labels_final, epochs=num_epochs, validation_data=(testing_padded, testing_labels_final))

# In[22]:
# Get the embedding layer from the model (i.e. first layer)
embedding_layer = model.layers[0]

# Get the weights of the embedding layer
embedding_weights = embedding_layer.get_weights()[0]

# Print the shape. Expected is (vocab_size, embedding_dim)
print(embedding_weights.shape)

# In[25]:
# Get the index-word dictionary
reverse_word_index = tokenizer.index_word

# In[27]:
import io

# Open writeable files
out_v = io.open('vecs.tsv', 'w', encoding='utf-8')
out_m = io.open('meta.tsv', 'w', encoding='utf-8')

# Initialize the loop. Start counting at `1` because `0` is just for the padding
for word_num in range(1, vocab_size):

  # Get the word associated at the current index
  word_name = reverse_word_index[word_num]

  # Get the embedding weights associated with the current index
  word_embedding = embedding_weights[word_num]

  # Write the word name
  out_m.write(word_name + "\n")

  # Write the word embedding
  out_v.write('\t'.join([str(x) for x in word_embedding]) + "\n")

# Close the files
out_v.close()
out_m.close()

# In[29]:
# Import files utilities in Colab
try:
  from google.colab import files
except ImportError:
  pass

# Download the files
else:
  files.download('vecs.tsv')
  files.download('meta.tsv')

