# Corpus program: Hands-On Machine Learning (3rd ed.), ch. 12: custom loss functions: huber_fn written with
#   tf.abs/tf.square/tf.where, a loss factory (create_huber), a tf.keras.losses.Loss subclass with get_config,
#   saving and loading each with custom_objects
# Source: https://github.com/ageron/handson-ml3/blob/main/12_custom_models_and_training_with_tensorflow.ipynb
#   (ageron/handson-ml3/12_custom_models_and_training_with_tensorflow.ipynb at commit e3f3f9e66d58)
# License: Apache-2.0
# Kind: dense
# Data: synthetic
#   No "Expect" line: the chapter trains for 2 epochs and never evaluates these models.
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - scikit-learn's fetch_california_housing, train_test_split and StandardScaler come from _corpus_data (a
#     synthetic 1,000-row table; same names, arguments and methods)
#   - the set-up cell that checks the TensorFlow version (packaging) keeps only `import tensorflow as tf`, and
#     `import numpy as np` is added there (the notebook imports it in a later, omitted cell)
#   - only the "Custom Loss Functions" and "Saving and Loading Models That Contain Custom Components" cells

# In[7]:
import numpy as np  # CHANGED: added, see the header
import tensorflow as tf


# In[98]:
def huber_fn(y_true, y_pred):
    error = y_true - y_pred
    is_small_error = tf.abs(error) < 1
    squared_loss = tf.square(error) / 2
    linear_loss  = tf.abs(error) - 0.5
    return tf.where(is_small_error, squared_loss, linear_loss)

# In[99]:
# extra code – shows what the Huber loss looks like

import matplotlib.pyplot as plt

plt.figure(figsize=(8, 3.5))
z = np.linspace(-4, 4, 200)
z_center = np.linspace(-1, 1, 200)
plt.plot(z, huber_fn(0, z), "b-", linewidth=2, label="huber($z$)")
plt.plot(z, z ** 2 / 2, "r:", linewidth=1)
plt.plot(z_center, z_center ** 2 / 2, "r", linewidth=2)
plt.plot([-1, -1], [0, huber_fn(0., -1.)], "k--")
plt.plot([1, 1], [0, huber_fn(0., 1.)], "k--")
plt.gca().axhline(y=0, color='k')
plt.gca().axvline(x=0, color='k')
plt.text(2.1, 3.5, r"$\frac{1}{2}z^2$", color="r", fontsize=15)
plt.text(3.0, 2.2, r"$|z| - \frac{1}{2}$", color="b", fontsize=15)
plt.axis([-4, 4, 0, 4])
plt.grid(True)
plt.xlabel("$z$")
plt.legend(fontsize=14)
plt.title("Huber loss", fontsize=14)
plt.show()

# In[101]:
# extra code – loads, splits and scales the California housing dataset, then
#              creates a simple Keras model

from _corpus_data import fetch_california_housing  # CHANGED: was sklearn
from _corpus_data import train_test_split  # CHANGED: was sklearn
from _corpus_data import StandardScaler  # CHANGED: was sklearn

housing = fetch_california_housing()
X_train_full, X_test, y_train_full, y_test = train_test_split(
    housing.data, housing.target.reshape(-1, 1), random_state=42)
X_train, X_valid, y_train, y_valid = train_test_split(
    X_train_full, y_train_full, random_state=42)

scaler = StandardScaler()
X_train_scaled = scaler.fit_transform(X_train)
X_valid_scaled = scaler.transform(X_valid)
X_test_scaled = scaler.transform(X_test)

input_shape = X_train.shape[1:]

tf.keras.utils.set_random_seed(42)
model = tf.keras.Sequential([
    tf.keras.layers.Dense(30, activation="relu", kernel_initializer="he_normal",
                          input_shape=input_shape),
    tf.keras.layers.Dense(1),
])

# In[102]:
model.compile(loss=huber_fn, optimizer="nadam", metrics=["mae"])

# In[103]:
model.fit(X_train_scaled, y_train, epochs=2,
          validation_data=(X_valid_scaled, y_valid))

# In[105]:
model.save("my_model_with_a_custom_loss.keras")  # extra code – saving works fine

# In[106]:
model = tf.keras.models.load_model("my_model_with_a_custom_loss.keras",
                                   custom_objects={"huber_fn": huber_fn})

# In[107]:
model.fit(X_train_scaled, y_train, epochs=2,
          validation_data=(X_valid_scaled, y_valid))

# In[108]:
def create_huber(threshold=1.0):
    def huber_fn(y_true, y_pred):
        error = y_true - y_pred
        is_small_error = tf.abs(error) < threshold
        squared_loss = tf.square(error) / 2
        linear_loss  = threshold * tf.abs(error) - threshold ** 2 / 2
        return tf.where(is_small_error, squared_loss, linear_loss)
    return huber_fn

# In[109]:
model.compile(loss=create_huber(2.0), optimizer="nadam", metrics=["mae"])

# In[110]:
model.fit(X_train_scaled, y_train, epochs=2,
          validation_data=(X_valid_scaled, y_valid))

# In[111]:
model.save("my_model_with_a_custom_loss_threshold_2.keras")

# In[112]:
model = tf.keras.models.load_model("my_model_with_a_custom_loss_threshold_2.keras",
                                   custom_objects={"huber_fn": create_huber(2.0)})

# In[113]:
model.fit(X_train_scaled, y_train, epochs=2,
          validation_data=(X_valid_scaled, y_valid))

# In[114]:
class HuberLoss(tf.keras.losses.Loss):
    def __init__(self, threshold=1.0, **kwargs):
        self.threshold = threshold
        super().__init__(**kwargs)

    def call(self, y_true, y_pred):
        error = y_true - y_pred
        is_small_error = tf.abs(error) < self.threshold
        squared_loss = tf.square(error) / 2
        linear_loss  = self.threshold * tf.abs(error) - self.threshold**2 / 2
        return tf.where(is_small_error, squared_loss, linear_loss)

    def get_config(self):
        base_config = super().get_config()
        return {**base_config, "threshold": self.threshold}

# In[115]:
# extra code – creates another basic Keras model
tf.keras.utils.set_random_seed(42)
model = tf.keras.Sequential([
    tf.keras.layers.Dense(30, activation="relu", kernel_initializer="he_normal",
                          input_shape=input_shape),
    tf.keras.layers.Dense(1),
])

# In[116]:
model.compile(loss=HuberLoss(2.), optimizer="nadam", metrics=["mae"])

# In[117]:
model.fit(X_train_scaled, y_train, epochs=2,
          validation_data=(X_valid_scaled, y_valid))

# In[118]:
model.save("my_model_with_a_custom_loss_class.keras")  # extra code – saving works

# In[119]:
model = tf.keras.models.load_model("my_model_with_a_custom_loss_class.keras",
                                   custom_objects={"HuberLoss": HuberLoss})

# In[120]:
# extra code – shows that loading worked fine, the model can be used normally
model.fit(X_train_scaled, y_train, epochs=2,
          validation_data=(X_valid_scaled, y_valid))

# In[121]:
model.loss.threshold  # extra code – the treshold was loaded correctly

