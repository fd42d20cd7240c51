# Corpus program: C3 W1 Lab 1, tokenizer basics: Tokenizer(num_words=...).fit_on_texts and word_index on two and
#   three sentences (punctuation and case stripped)
# Source: https://github.com/https-deeplearning-ai/tensorflow-1-public/blob/b6de6443398016a18dcd24108c4a694b1fac5458/C3/W1/ungraded_labs/C3_W1_Lab_1_tokenize_basic.ipynb
#   (https-deeplearning-ai/tensorflow-1-public/C3/W1/ungraded_labs/C3_W1_Lab_1_tokenize_basic.ipynb at commit b6de64433980, the course's
#   Tokenizer/pad_sequences version of the lab, used from 2022 until the 2024 rewrite to TextVectorization)
# License: Apache-2.0
# Kind: dense
# Data: none
#   No model: the lab prints word indices ({'love': 1, 'my': 2, 'i': 3, 'dog': 4, 'cat': 5} first).
# Changes to run offline, headless and fast:
#   - none: every code cell, in order, unchanged

# In[3]:
from tensorflow.keras.preprocessing.text import Tokenizer

# Define input sentences
sentences = [
    'i love my dog',
    'I, love my cat'
    ]

# Initialize the Tokenizer class
tokenizer = Tokenizer(num_words = 100)

# Generate indices for each word in the corpus
tokenizer.fit_on_texts(sentences)

# Get the indices and print it
word_index = tokenizer.word_index
print(word_index)

# In[5]:
# Define input sentences
sentences = [
    'i love my dog',
    'I, love my cat',
    'You love my dog!'
]

# Initialize the Tokenizer class
tokenizer = Tokenizer(num_words = 1)

# Generate indices for each word in the corpus
tokenizer.fit_on_texts(sentences)

# Get the indices and print it
word_index = tokenizer.word_index
print(word_index)

