# Corpus program: C1 W2 assignment, MNIST to 98% with an early-stopping callback (blanks filled in)
# Source: https://github.com/https-deeplearning-ai/tensorflow-1-public/blob/main/C1/W2/assignment/C1W2_Assignment.ipynb
#   (https-deeplearning-ai/tensorflow-1-public/C1/W2/assignment/C1W2_Assignment.ipynb at commit 025abb3e6bd6)
# License: Apache-2.0
# Kind: dense
# Data: mnist
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - the runner's data loaders return 2,000 training and 500 test images (see tests/corpus/_harness.py);
#     data_path points at the notebook's data/mnist.npz, which does not exist here: load_data(path=...) is kept as
#     written
#   - the graded blanks are filled with the notebook's own encoded answer (Input(shape=(28, 28)), Flatten,
#     Dense(512, relu), Dense(10, softmax)) and the callback the instructions describe
#   - import unittests and the unittests.* cells removed; the base64 answer cell removed

# In[2]:
import os
import base64
import tensorflow as tf

# In[5]:
# Get current working directory
current_dir = os.getcwd()

# Append data/mnist.npz to the previous path to get the full path
data_path = os.path.join(current_dir, "data/mnist.npz")

# Load data (discard test set)
(training_images, training_labels), _ = tf.keras.datasets.mnist.load_data(path=data_path)

print(f"training_images is of type {type(training_images)}.\ntraining_labels is of type {type(training_labels)}\n")

# Inspect shape of the data
data_shape = training_images.shape

print(f"There are {data_shape[0]} examples with shape ({data_shape[1]}, {data_shape[2]})")

# In[7]:
# Normalize pixel values
training_images = training_images / 255.0

# In[9]:
# GRADED FUNCTION: create_and_compile_model

def create_and_compile_model():
    """Returns the compiled (but untrained) model.

    Returns:
        tf.keras.Model: The model that will be trained to predict predict handwriting digits.
    """

    ### START CODE HERE ###
        
    # Define the model
    model = tf.keras.models.Sequential([ 
		tf.keras.Input(shape=(28, 28)),
		tf.keras.layers.Flatten(),
		tf.keras.layers.Dense(512, activation='relu'),
		tf.keras.layers.Dense(10, activation='softmax')
    ]) 

    ### END CODE HERE ###
    
    # Compile the model
    model.compile(
		optimizer='adam',
		loss='sparse_categorical_crossentropy',
		metrics=['accuracy']
	)

    return model

# In[11]:
# Save untrained model in a variable
untrained_model = create_and_compile_model()

# Check parameter count against a reference solution

# In[12]:
# Use it to predict the first 5 images in the train set
predictions = untrained_model.predict(training_images[:5], verbose=False)

print(f"predictions have shape: {predictions.shape}")

# In[16]:
# GRADED CLASS: EarlyStoppingCallback

### START CODE HERE ###

# Remember to inherit from the correct class
class EarlyStoppingCallback(tf.keras.callbacks.Callback):

    # Define the correct function signature for on_epoch_end method
    def on_epoch_end(self, epoch, logs=None):
        
        # Check if the accuracy is greater or equal to 0.98
        if logs['accuracy'] >= 0.98:
                            
            # Stop training once the above condition is met
            self.model.stop_training = True

            print("\nReached 98% accuracy so cancelling training!") 

### END CODE HERE ###

# In[19]:
# GRADED FUNCTION: train_mnist

def train_mnist(training_images, training_labels):
    """Trains a classifier of handwritten digits.

    Args:
        training_images (numpy.ndarray): The images of handwritten digits
        training_labels (numpy.ndarray): The labels of each image

    Returns:
        tf.keras.callbacks.History : The training history.
    """

    ### START CODE HERE ###

    # Create a compiled (but untrained) version of the model
    # Hint: Remember you already coded a function that does this!
    model = create_and_compile_model()
    
    # Fit the model for 10 epochs adding the callbacks and save the training history
    history = model.fit(training_images, training_labels, epochs=10, callbacks=[EarlyStoppingCallback()])

    ### END CODE HERE ###

    return history

# In[21]:
training_history = train_mnist(training_images, training_labels)
