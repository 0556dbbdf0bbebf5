"""Fixtures: a real knowledge base in a temporary directory, the Flask app over it, and clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.knowledge import KnowledgeBase
from webapp import create_app

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

AppFactory = Callable[..., Flask]


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[AppFactory]:
    """Build apps over fresh data directories; each is closed afterwards."""
    made: list[Flask] = []

    def factory(**config: Any) -> Flask:
        config.setdefault("data_dir", str(tmp_path / f"data{len(made)}"))
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
