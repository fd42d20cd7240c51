# Corpus program: TensorFlow tutorial: basic regression, predict fuel efficiency (Auto MPG)
# Source: https://www.tensorflow.org/tutorials/keras/regression
#   (tensorflow/docs/site/en/tutorials/keras/regression.ipynb at commit 7c3650212740)
# License: Apache-2.0
# Kind: dense
# Data: synthetic
# Expect: loss <= 4.0
#   The tutorial's text: the DNN reaches a test mean absolute error of about 1.6-1.7 MPG on the real data; on the
#   synthetic table (noise sd 2 MPG) we ask loss (the MAE) <= 4.0 for the last evaluate().
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - the Auto MPG table is not downloaded: _corpus_data.auto_mpg_table() makes a synthetic table with the same
#     columns (after the tutorial's dropna and one-hot Origin), so the pandas cells (read_csv, isna, dropna, map,
#     get_dummies, describe) and seaborn's pairplot are replaced by that one call; pandas is not a scratchnet
#     dependency
#   - train/test split: dataset.sample(frac=0.8, random_state=0) / drop becomes the same split by a seeded
#     permutation (Table.rows)
#   - pd.DataFrame(...) display cells removed (hist.tail(), the results tables)
#   - epochs=100 kept; the .numpy() calls kept
#   - notebook shell and magic lines (!pip install ..., %%time, %load_ext) removed

# In[7]:
import matplotlib.pyplot as plt
import numpy as np

# Make NumPy printouts easier to read.
np.set_printoptions(precision=3, suppress=True)

# In[8]:
import tensorflow as tf

from tensorflow import keras
from tensorflow.keras import layers

print(tf.__version__)

# In[11]:
# CHANGED: a synthetic table with the tutorial's columns, already cleaned (see the header)
from _corpus_data import auto_mpg_table
dataset = auto_mpg_table()

# In[21]:
# CHANGED: the 80/20 split by a seeded permutation instead of DataFrame.sample / drop
_order = np.random.default_rng(0).permutation(len(dataset))
train_dataset = dataset.rows(_order[:int(0.8 * len(dataset))])
test_dataset = dataset.rows(_order[int(0.8 * len(dataset)):])

# In[27]:
train_features = train_dataset.copy()
test_features = test_dataset.copy()

train_labels = train_features.pop('MPG')
test_labels = test_features.pop('MPG')

# In[32]:
normalizer = tf.keras.layers.Normalization(axis=-1)

# In[34]:
normalizer.adapt(np.array(train_features))

# In[36]:
print(normalizer.mean.numpy())

# In[38]:
first = np.array(train_features[:1])

with np.printoptions(precision=2, suppress=True):
  print('First example:', first)
  print()
  print('Normalized:', normalizer(first).numpy())

# In[42]:
horsepower = np.array(train_features['Horsepower'])

horsepower_normalizer = layers.Normalization(input_shape=[1,], axis=None)
horsepower_normalizer.adapt(horsepower)

# In[44]:
horsepower_model = tf.keras.Sequential([
    horsepower_normalizer,
    layers.Dense(units=1)
])

horsepower_model.summary()

# In[46]:
horsepower_model.predict(horsepower[:10])

# In[48]:
horsepower_model.compile(
    optimizer=tf.keras.optimizers.Adam(learning_rate=0.1),
    loss='mean_absolute_error')

# In[50]:
history = horsepower_model.fit(
    train_features['Horsepower'],
    train_labels,
    epochs=100,
    # Suppress logging.
    verbose=0,
    # Calculate validation results on 20% of the training data.
    validation_split = 0.2)

# In[53]:
def plot_loss(history):
  plt.plot(history.history['loss'], label='loss')
  plt.plot(history.history['val_loss'], label='val_loss')
  plt.ylim([0, 10])
  plt.xlabel('Epoch')
  plt.ylabel('Error [MPG]')
  plt.legend()
  plt.grid(True)

# In[54]:
plot_loss(history)

# In[56]:
test_results = {}

test_results['horsepower_model'] = horsepower_model.evaluate(
    test_features['Horsepower'],
    test_labels, verbose=0)

# In[58]:
x = tf.linspace(0.0, 250, 251)
y = horsepower_model.predict(x)

# In[59]:
def plot_horsepower(x, y):
  plt.scatter(train_features['Horsepower'], train_labels, label='Data')
  plt.plot(x, y, color='k', label='Predictions')
  plt.xlabel('Horsepower')
  plt.ylabel('MPG')
  plt.legend()

# In[60]:
plot_horsepower(x, y)

# In[63]:
linear_model = tf.keras.Sequential([
    normalizer,
    layers.Dense(units=1)
])

# In[65]:
linear_model.predict(train_features[:10])

# In[67]:
linear_model.layers[1].kernel

# In[69]:
linear_model.compile(
    optimizer=tf.keras.optimizers.Adam(learning_rate=0.1),
    loss='mean_absolute_error')

# In[70]:
history = linear_model.fit(
    train_features,
    train_labels,
    epochs=100,
    # Suppress logging.
    verbose=0,
    # Calculate validation results on 20% of the training data.
    validation_split = 0.2)

# In[72]:
plot_loss(history)

# In[74]:
test_results['linear_model'] = linear_model.evaluate(
    test_features, test_labels, verbose=0)

# In[78]:
def build_and_compile_model(norm):
  model = keras.Sequential([
      norm,
      layers.Dense(64, activation='relu'),
      layers.Dense(64, activation='relu'),
      layers.Dense(1)
  ])

  model.compile(loss='mean_absolute_error',
                optimizer=tf.keras.optimizers.Adam(0.001))
  return model

# In[81]:
dnn_horsepower_model = build_and_compile_model(horsepower_normalizer)

# In[83]:
dnn_horsepower_model.summary()

# In[85]:
history = dnn_horsepower_model.fit(
    train_features['Horsepower'],
    train_labels,
    validation_split=0.2,
    verbose=0, epochs=100)

# In[87]:
plot_loss(history)

# In[89]:
x = tf.linspace(0.0, 250, 251)
y = dnn_horsepower_model.predict(x)

# In[90]:
plot_horsepower(x, y)

# In[92]:
test_results['dnn_horsepower_model'] = dnn_horsepower_model.evaluate(
    test_features['Horsepower'], test_labels,
    verbose=0)

# In[95]:
dnn_model = build_and_compile_model(normalizer)
dnn_model.summary()

# In[96]:
history = dnn_model.fit(
    train_features,
    train_labels,
    validation_split=0.2,
    verbose=0, epochs=100)

# In[97]:
plot_loss(history)

# In[99]:
test_results['dnn_model'] = dnn_model.evaluate(test_features, test_labels, verbose=0)

# In[105]:
test_predictions = dnn_model.predict(test_features).flatten()

a = plt.axes(aspect='equal')
plt.scatter(test_labels, test_predictions)
plt.xlabel('True Values [MPG]')
plt.ylabel('Predictions [MPG]')
lims = [0, 50]
plt.xlim(lims)
plt.ylim(lims)
_ = plt.plot(lims, lims)

# In[107]:
error = test_predictions - test_labels
plt.hist(error, bins=25)
plt.xlabel('Prediction Error [MPG]')
_ = plt.ylabel('Count')

# In[109]:
dnn_model.save('dnn_model.keras')

# In[111]:
reloaded = tf.keras.models.load_model('dnn_model.keras')

test_results['reloaded'] = reloaded.evaluate(
    test_features, test_labels, verbose=0)
