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


def fetch_california_housing():
    """Like sklearn.datasets.fetch_california_housing: ``.data`` (N, 8), ``.target`` (N,) in $100,000s."""
    x, y = _table(1000, 8, 4)
    return SimpleNamespace(data=x, target=y)


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
