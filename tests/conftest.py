"""Fixtures: a real knowledge base in a temporary directory, the Flask app over it, and clients."""

from __future__ import annotations

import shutil
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


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory loaded with the seed once per session; tests get copies of it."""
    data_dir = tmp_path_factory.mktemp("seeded") / "data"
    kb = KnowledgeBase.open(data_dir, base_iri="http://localhost:5000/")
    kb.ensure_seed()
    kb.close()
    return data_dir


@pytest.fixture
def make_app(tmp_path: Path, seeded_template: Path) -> Iterator[AppFactory]:
    """Build apps over fresh data directories (copies of the seeded one); each is closed afterwards.

    ``seed="0"`` gives an empty knowledge base instead.
    """
    made: list[Flask] = []

    def factory(**config: Any) -> Flask:
        if "data_dir" not in config:
            config["data_dir"] = str(tmp_path / f"data{len(made)}")
            if config.get("seed", "1") != "0" and config.get("store", "oxigraph") == "oxigraph":
                shutil.copytree(seeded_template, config["data_dir"])
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
