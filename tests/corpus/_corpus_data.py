"""Small synthetic stand-ins for datasets scratchnet does not ship, so corpus programs run offline.

Each corpus program that imports from here says so in its header ("CHANGED: ... from _corpus_data"). The data
are made so that the program's model can learn something (a real signal plus noise), and are small so the whole
corpus stays fast. Same seed every run.

- ``imdb.load_data(num_words)``: "reviews" as lists of word indices; words 1-99 lean positive, 100-199 negative.
- ``reuters.load_data(num_words)``: "newswires" in 46 topics; each topic has its own 8 favourite words.
- ``california_housing.load_data(version)``, ``fetch_california_housing()``, ``boston_housing.load_data()``:
  regression tables, the target a smooth function of the features plus noise.
- ``auto_mpg()``: a table shaped like the UCI Auto MPG data (MPG, Cylinders, ..., Origin) as a dict of columns.
- ``train_test_split``: sklearn's name and argument order, for the programs that used sklearn.
- ``sarcasm_headlines()``, ``write_sarcasm_json(path)``: headlines in the News Headlines Sarcasm format.
- ``tfds.load("imdb_reviews", ...)``: 2,000 / 500 synthetic (bytes, label) reviews, as tensorflow_datasets gives.
- ``write_sunspots_csv(path)``: a monthly series with an 11-year cycle, in the course's Sunspots.csv format.
- ``write_jena_csv(path)``: 7,000 rows of weather readings with the real jena_climate header (Chollet ch. 10).
(The text and series stand-ins are the corpus scout's, helpers/corpus/_corpus_data_additions.py.)
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np


def _sequences(n, num_words, num_classes, rng, favourite):
    labels = rng.integers(0, num_classes, n)
    data = []
    for label in labels:
        words = rng.integers(200, num_words, rng.integers(10, 40))
        signal = favourite(label, rng)
        data.append([1, *np.concatenate([words, signal]).tolist()])  # 1 marks the start, as in Keras's data
    return data, labels


def _imdb_load_data(num_words=1000, **_):
    rng = np.random.default_rng(0)

    def favourite(label, rng):
        return rng.integers(1, 100, 15) + (0 if label else 99)

    train = _sequences(2000, num_words, 2, rng, favourite)
    test = _sequences(500, num_words, 2, rng, favourite)
    return (train[0], train[1]), (test[0], test[1])


def _reuters_load_data(num_words=1000, **_):
    rng = np.random.default_rng(1)
    table = rng.integers(2, 200, (46, 8))

    def favourite(label, rng):
        return rng.choice(table[label], 12)

    train = _sequences(2000, num_words, 46, rng, favourite)
    test = _sequences(500, num_words, 46, rng, favourite)
    return (train[0], train[1]), (test[0], test[1])


def _table(n, d, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)) * rng.uniform(0.5, 20, d) + rng.uniform(-5, 50, d)
    z = (x - x.mean(0)) / x.std(0)
    w = rng.normal(size=d)
    y = np.sin(z[:, 0]) + z @ w * 0.5 + 0.1 * z[:, 1] ** 2 + 0.1 * rng.normal(size=n)
    return x, (y - y.min() + 0.5) * scale


def _california_load_data(version="small", **_):
    x, y = _table(600, 8, 2, scale=100000.0)
    return (x[:480], y[:480]), (x[480:], y[480:])


def _boston_load_data(**_):
    x, y = _table(506, 13, 3, scale=5.0)
    return (x[:404], y[:404]), (x[404:], y[404:])


imdb = SimpleNamespace(load_data=_imdb_load_data)
reuters = SimpleNamespace(load_data=_reuters_load_data)
california_housing = SimpleNamespace(load_data=_california_load_data)
boston_housing = SimpleNamespace(load_data=_boston_load_data)


def train_test_split(*arrays, test_size=0.25, random_state=None):
    """sklearn's split: shuffle once, the last ``test_size`` fraction is the test part; returns train, test pairs."""
    n = len(arrays[0])
    order = np.random.default_rng(random_state).permutation(n)
    n_test = int(np.ceil(n * test_size))
    out = []
    for a in arrays:
        a = np.asarray(a)
        out += [a[order[n_test:]], a[order[:n_test]]]
    return out


def auto_mpg(n=398, seed=5):
    """A table like UCI Auto MPG, as a dict of NumPy columns; MPG falls with weight and horsepower."""
    rng = np.random.default_rng(seed)
    cylinders = rng.choice([4, 6, 8], n, p=[0.5, 0.25, 0.25]).astype(float)
    displacement = cylinders * 40 + rng.normal(0, 15, n)
    horsepower = displacement * 0.45 + 20 + rng.normal(0, 8, n)
    weight = 1500 + displacement * 7 + rng.normal(0, 200, n)
    acceleration = 20 - horsepower / 30 + rng.normal(0, 1.5, n)
    model_year = rng.integers(70, 83, n).astype(float)
    origin = rng.choice([1, 2, 3], n, p=[0.6, 0.2, 0.2]).astype(float)
    mpg = 60 - weight / 130 - horsepower / 20 + (model_year - 70) * 0.7 + rng.normal(0, 2, n)
    return {
        "MPG": mpg,
        "Cylinders": cylinders,
        "Displacement": displacement,
        "Horsepower": horsepower,
        "Weight": weight,
        "Acceleration": acceleration,
        "Model Year": model_year,
        "Origin": origin,
    }


class Table:
    """The few pandas.DataFrame moves the regression tutorial makes, on a dict of NumPy columns.

    ``t['Horsepower']`` is a column, ``t[:1]`` the first row (a Table), ``np.array(t)`` the (N, columns) matrix,
    ``t.pop(name)`` removes and returns a column, ``t.copy()``, ``len(t)``. Keras (and scratchnet) read a
    DataFrame through ``np.asarray``, which is what ``__array__`` gives here.
    """

    def __init__(self, columns: dict):
        self.columns = {k: np.asarray(v, dtype=float) for k, v in columns.items()}

    def __getitem__(self, key):
        if isinstance(key, str):
            return self.columns[key]
        return Table({k: v[key] for k, v in self.columns.items()})

    def __array__(self, dtype=None, copy=None):
        out = np.stack(list(self.columns.values()), axis=1)
        return out if dtype is None else out.astype(dtype)

    def __len__(self):
        return len(next(iter(self.columns.values())))

    def pop(self, name):
        return self.columns.pop(name)

    def copy(self):
        return Table(dict(self.columns))

    def rows(self, index):
        return Table({k: v[index] for k, v in self.columns.items()})


def auto_mpg_table(seed=5):
    """``auto_mpg()`` after the tutorial's cleaning: NaN rows dropped and Origin one-hot as USA/Europe/Japan."""
    columns = auto_mpg(seed=seed)
    origin = columns.pop("Origin")
    for code, name in ((1, "USA"), (2, "Europe"), (3, "Japan")):
        columns[name] = (origin == code).astype(float)
    return Table(columns)


# ---------------------------------------------------------------------------------------------------------------
# Proposed additions to tests/corpus/_corpus_data.py (helpers/corpus scout). Append below the existing code; the
# module docstring should gain one line per name (see each function's docstring). Everything is deterministic.
# ---------------------------------------------------------------------------------------------------------------


class StandardScaler:
    """sklearn.preprocessing.StandardScaler's three moves: ``fit``, ``transform``, ``fit_transform`` (per column)."""

    def fit(self, x):
        x = np.asarray(x, dtype=float)
        self.mean_ = x.mean(axis=0)
        self.scale_ = x.std(axis=0)
        self.scale_[self.scale_ == 0] = 1.0
        return self

    def transform(self, x):
        return (np.asarray(x, dtype=float) - self.mean_) / self.scale_

    def fit_transform(self, x):
        return self.fit(x).transform(x)


# --- text ----------------------------------------------------------------------------------------------------------
# Headlines and reviews are sentences of real English words: a few "signal" words that lean to one class, mixed
# with neutral words, so Tokenizer / TextVectorization build a real vocabulary and a model can learn the task.

_NEUTRAL = (
    "the a of to in and for on with at by from new man woman city report says after about over year day people "
    "area local state world first time week just still back home life family study finds show school team game "
    "old young way night house plan work car dog cat street police water money food"
).split()
_SARCASTIC = (
    "area man nation's totally somehow really apparently finally heroically bravely announces unsure desperately "
    "thrilled shocked nothing everyone incredible excited horrified local clearly just ugh"
).split()
_PLAIN = (
    "trump obama senate congress court election bill president policy climate report budget vote law health "
    "officials economy rates market deal leaders talks reform announced"
).split()
_POSITIVE = "great excellent wonderful loved best brilliant superb enjoyed perfect beautiful fun amazing".split()
_NEGATIVE = "bad awful boring worst terrible waste poor dull hated stupid mess disappointing".split()


_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]  # 70 syllables: 343,000 three-syllable words


def _rare_words(rng, n):
    """``n`` pseudo-words ("kotaru") drawn from a pool of 40,000, so a corpus of a few thousand texts has well
    over 10,000 distinct words, as the real ones do (the labs size their vocabularies at 10,000 and walk
    ``index_word`` up to there)."""
    ids = rng.integers(0, 40000, n)
    k = len(_SYLLABLES)
    return [_SYLLABLES[i % k] + _SYLLABLES[(i // k) % k] + _SYLLABLES[(i // k // k) % k] for i in ids]


def _sentence(rng, signal, n_signal, n_neutral, n_rare=0):
    words = list(rng.choice(signal, n_signal)) + list(rng.choice(_NEUTRAL, n_neutral)) + _rare_words(rng, n_rare)
    rng.shuffle(words)
    return " ".join(words)


def sarcasm_headlines(n=2500, seed=11):
    """A list of dicts like the News Headlines Sarcasm data: ``article_link``, ``headline``, ``is_sarcastic``."""
    rng = np.random.default_rng(seed)
    items = []
    for i in range(n):
        label = int(rng.integers(0, 2))
        headline = _sentence(rng, _SARCASTIC if label else _PLAIN, 2, int(rng.integers(3, 8)), 7)
        site = "theonion" if label else "huffingtonpost"
        items.append({"article_link": f"https://www.{site}.com/{i}", "headline": headline, "is_sarcastic": label})
    return items


def write_sarcasm_json(path="./sarcasm.json", n=2500, seed=11):
    """Write ``sarcasm_headlines(n)`` as the course's ``sarcasm.json`` (one JSON list), where the lab reads it."""
    import json

    with open(path, "w", encoding="utf-8") as f:
        json.dump(sarcasm_headlines(n, seed), f)
    return path


def imdb_reviews(n, seed):
    """``n`` (text, label) pairs: "reviews" of 20-60 words, label 1 leaning on _POSITIVE words, 0 on _NEGATIVE."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        label = int(rng.integers(0, 2))
        text = _sentence(rng, _POSITIVE if label else _NEGATIVE, 4, int(rng.integers(20, 50)), 10)
        out.append((text.capitalize() + ".", label))
    return out


class _Text(bytes):
    """A review as tensorflow_datasets yields it: bytes with ``.numpy()`` (the labs call it; scratchnet.port
    removes the call, so plain bytes must work too)."""

    def numpy(self):
        return bytes(self)


class _Label(int):
    """A label with ``.numpy()``, likewise."""

    def numpy(self):
        return np.int64(self)


class _Split(list):
    """One split of the stand-in: a list of examples, with the ``take(n)`` the course labs call to peek at it."""

    def take(self, n):
        return _Split(self[:n])


def _tfds_load(name, split=None, with_info=False, as_supervised=False, **_):
    """``tfds.load('imdb_reviews', ...)``: {'train': 2,000 and 'test': 500 (bytes, int64) pairs} and an info.

    Each example is a (text, label) pair whose ``.numpy()`` gives bytes and an int64, as tensorflow_datasets'
    tensors do; after porting, ``s.decode('utf8')`` and ``l`` work on them as they are.
    """
    if name.split(":")[0] != "imdb_reviews":
        raise ValueError(f"_corpus_data.tfds has only 'imdb_reviews'. Received: name={name!r}")
    data = {
        "train": _Split((_Text(t.encode("utf8")), _Label(y)) for t, y in imdb_reviews(2000, 21)),
        "test": _Split((_Text(t.encode("utf8")), _Label(y)) for t, y in imdb_reviews(500, 22)),
    }
    if split is not None:
        data = [data[s] for s in split] if isinstance(split, (list, tuple)) else data[split]
    info = SimpleNamespace(name="imdb_reviews", splits={"train": 2000, "test": 500})
    return (data, info) if with_info else data


tfds = SimpleNamespace(load=_tfds_load)


# --- time series ---------------------------------------------------------------------------------------------------


def write_sunspots_csv(path="./Sunspots.csv", n=3265, seed=13):
    """Write a CSV like the course's Sunspots.csv: header ``,Date,Monthly Mean Total Sunspot Number`` and rows
    ``index,YYYY-MM-DD,value``; an 11-year (132-month) cycle of varying height plus noise, never negative."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    height = 80 + 60 * np.sin(2 * np.pi * t / (132 * 8.5)) ** 2
    value = np.maximum(height * np.sin(np.pi * (t % 132) / 132) ** 2 + rng.normal(0, 12, n), 0.0)
    with open(path, "w", encoding="utf-8") as f:
        f.write(",Date,Monthly Mean Total Sunspot Number\n")
        for i in range(n):
            year, month = 1749 + i // 12, i % 12 + 1
            f.write(f"{i},{year:04d}-{month:02d}-28,{value[i]:.1f}\n")
    return path


# --- image folders and zips ----------------------------------------------------------------------------------------
# The course labs read folders of JPEG/PNG photos (horses or humans, cats and dogs, rock-paper-scissors, flowers),
# usually from a zip they downloaded. The stand-ins write Fashion-MNIST images (one clothing class per folder, so a
# small convnet can tell the folders apart) as RGB PNGs in the same folder layout, read from the gz IDX file in
# $SCRATCHNET_TEST_DATA/fashion-mnist (the harness's data; programs using these say "Data: fashion_mnist").
# Different folders of one call never share an image; `offset` keeps a validation set disjoint from training.

FASHION = {
    "tshirt": 0,
    "trouser": 1,
    "pullover": 2,
    "dress": 3,
    "coat": 4,
    "sandal": 5,
    "shirt": 6,
    "sneaker": 7,
    "bag": 8,
    "boot": 9,
}


def _fashion_arrays():
    """(images, labels) of Fashion-MNIST's training file (the test file if that is all there is), read once."""
    import gzip
    import os
    from pathlib import Path

    if _FASHION_CACHE:
        return _FASHION_CACHE[0]
    root = Path(os.environ["SCRATCHNET_TEST_DATA"]) / "fashion-mnist"
    stem = "train" if (root / "train-images-idx3-ubyte.gz").exists() else "t10k"

    def read(name):
        with gzip.open(root / f"{stem}-{name}", "rb") as f:
            magic = int.from_bytes(f.read(4), "big")
            dims = [int.from_bytes(f.read(4), "big") for _ in range(magic & 0xFF)]
            return np.frombuffer(f.read(), np.uint8).reshape(dims)

    _FASHION_CACHE.append((read("images-idx3-ubyte.gz"), read("labels-idx1-ubyte.gz")))
    return _FASHION_CACHE[0]


_FASHION_CACHE: list = []


def _fashion_images(label, count, offset=0):
    images, labels = _fashion_arrays()
    picked = np.flatnonzero(labels == label)[offset : offset + count]
    if len(picked) < count:
        raise ValueError(
            f"_corpus_data: only {len(picked)} Fashion-MNIST images of class {label} after {offset}. "
            f"Received: count={count}"
        )
    return images[picked]


def _image_bytes(image, size, fmt="png"):
    import io

    from PIL import Image

    img = Image.fromarray(image).convert("RGB")
    if size is not None and size != image.shape[:2]:
        img = img.resize(size[::-1], Image.BILINEAR)
    buf = io.BytesIO()
    if fmt == "jpg":
        img.save(buf, format="JPEG", quality=90)
    else:
        img.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def _layout_files(layout, offset, size, fmt="png"):
    """Yield (relative path, image bytes) for ``layout = {folder: (fashion_class, count)}``."""
    for folder, (label, count) in layout.items():
        name = folder.rstrip("/").split("/")[-1]
        for i, image in enumerate(_fashion_images(label, count, offset)):
            yield f"{folder.rstrip('/')}/{name}{i:04d}.{fmt}", _image_bytes(image, size, fmt)


def image_folders(root, layout, offset=0, size=None, fmt="png"):
    """Write ``layout = {"horses": (9, 500), ...}`` under ``root`` (class folders of images); returns ``root``."""
    from pathlib import Path

    for rel, data in _layout_files(layout, offset, size, fmt):
        path = Path(root) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return str(root)


def image_zip(path, layout, offset=0, size=None):
    """Write the same files into the zip archive ``path`` (folders inside as named in ``layout``)."""
    import zipfile

    with zipfile.ZipFile(path, "w") as z:
        for rel, data in _layout_files(layout, offset, size):
            z.writestr(rel, data)
    return str(path)


def write_horse_or_human_zips(train="./horse-or-human.zip", validation="./validation-horse-or-human.zip"):
    """The course's two zips: horses = ankle boots, humans = trousers; 520 + 520 training, 128 + 128 validation
    images (the real sets: 1,027 and 256), 100x100 RGB PNGs (the real ones are 300x300)."""
    layout = {"horses": (FASHION["boot"], 520), "humans": (FASHION["trouser"], 520)}
    image_zip(train, layout, size=(100, 100))
    if validation:
        val = {"horses": (FASHION["boot"], 128), "humans": (FASHION["trouser"], 128)}
        image_zip(validation, val, offset=520, size=(100, 100))
    return train


def write_cats_and_dogs_zip(path="./cats_and_dogs_filtered.zip", n_train=250, n_val=125):
    """``cats_and_dogs_filtered/{train,validation}/{cats,dogs}``: cats = dresses, dogs = sneakers, 64x64 PNGs,
    250 + 250 training and 125 + 125 validation images (the real set: 1,000 + 1,000 and 500 + 500 photos)."""
    layout = {
        "cats_and_dogs_filtered/train/cats": (FASHION["dress"], n_train),
        "cats_and_dogs_filtered/train/dogs": (FASHION["sneaker"], n_train),
    }
    val = {
        "cats_and_dogs_filtered/validation/cats": (FASHION["dress"], n_val),
        "cats_and_dogs_filtered/validation/dogs": (FASHION["sneaker"], n_val),
    }
    import zipfile

    with zipfile.ZipFile(path, "w") as z:
        for rel, data in _layout_files(layout, 0, (64, 64)):
            z.writestr(rel, data)
        for rel, data in _layout_files(val, n_train, (64, 64)):
            z.writestr(rel, data)
    return path


def write_rps_zips(train="./rps.zip", test="./rps-test-set.zip", n_train=200, n_test=60):
    """``rps/{rock,paper,scissors}`` and ``rps-test-set/...``: rock = bags, paper = T-shirts, scissors = sandals;
    64x64 PNGs, 200 training and 60 test a class (the real set: 840 and 124 a class, 300x300 renders)."""
    classes = {"rock": FASHION["bag"], "paper": FASHION["tshirt"], "scissors": FASHION["sandal"]}
    image_zip(train, {f"rps/{k}": (v, n_train) for k, v in classes.items()}, size=(64, 64))
    image_zip(test, {f"rps-test-set/{k}": (v, n_test) for k, v in classes.items()}, offset=n_train, size=(64, 64))
    return train


_FLOWERS = {
    "daisy": FASHION["sneaker"],
    "dandelion": FASHION["bag"],
    "roses": FASHION["dress"],
    "sunflowers": FASHION["trouser"],
    "tulips": FASHION["boot"],
}


def flower_photos(root, per_class=120, size=(64, 64)):
    """``root/{daisy,dandelion,roses,sunflowers,tulips}/*.jpg`` (five clothing classes, 64x64 JPEGs; the real
    set: 3,670 photos of varying size); returns ``root``."""
    return image_folders(root, {k: (v, per_class) for k, v in _FLOWERS.items()}, size=size, fmt="jpg")


def get_flower_photos_tgz(cache_dir="."):
    """What ``tf.keras.utils.get_file("flower_photos.tgz", origin=..., extract=True)`` leaves (Keras 3): the path
    ``cache_dir/flower_photos.tgz``, with the photos in ``cache_dir/flower_photos_extracted/flower_photos``."""
    from pathlib import Path

    flower_photos(Path(cache_dir) / "flower_photos_extracted" / "flower_photos")
    return str(Path(cache_dir) / "flower_photos.tgz")


def flower_photo(path, kind="sunflowers", size=(64, 64)):
    """One more image of ``kind`` (not among flower_photos' ones), written as a JPEG at ``path``; returns it."""
    from pathlib import Path

    image = _fashion_images(_FLOWERS[kind], 1, offset=500)[0]
    Path(path).write_bytes(_image_bytes(image, size, "jpg"))
    return str(path)


def _idx(path, start, count):
    import gzip

    with gzip.open(path, "rb") as f:
        magic = int.from_bytes(f.read(4), "big")
        dims = [int.from_bytes(f.read(4), "big") for _ in range(magic & 0xFF)]
        item = int(np.prod(dims[1:]))
        f.read(start * item)
        return np.frombuffer(f.read(count * item), np.uint8).reshape(count, *dims[1:]).copy()


def write_mnist_npz(path="./mnist.npz", folder="mnist", n_train=2000, n_test=500):
    """Write Keras's ``mnist.npz`` (x_train, y_train, x_test, y_test) with the harness's slice of the data (the
    same 2,000 / 500 images its load_data gives; from the test file alone when the training file is missing)."""
    import os
    from pathlib import Path

    root = Path(os.environ["SCRATCHNET_TEST_DATA"]) / folder
    if (root / "train-images-idx3-ubyte.gz").exists():
        parts = [("train", 0, n_train), ("t10k", 0, n_test)]
    else:
        parts = [("t10k", 0, n_train), ("t10k", 5000, n_test)]
    arrays = {}
    for (stem, start, count), split in zip(parts, ("train", "test"), strict=True):
        arrays[f"x_{split}"] = _idx(root / f"{stem}-images-idx3-ubyte.gz", start, count)
        arrays[f"y_{split}"] = _idx(root / f"{stem}-labels-idx1-ubyte.gz", start, count)
    np.savez(path, **arrays)
    return str(path)


def get_aclimdb(cache_dir=".", n_train=1000, n_test=250, n_unsup=50, seed=23):
    """What ``tf.keras.utils.get_file("aclImdb_v1", url, untar=True, cache_dir='.', cache_subdir='')`` leaves
    (Keras 3): ``cache_dir/aclImdb_v1/aclImdb/{train/{pos,neg,unsup},test/{pos,neg}}/<id>_<stars>.txt``, one
    synthetic review a file (with the real set's ``<br />`` breaks and punctuation); returns ``cache_dir/aclImdb_v1``.
    ``n_train`` / ``n_test`` reviews per class (the real set: 12,500), including ``train/pos/1181_9.txt``, the
    file the tutorial prints."""
    from pathlib import Path

    rng = np.random.default_rng(seed)
    root = Path(cache_dir) / "aclImdb_v1" / "aclImdb"
    for split, n in (("train", n_train), ("test", n_test)):
        for label, folder in ((1, "pos"), (0, "neg")):
            d = root / split / folder
            d.mkdir(parents=True, exist_ok=True)
            for i in range(n):
                words = _sentence(rng, _POSITIVE if label else _NEGATIVE, 4, int(rng.integers(20, 50)), 10).split()
                cut = len(words) // 2
                text = " ".join(words[:cut]).capitalize() + ".<br /><br />" + " ".join(words[cut:]).capitalize() + "!"
                stars = int(rng.integers(7, 11)) if label else int(rng.integers(1, 5))
                name = "1181_9.txt" if (split, folder, i) == ("train", "pos", 0) else f"{i + 2000 * label}_{stars}.txt"
                (d / name).write_text(text, encoding="utf-8")
    unsup = root / "train" / "unsup"
    unsup.mkdir(parents=True, exist_ok=True)
    for i in range(n_unsup):
        (unsup / f"{i}_0.txt").write_text(_sentence(rng, _NEUTRAL, 5, 30), encoding="utf-8")
    return str(Path(cache_dir) / "aclImdb_v1")


_JENA_HEADER = (
    '"Date Time","p (mbar)","T (degC)","Tpot (K)","Tdew (degC)","rh (%)","VPmax (mbar)","VPact (mbar)",'
    '"VPdef (mbar)","sh (g/kg)","H2OC (mmol/mol)","rho (g/m**3)","wv (m/s)","max. wv (m/s)","wd (deg)"'
)


def write_jena_csv(path="./jena_climate_2009_2016.csv", n=7000, seed=24):
    """Write a CSV like jena_climate_2009_2016.csv: the real header (Date Time and 14 readings), one row every
    10 minutes from 01.01.2009 00:10:00; the temperature has a daily cycle (144 rows), a slow drift and
    autocorrelated noise, and the other columns follow from it (pressure, humidity, vapour pressures, density,
    wind) as the real ones roughly do. ``n`` rows (the real file: 420,451; 7,000 is about the least that leaves
    the book's 24-hour-ahead test split any samples); no newline after the last row, like the real file (the
    book's code splits on "\\n" and parses every piece)."""
    import datetime

    rng = np.random.default_rng(seed)
    t = np.arange(n)
    day = np.sin(2 * np.pi * (t % 144) / 144 - np.pi / 2)
    weather = np.cumsum(rng.normal(0, 0.08, n))
    weather -= np.linspace(weather[0], weather[-1], n)
    temp = 2 + 4 * day + 3 * np.sin(2 * np.pi * t / (144 * 40)) + weather + rng.normal(0, 0.2, n)
    p = 990 + 8 * np.sin(2 * np.pi * t / (144 * 5)) + rng.normal(0, 0.5, n)
    rh = np.clip(85 - 5 * day - 2 * weather + rng.normal(0, 3, n), 20, 100)
    vpmax = 6.1078 * np.exp(17.27 * temp / (temp + 237.3))
    vpact = vpmax * rh / 100
    tdew = 237.3 * np.log(vpact / 6.1078) / (17.27 - np.log(vpact / 6.1078))
    wv = np.abs(2 + rng.normal(0, 1, n))
    columns = [
        p,
        temp,
        temp + 273.15 + (1000 - p) * 0.008,
        tdew,
        rh,
        vpmax,
        vpact,
        vpmax - vpact,
        622 * vpact / p / 1.0,
        1000 * vpact / p,
        p * 100 / (287.05 * (temp + 273.15)) * 1000 / 100,
        wv,
        wv * 1.6,
        rng.uniform(0, 360, n),
    ]
    start = datetime.datetime(2009, 1, 1, 0, 10)
    rows = [_JENA_HEADER]
    for i in range(n):
        stamp = (start + datetime.timedelta(minutes=10 * i)).strftime("%d.%m.%Y %H:%M:%S")
        rows.append(stamp + "," + ",".join(f"{c[i]:.2f}" for c in columns))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(rows))
    return path


CALIFORNIA_FEATURES = ["MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup", "Latitude", "Longitude"]


def fetch_california_housing():
    """Like sklearn.datasets.fetch_california_housing: ``.data`` (N, 8), ``.target`` (N,) in $100,000s and
    ``.feature_names`` (the real 8 names; Hands-On ML ch. 13 writes them as the CSV header)."""
    x, y = _table(1000, 8, 4)
    return SimpleNamespace(data=x, target=y, feature_names=list(CALIFORNIA_FEATURES))


def _cifar10_load_data():
    """``cifar10.load_data()``'s shapes and dtypes, (N, 32, 32, 3) uint8 images and (N, 1) uint8 labels: 2,000
    training and 500 test Fashion-MNIST images, padded 28 -> 32 and repeated over three channels (10 classes)."""
    images, labels = _fashion_arrays()
    x = np.repeat(np.pad(images[:2500], ((0, 0), (2, 2), (2, 2)))[..., None], 3, axis=-1)
    y = labels[:2500].reshape(-1, 1).astype(np.uint8)
    return (x[:2000], y[:2000]), (x[2000:], y[2000:])


cifar10 = SimpleNamespace(load_data=_cifar10_load_data)
