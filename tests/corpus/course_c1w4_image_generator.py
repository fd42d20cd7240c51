# Corpus program: C1 W4 Lab 1, horses or humans with ImageDataGenerator: unzip a folder of images, look at them
#   with matplotlib.image, a five-block convnet for 300x300 RGB, flow_from_directory(class_mode='binary'),
#   fit on a generator with steps_per_epoch, load_img/img_to_array, and the intermediate feature maps through a
#   Model(inputs=model.input, outputs=[layer.output ...])
# Source: https://github.com/https-deeplearning-ai/tensorflow-1-public/blob/b6de6443398016a18dcd24108c4a694b1fac5458/C1/W4/ungraded_labs/C1_W4_Lab_1_image_generator_no_validation.ipynb
#   (https-deeplearning-ai/tensorflow-1-public/C1/W4/ungraded_labs/C1_W4_Lab_1_image_generator_no_validation.ipynb at commit b6de64433980, the course's
#   ImageDataGenerator version of the lab, used until the 2024 rewrite to image_dataset_from_directory)
# License: Apache-2.0
# Kind: conv
# Needs: Conv2D, MaxPooling2D, Flatten
# Data: fashion_mnist
#   No "Expect" line: the lab never calls evaluate() (its training accuracy reaches about 0.9-1.0).
# Changes to run offline, headless and fast (plt.show() is left: the runner sets MPLBACKEND=Agg):
#   - the wget of horse-or-human.zip is replaced by _corpus_data.write_horse_or_human_zips: a zip with the same
#     folders (horses/, humans/) of 520 + 520 RGB PNGs, 100x100, upscaled from Fashion-MNIST ankle boots
#     ("horses") and trousers ("humans") (the real set: 1,027 photos, 300x300)
#   - the image size 300x300 -> 100x100 (input_shape, target_size, load_img): the smallest round size for which
#     the lab's five conv + pool blocks still leave a 1x1 map; the convnet is unchanged otherwise
#   - epochs=15 -> 2; batch_size 128 -> 32 and steps_per_epoch 8 -> 4 (NumPy convolutions on 100x100 are slow)
#   - the Colab cell that uploads your own photos (google.colab.files.upload) and the closing cell that frees the
#     Colab runtime (google.colab.runtime.unassign) commented out

# In[2]:
# Install packages for compatibility

# NOTE: You can safely ignore errors about version incompatibility of
# Colab-bundled packages (e.g. xarray, pydantic, etc.)

# !pip install tf-keras==2.15 --quiet
# !pip install tensorflow==2.15 --quiet
# !pip install keras==2.15 --quiet

# In[4]:
# !wget https://storage.googleapis.com/tensorflow-1-public/course2/week3/horse-or-human.zip
from _corpus_data import write_horse_or_human_zips  # CHANGED: Fashion-MNIST stand-in, see the header
write_horse_or_human_zips("./horse-or-human.zip", validation=None)

# In[6]:
import zipfile

# Unzip the dataset
local_zip = './horse-or-human.zip'
zip_ref = zipfile.ZipFile(local_zip, 'r')
zip_ref.extractall('./horse-or-human')
zip_ref.close()

# In[8]:
import os

# Directory with our training horse pictures
train_horse_dir = os.path.join('./horse-or-human/horses')

# Directory with our training human pictures
train_human_dir = os.path.join('./horse-or-human/humans')

# In[10]:
train_horse_names = os.listdir(train_horse_dir)
print(train_horse_names[:10])

train_human_names = os.listdir(train_human_dir)
print(train_human_names[:10])

# In[12]:
print('total training horse images:', len(os.listdir(train_horse_dir)))
print('total training human images:', len(os.listdir(train_human_dir)))

# In[14]:
# %matplotlib inline

import matplotlib.pyplot as plt
import matplotlib.image as mpimg

# Parameters for our graph; we'll output images in a 4x4 configuration
nrows = 4
ncols = 4

# Index for iterating over images
pic_index = 0

# In[16]:
# Set up matplotlib fig, and size it to fit 4x4 pics
fig = plt.gcf()
fig.set_size_inches(ncols * 4, nrows * 4)

pic_index += 8
next_horse_pix = [os.path.join(train_horse_dir, fname) 
                for fname in train_horse_names[pic_index-8:pic_index]]
next_human_pix = [os.path.join(train_human_dir, fname) 
                for fname in train_human_names[pic_index-8:pic_index]]

for i, img_path in enumerate(next_horse_pix+next_human_pix):
  # Set up subplot; subplot indices start at 1
  sp = plt.subplot(nrows, ncols, i + 1)
  sp.axis('Off') # Don't show axes (or gridlines)

  img = mpimg.imread(img_path)
  plt.imshow(img)

plt.show()

# In[18]:
import tensorflow as tf

# In[20]:
model = tf.keras.models.Sequential([
    # Note the input shape is the desired size of the image 300x300 with 3 bytes color
    # This is the first convolution
    tf.keras.layers.Conv2D(16, (3,3), activation='relu', input_shape=(100, 100, 3)),  # CHANGED: 300 -> 100
    tf.keras.layers.MaxPooling2D(2, 2),
    # The second convolution
    tf.keras.layers.Conv2D(32, (3,3), activation='relu'),
    tf.keras.layers.MaxPooling2D(2,2),
    # The third convolution
    tf.keras.layers.Conv2D(64, (3,3), activation='relu'),
    tf.keras.layers.MaxPooling2D(2,2),
    # The fourth convolution
    tf.keras.layers.Conv2D(64, (3,3), activation='relu'),
    tf.keras.layers.MaxPooling2D(2,2),
    # The fifth convolution
    tf.keras.layers.Conv2D(64, (3,3), activation='relu'),
    tf.keras.layers.MaxPooling2D(2,2),
    # Flatten the results to feed into a DNN
    tf.keras.layers.Flatten(),
    # 512 neuron hidden layer
    tf.keras.layers.Dense(512, activation='relu'),
    # Only 1 output neuron. It will contain a value from 0-1 where 0 for 1 class ('horses') and 1 for the other ('humans')
    tf.keras.layers.Dense(1, activation='sigmoid')
])

# In[22]:
model.summary()

# In[25]:
from tensorflow.keras.optimizers import RMSprop

model.compile(loss='binary_crossentropy',
              optimizer=RMSprop(learning_rate=0.001),
              metrics=['accuracy'])

# In[27]:
from tensorflow.keras.preprocessing.image import ImageDataGenerator

# All images will be rescaled by 1./255
train_datagen = ImageDataGenerator(rescale=1/255)

# Flow training images in batches of 128 using train_datagen generator
train_generator = train_datagen.flow_from_directory(
        './horse-or-human/',  # This is the source directory for training images
        target_size=(100, 100),  # All images will be resized to 300x300  # CHANGED: 300 -> 100
        batch_size=32,  # CHANGED: 128 -> 32
        # Since we use binary_crossentropy loss, we need binary labels
        class_mode='binary')

# In[29]:
history = model.fit(
      train_generator,
      steps_per_epoch=4,  # CHANGED: 8 -> 4
      epochs=2,  # CHANGED: 15 -> 2
      verbose=1)

# In[31]:
# CHANGED: cell commented out (needs Google Colab: uploads your own photos)
## NOTE: If you are using Safari and this cell throws an error,
## please skip this block and run the next one instead.

# import numpy as np
# from google.colab import files
# from tensorflow.keras.utils import load_img, img_to_array

# uploaded = files.upload()

# for fn in uploaded.keys():
 
#   # predicting images
#   path = '/content/' + fn
#   img = load_img(path, target_size=(100, 100))  # CHANGED: 300 -> 100
#   x = img_to_array(img)
#   x /= 255
#   x = np.expand_dims(x, axis=0)

#   images = np.vstack([x])
#   classes = model.predict(images, batch_size=10)
#   print(classes[0])
    
#   if classes[0]>0.5:
#     print(fn + " is a human")
#   else:
#     print(fn + " is a horse")

# In[33]:
# # CODE BLOCK FOR OLD VERSIONS OF SAFARI

# import numpy as np
# from tensorflow.keras.utils import load_img, img_to_array
# import os

# images = os.listdir("/tmp/images")

# print(images)

# for i in images:
#  print()
#  # predicting images
#  path = '/tmp/images/' + i
#  img = load_img(path, target_size=(100, 100))  # CHANGED: 300 -> 100
#  x = img_to_array(img)
#  x /= 255
#  x = np.expand_dims(x, axis=0)

#  images = np.vstack([x])
#  classes = model.predict(images, batch_size=10)
#  print(classes[0])
#  if classes[0]>0.5:
#    print(i + " is a human")
#  else:
#    print(i + " is a horse")

# In[35]:
import numpy as np
import random
from tensorflow.keras.utils import img_to_array, load_img

# Define a new Model that will take an image as input, and will output
# intermediate representations for all layers in the previous model after
# the first.
successive_outputs = [layer.output for layer in model.layers[1:]]
visualization_model = tf.keras.models.Model(inputs = model.input, outputs = successive_outputs)

# Prepare a random input image from the training set.
horse_img_files = [os.path.join(train_horse_dir, f) for f in train_horse_names]
human_img_files = [os.path.join(train_human_dir, f) for f in train_human_names]
img_path = random.choice(horse_img_files + human_img_files)

img = load_img(img_path, target_size=(100, 100))  # this is a PIL image  # CHANGED: 300 -> 100
x = img_to_array(img)  # Numpy array with shape (300, 300, 3)
x = x.reshape((1,) + x.shape)  # Numpy array with shape (1, 300, 300, 3)

# Scale by 1/255
x /= 255

# Run the image through the network, thus obtaining all
# intermediate representations for this image.
successive_feature_maps = visualization_model.predict(x)

# These are the names of the layers, so you can have them as part of the plot
layer_names = [layer.name for layer in model.layers[1:]]

# Display the representations
for layer_name, feature_map in zip(layer_names, successive_feature_maps):
  if len(feature_map.shape) == 4:

    # Just do this for the conv / maxpool layers, not the fully-connected layers
    n_features = feature_map.shape[-1]  # number of features in feature map

    # The feature map has shape (1, size, size, n_features)
    size = feature_map.shape[1]
    
    # Tile the images in this matrix
    display_grid = np.zeros((size, size * n_features))
    for i in range(n_features):
      x = feature_map[0, :, :, i]
      x -= x.mean()
      x /= x.std()
      x *= 64
      x += 128
      x = np.clip(x, 0, 255).astype('uint8')
    
      # Tile each filter into this big horizontal grid
      display_grid[:, i * size : (i + 1) * size] = x
    
    # Display the grid
    scale = 20. / n_features
    plt.figure(figsize=(scale * n_features, scale))
    plt.title(layer_name)
    plt.grid(False)
    plt.imshow(display_grid, aspect='auto', cmap='viridis')

# In[38]:
# CHANGED: cell commented out (needs Google Colab: frees the Colab runtime)
# from google.colab import runtime
# runtime.unassign()

