# Corpus program: TensorFlow tutorial: custom layers (layers called on tensors, layer.variables /
#   trainable_variables, a Layer subclass with add_weight in build and tf.matmul in call, a ResNet identity block
#   as a Model subclass with Conv2D and BatchNormalization, the same block as a Sequential)
# Source: https://www.tensorflow.org/tutorials/customization/custom_layers
#   (tensorflow/docs/site/en/tutorials/customization/custom_layers.ipynb at commit 7c3650212740)
# License: Apache-2.0
# Kind: conv
# Needs: Conv2D, BatchNormalization
# Data: none
#   Nothing is trained: layers are built and called on tf.zeros / tf.ones and their variables printed.
# Changes to run offline, headless and fast:
#   - the license cell (a comment) dropped

# In[5]:
import tensorflow as tf

# In[6]:
print(tf.config.list_physical_devices('GPU'))

# In[8]:
# In the tf.keras.layers package, layers are objects. To construct a layer,
# simply construct the object. Most layers take as a first argument the number
# of output dimensions / channels.
layer = tf.keras.layers.Dense(100)
# The number of input dimensions is often unnecessary, as it can be inferred
# the first time the layer is used, but it can be provided if you want to
# specify it manually, which is useful in some complex models.
layer = tf.keras.layers.Dense(10, input_shape=(None, 5))

# In[10]:
# To use a layer, simply call it.
layer(tf.zeros([10, 5]))

# In[11]:
# Layers have many useful methods. For example, you can inspect all variables
# in a layer using `layer.variables` and trainable variables using
# `layer.trainable_variables`. In this case a fully-connected layer
# will have variables for weights and biases.
layer.variables

# In[12]:
# The variables are also accessible through nice accessors
layer.kernel, layer.bias

# In[14]:
class MyDenseLayer(tf.keras.layers.Layer):
  def __init__(self, num_outputs):
    super(MyDenseLayer, self).__init__()
    self.num_outputs = num_outputs

  def build(self, input_shape):
    self.kernel = self.add_weight("kernel",
                                  shape=[int(input_shape[-1]),
                                         self.num_outputs])

  def call(self, inputs):
    return tf.matmul(inputs, self.kernel)

layer = MyDenseLayer(10)

# In[15]:
_ = layer(tf.zeros([10, 5])) # Calling the layer `.builds` it.

# In[16]:
print([var.name for var in layer.trainable_variables])

# In[19]:
class ResnetIdentityBlock(tf.keras.Model):
  def __init__(self, kernel_size, filters):
    super(ResnetIdentityBlock, self).__init__(name='')
    filters1, filters2, filters3 = filters

    self.conv2a = tf.keras.layers.Conv2D(filters1, (1, 1))
    self.bn2a = tf.keras.layers.BatchNormalization()

    self.conv2b = tf.keras.layers.Conv2D(filters2, kernel_size, padding='same')
    self.bn2b = tf.keras.layers.BatchNormalization()

    self.conv2c = tf.keras.layers.Conv2D(filters3, (1, 1))
    self.bn2c = tf.keras.layers.BatchNormalization()

  def call(self, input_tensor, training=False):
    x = self.conv2a(input_tensor)
    x = self.bn2a(x, training=training)
    x = tf.nn.relu(x)

    x = self.conv2b(x)
    x = self.bn2b(x, training=training)
    x = tf.nn.relu(x)

    x = self.conv2c(x)
    x = self.bn2c(x, training=training)

    x += input_tensor
    return tf.nn.relu(x)


block = ResnetIdentityBlock(1, [1, 2, 3])

# In[20]:
_ = block(tf.zeros([1, 2, 3, 3]))

# In[21]:
block.layers

# In[22]:
len(block.variables)

# In[23]:
block.summary()

# In[25]:
my_seq = tf.keras.Sequential([tf.keras.layers.Conv2D(1, (1, 1),
                                                    input_shape=(
                                                        None, None, 3)),
                             tf.keras.layers.BatchNormalization(),
                             tf.keras.layers.Conv2D(2, 1,
                                                    padding='same'),
                             tf.keras.layers.BatchNormalization(),
                             tf.keras.layers.Conv2D(3, (1, 1)),
                             tf.keras.layers.BatchNormalization()])
my_seq(tf.zeros([1, 2, 3, 3]))

# In[26]:
my_seq.summary()

