# Corpus program: TensorFlow 2 quickstart for beginners
# Source: https://www.tensorflow.org/tutorials/quickstart/beginner
#   (tensorflow/docs/site/en/tutorials/quickstart/beginner.ipynb at commit 7c3650212740)
# License: Apache-2.0
# Kind: dense
# Data: mnist
# Expect: accuracy >= 0.82
#   The tutorial's text: about 0.98 test accuracy after 5 epochs on all of MNIST. On the runner's 2,000-image
#   slice an MLP gets about 0.88-0.90, so we ask >= 0.82.
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - the runner's data loaders return 2,000 training and 500 test images (see tests/corpus/_harness.py)
#   - the license cell (a comment) dropped

# In[7]:
import tensorflow as tf
print("TensorFlow version:", tf.__version__)

# In[9]:
mnist = tf.keras.datasets.mnist

(x_train, y_train), (x_test, y_test) = mnist.load_data()
x_train, x_test = x_train / 255.0, x_test / 255.0

# In[11]:
model = tf.keras.models.Sequential([
  tf.keras.layers.Flatten(input_shape=(28, 28)),
  tf.keras.layers.Dense(128, activation='relu'),
  tf.keras.layers.Dropout(0.2),
  tf.keras.layers.Dense(10)
])

# In[13]:
predictions = model(x_train[:1]).numpy()
predictions

# In[15]:
tf.nn.softmax(predictions).numpy()

# In[18]:
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

# In[20]:
loss_fn(y_train[:1], predictions).numpy()

# In[22]:
model.compile(optimizer='adam',
              loss=loss_fn,
              metrics=['accuracy'])

# In[24]:
model.fit(x_train, y_train, epochs=5)

# In[26]:
model.evaluate(x_test,  y_test, verbose=2)

# In[29]:
probability_model = tf.keras.Sequential([
  model,
  tf.keras.layers.Softmax()
])

# In[30]:
probability_model(x_test[:5])
