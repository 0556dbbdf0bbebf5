"""Production serving: the site under gunicorn, with as many worker processes as the store allows.

The embedded Oxigraph store can be opened for writing by one process only, so on it the site runs as
one worker process with threads; on a SPARQL server (``CLAIMKB_STORE=sparql+http://…``) any number of
worker processes (and hosts) share the store, each keeping its own connections.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Mapping
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from kb import settings as kb_settings
from kb.accounts import Accounts
from kb.accounts_migration import migrate_accounts
from kb.errors import KBError, StoreUnavailable
from kb.knowledge import KnowledgeBase
from kb.search.service import SearchService, index_dir

log = logging.getLogger(__name__)


def is_shared_store(store_url: str) -> bool:
    """Whether several processes can write to the store at once (a SPARQL server can; an embedded store cannot)."""
    return store_url.startswith(("sparql+http://", "sparql+https://"))


def check_workers(workers: int, store_url: str) -> None:
    if workers < 1:
        raise KBError("--workers must be at least 1.")
    if workers > 1 and not is_shared_store(store_url):
        raise KBError(
            f"--workers {workers} needs a store that several processes can share, and the embedded store "
            f"({store_url or 'oxigraph'}) opens in one process only. Serve it with --workers 1 and more "
            "--threads, or move the knowledge base to a SPARQL server: "
            "CLAIMKB_STORE=sparql+http://HOST:PORT/ (see the README's Production section)."
        )


def prepare(values: Mapping[str, str]) -> None:
    """Move accounts an older version kept in the store to the accounts database, seed an empty
    knowledge base and build the search index once, before the workers start, so
    that they never race to create either.

    The store is closed again, which releases the embedded store's lock for the worker. A SPARQL
    server that is down now is not fatal: the workers start anyway and catch up when it returns.
    """
    data_dir = kb_settings.data_dir(values)
    knowledge = KnowledgeBase.open(
        data_dir,
        store_url=values["store"],
        base_iri=values["base_iri"],
        writer_url=values.get("writer_url"),
        writer_token=values.get("writer_token"),
    )
    accounts = Accounts.open(values.get("accounts_db"), data_dir, knowledge.iris)
    try:
        migrate_accounts(knowledge, accounts)
        backend = values["search"]
        search = SearchService.open(knowledge, index_dir(data_dir, backend), catch_up=False, backend=backend)
        if values.get("seed", "1") not in ("0", "false", "no"):
            knowledge.ensure_seed()
        knowledge.mark_due_predictions_on_start(data_dir)
        if not values.get("writer_url"):  # hosts writing for themselves; else the writer does this
            knowledge.repository.drop_stale_staging()
        search.catch_up()
    except StoreUnavailable as error:
        log.warning("claimkb: the store is unavailable (%s); the workers will retry", error.message)
    finally:
        accounts.close()
        knowledge.close()


def prepare_in_fresh_process(values: Mapping[str, str]) -> None:
    """Run ``prepare`` in a fresh interpreter, so that the gunicorn master never opens the store.

    RocksDB (under the embedded store) and Tantivy keep process-wide thread pools. A process forked
    after they started inherits their bookkeeping but not their threads: a worker forked from a
    master that had opened the embedded store waited forever in its first flush, so every write hung.
    """
    result = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
        [sys.executable, "-P", "-m", "commands.serving"],
        input=json.dumps(dict(values)),
        text=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines()
        raise KBError(lines[-1] if lines else f"preparing the knowledge base failed ({result.returncode})")
    sys.stderr.write(result.stderr)


class SiteServer(BaseApplication):
    """gunicorn running the site; each worker builds its own app (its own store connection) after forking."""

    def __init__(self, config: Mapping[str, Any], options: Mapping[str, Any]) -> None:
        self.site_config = dict(config)
        self.options = dict(options)
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        from webapp import create_app

        return create_app(self.site_config)


def serve(config: Mapping[str, Any], *, host: str, port: int, workers: int, threads: int, timeout: int = 60) -> None:
    """Run the site under gunicorn until it is stopped (SIGINT / SIGTERM)."""
    values = kb_settings.from_environment({k: v for k, v in config.items() if not k.isupper()})
    check_workers(workers, values["store"])
    prepare_in_fresh_process(values)
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": timeout,
        "graceful_timeout": 10,
        "accesslog": "-",
        "preload_app": False,
        "control_socket_disable": True,
    }
    SiteServer(config, options).run()


def _prepare_from_stdin() -> None:
    logging.basicConfig(format="%(message)s")
    try:
        prepare(json.loads(sys.stdin.read()))
    except KBError as error:
        sys.exit(error.message)


if __name__ == "__main__":
    _prepare_from_stdin()
