# `make run` and `make test` create (or reuse) the project's virtual environment in .venv
# and install what they need into it first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test lint bench play

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(PY) -m bot

# The bot against the local fake Discord, used from a web page; PLAY_ARGS=--fresh starts
# from an empty server (data are kept in play-data/ between runs).
play: $(VENV)/.installed-test
	$(PY) -m tests.fakediscord.play $(PLAY_ARGS)

# The suite runs in PYTEST_WORKERS processes (pytest-xdist; each has its own databases).
PYTEST_WORKERS ?= 2

test: $(VENV)/.installed-test
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

bench: $(VENV)/.installed-test
	$(PY) -m benchmarks.run $(BENCH_ARGS)
