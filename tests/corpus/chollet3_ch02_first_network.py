# Corpus program: Deep Learning with Python (3rd ed.), ch. 2: a first look at a neural network (MNIST)
# Source: https://github.com/fchollet/deep-learning-with-python-notebooks/blob/main/chapter02_mathematical-building-blocks.ipynb
#   (fchollet/deep-learning-with-python-notebooks/chapter02_mathematical-building-blocks.ipynb at commit dea84a4e12cc)
# License: MIT
# Kind: dense
# Data: mnist
# Expect: accuracy >= 0.82
#   The book: about 0.98 test accuracy on all of MNIST. On the runner's 2,000-image slice an MLP gets about
#   0.88-0.90, so we ask >= 0.82.
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - the runner's data loaders return 2,000 training and 500 test images (see tests/corpus/_harness.py);
#     reshape((60000, 28 * 28)) and reshape((10000, 28 * 28)) become reshape((-1, 28 * 28)) for that slice
#   - the Colab set-up cells (KERAS_BACKEND=jax, the %%backend cell magic) dropped: they choose a Keras backend
#   - the evaluate cell that follows in the book's text (test_loss, test_acc = model.evaluate(test_images,
#     test_labels)) is included, from chapter 2's 'evaluating' step

# In[6]:
from keras.datasets import mnist

(train_images, train_labels), (test_images, test_labels) = mnist.load_data()

# In[7]:
train_images.shape

# In[8]:
len(train_labels)

# In[9]:
train_labels

# In[10]:
test_images.shape

# In[11]:
len(test_labels)

# In[12]:
test_labels

# In[13]:
import keras
from keras import layers

model = keras.Sequential(
    [
        layers.Dense(512, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ]
)

# In[14]:
model.compile(
    optimizer="adam",
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)

# In[15]:
train_images = train_images.reshape((-1, 28 * 28))
train_images = train_images.astype("float32") / 255
test_images = test_images.reshape((-1, 28 * 28))
test_images = test_images.astype("float32") / 255

# In[16]:
model.fit(train_images, train_labels, epochs=5, batch_size=128)

# In[17]:
test_digits = test_images[0:10]
predictions = model.predict(test_digits)
predictions[0]

# In[18]:
predictions[0].argmax()
test_loss, test_acc = model.evaluate(test_images, test_labels)
print(f"test_acc: {test_acc}")
