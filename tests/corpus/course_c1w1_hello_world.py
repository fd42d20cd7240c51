# Corpus program: C1 W1 Lab 1, the hello world of neural networks (y = 2x - 1)
# Source: https://github.com/https-deeplearning-ai/tensorflow-1-public/blob/main/C1/W1/ungraded_lab/C1_W1_Lab_1_hello_world_nn.ipynb
#   (https-deeplearning-ai/tensorflow-1-public/C1/W1/ungraded_lab/C1_W1_Lab_1_hello_world_nn.ipynb at commit 025abb3e6bd6)
# License: Apache-2.0
# Kind: dense
# Data: none
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - none

# In[3]:
import tensorflow as tf
import numpy as np

# In[5]:
# Declare model inputs and outputs for training
xs = np.array([-1.0,  0.0, 1.0, 2.0, 3.0, 4.0], dtype=float)
ys = np.array([-3.0, -1.0, 1.0, 3.0, 5.0, 7.0], dtype=float)

# In[7]:
# Build a simple Sequential model
model = tf.keras.Sequential([

    # Define the input shape
    tf.keras.Input(shape=(1,)),

    # Add a Dense layer
    tf.keras.layers.Dense(units=1)
    ])

# In[9]:
# Compile the model
model.compile(optimizer='sgd', loss='mean_squared_error')

# In[11]:
# Train the model
model.fit(xs, ys, epochs=500)

# In[13]:
# Make a prediction
print(f"model predicted: {model.predict(np.array([10.0]), verbose=0).item():.5f}")
