"""Fixtures: a real knowledge base in a temporary directory, the Flask app over it, and clients.

``CLAIMKB_TEST_STORE`` chooses the store every app is built on: ``oxigraph`` (the embedded store, the
default), ``oxigraph-server`` (a real ``oxigraph serve`` on a free loopback port, one per data
directory, started for the test and stopped after it) or ``virtuoso`` (a real Virtuoso the same way,
``tests.virtuoso_server``). ``make test`` runs the suite the first two ways, and the crash and fault
tests the third.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings

from kb.knowledge import KnowledgeBase
from kb.store import OxigraphStore, Store, open_store
from tests.servers import SERVER_STORES, TestServer, discard_server, start_server
from webapp import create_app

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

AppFactory = Callable[..., Flask]

TEST_STORES = ("oxigraph", *SERVER_STORES)
TEST_STORE = os.environ.get("CLAIMKB_TEST_STORE", "oxigraph")
if TEST_STORE not in TEST_STORES:
    raise pytest.UsageError(f"CLAIMKB_TEST_STORE={TEST_STORE!r}: use one of {', '.join(TEST_STORES)}")


def pytest_report_header() -> str:
    return f"claimkb store: {TEST_STORE}; hypothesis profile: {settings.get_current_profile_name()}"


# Hypothesis profiles: ``quick`` (``make test``) and ``soak`` (``HYPOTHESIS_PROFILE=soak``, the long
# run), whose examples the hostile-input tests share out (``tests.hostile.budget``). Those tests build
# one app per test and check the store around every case, so fixtures are function-scoped on purpose.
settings.register_profile(
    "quick",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("soak", parent=settings.get_profile("quick"), max_examples=2500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from tests.hostile import CASES

    if CASES:
        areas = ", ".join(f"{area} {n}" for area, n in sorted(CASES.items()))
        terminalreporter.write_line(f"hostile cases generated: {sum(CASES.values())} ({areas})")


SEARCH_BACKENDS = ("whoosh", "tantivy")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # A module that uses ``search_backend`` runs once per search engine, with the same expectations.
    if "search_backend" in metafunc.fixturenames:
        metafunc.parametrize("search_backend", SEARCH_BACKENDS, indirect=True, scope="module")


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
    """A data directory loaded with the seed once per session; tests get copies of it."""
    data_dir = tmp_path_factory.mktemp("seeded") / "data"
    kb = KnowledgeBase.open(data_dir, base_iri="http://localhost:5000/")
    kb.ensure_seed()
    kb.close()
    return data_dir


@pytest.fixture
def make_app(tmp_path: Path, seeded_template: Path, request: pytest.FixtureRequest) -> Iterator[AppFactory]:
    """Build apps over fresh data directories (copies of the seeded one); each is closed afterwards.

    ``seed="0"`` gives an empty knowledge base instead. On the server pass each data directory gets
    its own in-memory server (about 40 ms to start), loaded with the seeded template's quads, so
    apps over different directories never share data and an app reopened over the same one does.
    Tests marked ``embedded_store`` (a feature only the embedded store offers) stay on it.
    """
    made: list[Flask] = []
    servers: dict[str, TestServer] = {}

    def factory(**config: Any) -> Flask:
        seeded = False
        if "data_dir" not in config:
            config["data_dir"] = str(tmp_path / f"data{len(made)}")
            if config.get("seed", "1") != "0" and config.get("store", "oxigraph") == "oxigraph":
                shutil.copytree(seeded_template, config["data_dir"])
                seeded = True
        on_server = TEST_STORE in SERVER_STORES and request.node.get_closest_marker("embedded_store") is None
        if on_server and "store" not in config:
            server = servers.get(config["data_dir"])
            if server is None:
                server = servers[config["data_dir"]] = start_server(TEST_STORE)
                if seeded:
                    _copy_store(seeded_template / "store", server.store_url, tmp_path)
            config["store"] = server.store_url
        config.setdefault("store", "oxigraph")
        config.setdefault("base_iri", "http://localhost:5000/")
        config.setdefault("TESTING", True)
        app = create_app(config)
        made.append(app)
        return app

    yield factory
    for app in made:
        if "claimkb" in app.extensions:
            app.extensions["claimkb"].close()
    for server in servers.values():
        discard_server(server)


def _copy_store(source: Path, store_url: str, tmp_path: Path) -> None:
    template = OxigraphStore(source, read_only=True)
    target = open_store(store_url, tmp_path)
    target.bulk_load(template.quads())
    target.close()
    template.close()


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


# --- editors: accounts, login and CSRF tokens read from the forms --------------------------------

EDITOR_NAME = "test-editor"
EDITOR_PASSWORD = "made-up test password"


def csrf_token(html: str) -> str:
    """The CSRF token of the first form in ``html``, read through an HTML parser."""
    from html.parser import HTMLParser

    class Finder(HTMLParser):
        token: str | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            values = dict(attrs)
            if tag == "input" and values.get("name") == "csrf_token" and self.token is None:
                self.token = values.get("value")

    finder = Finder()
    finder.feed(html)
    assert finder.token, "no CSRF token in the page"
    return finder.token


def login(client: FlaskClient, name: str = EDITOR_NAME, password: str = EDITOR_PASSWORD) -> Any:
    page = client.get("/login")
    return client.post("/login", data={"csrf_token": csrf_token(page.text), "name": name, "password": password})


@pytest.fixture
def accounts(app: Flask):  # type: ignore[no-untyped-def]
    store = app.extensions["claimkb_accounts"]
    store.add(EDITOR_NAME, "editor", EDITOR_PASSWORD)
    return store


@pytest.fixture
def editor_client(app: Flask, accounts: Any) -> FlaskClient:
    """A client logged in as an editor (CSRF protection stays on)."""
    client = app.test_client()
    response = login(client)
    assert response.status_code == 302
    return client
