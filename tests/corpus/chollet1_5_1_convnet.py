# Corpus program: Deep Learning with Python (1st ed.), 5.1: introduction to convnets (MNIST)
# Source: https://github.com/fchollet/deep-learning-with-python-notebooks/blob/main/first_edition/5.1-introduction-to-convnets.ipynb
#   (fchollet/deep-learning-with-python-notebooks/first_edition/5.1-introduction-to-convnets.ipynb at commit dea84a4e12cc)
# License: MIT
# Kind: conv
# Data: mnist
# Needs: Conv2D, MaxPooling2D
# Expect: accuracy >= 0.82
#   The book: about 0.99 on all of MNIST.
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - the runner's data loaders return 2,000 training and 500 test images (see tests/corpus/_harness.py);
#     reshape((60000, 28, 28, 1)) / reshape((10000, 28, 28, 1)) become reshape((-1, 28, 28, 1))
#   - first edition, Keras 2 era: kept as written; where Keras 3 behaves differently the corpus follows Keras 3

# In[0]:
import keras
keras.__version__

# In[2]:
from keras import layers
from keras import models

model = models.Sequential()
model.add(layers.Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation='relu'))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation='relu'))

# In[4]:
model.summary()

# In[6]:
model.add(layers.Flatten())
model.add(layers.Dense(64, activation='relu'))
model.add(layers.Dense(10, activation='softmax'))

# In[8]:
model.summary()

# In[10]:
from keras.datasets import mnist
from keras.utils import to_categorical

(train_images, train_labels), (test_images, test_labels) = mnist.load_data()

train_images = train_images.reshape((-1, 28, 28, 1))
train_images = train_images.astype('float32') / 255

test_images = test_images.reshape((-1, 28, 28, 1))
test_images = test_images.astype('float32') / 255

train_labels = to_categorical(train_labels)
test_labels = to_categorical(test_labels)

# In[11]:
model.compile(optimizer='rmsprop',
              loss='categorical_crossentropy',
              metrics=['accuracy'])
model.fit(train_images, train_labels, epochs=5, batch_size=64)

# In[13]:
test_loss, test_acc = model.evaluate(test_images, test_labels)

# In[14]:
test_acc
