"""Editor accounts and API tokens: the command line, hashing, and keeping them out of public data."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from commands import main
from kb.accounts import Accounts
from kb.errors import KBError
from kb.knowledge import KnowledgeBase

pytestmark = pytest.mark.store  # on the embedded store and again on a SPARQL server


def run(data_dir: Path, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, [*args, "--data-dir", str(data_dir)], input=input)


def open_accounts(data_dir: Path) -> tuple[KnowledgeBase, Accounts]:
    kb = KnowledgeBase.open(data_dir, store_url="oxigraph", base_iri="http://localhost:5000/")
    return kb, Accounts(kb.store, kb.iris)


def test_user_add_prompts_twice_and_stores_only_a_hash(tmp_path: Path) -> None:
    result = run(tmp_path, "user", "add", "alice", "--role", "editor", input="made-up pass 1\nmade-up pass 1\n")
    assert result.exit_code == 0, result.output
    kb, accounts = open_accounts(tmp_path)
    try:
        assert accounts.authenticate("alice", "made-up pass 1").name == "alice"  # type: ignore[union-attr]
        assert accounts.authenticate("alice", "made-up pass 2") is None
        stored = [str(q[2]) for q in kb.store.quads()]
        assert "made-up pass 1" not in stored
        assert any(value.startswith("$argon2id$") for value in stored)
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


def test_accounts_live_only_in_the_private_graph(kb: KnowledgeBase) -> None:
    accounts = Accounts(kb.store, kb.iris)
    accounts.add("erin", "editor", "made-up password")
    accounts.create_token("erin")
    account_quads = [q for q in kb.store.quads() if "accounts#" in str(q[1])]
    assert account_quads
    assert all(q[3] == kb.iris.private_graph("accounts") and kb.iris.is_private(q[3]) for q in account_quads)
    with pytest.raises(KBError):
        accounts.add("erin", "editor", "made-up password")


def test_user_commands_explain_a_locked_store(tmp_path: Path) -> None:
    kb = KnowledgeBase.open(tmp_path, store_url="oxigraph", base_iri="http://localhost:5000/")
    try:
        result = run(tmp_path, "user", "list")
    finally:
        kb.close()
    assert result.exit_code != 0
    assert "stop the site" in result.output
