"""Editor accounts and API tokens: the command line, hashing, the accounts database, and the migration
of accounts an older version kept in the store's private graph."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from claims.model import Iris
from commands import main
from kb.accounts import Accounts
from kb.errors import KBError
from kb.knowledge import KnowledgeBase

pytestmark = pytest.mark.store  # on the embedded store and again on a SPARQL server


def run(data_dir: Path, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, [*args, "--data-dir", str(data_dir)], input=input)


def open_accounts(data_dir: Path) -> tuple[KnowledgeBase, Accounts]:
    kb = KnowledgeBase.open(data_dir, store_url="oxigraph", base_iri="http://localhost:5000/")
    accounts = Accounts.open(None, data_dir, kb.iris)
    kb.close_hooks.append(accounts.close)
    return kb, accounts


def database_bytes(data_dir: Path) -> str:
    """Everything in the SQLite accounts database files, as text (for looking for a value)."""
    return "".join(p.read_bytes().decode("latin-1") for p in data_dir.glob("accounts.sqlite3*"))


def test_a_real_claimkb_process_hashes_with_argon2id_at_rfc_9106_strength(tmp_path: Path) -> None:
    """The product's own hashing (the apps built inside the test process use a cheap profile)."""
    claimkb = Path(sys.executable).with_name("claimkb")
    subprocess.run(
        [claimkb, "user", "add", "olga", "--role", "editor", "--data-dir", tmp_path],
        input=b"made-up pass 1\nmade-up pass 1\n",
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert "$argon2id$v=19$m=65536,t=3,p=4$" in database_bytes(tmp_path)


def test_user_add_prompts_twice_and_stores_only_a_hash(tmp_path: Path) -> None:
    result = run(tmp_path, "user", "add", "alice", "--role", "editor", input="made-up pass 1\nmade-up pass 1\n")
    assert result.exit_code == 0, result.output
    kb, accounts = open_accounts(tmp_path)
    try:
        assert accounts.authenticate("alice", "made-up pass 1").name == "alice"  # type: ignore[union-attr]
        assert accounts.authenticate("alice", "made-up pass 2") is None
        stored = [str(q[2]) for q in kb.store.quads()]
        assert not any("argon2" in value for value in stored), "no hash in the store"
        assert "made-up pass 1" not in database_bytes(tmp_path)
        assert "$argon2id$" in database_bytes(tmp_path)
    finally:
        kb.close()


def test_user_add_refuses_mismatched_or_short_passwords(tmp_path: Path) -> None:
    mismatched = run(tmp_path, "user", "add", "bob", "--role", "editor", input="made-up pass 1\nother pass 22\n" * 1)
    assert mismatched.exit_code != 0
    short = run(tmp_path, "user", "add", "bob", "--role", "editor", input="short\nshort\n")
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    assert "No accounts yet" in run(tmp_path, "user", "list").output


def test_generated_password_is_printed_once_and_works(tmp_path: Path) -> None:
    result = run(tmp_path, "user", "add", "carol", "--role", "admin", "--generate")
    assert result.exit_code == 0
    password = result.output.strip().rsplit(": ", 1)[1]
    assert len(password) >= 16
    kb, accounts = open_accounts(tmp_path)
    try:
        user = accounts.authenticate("carol", password)
        assert user is not None and user.role == "admin"
    finally:
        kb.close()
    assert password not in run(tmp_path, "user", "list").output


def test_list_disable_and_tokens(tmp_path: Path) -> None:
    run(tmp_path, "user", "add", "dave", "--role", "editor", "--generate")
    token = run(tmp_path, "token", "create", "dave").output.strip()
    assert len(token) >= 40
    kb, accounts = open_accounts(tmp_path)
    try:
        assert accounts.user_for_token(token).name == "dave"  # type: ignore[union-attr]
        assert token not in {str(q[2]) for q in kb.store.quads()}
    finally:
        kb.close()
    assert run(tmp_path, "user", "list").output.split() == ["dave", "editor", "active"]
    assert run(tmp_path, "user", "disable", "dave").exit_code == 0
    assert run(tmp_path, "user", "list").output.split() == ["dave", "editor", "disabled"]
    kb, accounts = open_accounts(tmp_path)
    try:
        assert accounts.user_for_token(token) is None
    finally:
        kb.close()
    assert run(tmp_path, "token", "create", "dave").exit_code != 0
    assert run(tmp_path, "user", "disable", "nobody").exit_code != 0
    assert run(tmp_path, "user", "add", "Bad Name!", "--role", "editor", "--generate").exit_code != 0


def test_accounts_live_only_in_the_accounts_database(kb: KnowledgeBase, app) -> None:  # type: ignore[no-untyped-def]
    accounts = app.extensions["claimkb_accounts"]
    accounts.add("erin", "editor", "made-up password")
    token = accounts.create_token("erin")
    assert not [q for q in kb.store.quads() if "accounts#" in str(q[1]) or "erin" in str(q[0])]
    assert accounts.user_for_token(token).name == "erin"
    with pytest.raises(KBError):
        accounts.add("erin", "editor", "made-up password")


def test_user_commands_work_while_the_embedded_store_is_open(tmp_path: Path) -> None:
    kb = KnowledgeBase.open(tmp_path, store_url="oxigraph", base_iri="http://localhost:5000/")
    try:
        assert run(tmp_path, "user", "add", "frank", "--role", "editor", "--generate").exit_code == 0
        assert run(tmp_path, "user", "list").output.split() == ["frank", "editor", "active"]
        accounts = Accounts.open(None, tmp_path, kb.iris)
        assert accounts.get("frank") is not None
        accounts.close()
    finally:
        kb.close()


def test_roles_enable_and_token_revocation_from_the_command_line(tmp_path: Path) -> None:
    run(tmp_path, "user", "add", "gail", "--role", "admin", "--generate")
    run(tmp_path, "user", "add", "hugo", "--role", "editor", "--generate")
    refused = run(tmp_path, "user", "role", "gail", "editor")
    assert refused.exit_code != 0 and "last active admin" in refused.output
    assert run(tmp_path, "user", "role", "hugo", "admin").exit_code == 0
    assert run(tmp_path, "user", "role", "gail", "editor").exit_code == 0
    assert run(tmp_path, "user", "disable", "hugo").exit_code != 0, "hugo is now the last admin"
    first = run(tmp_path, "token", "create", "gail").output.strip()
    second = run(tmp_path, "token", "create", "gail").output.strip()
    listed = run(tmp_path, "token", "list", "gail").output.splitlines()
    assert [line.split("\t")[3] for line in listed] == ["active", "active"]
    first_id = listed[0].split("\t")[0]
    assert run(tmp_path, "token", "revoke", "gail", "--id", first_id).exit_code == 0
    accounts = Accounts.open(None, tmp_path, Iris("http://localhost:5000/"))
    try:
        assert accounts.user_for_token(first) is None
        assert accounts.user_for_token(second).name == "gail"  # type: ignore[union-attr]
    finally:
        accounts.close()
    assert "Revoked 1 token(s)" in run(tmp_path, "token", "revoke", "gail").output
    assert run(tmp_path, "user", "disable", "gail").exit_code == 0
    assert run(tmp_path, "user", "enable", "gail").exit_code == 0
    audit = run(tmp_path, "user", "audit").output
    for action in ("add", "role", "token-create", "token-revoke", "disable", "enable"):
        assert f"\t{action}\t" in audit
    assert first not in audit and second not in audit


def test_a_password_link_works_once_and_expires(tmp_path: Path) -> None:
    run(tmp_path, "user", "add", "ivy", "--role", "editor", "--generate")
    path = run(tmp_path, "user", "password-link", "ivy").output.strip()
    secret = path.rsplit("/", 1)[1]
    accounts = Accounts.open(None, tmp_path, Iris("http://localhost:5000/"))
    try:
        assert accounts.link_user(secret).name == "ivy"  # type: ignore[union-attr]
        accounts.set_password_from_link(secret, "a new made-up password")
        assert accounts.authenticate("ivy", "a new made-up password") is not None
        with pytest.raises(KBError) as used:
            accounts.set_password_from_link(secret, "another made-up password")
        assert used.value.status == 410
        expired = accounts.password_link("ivy", lifetime=-1)
        assert accounts.link_user(expired) is None
        with pytest.raises(KBError):
            accounts.set_password_from_link(expired, "another made-up password")
        assert accounts.authenticate("ivy", "a new made-up password") is not None
    finally:
        accounts.close()
