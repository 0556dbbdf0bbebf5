# One entry point: `make run` serves the site, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
HOST   ?= 127.0.0.1
DATA   ?= var

.PHONY: install install-test browser run test soak lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs the project (editable) and its runtime dependencies.
install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

# Adds the test dependencies and Debian's chromium for the browser tests.
install-test: install
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@command -v chromium >/dev/null 2>&1 || ./scripts/install-chromium

run: install
	$(BIN)/claimkb serve --host $(HOST) --port $(PORT) --data-dir $(DATA)

# The suite runs twice: on the embedded store, then on a real `oxigraph serve` (started by the tests).
test: install-test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q
	CLAIMKB_TEST_STORE=oxigraph-server $(BIN)/python -m pytest -q

# The load, crash and fault tests in their long form (CLAIMKB_SOAK=1: 60 s of load, a longer burst of
# writes before the kill -9), on both stores, printing their figures.
RESILIENCE := tests/test_load.py tests/test_crash.py tests/test_faults.py
soak: install-test
	CLAIMKB_SOAK=1 $(BIN)/python -m pytest -q $(RESILIENCE)
	CLAIMKB_SOAK=1 CLAIMKB_TEST_STORE=oxigraph-server $(BIN)/python -m pytest -q $(RESILIENCE)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: install-test
	$(BIN)/python -m bench $(if $(FULL),--full,)

clean:
	rm -rf $(VENV) build *.egg-info
