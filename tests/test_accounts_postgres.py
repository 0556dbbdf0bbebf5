"""The accounts database on a real PostgreSQL server, shared by several hosts of the site.

The server is Debian's PostgreSQL, started for this module in a temporary directory on a free loopback
port (``tests.postgres_server``) and stopped after; each test gets a database of its own. Two apps over
separate data directories stand for two hosts: an editor added on one logs in on the other, a disabled
one is logged out everywhere, failed logins are counted across hosts, and ``claimkb user …`` changes
the accounts while the hosts serve.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from claims.model import Iris
from commands import main
from kb.accounts import Accounts, LoginThrottle
from kb.errors import KBError
from kb.knowledge import KnowledgeBase
from tests.helpers import login
from tests.legacy_accounts import write_legacy_account
from tests.postgres_server import PostgresServer, available

pytestmark = pytest.mark.skipif(not available(), reason="PostgreSQL is not installed: scripts/install-postgresql")


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture
def database(postgres: PostgresServer) -> str:
    return postgres.fresh_database()


def test_accounts_on_postgresql(database: str, tmp_path: Path) -> None:
    accounts = Accounts.open(database, tmp_path, Iris("http://localhost:5000/"))
    other = Accounts.open(database, tmp_path / "other-host", Iris("http://localhost:5000/"))
    try:
        accounts.add("pg-admin", "admin", "a made-up password")
        assert other.authenticate("pg-admin", "a made-up password") is not None
        token = other.create_token("pg-admin", actor="other-host")
        assert accounts.user_for_token(token).name == "pg-admin"  # type: ignore[union-attr]
        with pytest.raises(KBError) as last:
            accounts.set_role("pg-admin", "editor")
        assert last.value.status == 409
        secret = accounts.password_link("pg-admin")
        other.set_password_from_link(secret, "a second made-up password")
        with pytest.raises(KBError):
            accounts.set_password_from_link(secret, "a third made-up password")
        assert accounts.revoke_tokens("pg-admin") == 1 and other.user_for_token(token) is None
        throttle_here = LoginThrottle(accounts, "account", limit=3, window=60)
        throttle_there = LoginThrottle(other, "account", limit=3, window=60)
        throttle_here.fail("pg-admin")
        throttle_there.fail("pg-admin")
        assert throttle_here.retry_after("pg-admin") == 0
        throttle_there.fail("pg-admin")
        assert throttle_here.retry_after("pg-admin") > 0, "failures on every host count together"
        actions = [entry.action for entry in accounts.audit_log()]
        assert actions[::-1] == ["add", "token-create", "password-link", "password-set", "token-revoke"]
    finally:
        accounts.close()
        other.close()


def test_two_hosts_share_their_accounts(make_app: Any, database: str, tmp_path: Path) -> None:
    host_a = make_app(accounts_db=database)
    host_b = make_app(accounts_db=database)
    assert host_a.config["DATA_DIR"] != host_b.config["DATA_DIR"]
    result = CliRunner(env={"CLAIMKB_ACCOUNTS_DB": database}).invoke(
        main, ["user", "add", "shared", "--role", "editor", "--generate", "--data-dir", str(tmp_path / "cli")]
    )
    assert result.exit_code == 0, result.output
    password = result.output.strip().rsplit(": ", 1)[1]
    on_a, on_b = host_a.test_client(), host_b.test_client()
    assert login(on_a, "shared", password).status_code == 302, "added by the command line while both serve"
    assert login(on_b, "shared", password).status_code == 302
    assert "Log out shared" in on_b.get("/").text
    host_a.extensions["claimkb_accounts"].set_disabled("shared", True, actor="host-a")
    assert "Log out" not in on_b.get("/").text, "disabled on one host, logged out on every host"
    host_b.extensions["claimkb_accounts"].set_disabled("shared", False, actor="host-b")
    stranger_a, stranger_b = host_a.test_client(), host_b.test_client()
    for attempt in range(5):
        client = stranger_a if attempt % 2 else stranger_b
        assert login(client, "shared", "not the password").status_code == 401
    assert login(stranger_a, "shared", password).status_code == 429, "five failures across two hosts"
    assert login(stranger_b, "shared", password).status_code == 429


def test_the_migration_moves_accounts_into_postgresql(database: str, tmp_path: Path, store_url: str | None) -> None:
    data_dir = tmp_path / "data"
    kb = KnowledgeBase.open(data_dir, store_url=store_url or "oxigraph", base_iri="http://localhost:5000/")
    try:
        kb.ensure_seed()
        write_legacy_account(kb, "old-pg", "editor", "an old made-up password", "an-old-made-up-token-for-pg")
    finally:
        kb.close()
    env = {"CLAIMKB_ACCOUNTS_DB": database, **({"CLAIMKB_STORE": store_url} if store_url else {})}
    result = CliRunner(env=env).invoke(main, ["migrate-accounts", "--data-dir", str(data_dir)])
    assert result.exit_code == 0 and "Moved 1 account(s)" in result.output, result.output
    accounts = Accounts.open(database, data_dir, Iris("http://localhost:5000/"))
    try:
        assert accounts.authenticate("old-pg", "an old made-up password") is not None
        assert accounts.user_for_token("an-old-made-up-token-for-pg").name == "old-pg"  # type: ignore[union-attr]
    finally:
        accounts.close()
    assert (
        "Nothing to move" in CliRunner(env=env).invoke(main, ["migrate-accounts", "--data-dir", str(data_dir)]).output
    )


def test_watchlist_reminders_and_leases_across_hosts(database: str, tmp_path: Path) -> None:
    """Two hosts on one PostgreSQL database: one lease holder at a time, each reminder reserved once
    however many runs race for it, and link-check outcomes shared."""
    import threading

    from kb.watch.links import LinkChecks, Outcome
    from kb.watch.watchlists import Watchlists

    here = Accounts.open(database, tmp_path, Iris("http://localhost:5000/"))
    there = Accounts.open(database, tmp_path / "other-host", Iris("http://localhost:5000/"))
    try:
        here.add("pg-watcher", "editor", "a made-up password")
        lists = [Watchlists(here), Watchlists(there)]
        assert lists[0].follow("pg-watcher", "topic", "logistics")
        assert [f.slug for f in lists[1].follows("pg-watcher")] == ["logistics"]
        assert lists[0].lease("remind", "host-a", 60) and not lists[1].lease("remind", "host-b", 60)
        won: list[bool] = []
        start = threading.Barrier(8)

        def race(number: int) -> None:
            start.wait()
            won.append(lists[number % 2].reserve("pg-watcher", "http://x/claims/c", "2030-01-01", f"h{number}"))

        threads = [threading.Thread(target=race, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(won) == [False] * 7 + [True]
        LinkChecks(here).record(Outcome("https://example.org/a", "gone", 410, checked_at=1.0))
        assert LinkChecks(there).get("https://example.org/a").state == "gone"  # type: ignore[union-attr]
    finally:
        here.close()
        there.close()
