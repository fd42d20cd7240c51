# Corpus program: Deep Learning with Python (3rd ed.), ch. 3, "Introduction to TensorFlow": tensors, tf.Variable
#   (assign, slice assign, assign_add), tensor ops (tf.square/sqrt/matmul/concat), tf.GradientTape (watch,
#   nested for a second derivative), @tf.function and jit_compile, and a linear classifier trained by hand on two
#   Gaussian clouds
# Source: https://github.com/fchollet/deep-learning-with-python-notebooks/blob/main/chapter03_introduction-to-ml-frameworks.ipynb
#   (fchollet/deep-learning-with-python-notebooks/chapter03_introduction-to-ml-frameworks.ipynb at commit dea84a4e12cc)
# License: MIT
# Kind: dense
# Data: synthetic
#   The notebook draws its own two Gaussian clouds (2,000 points). No "Expect" line: no evaluate() call.
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - only the TensorFlow section (cells 11-44); the PyTorch and JAX sections are left out

# In[11]:
import tensorflow as tf
tf.ones(shape=(2, 1))

# In[12]:
tf.zeros(shape=(2, 1))

# In[13]:
tf.constant([1, 2, 3], dtype="float32")

# In[15]:
x = tf.random.normal(shape=(3, 1), mean=0., stddev=1.)
print(x)

# In[16]:
x = tf.random.uniform(shape=(3, 1), minval=0., maxval=1.)
print(x)

# In[18]:
import numpy as np

x = np.ones(shape=(2, 2))
x[0, 0] = 0.0

# In[19]:
v = tf.Variable(initial_value=tf.random.normal(shape=(3, 1)))
print(v)

# In[20]:
v.assign(tf.ones((3, 1)))

# In[21]:
v[0, 0].assign(3.)

# In[22]:
v.assign_add(tf.ones((3, 1)))

# In[24]:
a = tf.ones((2, 2))
b = tf.square(a)
c = tf.sqrt(a)
d = b + c
e = tf.matmul(a, b)
f = tf.concat((a, b), axis=0)

# In[25]:
def dense(inputs, W, b):
    return tf.nn.relu(tf.matmul(inputs, W) + b)

# In[27]:
input_var = tf.Variable(initial_value=3.0)
with tf.GradientTape() as tape:
    result = tf.square(input_var)
gradient = tape.gradient(result, input_var)

# In[28]:
input_const = tf.constant(3.0)
with tf.GradientTape() as tape:
    tape.watch(input_const)
    result = tf.square(input_const)
gradient = tape.gradient(result, input_const)

# In[29]:
time = tf.Variable(0.0)
with tf.GradientTape() as outer_tape:
    with tf.GradientTape() as inner_tape:
        position = 4.9 * time**2
    speed = inner_tape.gradient(position, time)
acceleration = outer_tape.gradient(speed, time)

# In[31]:
@tf.function
def dense(inputs, W, b):
    return tf.nn.relu(tf.matmul(inputs, W) + b)

# In[32]:
@tf.function(jit_compile=True)
def dense(inputs, W, b):
    return tf.nn.relu(tf.matmul(inputs, W) + b)

# In[34]:
import numpy as np

num_samples_per_class = 1000
negative_samples = np.random.multivariate_normal(
    mean=[0, 3], cov=[[1, 0.5], [0.5, 1]], size=num_samples_per_class
)
positive_samples = np.random.multivariate_normal(
    mean=[3, 0], cov=[[1, 0.5], [0.5, 1]], size=num_samples_per_class
)

# In[35]:
inputs = np.vstack((negative_samples, positive_samples)).astype(np.float32)

# In[36]:
targets = np.vstack(
    (
        np.zeros((num_samples_per_class, 1), dtype="float32"),
        np.ones((num_samples_per_class, 1), dtype="float32"),
    )
)

# In[37]:
import matplotlib.pyplot as plt

plt.scatter(inputs[:, 0], inputs[:, 1], c=targets[:, 0])
plt.show()

# In[38]:
input_dim = 2
output_dim = 1
W = tf.Variable(initial_value=tf.random.uniform(shape=(input_dim, output_dim)))
b = tf.Variable(initial_value=tf.zeros(shape=(output_dim,)))

# In[39]:
def model(inputs, W, b):
    return tf.matmul(inputs, W) + b

# In[40]:
def mean_squared_error(targets, predictions):
    per_sample_losses = tf.square(targets - predictions)
    return tf.reduce_mean(per_sample_losses)

# In[41]:
learning_rate = 0.1

@tf.function(jit_compile=True)
def training_step(inputs, targets, W, b):
    with tf.GradientTape() as tape:
        predictions = model(inputs, W, b)
        loss = mean_squared_error(predictions, targets)
    grad_loss_wrt_W, grad_loss_wrt_b = tape.gradient(loss, [W, b])
    W.assign_sub(grad_loss_wrt_W * learning_rate)
    b.assign_sub(grad_loss_wrt_b * learning_rate)
    return loss

# In[42]:
for step in range(40):
    loss = training_step(inputs, targets, W, b)
    print(f"Loss at step {step}: {loss:.4f}")

# In[43]:
predictions = model(inputs, W, b)
plt.scatter(inputs[:, 0], inputs[:, 1], c=predictions[:, 0] > 0.5)
plt.show()

# In[44]:
x = np.linspace(-1, 4, 100)
y = -W[0] / W[1] * x + (0.5 - b) / W[1]
plt.plot(x, y, "-r")
plt.scatter(inputs[:, 0], inputs[:, 1], c=predictions[:, 0] > 0.5)

