"""The knowledge base attached to the app: opened once per process, reached through ``get_kb()``."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Mapping
from pathlib import Path

from flask import Flask, current_app

from kb import settings as kb_settings
from kb.accounts import Accounts
from kb.accounts_migration import migrate_accounts
from kb.errors import StoreUnavailable
from kb.knowledge import KnowledgeBase
from kb.names import Names
from kb.search.service import SearchService, index_dir

_EXTENSION_KEY = "claimkb"
_SEARCH_KEY = "claimkb.search"
_ACCOUNTS_KEY = "claimkb_accounts"
_NAMES_KEY = "claimkb.names"

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    values = app.config["CLAIMKB"]
    data_dir = kb_settings.data_dir(values)
    knowledge = KnowledgeBase.open(
        data_dir,
        store_url=values["store"],
        base_iri=values["base_iri"],
        writer_url=values.get("writer_url"),
        writer_token=values.get("writer_token"),
    )
    app.extensions[_EXTENSION_KEY] = knowledge
    accounts = Accounts.open(values.get("accounts_db"), data_dir, knowledge.iris)
    app.extensions[_ACCOUNTS_KEY] = accounts
    knowledge.close_hooks.append(accounts.close)
    backend = values["search"]
    search = SearchService.open(knowledge, index_dir(data_dir, backend), catch_up=False, backend=backend)
    app.extensions[_SEARCH_KEY] = search
    # Entities and sources by name, for the editors' pickers (built on first use, then followed).
    app.extensions[_NAMES_KEY] = Names.open(knowledge, data_dir)
    _start_when_reachable(app, knowledge, search, accounts, values)
    app.config["SECRET_KEY"] = app.config.get("SECRET_KEY") or values.get("secret_key") or _secret_key(data_dir)
    app.config["DATA_DIR"] = data_dir


def _start_when_reachable(
    app: Flask, knowledge: KnowledgeBase, search: SearchService, accounts: Accounts, values: Mapping[str, str]
) -> None:
    """Move accounts an older version kept in the store to the accounts database, seed, mark due
    predictions and catch the search index up now, or — when a SPARQL server is down — on the first
    request after it returns.

    Until then every request answers 503 (the store raises ``StoreUnavailable``), so the app starts and
    recovers by itself instead of staying broken.
    """
    started = threading.Event()
    lock = threading.Lock()

    def start() -> None:
        with lock:
            if started.is_set():
                return
            migrate_accounts(knowledge, accounts)
            if values.get("seed", "1") not in ("0", "false", "no"):
                knowledge.ensure_seed()
            knowledge.mark_due_predictions_on_start(kb_settings.data_dir(values))
            search.catch_up()
            started.set()

    try:
        start()
    except StoreUnavailable as error:
        log.warning("claimkb: starting without the store (%s); will retry on each request", error.message)

    @app.before_request
    def start_if_needed() -> None:
        if not started.is_set():
            start()


def get_kb() -> KnowledgeBase:
    return current_app.extensions[_EXTENSION_KEY]


def get_accounts() -> Accounts:
    """The editor accounts (kept in their own database, never in the store)."""
    accounts: Accounts = current_app.extensions[_ACCOUNTS_KEY]
    return accounts


def get_search() -> SearchService:
    """The search index of the knowledge base, kept in step with its revisions."""
    search: SearchService = current_app.extensions[_SEARCH_KEY]
    return search


def get_names() -> Names:
    """Entities and sources by name (kb.names): the pickers' lookups and resolving typed names."""
    names: Names = current_app.extensions[_NAMES_KEY]
    return names


_key_lock = threading.Lock()


def _secret_key(data_dir: Path) -> str:
    """A random key made on first start and kept in the data directory; never a fixed default."""
    path = data_dir / "secret_key"
    with _key_lock:
        if not path.exists():
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip()
