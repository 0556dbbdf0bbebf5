"""What test modules share besides fixtures: the store of this pass, the editor's account, and
reading CSRF tokens and logging in through the real forms.

Test modules import these from here, never from ``conftest.py``: a conftest holds fixtures and hooks,
which pytest finds by itself; anything a module imports by name lives in a module of its own.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.search import SearchRequest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

AppFactory = Callable[..., Flask]

# ``CLAIMKB_TEST_STORE`` chooses the store every app is built on: ``oxigraph`` (the embedded store, the
# default), ``oxigraph-server`` (a real ``oxigraph serve`` per data directory) or ``virtuoso``.
TEST_STORES = ("oxigraph", "oxigraph-server", "virtuoso")
TEST_STORE = os.environ.get("CLAIMKB_TEST_STORE", "oxigraph")
if TEST_STORE not in TEST_STORES:
    raise pytest.UsageError(f"CLAIMKB_TEST_STORE={TEST_STORE!r}: use one of {', '.join(TEST_STORES)}")

# --- editors: accounts, login and CSRF tokens read from the forms --------------------------------

EDITOR_NAME = "test-editor"
EDITOR_PASSWORD = "made-up test password"


def csrf_token(html: str) -> str:
    """The CSRF token of the first form in ``html``, read through an HTML parser."""

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


# --- waiting on another thread or process ---------------------------------------------------------


def wait_until(condition: Callable[[], Any], timeout: float, what: str, interval: float = 0.01) -> Any:
    """Poll ``condition`` until it returns something true, and return that; fail after ``timeout`` s.

    How tests wait for another thread or process: on the condition itself, with a deadline, never a
    fixed sleep that is too short on a busy machine and wasted time on an idle one.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(interval)


# --- search ----------------------------------------------------------------------------------------

# Words, a phrase, the empty query (every claim), a field and a misspelling: what a rebuild must keep.
SNAPSHOT_QUERIES = ("holidays", "tiktok amazon", '"fulfilment centres"', "", "claimant:tiktok", "hollidays")


def search_snapshot(search: Any, queries: tuple[str, ...] = SNAPSHOT_QUERIES) -> list[tuple[Any, ...]]:
    """What ``search`` (a ``SearchService``) answers to each query: its total, the slugs in order, the
    facets and the suggestion, to compare two indexes (or one before and after a rebuild) whole."""
    shots: list[tuple[Any, ...]] = []
    for query in queries:
        result = search.search(SearchRequest(query=query, per_page=100))
        shots.append((query, result.total, [h.slug for h in result.hits], result.facets, result.suggestion))
    return shots
