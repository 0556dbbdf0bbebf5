"""The SPARQL servers the tests run the application on: ``oxigraph serve`` and Virtuoso, one way to start either.

``CLAIMKB_TEST_STORE`` names the pass (``tests.conftest``): ``oxigraph`` is the embedded store, and
the server passes (``SERVER_STORES``) start one of these for each test that needs a server.
"""

from __future__ import annotations

from pathlib import Path

from tests.oxigraph_server import OxigraphServer
from tests.virtuoso_server import VirtuosoServer

SERVER_STORES = ("oxigraph-server", "virtuoso")
TestServer = OxigraphServer | VirtuosoServer


def start_server(kind: str, location: Path | None = None) -> TestServer:
    """A running server of ``kind`` (a pass name, or ``oxigraph``/``virtuoso``), keeping its data in
    ``location`` if given (so it can be stopped and started again), else in memory or a temporary directory."""
    if kind in ("virtuoso",):
        return VirtuosoServer(location).start()
    return OxigraphServer(location=location).start()


def discard_server(server: TestServer) -> None:
    """Stop it for good (and delete a Virtuoso database it made for itself)."""
    if isinstance(server, VirtuosoServer):
        server.remove()
    else:
        server.stop()
