# Corpus program: C3 W1 Lab 3, tokenizing the sarcasm headlines: a JSON file read with json.load, Tokenizer with
#   an OOV token over the whole corpus, texts_to_sequences, pad_sequences(padding='post')
# Source: https://github.com/https-deeplearning-ai/tensorflow-1-public/blob/b6de6443398016a18dcd24108c4a694b1fac5458/C3/W1/ungraded_labs/C3_W1_Lab_3_sarcasm.ipynb
#   (https-deeplearning-ai/tensorflow-1-public/C3/W1/ungraded_labs/C3_W1_Lab_3_sarcasm.ipynb at commit b6de64433980, the course's
#   Tokenizer/pad_sequences version of the lab, used from 2022 until the 2024 rewrite to TextVectorization)
# License: Apache-2.0
# Kind: dense
# Data: synthetic
#   No model: the lab prints the vocabulary size, a padded headline and the padded array's shape.
# Changes to run offline, headless and fast:
#   - the wget of sarcasm.json is replaced by _corpus_data.write_sarcasm_json("./sarcasm.json"): 2,500 synthetic
#     headlines (real words) in the real file's format (article_link, headline, is_sarcastic)
#   - print(datastore[20000]) -> datastore[2000] (the stand-in has 2,500 headlines)

# In[3]:
# Download the dataset
# !wget https://storage.googleapis.com/tensorflow-1-public/course3/sarcasm.json
from _corpus_data import write_sarcasm_json  # CHANGED: synthetic headlines, see the header
write_sarcasm_json("./sarcasm.json")

# In[5]:
import json

# Load the JSON file
with open("./sarcasm.json", 'r') as f:
    datastore = json.load(f)

# In[7]:
# Non-sarcastic headline
print(datastore[0])

# Sarcastic headline
print(datastore[2000])  # CHANGED: 20000 -> 2000

# In[9]:
# Initialize lists
sentences = [] 
labels = []
urls = []

# Append elements in the dictionaries into each list
for item in datastore:
    sentences.append(item['headline'])
    labels.append(item['is_sarcastic'])
    urls.append(item['article_link'])

# In[11]:
from tensorflow.keras.preprocessing.text import Tokenizer
from tensorflow.keras.preprocessing.sequence import pad_sequences

# Initialize the Tokenizer class
tokenizer = Tokenizer(oov_token="<OOV>")

# Generate the word index dictionary
tokenizer.fit_on_texts(sentences)

# Print the length of the word index
word_index = tokenizer.word_index
print(f'number of words in word_index: {len(word_index)}')

# Print the word index
print(f'word_index: {word_index}')
print()

# Generate and pad the sequences
sequences = tokenizer.texts_to_sequences(sentences)
padded = pad_sequences(sequences, padding='post')

# Print a sample headline
index = 2
print(f'sample headline: {sentences[index]}')
print(f'padded sequence: {padded[index]}')
print()

# Print dimensions of padded sequences
print(f'shape of padded sequences: {padded.shape}')

