# Two entry points for a fresh machine with only Python 3.11+: `make run` and `make test`.
# Each builds its own virtual environment in .venv (re-installed when pyproject.toml changes).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOOK_PLUGINS := $(wildcard hooks/*/pyproject.toml)

.PHONY: run test lint clean model evaluate

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The core install: what the console sample bot needs, nothing else.
$(VENV)/.core: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# Everything the tests touch: all extras, dev tools and the example plugins in hooks/.
$(VENV)/.dev: pyproject.toml $(HOOK_PLUGINS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]" $(foreach p,$(dir $(HOOK_PLUGINS)),-e ./$(p))
	touch $@ $(VENV)/.core

# The sample bot on the bundled conversation; run from the repository root so `python -m sample_bot` resolves.
run: $(VENV)/.core
	cd $(CURDIR) && $(BIN)/python -m sample_bot < sample_bot/conversation.txt

test: $(VENV)/.dev
	$(BIN)/python -m pytest

# Rebuild the judge's weights (plugin/spasibo/data/judge.json) from training/data, deterministically.
model: $(VENV)/.dev
	$(BIN)/python -m training.train

# Measure the detector on the frozen test set (training/data/frozen) and any FILES=... given.
evaluate: $(VENV)/.dev
	$(BIN)/python -m training.evaluate --frozen $(FILES)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV)
