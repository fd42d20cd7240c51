# Corpus program: Deep Learning with Python (1st ed.), 2.1: a first look at a neural network
# Source: https://github.com/fchollet/deep-learning-with-python-notebooks/blob/main/first_edition/2.1-a-first-look-at-a-neural-network.ipynb
#   (fchollet/deep-learning-with-python-notebooks/first_edition/2.1-a-first-look-at-a-neural-network.ipynb at commit dea84a4e12cc)
# License: MIT
# Kind: dense
# Data: mnist
# Expect: accuracy >= 0.82
#   The book: test_acc about 0.978 on all of MNIST. On the runner's 2,000-image slice an MLP gets about 0.88-0.90,
#   so we ask >= 0.82.
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - the runner's data loaders return 2,000 training and 500 test images (see tests/corpus/_harness.py);
#     reshape((60000, 28 * 28)) / reshape((10000, 28 * 28)) become reshape((-1, 28 * 28))
#   - first edition, Keras 2 era: kept as written; where Keras 3 behaves differently the corpus follows Keras 3

# In[0]:
import keras
keras.__version__

# In[3]:
from keras.datasets import mnist

(train_images, train_labels), (test_images, test_labels) = mnist.load_data()

# In[5]:
train_images.shape

# In[6]:
len(train_labels)

# In[7]:
train_labels

# In[9]:
test_images.shape

# In[10]:
len(test_labels)

# In[11]:
test_labels

# In[13]:
from keras import models
from keras import layers

network = models.Sequential()
network.add(layers.Dense(512, activation='relu', input_shape=(28 * 28,)))
network.add(layers.Dense(10, activation='softmax'))

# In[15]:
network.compile(optimizer='rmsprop',
                loss='categorical_crossentropy',
                metrics=['accuracy'])

# In[17]:
train_images = train_images.reshape((-1, 28 * 28))
train_images = train_images.astype('float32') / 255

test_images = test_images.reshape((-1, 28 * 28))
test_images = test_images.astype('float32') / 255

# In[19]:
from keras.utils import to_categorical

train_labels = to_categorical(train_labels)
test_labels = to_categorical(test_labels)

# In[21]:
network.fit(train_images, train_labels, epochs=5, batch_size=128)

# In[23]:
test_loss, test_acc = network.evaluate(test_images, test_labels)

# In[24]:
print('test_acc:', test_acc)
