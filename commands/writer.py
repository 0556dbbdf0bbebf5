"""``claimkb writer``: the one process that writes to a SPARQL server shared by several web hosts.

The hosts (``claimkb serve`` with ``CLAIMKB_WRITER_URL`` and ``CLAIMKB_WRITER_TOKEN``) send each
change here; it applies them one at a time (``kb.write.writer.WriterService``). A small Flask app under
gunicorn: one worker process, because the order of writes is kept by a lock in that process (and a
``flock`` in its data directory, so a second writer started by mistake on the same machine waits).
It listens on loopback by default; on a private network give ``--host``, never a public address.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import Flask, Response, jsonify, request
from gunicorn.app.base import BaseApplication

from commands import data_dir_option, main
from kb import settings as kb_settings
from kb.errors import KBError
from kb.knowledge import KnowledgeBase
from kb.write.writer import APPLY_PATH, HEALTH_PATH, WriterService

MAX_CHANGE_BYTES = 256 * 1024 * 1024  # a large import's revision, as N-Triples in JSON


def create_writer_app(service: WriterService) -> Flask:
    app = Flask("claimkb-writer")
    app.config["MAX_CONTENT_LENGTH"] = MAX_CHANGE_BYTES

    @app.post(f"/{APPLY_PATH}")
    def apply() -> tuple[Response, int]:
        if not service.authorised(request.headers.get("Authorization")):
            return jsonify(error={"status": 401, "title": "Unauthorised", "message": "Wrong writer token."}), 401
        status, body = service.handle(request.get_json(silent=True))
        return jsonify(body), status

    @app.get(f"/{HEALTH_PATH}")
    def health() -> tuple[Response, int]:
        try:
            return jsonify(revision=service.repository.revision_count()), 200
        except KBError as error:
            return jsonify(error={"status": error.status, "message": error.message}), 503

    return app


class WriterServer(BaseApplication):
    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def open_writer(data_dir: Path) -> tuple[KnowledgeBase, WriterService]:
    values = kb_settings.from_environment({"data_dir": str(data_dir)})
    store_url = values["store"]
    if not store_url.startswith(("sparql+http://", "sparql+https://")):
        raise click.ClickException(
            "claimkb writer serves hosts that share a SPARQL server: set CLAIMKB_STORE=sparql+http://… "
            "(the embedded store has one process, which writes for itself)."
        )
    knowledge = KnowledgeBase.open(kb_settings.data_dir(values), store_url=store_url, base_iri=values["base_iri"])
    try:
        return knowledge, WriterService(knowledge.store, knowledge.iris, values["writer_token"])
    except KBError as error:
        knowledge.close()
        raise click.ClickException(error.message) from error


@main.command()
@data_dir_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback or private).")
@click.option("--port", default=5100, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(min=1), help="Connections served at once.")
def writer(data_dir: Path, host: str, port: int, threads: int) -> None:
    """Serve the writer that several web hosts hand their writes to (see the README's deployment guide).

    Needs CLAIMKB_STORE (the SPARQL server), CLAIMKB_BASE_IRI (as the hosts') and CLAIMKB_WRITER_TOKEN.
    """
    knowledge, service = open_writer(data_dir)
    try:
        # Staging graphs of a writer that died in a large write (kb.write.repository): only stale ones.
        dropped = service.repository.drop_stale_staging()
        if dropped:
            click.echo(f"claimkb writer: dropped {len(dropped)} staging graphs a stopped writer left behind")
    except KBError as error:  # a server down now is not fatal: the next large write tries again
        click.echo(f"claimkb writer: staging graphs not checked ({error.message})", err=True)
    click.echo(f"claimkb writer: writing to {knowledge.store.url} for the hosts, on http://{host}:{port}/")  # type: ignore[attr-defined]
    options = {
        "bind": f"{host}:{port}",
        "workers": 1,  # one process: the order of writes is kept by its lock
        "threads": threads,
        "worker_class": "gthread",
        "timeout": 300,
        "graceful_timeout": 30,
        "control_socket_disable": True,
    }
    try:
        WriterServer(create_writer_app(service), options).run()
    finally:
        knowledge.close()
