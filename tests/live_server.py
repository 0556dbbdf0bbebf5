"""A real HTTP server on a free loopback port, serving an app from a thread, for real clients."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from werkzeug.serving import make_server


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 (a free port) while the block runs; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def seeded_app(template: Path, data_dir: Path, **config: object) -> Iterator[Flask]:
    """An app over a copy of the seeded ``template``, shared by the read-only tests of a module."""
    from webapp import create_app

    shutil.copytree(template, data_dir)

    app = create_app(
        {
            "data_dir": str(data_dir),
            "store": "oxigraph",
            "base_iri": "http://localhost:5000/",
            "TESTING": True,
            **config,
        }
    )
    try:
        yield app
    finally:
        app.extensions["claimkb"].close()
