"""Fixtures: a real knowledge base in a temporary directory, the Flask app over it, and clients.

``CLAIMKB_TEST_STORE`` chooses the store every app is built on: ``oxigraph`` (the embedded store, the
default), ``oxigraph-server`` (a real ``oxigraph serve`` on a free loopback port, one per data
directory, started for the test and stopped after it) or ``virtuoso`` (a real Virtuoso the same way,
``tests.virtuoso_server``). ``make test`` runs the whole suite on the embedded store, the tests
marked ``store`` on ``oxigraph serve``, and the crash, fault, endpoint and secrets tests on Virtuoso.
Shared test code is in ``tests/helpers.py``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import profiles
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from jinja2.bccache import Bucket, BytecodeCache

from kb.accounts import Accounts
from kb.knowledge import KnowledgeBase
from kb.names import Names
from kb.search.service import SearchService, index_dir
from kb.store import OxigraphStore, Quad, Store, open_store
from tests.helpers import EDITOR_NAME, EDITOR_PASSWORD, TEST_STORE, AppFactory, login
from tests.servers import SERVER_STORES, TestServer, discard_server, start_server
from webapp import create_app

# Password hashing in the apps the tests build in this process: argon2-cffi's profile made for tests
# (Argon2id, one pass over 8 KiB) instead of 64 MiB three times over, for every editor added and every
# login. What the product stores is checked on a real ``claimkb`` process (tests/test_accounts.py);
# the sites the tests start as processes hash as the product does.
Accounts.password_parameters = profiles.CHEAPEST


def pytest_report_header() -> str:
    return f"claimkb store: {TEST_STORE}; hypothesis profile: {settings.get_current_profile_name()}"


# Hypothesis profiles: ``quick`` (``make test``) and ``soak`` (``HYPOTHESIS_PROFILE=soak``, the long
# run), whose examples the hostile-input tests share out (``tests.hostile.budget``). Those tests build
# one app per test and check the store around every case, so fixtures are function-scoped on purpose.
settings.register_profile(
    "quick",
    max_examples=50,  # 100 until 2026-12: half the hostile cases, to keep `make test` within its 10 minutes
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("soak", parent=settings.get_profile("quick"), max_examples=2500)
# The server pass of ``make test`` runs the same hostile-input properties on a SPARQL server with a
# half the cases (the first pass has run them all on the embedded store); ``make soak`` runs the
# full ``soak`` profile on the server as well.
settings.register_profile("server", parent=settings.get_profile("quick"), max_examples=25)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))


# The slowest modules, slowest first (from ``--durations``; add one that becomes as slow). ``make test``
# hands whole modules to its workers (pytest-xdist ``--dist loadfile``) in the order they are collected
# (``--no-loadscope-reorder``): a slow module handed out last kept one worker busy long after the others
# had finished (test_many_hosts, two minutes at the end of the first pass). Longest first evens it out.
SLOW_FIRST = (
    "test_many_hosts.py",
    "test_api_schema.py",
    "test_serving.py",
    "test_api_schema_other_paths.py",
    "test_faults.py",
    "test_hostile_forms.py",
    "test_matching_quality.py",
    "test_hostile_queries.py",
    "test_editor.py",
    "test_security.py",
    "test_virtuoso.py",
    "test_editor_browser.py",
    "test_writer.py",
    "test_search_service.py",
    "test_hostile_api.py",
    "test_accounts_migration.py",
    "test_accounts_postgres.py",
    "test_sparql_endpoint.py",
    "test_sparql_live.py",
    "test_crash.py",
)


# Fixtures whose value differs between the passes: a test that asks for one depends on the store.
STORE_FIXTURES = {"store_url", "empty_store"}


def _compile_url_rules_once() -> None:
    """Werkzeug compiles two Python functions for each URL rule of each app it binds
    (``Rule._compile_builder``): about a tenth of a second of CPU an app, and nearly every test builds
    its own app. The code depends only on the rule, its parsed parts, its defaults and which of the
    two builders it is, so within this test process each is compiled once and reused (every app still
    gets functions of its own from it). Only the tests do this: a serving process builds its app once.
    Should werkzeug's internals change, the patch steps aside and the tests run as before."""
    import builtins

    from werkzeug.routing import rules

    original = getattr(rules.Rule, "_compile_builder", None)
    make_function = getattr(rules.Rule, "_get_func_code", None)
    if original is None or make_function is None:
        return
    codes: dict[tuple[Any, ...], Any] = {}
    last: list[Any] = []

    def compile_and_keep(source: Any, filename: str, mode: str, *args: Any, **kwargs: Any) -> Any:
        code = builtins.compile(source, filename, mode, *args, **kwargs)
        last[:] = [code]
        return code

    def compile_builder(self: Any, append_unknown: bool = True) -> Any:
        key = (self.rule, tuple(self._trace), repr(sorted((self.defaults or {}).items())), append_unknown)
        if key in codes:
            return make_function(codes[key], f"<builder:{self.rule!r}>")
        last.clear()
        builder = original(self, append_unknown)
        if last:
            codes[key] = last[0]
        return builder

    rules.compile = compile_and_keep  # type: ignore[attr-defined]
    rules.Rule._compile_builder = compile_builder  # type: ignore[method-assign]


_compile_url_rules_once()


@pytest.hookimpl(tryfirst=True)  # before ``-m`` selects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Such a test runs in the server pass even if its module forgot the ``store`` marker.
    for item in items:
        if STORE_FIXTURES & set(getattr(item, "fixturenames", ())) and item.get_closest_marker("store") is None:
            item.add_marker(pytest.mark.store)
    slowest_first(items)


def slowest_first(items: list[pytest.Item]) -> None:
    """The modules of SLOW_FIRST first, in its order, then the others with most tests first (as
    pytest-xdist orders them by default); a stable sort keeps each module's tests together and in order."""
    rank = {name: n for n, name in enumerate(SLOW_FIRST)}
    per_module: dict[str, int] = {}
    for item in items:
        per_module[item.path.name] = per_module.get(item.path.name, 0) + 1
    items.sort(key=lambda item: (rank.get(item.path.name, len(rank)), -per_module[item.path.name], item.path.name))


def pytest_sessionfinish(session: pytest.Session) -> None:
    # A pytest-xdist worker hands its count of hostile cases to the controller, which prints the sum.
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        from tests.hostile import CASES

        workeroutput["hostile_cases"] = dict(CASES)


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook
def pytest_testnodedown(node: Any, error: object) -> None:
    from tests.hostile import CASES

    CASES.update(getattr(node, "workeroutput", {}).get("hostile_cases", {}))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from tests.hostile import CASES

    if CASES:
        areas = ", ".join(f"{area} {n}" for area, n in sorted(CASES.items()))
        terminalreporter.write_line(f"hostile cases generated: {sum(CASES.values())} ({areas})")


SEARCH_BACKENDS = ("whoosh", "tantivy")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # A module that uses ``search_backend`` runs once per search engine, with the same expectations.
    # The engines do not depend on the store: the server passes run them on Tantivy only (the engine
    # a knowledge base large enough for a SPARQL server would use); the first pass runs both.
    if "search_backend" in metafunc.fixturenames:
        engines = ("tantivy",) if TEST_STORE in SERVER_STORES else SEARCH_BACKENDS
        metafunc.parametrize("search_backend", engines, indirect=True, scope="module")


@pytest.fixture(scope="module")
def search_backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """The search engine (``CLAIMKB_SEARCH``) of every app built while the module runs."""
    patch = pytest.MonkeyPatch()
    patch.setenv("CLAIMKB_SEARCH", request.param)
    yield request.param
    patch.undo()


@pytest.fixture
def store_url() -> Iterator[str | None]:
    """The ``CLAIMKB_STORE`` of this pass for a test that opens a knowledge base itself (None: embedded)."""
    if TEST_STORE == "oxigraph":
        yield None
        return
    server = start_server(TEST_STORE)
    yield server.store_url
    discard_server(server)


@pytest.fixture
def empty_store(store_url: str | None, tmp_path: Path) -> Iterator[Store]:
    """An empty store of this pass: the embedded one in memory, or an in-memory server."""
    store = open_store(store_url or "memory", tmp_path)
    yield store
    store.close()


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory loaded with the seed once per session; tests get copies of it.

    Under pytest-xdist each worker process builds its own (about a second) in its own temporary
    directory, so workers never share a store."""
    data_dir = tmp_path_factory.mktemp("seeded") / "data"
    kb = KnowledgeBase.open(data_dir, base_iri="http://localhost:5000/")
    kb.ensure_seed()
    # The search indexes of both engines and the names index too, as a started site leaves them: an
    # app over a copy finds them current (they follow the revision log, which the copy and a server
    # loaded with the same quads share) instead of building them again for every test.
    for backend in SEARCH_BACKENDS:
        SearchService.open(kb, index_dir(data_dir, backend), backend=backend)
    Names.open(kb, data_dir).catch_up()
    kb.close()
    return data_dir


class _TemplatesCompiled(BytecodeCache):
    """Jinja's bytecode cache kept in this test process: each app compiles the templates it renders
    (about a hundredth of a second a template), and nearly every test builds its own app. Jinja keys
    each entry by the template's name and checks its source, so an edited template is compiled anew."""

    def __init__(self) -> None:
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.codes:
            bucket.bytecode_from_string(self.codes[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()


TEMPLATES_COMPILED = _TemplatesCompiled()


class AppMaker:
    """Builds apps over fresh data directories under ``root`` (copies of the seeded one); ``close``
    closes them and stops their servers.

    ``seed="0"`` gives an empty knowledge base instead. With ``on_server`` each data directory gets
    its own in-memory ``oxigraph serve`` (about 40 ms to start), loaded with the seeded template's
    quads, so apps over different directories never share data and an app reopened over the same
    one does.
    """

    def __init__(self, root: Path, seeded_template: Path, *, on_server: bool) -> None:
        self.root = root
        self.seeded_template = seeded_template
        self.on_server = on_server
        self.made: list[Flask] = []
        self.servers: dict[str, TestServer] = {}

    def __call__(self, **config: Any) -> Flask:
        seeded = False
        if "data_dir" not in config:
            config["data_dir"] = str(self.root / f"data{len(self.made)}")
            if config.get("seed", "1") != "0" and config.get("store", "oxigraph") == "oxigraph":
                shutil.copytree(self.seeded_template, config["data_dir"])
                seeded = True
        if self.on_server and "store" not in config:
            server = self.servers.get(config["data_dir"])
            if server is None:
                server = self.servers[config["data_dir"]] = start_server(TEST_STORE)
                if seeded:
                    _copy_store(self.seeded_template / "store", server.store_url, self.root)
            config["store"] = server.store_url
        config.setdefault("store", "oxigraph")
        config.setdefault("base_iri", "http://localhost:5000/")
        config.setdefault("TESTING", True)
        app = create_app(config)
        app.jinja_env.bytecode_cache = TEMPLATES_COMPILED
        self.made.append(app)
        return app

    def close(self) -> None:
        for app in self.made:
            if "claimkb" in app.extensions:
                app.extensions["claimkb"].close()
        for server in self.servers.values():
            discard_server(server)


def _on_server(request: pytest.FixtureRequest) -> bool:
    """Whether apps of this test (or module) go on this pass's SPARQL server: on the server pass,
    unless marked ``embedded_store`` (a feature only the embedded store offers)."""
    return TEST_STORE in SERVER_STORES and request.node.get_closest_marker("embedded_store") is None


@pytest.fixture
def make_app(tmp_path: Path, seeded_template: Path, request: pytest.FixtureRequest) -> Iterator[AppFactory]:
    """Build apps on this pass's store over fresh data directories; each is closed after the test."""
    maker = AppMaker(tmp_path, seeded_template, on_server=_on_server(request))
    yield maker
    maker.close()


@pytest.fixture(scope="module")
def make_module_app(
    tmp_path_factory: pytest.TempPathFactory, seeded_template: Path, request: pytest.FixtureRequest
) -> Iterator[AppFactory]:
    """``make_app`` for a module's shared app (tests that only read it), closed after the module."""
    maker = AppMaker(tmp_path_factory.mktemp("module"), seeded_template, on_server=_on_server(request))
    yield maker
    maker.close()


_TEMPLATE_QUADS: dict[Path, list[Quad]] = {}


def _copy_store(source: Path, store_url: str, data_dir: Path) -> None:
    """Load the quads of the store at ``source`` (read once per test process) into the server's."""
    if source not in _TEMPLATE_QUADS:
        template = OxigraphStore(source, read_only=True)
        _TEMPLATE_QUADS[source] = list(template.quads())
        template.close()
    target = open_store(store_url, data_dir)
    target.bulk_load(_TEMPLATE_QUADS[source])
    target.close()


@pytest.fixture
def app(make_app: AppFactory) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def kb(app: Flask) -> KnowledgeBase:
    return app.extensions["claimkb"]  # type: ignore[no-any-return]


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


# --- editors --------------------------------------------------------------------------------------


@pytest.fixture
def accounts(app: Flask):  # type: ignore[no-untyped-def]
    store = app.extensions["claimkb_accounts"]
    store.add(EDITOR_NAME, "editor", EDITOR_PASSWORD)
    return store


@pytest.fixture
def editor_token(accounts: Any) -> str:
    """An API token of the test editor (``Authorization: Bearer …``)."""
    return accounts.create_token(EDITOR_NAME)  # type: ignore[no-any-return]


@pytest.fixture
def editor_client(app: Flask, accounts: Any) -> FlaskClient:
    """A client logged in as an editor (CSRF protection stays on)."""
    client = app.test_client()
    response = login(client)
    assert response.status_code == 302
    return client
