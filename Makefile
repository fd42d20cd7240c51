# These commands do all set-up on a fresh clone:
#   make demo   train the MNIST exercise and draw its figures into ./out
#   make test   lint, then run the whole test suite (what CI runs)
#   make check  the fast edit loop: lint and the unit tests, under a minute
#   make dist   build and check the sdist and wheel (dist/), then run the wheel in a fresh venv
# Each creates .venv and installs scratchnet with its dev tools the first time (and again when
# pyproject.toml changes), so nothing has to be installed by hand.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test check lint format bench peers figures dist clean sweep

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Offline machines: when SCRATCHNET_DATA_DIR is not set and the project's shared data folder sits beside the
# clone (../shared/data, holding mnist/ and fashion-mnist/), demo and figures read the datasets from there.
SHARED_DATA := $(wildcard $(abspath $(CURDIR)/../shared/data))
DATA_ENV    := $(if $(SCRATCHNET_DATA_DIR),,$(if $(SHARED_DATA),SCRATCHNET_DATA_DIR=$(SHARED_DATA)))

demo: $(STAMP)
	$(DATA_ENV) $(PY) examples/mnist.py $(ARGS)

# The figures in docs/ (committed, so the guide renders on GitHub). Pinned to Fashion-MNIST, which every machine
# can get (download, ../shared/data, or Debian's dataset-fashion-mnist), so they come out the same everywhere.
figures: $(STAMP)
	$(DATA_ENV) $(PY) examples/mnist.py --dataset fashion_mnist --seed 0 --out docs/figures $(ARGS)

# The real-data tests read ../shared/data too when it is there (CI sets SCRATCHNET_TEST_DATA to it as well).
TEST_DATA_ENV := $(if $(SCRATCHNET_TEST_DATA),,$(if $(SHARED_DATA),SCRATCHNET_TEST_DATA=$(SHARED_DATA)))

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(TEST_DATA_ENV) $(PY) -m pytest -n auto $(ARGS)

# The edit loop, under a minute: lint, then the unit tests without the slow ones (subprocesses, benchmark scripts,
# notebook kernels), the corpus, the notebooks and the wheel. `make test` is the whole suite, as CI runs it.
check: lint
	$(PY) -m pytest -q -x -m "not slow" --ignore=tests/test_corpus.py --ignore=tests/test_notebooks.py \
		--ignore=tests/test_packaging.py --ignore=tests/test_examples.py $(ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: $(STAMP)
	$(PY) benchmarks/train_speed.py $(ARGS)

# The release files: the sdist and the wheel in dist/, their metadata and long description checked by twine, then
# the wheel installed into a brand-new venv (build/dist-venv) and run: hello world, from outside the source tree.
DIST_VENV := build/dist-venv

dist: $(STAMP)
	rm -rf dist $(DIST_VENV)
	$(PY) -m build --no-isolation --outdir dist .
	$(PY) -m twine check --strict dist/*
	$(PYTHON) -m venv $(DIST_VENV)
	$(DIST_VENV)/bin/python -m pip install --quiet dist/*.whl
	cd $(DIST_VENV) && ./bin/python -c "import scratchnet, sys; sys.exit('dist-venv' not in scratchnet.__file__)"
	cd $(DIST_VENV) && ./bin/python $(CURDIR)/examples/hello_world.py --epochs 50
	@echo "dist/ is ready: $$(ls dist | tr '\n' ' ')"

# scratchnet against Keras (TensorFlow CPU) and PyTorch (CPU). It builds its own venvs in benchmarks/.venvs (about
# 2.5 GB, a few minutes the first time); none of it is a dependency of the project or part of `make test`.
peers:
	$(DATA_ENV) $(PYTHON) benchmarks/peers.py $(ARGS)

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache .hypothesis build dist *.egg-info

# The reliability sweep (tests/sweep/): some 270 cases of misuse, faults and crafted files, each in its own process
# with a time and memory limit; prints a table of outcomes per class and area. A few minutes; not part of `make test`.
sweep: $(STAMP)
	$(PY) tests/sweep/run.py $(ARGS)
