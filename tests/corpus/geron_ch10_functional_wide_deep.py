# Corpus program: Hands-On Machine Learning (3rd ed.), ch. 10: a Wide & Deep network with the functional API
# Source: https://github.com/ageron/handson-ml3/blob/main/10_neural_nets_with_keras.ipynb
#   (ageron/handson-ml3/10_neural_nets_with_keras.ipynb at commit e3f3f9e66d58)
# License: Apache-2.0
# Kind: dense
# Data: synthetic
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - scikit-learn's fetch_california_housing and train_test_split come from _corpus_data (a synthetic 1,000-row
#     table; same names and arguments)
#   - the notebook's set-up cells that check versions (sys, packaging, sklearn asserts) dropped; `import numpy as
#     np` added (the notebook imports it in a scikit-learn cell)
#   - `X_new = X_test[:3]` added before predict (an earlier cell of the notebook, In[22], defines it)

# In[9]:
import numpy as np  # CHANGED: added, see the header
import tensorflow as tf
from _corpus_data import fetch_california_housing, train_test_split  # CHANGED: was sklearn

# In[83]:
# extra code – load and split the California housing dataset, like earlier
housing = fetch_california_housing()
X_train_full, X_test, y_train_full, y_test = train_test_split(
    housing.data, housing.target, random_state=42)
X_train, X_valid, y_train, y_valid = train_test_split(
    X_train_full, y_train_full, random_state=42)

# In[89]:
# extra code – reset the name counters and make the code reproducible
tf.keras.backend.clear_session()
tf.random.set_seed(42)

# In[90]:
normalization_layer = tf.keras.layers.Normalization()
hidden_layer1 = tf.keras.layers.Dense(30, activation="relu")
hidden_layer2 = tf.keras.layers.Dense(30, activation="relu")
concat_layer = tf.keras.layers.Concatenate()
output_layer = tf.keras.layers.Dense(1)

input_ = tf.keras.layers.Input(shape=X_train.shape[1:])
normalized = normalization_layer(input_)
hidden1 = hidden_layer1(normalized)
hidden2 = hidden_layer2(hidden1)
concat = concat_layer([normalized, hidden2])
output = output_layer(concat)

model = tf.keras.Model(inputs=[input_], outputs=[output])

# In[91]:
model.summary()

# In[92]:
optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
model.compile(loss="mse", optimizer=optimizer, metrics=["RootMeanSquaredError"])
normalization_layer.adapt(X_train)
history = model.fit(X_train, y_train, epochs=20,
                    validation_data=(X_valid, y_valid))
mse_test = model.evaluate(X_test, y_test)
X_new = X_test[:3]  # CHANGED: added, see the header
y_pred = model.predict(X_new)
