# Corpus program: TensorFlow tutorial: image classification (utils.get_file, image_dataset_from_directory with
#   validation_split/subset/seed, Dataset.cache/shuffle/prefetch with AUTOTUNE, a Rescaling layer mapped over a
#   dataset and inside the model, a padding='same' convnet, data augmentation layers RandomFlip, RandomRotation
#   and RandomZoom, Dropout, and predicting one new image with load_img/img_to_array/tf.expand_dims/tf.nn.softmax)
# Source: https://www.tensorflow.org/tutorials/images/classification
#   (tensorflow/docs/site/en/tutorials/images/classification.ipynb at commit 7c3650212740)
# License: Apache-2.0
# Kind: conv
# Needs: Conv2D, MaxPooling2D, Flatten, Rescaling, RandomFlip, RandomRotation, RandomZoom
# Data: fashion_mnist
#   No "Expect" line: the tutorial never calls evaluate(); it reads accuracy and val_accuracy from the History.
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - the license cell (a comment) dropped
#   - tf.keras.utils.get_file("flower_photos.tgz", ..., extract=True) is replaced by
#     _corpus_data.get_flower_photos_tgz(), which writes what get_file would leave (Keras 3's layout:
#     ./flower_photos_extracted/flower_photos/{daisy,dandelion,roses,sunflowers,tulips}/*.jpg) and returns the
#     same path: 120 64x64 JPEGs a class, Fashion-MNIST sneakers, bags, dresses, trousers and boots (the real set:
#     3,670 photos); the next line of the tutorial finds the folder unchanged
#   - img_height = img_width = 180 -> 32 (NumPy convolutions are slow); epochs=10 -> 2 and epochs = 15 -> 2
#   - the sunflower photo (get_file("Red_sunflower", ...)) is replaced by _corpus_data.flower_photo, one more
#     "sunflowers" image written to ./Red_sunflower
#   - the TensorFlow Lite sections at the end (TFLiteConverter, Interpreter) left out

# In[6]:
import matplotlib.pyplot as plt
import numpy as np
import PIL
import tensorflow as tf

from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.models import Sequential

# In[9]:
import pathlib

dataset_url = "https://storage.googleapis.com/download.tensorflow.org/example_images/flower_photos.tgz"
from _corpus_data import get_flower_photos_tgz  # CHANGED: Fashion-MNIST stand-in, see the header
data_dir = get_flower_photos_tgz()  # CHANGED: was tf.keras.utils.get_file("flower_photos.tgz", origin=dataset_url, extract=True)
data_dir = pathlib.Path(data_dir).parent / "flower_photos_extracted" / "flower_photos"

# In[11]:
image_count = len(list(data_dir.glob('*/*.jpg')))
print(image_count)

# In[13]:
roses = list(data_dir.glob('roses/*'))
PIL.Image.open(str(roses[0]))

# In[14]:
PIL.Image.open(str(roses[1]))

# In[16]:
tulips = list(data_dir.glob('tulips/*'))
PIL.Image.open(str(tulips[0]))

# In[17]:
PIL.Image.open(str(tulips[1]))

# In[21]:
batch_size = 32
img_height = 32  # CHANGED: 180 -> 32
img_width = 32  # CHANGED: 180 -> 32

# In[23]:
train_ds = tf.keras.utils.image_dataset_from_directory(
  data_dir,
  validation_split=0.2,
  subset="training",
  seed=123,
  image_size=(img_height, img_width),
  batch_size=batch_size)

# In[24]:
val_ds = tf.keras.utils.image_dataset_from_directory(
  data_dir,
  validation_split=0.2,
  subset="validation",
  seed=123,
  image_size=(img_height, img_width),
  batch_size=batch_size)

# In[26]:
class_names = train_ds.class_names
print(class_names)

# In[28]:
import matplotlib.pyplot as plt

plt.figure(figsize=(10, 10))
for images, labels in train_ds.take(1):
  for i in range(9):
    ax = plt.subplot(3, 3, i + 1)
    plt.imshow(images[i].numpy().astype("uint8"))
    plt.title(class_names[labels[i]])
    plt.axis("off")

# In[30]:
for image_batch, labels_batch in train_ds:
  print(image_batch.shape)
  print(labels_batch.shape)
  break

# In[33]:
AUTOTUNE = tf.data.AUTOTUNE

train_ds = train_ds.cache().shuffle(1000).prefetch(buffer_size=AUTOTUNE)
val_ds = val_ds.cache().prefetch(buffer_size=AUTOTUNE)

# In[36]:
normalization_layer = layers.Rescaling(1./255)

# In[38]:
normalized_ds = train_ds.map(lambda x, y: (normalization_layer(x), y))
image_batch, labels_batch = next(iter(normalized_ds))
first_image = image_batch[0]
# Notice the pixel values are now in `[0,1]`.
print(np.min(first_image), np.max(first_image))

# In[42]:
num_classes = len(class_names)

model = Sequential([
  layers.Rescaling(1./255, input_shape=(img_height, img_width, 3)),
  layers.Conv2D(16, 3, padding='same', activation='relu'),
  layers.MaxPooling2D(),
  layers.Conv2D(32, 3, padding='same', activation='relu'),
  layers.MaxPooling2D(),
  layers.Conv2D(64, 3, padding='same', activation='relu'),
  layers.MaxPooling2D(),
  layers.Flatten(),
  layers.Dense(128, activation='relu'),
  layers.Dense(num_classes)
])

# In[44]:
model.compile(optimizer='adam',
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=['accuracy'])

# In[46]:
model.summary()

# In[49]:
epochs=2  # CHANGED: 10 -> 2
history = model.fit(
  train_ds,
  validation_data=val_ds,
  epochs=epochs
)

# In[52]:
acc = history.history['accuracy']
val_acc = history.history['val_accuracy']

loss = history.history['loss']
val_loss = history.history['val_loss']

epochs_range = range(epochs)

plt.figure(figsize=(8, 8))
plt.subplot(1, 2, 1)
plt.plot(epochs_range, acc, label='Training Accuracy')
plt.plot(epochs_range, val_acc, label='Validation Accuracy')
plt.legend(loc='lower right')
plt.title('Training and Validation Accuracy')

plt.subplot(1, 2, 2)
plt.plot(epochs_range, loss, label='Training Loss')
plt.plot(epochs_range, val_loss, label='Validation Loss')
plt.legend(loc='upper right')
plt.title('Training and Validation Loss')
plt.show()

# In[58]:
data_augmentation = keras.Sequential(
  [
    layers.RandomFlip("horizontal",
                      input_shape=(img_height,
                                  img_width,
                                  3)),
    layers.RandomRotation(0.1),
    layers.RandomZoom(0.1),
  ]
)

# In[60]:
plt.figure(figsize=(10, 10))
for images, _ in train_ds.take(1):
  for i in range(9):
    augmented_images = data_augmentation(images)
    ax = plt.subplot(3, 3, i + 1)
    plt.imshow(augmented_images[0].numpy().astype("uint8"))
    plt.axis("off")

# In[63]:
model = Sequential([
  data_augmentation,
  layers.Rescaling(1./255),
  layers.Conv2D(16, 3, padding='same', activation='relu'),
  layers.MaxPooling2D(),
  layers.Conv2D(32, 3, padding='same', activation='relu'),
  layers.MaxPooling2D(),
  layers.Conv2D(64, 3, padding='same', activation='relu'),
  layers.MaxPooling2D(),
  layers.Dropout(0.2),
  layers.Flatten(),
  layers.Dense(128, activation='relu'),
  layers.Dense(num_classes, name="outputs")
])

# In[65]:
model.compile(optimizer='adam',
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=['accuracy'])

# In[66]:
model.summary()

# In[67]:
epochs = 2  # CHANGED: 15 -> 2
history = model.fit(
  train_ds,
  validation_data=val_ds,
  epochs=epochs
)

# In[69]:
acc = history.history['accuracy']
val_acc = history.history['val_accuracy']

loss = history.history['loss']
val_loss = history.history['val_loss']

epochs_range = range(epochs)

plt.figure(figsize=(8, 8))
plt.subplot(1, 2, 1)
plt.plot(epochs_range, acc, label='Training Accuracy')
plt.plot(epochs_range, val_acc, label='Validation Accuracy')
plt.legend(loc='lower right')
plt.title('Training and Validation Accuracy')

plt.subplot(1, 2, 2)
plt.plot(epochs_range, loss, label='Training Loss')
plt.plot(epochs_range, val_loss, label='Validation Loss')
plt.legend(loc='upper right')
plt.title('Training and Validation Loss')
plt.show()

# In[73]:
sunflower_url = "https://storage.googleapis.com/download.tensorflow.org/example_images/592px-Red_sunflower.jpg"
from _corpus_data import flower_photo  # CHANGED: stand-in, see the header
sunflower_path = flower_photo("./Red_sunflower")  # CHANGED: was tf.keras.utils.get_file("Red_sunflower", origin=sunflower_url)

img = tf.keras.utils.load_img(
    sunflower_path, target_size=(img_height, img_width)
)
img_array = tf.keras.utils.img_to_array(img)
img_array = tf.expand_dims(img_array, 0) # Create a batch

predictions = model.predict(img_array)
score = tf.nn.softmax(predictions[0])

print(
    "This image most likely belongs to {} with a {:.2f} percent confidence."
    .format(class_names[np.argmax(score)], 100 * np.max(score))
)

