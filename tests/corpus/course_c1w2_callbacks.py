# Corpus program: C1 W2 Lab 2, stop training with a callback when the loss is below 0.4
# Source: https://github.com/https-deeplearning-ai/tensorflow-1-public/blob/main/C1/W2/ungraded_labs/C1_W2_Lab_2_callbacks.ipynb
#   (https-deeplearning-ai/tensorflow-1-public/C1/W2/ungraded_labs/C1_W2_Lab_2_callbacks.ipynb at commit 025abb3e6bd6)
# License: Apache-2.0
# Kind: dense
# Data: fashion_mnist
#   No "Expect" line: the lab never calls evaluate() (it stops training once the loss is below 0.4), so there is
#   no test accuracy to compare; running to the end, callback included, is what is checked.
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - the runner's data loaders return 2,000 training and 500 test images (see tests/corpus/_harness.py)

# In[2]:
import tensorflow as tf

# Instantiate the dataset API
fmnist = tf.keras.datasets.fashion_mnist

# Load the dataset
(x_train, y_train), (x_test, y_test) = fmnist.load_data()

# Normalize the pixel values
x_train, x_test = x_train / 255.0, x_test / 255.0

# In[4]:
class myCallback(tf.keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        '''
        Halts the training when the loss falls below 0.4

        Args:
            epoch (integer) - index of epoch (required but unused in the function definition below)
            logs (dict) - metric results from the training epoch
        '''

        # Check the loss
        if logs['loss'] < 0.4:

            # Stop if threshold is met
            print("\nLoss is lower than 0.4 so cancelling training!")
            self.model.stop_training = True

# In[6]:
# Define the model
model = tf.keras.models.Sequential([
    tf.keras.Input(shape=(28,28)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(512, activation=tf.nn.relu),
    tf.keras.layers.Dense(10, activation=tf.nn.softmax)
])

# Compile the model
model.compile(optimizer=tf.optimizers.Adam(),
              loss='sparse_categorical_crossentropy',
              metrics=['accuracy'])

# In[8]:
# Train the model with a callback
model.fit(x_train, y_train, epochs=10, callbacks=[myCallback()])
