# Corpus program: C1 W1 assignment, house prices (blanks filled in)
# Source: https://github.com/https-deeplearning-ai/tensorflow-1-public/blob/main/C1/W1/assignment/C1W1_Assignment.ipynb
#   (https-deeplearning-ai/tensorflow-1-public/C1/W1/assignment/C1W1_Assignment.ipynb at commit 025abb3e6bd6)
# License: Apache-2.0
# Kind: dense
# Data: none
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - the graded blanks (None) are filled with the solution the instructions describe: 1..6 bedrooms, price 1 +
#     0.5 per bedroom, Input(shape=(1,)), Dense(units=1), optimizer='sgd', loss='mean_squared_error', 500 epochs
#   - import unittests and the unittests.* cells removed (the course's grader, not public)

# In[2]:
import numpy as np
import tensorflow as tf

# In[5]:
# GRADED FUNCTION: create_training_data

def create_training_data():
    """Creates the data that will be used for training the model.

    Returns:
        (numpy.ndarray, numpy.ndarray): Arrays that contain info about the number of bedrooms and price in hundreds of thousands for 6 houses.
    """
    
    ### START CODE HERE ###
    
    # Define feature and target tensors with the values for houses with 1 up to 6 bedrooms. 
    # For this exercise, please arrange the values in ascending order (i.e. 1, 2, 3, and so on).
    # Hint: Remember to explictly set the dtype as float when defining the numpy arrays
    n_bedrooms = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], dtype=float)
    price_in_hundreds_of_thousands = np.array([1.0, 1.5, 2.0, 2.5, 3.0, 3.5], dtype=float)

    ### END CODE HERE ###

    return n_bedrooms, price_in_hundreds_of_thousands

# In[6]:
features, targets = create_training_data()

print(f"Features have shape: {features.shape}")
print(f"Targets have shape: {targets.shape}")

# In[10]:
# GRADED FUNCTION: define_and_compile_model

def define_and_compile_model():
    """Returns the compiled (but untrained) model.

    Returns:
        tf.keras.Model: The model that will be trained to predict house prices.
    """
    
    ### START CODE HERE ###

    # Define your model
    model = tf.keras.Sequential([ 
		# Define the Input with the appropriate shape
		tf.keras.Input(shape=(1,)),
		# Define the Dense layer
		tf.keras.layers.Dense(units=1)
	]) 
    
    # Compile your model
    model.compile(optimizer='sgd', loss='mean_squared_error')

    ### END CODE HERE ###

    return model

# In[11]:
untrained_model = define_and_compile_model()

untrained_model.summary()

# In[15]:
# GRADED FUNCTION: train_model

def train_model():
    """Returns the trained model.

    Returns:
        tf.keras.Model: The trained model that will predict house prices.
    """

    ### START CODE HERE ###

    # Define feature and target tensors with the values for houses with 1 up to 6 bedrooms
    # Hint: Remember you already coded a function that does this!
    n_bedrooms, price_in_hundreds_of_thousands = create_training_data()
    
    # Define a compiled (but untrained) model
    # Hint: Remember you already coded a function that does this!
    model = define_and_compile_model()
    
    # Train your model for 500 epochs by feeding the training data
    model.fit(n_bedrooms, price_in_hundreds_of_thousands, epochs=500)
    
    ### END CODE HERE ###

    return model

# In[17]:
# Get your trained model
trained_model = train_model()

# In[20]:
new_n_bedrooms = np.array([7.0])
predicted_price = trained_model.predict(new_n_bedrooms, verbose=False).item()
print(f"Your model predicted a price of {predicted_price:.2f} hundreds of thousands of dollars for a {int(new_n_bedrooms.item())} bedrooms house")
