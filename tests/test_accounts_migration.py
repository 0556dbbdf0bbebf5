"""Moving accounts an older version kept in the store's private graph into the accounts database.

On this pass's store (embedded, or a real ``oxigraph serve``): ``claimkb migrate-accounts`` moves
them, old passwords and tokens keep working, no private triple is left behind, a second run changes
nothing, and the site does the same by itself on start.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from commands import main
from kb.accounts import Accounts
from kb.accounts_migration import migrate_accounts, private_graphs
from kb.knowledge import KnowledgeBase
from tests.legacy_accounts import write_legacy_account
from webapp import create_app

pytestmark = pytest.mark.store  # on the embedded store and again on each SPARQL server

BASE = "http://localhost:5000/"
TOKEN = "an-old-made-up-api-token-of-forty-characters-or-more"  # noqa: S105 - made up for the test


def _legacy_kb(data_dir: Path, store_url: str | None) -> None:
    kb = KnowledgeBase.open(data_dir, store_url=store_url or "oxigraph", base_iri=BASE)
    try:
        kb.ensure_seed()
        write_legacy_account(kb, "olga", "admin", "an old made-up password", TOKEN)
        write_legacy_account(kb, "pete", "editor", "another old password", TOKEN + "-2", disabled=True)
        assert private_graphs(kb), "the old private graph is there"
    finally:
        kb.close()


def _no_secret_left(data_dir: Path, store_url: str | None) -> None:
    kb = KnowledgeBase.open(data_dir, store_url=store_url or "oxigraph", base_iri=BASE)
    try:
        assert private_graphs(kb) == []
        values = {str(term) for quad in kb.store.quads() for term in quad if term is not None}
        assert not [v for v in values if "argon2" in v or "accounts#" in v or "/private/" in v]
    finally:
        kb.close()


def test_migrate_accounts_moves_them_and_leaves_no_private_triple(
    tmp_path: Path, store_url: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "data"
    if store_url:
        monkeypatch.setenv("CLAIMKB_STORE", store_url)
    _legacy_kb(data_dir, store_url)
    result = CliRunner().invoke(main, ["migrate-accounts", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    assert "Moved 2 account(s)" in result.output and "olga, pete" in result.output
    _no_secret_left(data_dir, store_url)
    kb = KnowledgeBase.open(data_dir, store_url=store_url or "oxigraph", base_iri=BASE)
    accounts = Accounts.open(None, data_dir, kb.iris)
    try:
        olga = accounts.authenticate("olga", "an old made-up password")
        assert olga is not None and olga.is_admin and olga.sessions_from == 1_700_000_000_000_000_000
        assert accounts.user_for_token(TOKEN).name == "olga"  # type: ignore[union-attr]
        assert accounts.get("pete").disabled  # type: ignore[union-attr]
        assert accounts.authenticate("pete", "another old password") is None
        # Idempotent: a second run (or an interrupted one finished later) finds nothing and changes nothing.
        before = accounts.all()
        assert not migrate_accounts(kb, accounts).moved_anything
        assert accounts.all() == before
    finally:
        accounts.close()
        kb.close()
    again = CliRunner().invoke(main, ["migrate-accounts", "--data-dir", str(data_dir)])
    assert again.exit_code == 0 and "Nothing to move" in again.output


def test_an_interrupted_migration_is_finished_by_the_next(tmp_path: Path, store_url: str | None) -> None:
    """Accounts copied but the graph not yet dropped (a crash in between): the next run keeps the
    copies as they are and drops the graph."""
    data_dir = tmp_path / "data"
    _legacy_kb(data_dir, store_url)
    kb = KnowledgeBase.open(data_dir, store_url=store_url or "oxigraph", base_iri=BASE)
    accounts = Accounts.open(None, data_dir, kb.iris)
    try:
        accounts.import_account("olga", "admin", False, None, 0, [])  # as if the first run stopped here
        report = migrate_accounts(kb, accounts)
        assert report.imported == ["pete"] and report.kept == ["olga"]
        assert private_graphs(kb) == []
        assert accounts.user_for_token(TOKEN).name == "olga"  # type: ignore[union-attr]
    finally:
        accounts.close()
        kb.close()


def test_the_site_moves_them_on_start(tmp_path: Path, store_url: str | None) -> None:
    data_dir = tmp_path / "data"
    _legacy_kb(data_dir, store_url)
    app = create_app({"data_dir": str(data_dir), "store": store_url or "oxigraph", "base_iri": BASE, "TESTING": True})
    try:
        client = app.test_client()
        response = client.get("/api/claims/us-shop-before-holidays")
        assert response.status_code == 200
        assert app.extensions["claimkb_accounts"].user_for_token(TOKEN).name == "olga"
    finally:
        app.extensions["claimkb"].close()
    _no_secret_left(data_dir, store_url)
