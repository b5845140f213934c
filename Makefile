# Two entry points for a fresh machine with only Python 3.11+: `make run` and `make test`.
# Each builds its own virtual environment in .venv (re-installed when pyproject.toml changes).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOOK_PLUGINS := $(wildcard hooks/*/pyproject.toml)
HOOK_FILES := $(shell find hooks -type f -not -path '*/__pycache__/*' -not -path '*.egg-info*')
# The example plugins of hooks/ live here, outside the venv's site-packages, so `make run` behaves the same
# whether or not `make test` ran before; the tests that need them put this directory on their path.
EXAMPLE_PLUGINS := $(VENV)/example-plugins
COMPILED_DIR := build/compiled
WHEEL_DIR := build/wheels
PACKAGE_FILES := $(shell find plugin/spasibo -type f -not -path '*/__pycache__/*')

.PHONY: run test lint clean model evaluate compiled

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The core install: what the console sample bot needs, nothing else.
$(VENV)/.core: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# Everything the tests touch: all extras and dev tools (an older .venv had the example plugins installed into
# site-packages: they are removed so that the core install stays as `make run` expects it).
$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m pip uninstall --quiet --yes spasibo-confirmation spasibo-audit-log 2>/dev/null || true
	touch $@ $(VENV)/.core

# The example plugins, installed into their own directory (see EXAMPLE_PLUGINS).
$(VENV)/.example-plugins: $(HOOK_FILES) | $(BIN)/python
	rm -rf $(EXAMPLE_PLUGINS)
	$(BIN)/python -m pip install --quiet --no-deps --target $(EXAMPLE_PLUGINS) $(foreach p,$(dir $(HOOK_PLUGINS)),./$(p))
	touch $@

# The sample bot on the bundled conversation; run from the repository root so `python -m sample_bot` resolves.
run: $(VENV)/.core
	cd $(CURDIR) && $(BIN)/python -m sample_bot < sample_bot/conversation.txt

# The suite on the pure-Python package, then the detection tests again on the compiled build (below), where
# tests/detection/test_compiled.py also checks that its verdicts are the pure code's.
test: $(VENV)/.dev $(VENV)/.example-plugins $(COMPILED_DIR)/.built
	SPASIBO_EXAMPLE_PLUGINS=$(CURDIR)/$(EXAMPLE_PLUGINS) $(BIN)/python -m pytest
	SPASIBO_COMPILED_DIR=$(CURDIR)/$(COMPILED_DIR) PYTHONPATH=$(CURDIR)/$(COMPILED_DIR) \
		$(BIN)/python -m pytest -q tests/detection -m "not slow"

# The detector's hot modules compiled with mypyc into C extensions, for deployments that want its speed
# (docs/performance.md): the opt-in compiled wheel (pyproject.toml's mypyc build hook names the modules), built
# offline from the dev venv into build/wheels and installed into build/compiled, which the tests (and a
# deployment that does not pip install the wheel) put first on PYTHONPATH; so the suite's compiled pass tests
# what the wheel ships. Rebuilt when any file of the package or pyproject.toml changes. The hook compiles
# beside the sources: HATCH_BUILD_CLEAN_HOOKS_AFTER removes those extensions once they are in the wheel, so no
# stale one shadows an edited source, nor the editable install of the pure pass.
$(COMPILED_DIR)/.built: $(VENV)/.dev pyproject.toml $(PACKAGE_FILES)
	rm -rf $(COMPILED_DIR) $(WHEEL_DIR)
	HATCH_BUILD_HOOK_ENABLE_MYPYC=true HATCH_BUILD_CLEAN_HOOKS_AFTER=true \
		$(BIN)/python -m pip wheel --quiet --no-index --no-deps --no-build-isolation --wheel-dir $(WHEEL_DIR) .
	$(BIN)/python -m pip install --quiet --no-index --no-deps --target $(COMPILED_DIR) $(WHEEL_DIR)/spasibo-*.whl
	touch $@

compiled: $(COMPILED_DIR)/.built

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
	rm -rf $(VENV) $(COMPILED_DIR) $(WHEEL_DIR)
