# Corpus program: C2 W4 Lab 1, rock-paper-scissors, a multi-class convnet: two zips unpacked, a four-block convnet
#   with Dropout and a 3-way softmax, ImageDataGenerator augmentation, flow_from_directory(class_mode=
#   'categorical'), categorical_crossentropy, fit on generators with steps_per_epoch/validation_steps
# Source: https://github.com/https-deeplearning-ai/tensorflow-1-public/blob/b6de6443398016a18dcd24108c4a694b1fac5458/C2/W4/ungraded_lab/C2_W4_Lab_1_multi_class_classifier.ipynb
#   (https-deeplearning-ai/tensorflow-1-public/C2/W4/ungraded_lab/C2_W4_Lab_1_multi_class_classifier.ipynb at commit
#   b6de64433980, the course's ImageDataGenerator version of the lab, used until the 2024 rewrite)
# License: Apache-2.0
# Kind: conv
# Needs: Conv2D, MaxPooling2D, Flatten, Dropout
# Data: fashion_mnist
#   No "Expect" line: the lab never calls evaluate(); it plots the History.
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - the wgets of rps.zip and rps-test-set.zip are followed by _corpus_data.write_rps_zips: the same folders
#     (rps/{rock,paper,scissors}, rps-test-set/...) of 64x64 RGB PNGs from Fashion-MNIST bags ("rock"), T-shirts
#     ("paper") and sandals ("scissors"), 200 training and 60 test a class (the real set: 840 and 124 a class)
#   - the image size 150x150 -> 64x64 (input_shape, target_size)
#   - fit: epochs 25 -> 2, steps_per_epoch 20 -> 4, validation_steps 3 -> 1; batch_size 126 -> 32 (both
#     generators), so an epoch is 128 of the 600 images: NumPy convolutions at 64 filters are slow
#   - the Colab cell that uploads your own photos (google.colab.files.upload) commented out

# In[4]:
# Install packages for compatibility

# NOTE: You can safely ignore errors about version incompatibility of
# Colab-bundled packages (e.g. xarray, pydantic, etc.)

# !pip install tf-keras==2.15 --quiet
# !pip install tensorflow==2.15 --quiet
# !pip install keras==2.15 --quiet

# In[5]:
# Download the train set
# !wget https://storage.googleapis.com/tensorflow-1-public/course2/week4/rps.zip
    
# Download the test set
# !wget https://storage.googleapis.com/tensorflow-1-public/course2/week4/rps-test-set.zip
from _corpus_data import write_rps_zips  # CHANGED: Fashion-MNIST stand-in, see the header
write_rps_zips("./rps.zip", "./rps-test-set.zip")

# In[6]:
import zipfile

# Extract the archive
local_zip = './rps.zip'
zip_ref = zipfile.ZipFile(local_zip, 'r')
zip_ref.extractall('tmp/rps-train')
zip_ref.close()

local_zip = './rps-test-set.zip'
zip_ref = zipfile.ZipFile(local_zip, 'r')
zip_ref.extractall('tmp/rps-test')
zip_ref.close()

# In[8]:
import os

base_dir = 'tmp/rps-train/rps'

rock_dir = os.path.join(base_dir, 'rock')
paper_dir = os.path.join(base_dir, 'paper')
scissors_dir = os.path.join(base_dir, 'scissors')

print('total training rock images:', len(os.listdir(rock_dir)))
print('total training paper images:', len(os.listdir(paper_dir)))
print('total training scissors images:', len(os.listdir(scissors_dir)))

rock_files = os.listdir(rock_dir)
print(rock_files[:10])

paper_files = os.listdir(paper_dir)
print(paper_files[:10])

scissors_files = os.listdir(scissors_dir)
print(scissors_files[:10])

# In[10]:
# %matplotlib inline

import matplotlib.pyplot as plt
import matplotlib.image as mpimg

pic_index = 2

next_rock = [os.path.join(rock_dir, fname) 
                for fname in rock_files[pic_index-2:pic_index]]
next_paper = [os.path.join(paper_dir, fname) 
                for fname in paper_files[pic_index-2:pic_index]]
next_scissors = [os.path.join(scissors_dir, fname) 
                for fname in scissors_files[pic_index-2:pic_index]]

for i, img_path in enumerate(next_rock+next_paper+next_scissors):
  img = mpimg.imread(img_path)
  plt.imshow(img)
  plt.axis('Off')
  plt.show()

# In[12]:
import tensorflow as tf

model = tf.keras.models.Sequential([
    # Note the input shape is the desired size of the image 150x150 with 3 bytes color
    # This is the first convolution
    tf.keras.layers.Conv2D(64, (3,3), activation='relu', input_shape=(64, 64, 3)),  # CHANGED: 150 -> 64
    tf.keras.layers.MaxPooling2D(2, 2),
    # The second convolution
    tf.keras.layers.Conv2D(64, (3,3), activation='relu'),
    tf.keras.layers.MaxPooling2D(2,2),
    # The third convolution
    tf.keras.layers.Conv2D(128, (3,3), activation='relu'),
    tf.keras.layers.MaxPooling2D(2,2),
    # The fourth convolution
    tf.keras.layers.Conv2D(128, (3,3), activation='relu'),
    tf.keras.layers.MaxPooling2D(2,2),
    # Flatten the results to feed into a DNN
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dropout(0.5),
    # 512 neuron hidden layer
    tf.keras.layers.Dense(512, activation='relu'),
    tf.keras.layers.Dense(3, activation='softmax')
])

# Print the model summary
model.summary()

# In[14]:
# Set the training parameters
model.compile(loss = 'categorical_crossentropy', optimizer='rmsprop', metrics=['accuracy'])

# In[16]:
from tensorflow.keras.preprocessing.image import ImageDataGenerator

TRAINING_DIR = "tmp/rps-train/rps"
training_datagen = ImageDataGenerator(
      rescale = 1./255,
	    rotation_range=40,
      width_shift_range=0.2,
      height_shift_range=0.2,
      shear_range=0.2,
      zoom_range=0.2,
      horizontal_flip=True,
      fill_mode='nearest')

VALIDATION_DIR = "tmp/rps-test/rps-test-set"
validation_datagen = ImageDataGenerator(rescale = 1./255)

train_generator = training_datagen.flow_from_directory(
	TRAINING_DIR,
	target_size=(64,64),  # CHANGED: 150 -> 64
	class_mode='categorical',
  batch_size=32  # CHANGED: 126 -> 32
)

validation_generator = validation_datagen.flow_from_directory(
	VALIDATION_DIR,
	target_size=(64,64),  # CHANGED: 150 -> 64
	class_mode='categorical',
  batch_size=32  # CHANGED: 126 -> 32
)

# In[18]:
# Train the model
history = model.fit(train_generator, epochs=2, steps_per_epoch=4, validation_data = validation_generator, verbose = 1, validation_steps=1)  # CHANGED: epochs 25 -> 2, steps_per_epoch 20 -> 4, validation_steps 3 -> 1

# In[19]:
import matplotlib.pyplot as plt

# Plot the results
acc = history.history['accuracy']
val_acc = history.history['val_accuracy']
loss = history.history['loss']
val_loss = history.history['val_loss']

epochs = range(len(acc))

plt.plot(epochs, acc, 'r', label='Training accuracy')
plt.plot(epochs, val_acc, 'b', label='Validation accuracy')
plt.title('Training and validation accuracy')
plt.legend(loc=0)
plt.figure()

plt.show()

# In[21]:
# CHANGED: cell commented out (needs Google Colab: uploads your own photos)
## NOTE: If you are using Safari and this cell throws an error,
## please skip this block and run the next one instead.

# import numpy as np
# from google.colab import files
# from tensorflow.keras.utils import load_img, img_to_array

# uploaded = files.upload()

# for fn in uploaded.keys():
 
#   # predicting images
#   path = fn
#   img = load_img(path, target_size=(150, 150))
#   x = img_to_array(img)
#   x = np.expand_dims(x, axis=0)

#   images = np.vstack([x])
#   classes = model.predict(images, batch_size=10)
#   print(fn)
#   print(classes)

# In[23]:
# # CODE BLOCK FOR OLDER VERSIONS OF SAFARI

# import os
# import numpy as np
# from tensorflow.keras.utils import load_img, img_to_array

# images = os.listdir("/tmp/images")

# print(images)

# for i in images:
#     print()
#     # predicting images
#     path = '/tmp/images/' + i
#     img = load_img(path, target_size=(150, 150))
#     x = img_to_array(img)
#     x = np.expand_dims(x, axis=0)
    
#     images = np.vstack([x])
#     classes = model.predict(images, batch_size=10)
#     print(path)
#     print(classes)

