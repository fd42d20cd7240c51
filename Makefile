# Two commands do all set-up on a fresh clone:
#   make demo   train the MNIST exercise and draw its figures into ./out
#   make test   lint, then run the whole test suite
# Each creates .venv and installs scratchnet with its dev tools the first time (and again when
# pyproject.toml changes), so nothing has to be installed by hand.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test lint format bench figures clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) examples/mnist.py $(ARGS)

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest $(ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: $(STAMP)
	$(PY) benchmarks/train_speed.py $(ARGS)

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache .hypothesis build *.egg-info
