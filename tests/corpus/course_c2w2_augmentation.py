# Corpus program: C2 W2 Lab 1, cats vs dogs with data augmentation: a four-block convnet trained from
#   flow_from_directory without, then with, ImageDataGenerator augmentation (rotation, shifts, shear, zoom,
#   horizontal flips), validation from a second generator, training curves compared
# Source: https://github.com/https-deeplearning-ai/tensorflow-1-public/blob/b6de6443398016a18dcd24108c4a694b1fac5458/C2/W2/ungraded_labs/C2_W2_Lab_1_cats_v_dogs_augmentation.ipynb
#   (https-deeplearning-ai/tensorflow-1-public/C2/W2/ungraded_labs/C2_W2_Lab_1_cats_v_dogs_augmentation.ipynb at commit b6de64433980, the course's
#   ImageDataGenerator version of the lab, used until the 2024 rewrite to image_dataset_from_directory)
# License: Apache-2.0
# Kind: conv
# Needs: Conv2D, MaxPooling2D, Flatten
# Data: fashion_mnist
#   No "Expect" line: the lab never calls evaluate(); it compares the History curves.
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - the wget of cats_and_dogs_filtered.zip is replaced by _corpus_data.write_cats_and_dogs_zip: the same
#     folders (cats_and_dogs_filtered/{train,validation}/{cats,dogs}) of 64x64 RGB PNGs from Fashion-MNIST
#     dresses ("cats") and sneakers ("dogs"), 250 + 250 training and 125 + 125 validation images (the real set:
#     1,000 + 1,000 and 500 + 500 photos)
#   - the image size 150x150 -> 64x64 (input_shape, target_size); steps_per_epoch=100 -> 10 and
#     validation_steps=50 -> 5 (200 and 100 images an epoch: NumPy convolutions are slow); EPOCHS = 20 -> 2

# In[3]:
# Install packages for compatibility

# NOTE: You can safely ignore errors about version incompatibility of
# Colab-bundled packages (e.g. xarray, pydantic, etc.)

# !pip install tf-keras==2.15 --quiet
# !pip install tensorflow==2.15 --quiet
# !pip install keras==2.15 --quiet

# In[4]:
# Download the dataset
# !wget https://storage.googleapis.com/tensorflow-1-public/course2/cats_and_dogs_filtered.zip
from _corpus_data import write_cats_and_dogs_zip  # CHANGED: Fashion-MNIST stand-in, see the header
write_cats_and_dogs_zip("./cats_and_dogs_filtered.zip")

# In[5]:
import os
import zipfile

# Extract the archive
zip_ref = zipfile.ZipFile("./cats_and_dogs_filtered.zip", 'r')
zip_ref.extractall("tmp/")
zip_ref.close()

# Assign training and validation set directories
base_dir = 'tmp/cats_and_dogs_filtered'
train_dir = os.path.join(base_dir, 'train')
validation_dir = os.path.join(base_dir, 'validation')

# Directory with training cat pictures
train_cats_dir = os.path.join(train_dir, 'cats')

# Directory with training dog pictures
train_dogs_dir = os.path.join(train_dir, 'dogs')

# Directory with validation cat pictures
validation_cats_dir = os.path.join(validation_dir, 'cats')

# Directory with validation dog pictures
validation_dogs_dir = os.path.join(validation_dir, 'dogs')

# In[7]:
import tensorflow as tf
from tensorflow.keras.optimizers import RMSprop

def create_model():
  '''Creates a CNN with 4 convolutional layers'''
  model = tf.keras.models.Sequential([
      tf.keras.layers.Conv2D(32, (3,3), activation='relu', input_shape=(64, 64, 3)),  # CHANGED: 150 -> 64
      tf.keras.layers.MaxPooling2D(2, 2),
      tf.keras.layers.Conv2D(64, (3,3), activation='relu'),
      tf.keras.layers.MaxPooling2D(2,2),
      tf.keras.layers.Conv2D(128, (3,3), activation='relu'),
      tf.keras.layers.MaxPooling2D(2,2),
      tf.keras.layers.Conv2D(128, (3,3), activation='relu'),
      tf.keras.layers.MaxPooling2D(2,2),
      tf.keras.layers.Flatten(),
      tf.keras.layers.Dense(512, activation='relu'),
      tf.keras.layers.Dense(1, activation='sigmoid')
  ])

  model.compile(loss='binary_crossentropy',
                optimizer=RMSprop(learning_rate=1e-4),
                metrics=['accuracy'])
  
  return model

# In[8]:
from tensorflow.keras.preprocessing.image import ImageDataGenerator

# All images will be rescaled by 1./255
train_datagen = ImageDataGenerator(rescale=1./255)
test_datagen = ImageDataGenerator(rescale=1./255)

# Flow training images in batches of 20 using train_datagen generator
train_generator = train_datagen.flow_from_directory(
        train_dir,  # This is the source directory for training images
        target_size=(64, 64),  # All images will be resized to 150x150  # CHANGED: 150 -> 64
        batch_size=20,
        # Since we use binary_crossentropy loss, we need binary labels
        class_mode='binary')

# Flow validation images in batches of 20 using test_datagen generator
validation_generator = test_datagen.flow_from_directory(
        validation_dir,
        target_size=(64, 64),  # CHANGED: 150 -> 64
        batch_size=20,
        class_mode='binary')

# In[9]:
# Constant for epochs
EPOCHS = 2  # CHANGED: 20 -> 2

# Create a new model
model = create_model()

# Train the model
history = model.fit(
      train_generator,
      steps_per_epoch=10,  # 2000 images = batch_size * steps  # CHANGED: 100 -> 10 (200 images)
      epochs=EPOCHS,
      validation_data=validation_generator,
      validation_steps=5,  # 1000 images = batch_size * steps  # CHANGED: 50 -> 5 (100 images)
      verbose=2)

# In[11]:
import matplotlib.pyplot as plt

def plot_loss_acc(history):
  '''Plots the training and validation loss and accuracy from a history object'''
  acc = history.history['accuracy']
  val_acc = history.history['val_accuracy']
  loss = history.history['loss']
  val_loss = history.history['val_loss']

  epochs = range(len(acc))

  plt.plot(epochs, acc, 'bo', label='Training accuracy')
  plt.plot(epochs, val_acc, 'b', label='Validation accuracy')
  plt.title('Training and validation accuracy')

  plt.figure()

  plt.plot(epochs, loss, 'bo', label='Training Loss')
  plt.plot(epochs, val_loss, 'b', label='Validation Loss')
  plt.title('Training and validation loss')
  plt.legend()

  plt.show()

# In[12]:
# Plot training results
plot_loss_acc(history)

# In[15]:
# Create new model
model_for_aug = create_model()

# This code has changed. Now instead of the ImageGenerator just rescaling
# the image, we also rotate and do other operations
train_datagen = ImageDataGenerator(
      rescale=1./255,
      rotation_range=40,
      width_shift_range=0.2,
      height_shift_range=0.2,
      shear_range=0.2,
      zoom_range=0.2,
      horizontal_flip=True,
      fill_mode='nearest')

test_datagen = ImageDataGenerator(rescale=1./255)

# Flow training images in batches of 20 using train_datagen generator
train_generator = train_datagen.flow_from_directory(
        train_dir,  # This is the source directory for training images
        target_size=(64, 64),  # All images will be resized to 150x150  # CHANGED: 150 -> 64
        batch_size=20,
        # Since we use binary_crossentropy loss, we need binary labels
        class_mode='binary')

# Flow validation images in batches of 20 using test_datagen generator
validation_generator = test_datagen.flow_from_directory(
        validation_dir,
        target_size=(64, 64),  # CHANGED: 150 -> 64
        batch_size=20,
        class_mode='binary')

# Train the new model
history_with_aug = model_for_aug.fit(
      train_generator,
      steps_per_epoch=10,  # 2000 images = batch_size * steps  # CHANGED: 100 -> 10 (200 images)
      epochs=EPOCHS,
      validation_data=validation_generator,
      validation_steps=5,  # 1000 images = batch_size * steps  # CHANGED: 50 -> 5 (100 images)
      verbose=2)

# In[16]:
# Plot the results of training with data augmentation
plot_loss_acc(history_with_aug)

