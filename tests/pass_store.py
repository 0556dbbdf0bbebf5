"""Apps over the store of this test pass, for modules that share one app: the public SPARQL endpoint's
tests run on the embedded store and, with ``CLAIMKB_TEST_STORE=oxigraph-server``, on a real
``oxigraph serve`` started with the endpoint's time limit as its own query timeout (``--timeout-s``),
as the README tells operators to run it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask

from kb.store import OxigraphStore, open_store
from tests.helpers import TEST_STORE
from tests.live_server import seeded_app
from tests.oxigraph_server import OxigraphServer

ON_SERVER = TEST_STORE != "oxigraph"


def load_template(template: Path, store_url: str, data_dir: Path) -> None:
    """The seeded template's quads into the server, and its ``kb.json`` (base IRI) into ``data_dir``."""
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(template / "kb.json", data_dir / "kb.json")
    source = OxigraphStore(template / "store", read_only=True)
    target = open_store(store_url, data_dir)
    target.bulk_load(source.quads())
    target.close()
    source.close()


@contextmanager
def server_for_endpoint(timeout: float) -> Iterator[Any]:
    """A SPARQL server of this pass; Oxigraph with ``--timeout-s`` (Virtuoso takes a timeout per request)."""
    if TEST_STORE == "virtuoso":
        from tests.virtuoso_server import VirtuosoServer

        virtuoso = VirtuosoServer().start()
        try:
            yield virtuoso
        finally:
            virtuoso.remove()
        return
    server = OxigraphServer(timeout=timeout).start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def seeded_app_on_pass(template: Path, data_dir: Path, **config: Any) -> Iterator[Flask]:
    """``seeded_app`` on this pass's store; on a server, ``server`` is in ``app.config['TEST_SERVER']``."""
    if not ON_SERVER:
        with seeded_app(template, data_dir, **config) as app:
            yield app
        return
    from webapp import create_app

    with server_for_endpoint(float(config.get("sparql_timeout", 10))) as server:
        load_template(template, server.store_url, data_dir)
        app = create_app(
            {
                "data_dir": str(data_dir),
                "store": server.store_url,
                "base_iri": "http://localhost:5000/",
                "TESTING": True,
                **config,
            }
        )
        app.config["TEST_SERVER"] = server
        try:
            yield app
        finally:
            app.extensions["claimkb"].close()
