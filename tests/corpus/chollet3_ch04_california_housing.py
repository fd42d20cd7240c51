# Corpus program: Deep Learning with Python (3rd ed.), ch. 4: predicting house prices (regression, K-fold)
# Source: https://github.com/fchollet/deep-learning-with-python-notebooks/blob/main/chapter04_classification-and-regression.ipynb
#   (fchollet/deep-learning-with-python-notebooks/chapter04_classification-and-regression.ipynb at commit dea84a4e12cc)
# License: MIT
# Kind: dense
# Data: synthetic
# Expect: mean_absolute_error <= 0.6
#   The book: a test MAE of about 0.3 ($30,000) on the real data; on the synthetic table we ask the last
#   evaluate()'s MAE <= 0.6.
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - california_housing.load_data(version='small') is replaced by _corpus_data.california_housing (a synthetic
#     600-row table, 8 features, prices in dollars)
#   - cell 14 (the IMDB multi_hot_encode cell) is kept for its import and function; its two IMDB encoding lines
#     are removed
#   - epochs cut for speed: the K-fold runs 50 -> 10 and 200 -> 20 epochs, the final model 130 -> 20
#   - the Colab set-up cells (KERAS_BACKEND=jax, the %%backend cell magic) dropped: they choose a Keras backend

# In[14]:
import numpy as np

def multi_hot_encode(sequences, num_classes):
    results = np.zeros((len(sequences), num_classes))
    for i, sequence in enumerate(sequences):
        results[i][sequence] = 1.0
    return results
import matplotlib.pyplot as plt  # CHANGED: the import of cell 25, whose other lines plot the IMDB run

# In[18]:
import keras
from keras import layers

model = keras.Sequential(
    [
        layers.Dense(16, activation="relu"),
        layers.Dense(16, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ]
)

# In[71]:
from _corpus_data import california_housing  # CHANGED: synthetic, see the header

(train_data, train_targets), (test_data, test_targets) = (
    california_housing.load_data(version="small")
)

# In[72]:
train_data.shape

# In[73]:
test_data.shape

# In[74]:
train_targets

# In[76]:
mean = train_data.mean(axis=0)
std = train_data.std(axis=0)
x_train = (train_data - mean) / std
x_test = (test_data - mean) / std

# In[77]:
y_train = train_targets / 100000
y_test = test_targets / 100000

# In[79]:
def get_model():
    model = keras.Sequential(
        [
            layers.Dense(64, activation="relu"),
            layers.Dense(64, activation="relu"),
            layers.Dense(1),
        ]
    )
    model.compile(
        optimizer="adam",
        loss="mean_squared_error",
        metrics=["mean_absolute_error"],
    )
    return model

# In[81]:
k = 4
num_val_samples = len(x_train) // k
num_epochs = 10
all_scores = []
for i in range(k):
    print(f"Processing fold #{i + 1}")
    fold_x_val = x_train[i * num_val_samples : (i + 1) * num_val_samples]
    fold_y_val = y_train[i * num_val_samples : (i + 1) * num_val_samples]
    fold_x_train = np.concatenate(
        [x_train[: i * num_val_samples], x_train[(i + 1) * num_val_samples :]],
        axis=0,
    )
    fold_y_train = np.concatenate(
        [y_train[: i * num_val_samples], y_train[(i + 1) * num_val_samples :]],
        axis=0,
    )
    model = get_model()
    model.fit(
        fold_x_train,
        fold_y_train,
        epochs=num_epochs,
        batch_size=16,
        verbose=0,
    )
    scores = model.evaluate(fold_x_val, fold_y_val, verbose=0)
    val_loss, val_mae = scores
    all_scores.append(val_mae)

# In[82]:
[round(value, 3) for value in all_scores]

# In[83]:
round(np.mean(all_scores), 3)

# In[84]:
k = 4
num_val_samples = len(x_train) // k
num_epochs = 20
all_mae_histories = []
for i in range(k):
    print(f"Processing fold #{i + 1}")
    fold_x_val = x_train[i * num_val_samples : (i + 1) * num_val_samples]
    fold_y_val = y_train[i * num_val_samples : (i + 1) * num_val_samples]
    fold_x_train = np.concatenate(
        [x_train[: i * num_val_samples], x_train[(i + 1) * num_val_samples :]],
        axis=0,
    )
    fold_y_train = np.concatenate(
        [y_train[: i * num_val_samples], y_train[(i + 1) * num_val_samples :]],
        axis=0,
    )
    model = get_model()
    history = model.fit(
        fold_x_train,
        fold_y_train,
        validation_data=(fold_x_val, fold_y_val),
        epochs=num_epochs,
        batch_size=16,
        verbose=0,
    )
    mae_history = history.history["val_mean_absolute_error"]
    all_mae_histories.append(mae_history)

# In[85]:
average_mae_history = [
    np.mean([x[i] for x in all_mae_histories]) for i in range(num_epochs)
]

# In[86]:
epochs = range(1, len(average_mae_history) + 1)
plt.plot(epochs, average_mae_history)
plt.xlabel("Epochs")
plt.ylabel("Validation MAE")
plt.show()

# In[87]:
truncated_mae_history = average_mae_history[10:]
epochs = range(10, len(truncated_mae_history) + 10)
plt.plot(epochs, truncated_mae_history)
plt.xlabel("Epochs")
plt.ylabel("Validation MAE")
plt.show()

# In[88]:
model = get_model()
model.fit(x_train, y_train, epochs=20, batch_size=16, verbose=0)
test_mean_squared_error, test_mean_absolute_error = model.evaluate(
    x_test, y_test
)

# In[89]:
round(test_mean_absolute_error, 3)

# In[91]:
predictions = model.predict(x_test)
predictions[0]
