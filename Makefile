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

# Adds the test dependencies, Debian's chromium for the browser tests, Debian's Virtuoso 7 (the second
# SPARQL server the server-store tests run on) and Debian's PostgreSQL for the accounts-database tests
# (which start their own server in a temporary directory).
# (One pip run: the test extra brings the runtime dependencies too.)
install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@command -v chromium >/dev/null 2>&1 || ./scripts/install-chromium
	@command -v virtuoso-t >/dev/null 2>&1 || ./scripts/install-virtuoso
	@./scripts/install-postgresql

run: install
	$(BIN)/claimkb serve --host $(HOST) --port $(PORT) --data-dir $(DATA)

# Tests run in parallel (pytest-xdist, JOBS workers, one module per worker at a time, the slowest
# modules first: SLOW_FIRST in tests/conftest.py, kept in that order by --no-loadscope-reorder; three
# workers on two cores, since many tests wait on servers and browsers rather than compute). Three passes:
# the whole suite on the embedded store (the store, writer and many-hosts tests start the oxigraph and
# Virtuoso servers they need themselves, in this pass); then the tests marked `store` (those whose
# outcome depends on the store: writes, search, the stores themselves) on a real `oxigraph serve`
# started by the tests; then the crash and fault tests, the public SPARQL endpoint's tests (protocol,
# safety, runaway queries) and the secrets tests on a real Virtuoso. A test that only reads the seed
# runs once; `make soak` runs the whole suite on the server too.
JOBS   ?= 3
PYTEST := $(BIN)/python -m pytest -q -n $(JOBS) --dist loadfile --no-loadscope-reorder
SERVER_PASS := CLAIMKB_TEST_STORE=oxigraph-server HYPOTHESIS_PROFILE=server $(PYTEST) -m "store and not embedded_store"
VIRTUOSO_PASS := tests/test_crash.py tests/test_faults.py tests/test_sparql_endpoint.py tests/test_sparql_protocol.py \
	tests/test_sparql_live.py tests/test_sparql_safety.py tests/test_secrets.py tests/test_accounts_migration.py \
	tests/test_accounts_postgres.py
test: install-test
	$(BIN)/ruff check .
	$(PYTEST)
	$(SERVER_PASS)
	CLAIMKB_TEST_STORE=virtuoso $(PYTEST) $(VIRTUOSO_PASS)

# The reliability suites in their long form, on every store, printing their figures: the load, crash,
# fault and many-hosts tests with CLAIMKB_SOAK=1 (60 s of load, a longer burst of writes before the
# kill -9), and the hostile-input tests with the soak Hypothesis profile (50 times as many generated
# cases); then the whole suite on the SPARQL server, read-only page tests included (the server pass's
# long form).
RELIABILITY := tests/test_load.py tests/test_crash.py tests/test_faults.py tests/test_many_hosts.py tests/test_hostile_forms.py \
	tests/test_hostile_api.py tests/test_hostile_queries.py tests/test_hostile_imports.py tests/test_security.py
SOAK := CLAIMKB_SOAK=1 HYPOTHESIS_PROFILE=soak
soak: install-test
	$(SOAK) $(BIN)/python -m pytest -q $(RELIABILITY)
	$(SOAK) CLAIMKB_TEST_STORE=oxigraph-server $(BIN)/python -m pytest -q $(RELIABILITY)
	$(SOAK) CLAIMKB_TEST_STORE=virtuoso $(BIN)/python -m pytest -q $(VIRTUOSO_PASS)
	CLAIMKB_TEST_STORE=oxigraph-server $(PYTEST)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: install-test
	$(BIN)/python -m bench $(if $(FULL),--full,) $(if $(HUGE),--huge,)

clean:
	rm -rf $(VENV) build *.egg-info
