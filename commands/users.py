"""``claimkb user …``, ``claimkb token …`` and ``claimkb migrate-accounts``: editor accounts and API tokens.

Accounts live in their own database (``CLAIMKB_ACCOUNTS_DB``), not in the store, so these commands
never open the store (but ``migrate-accounts``) and work while the site is serving, on every backend.
Each change is recorded in the audit log with the actor ``cli:<login name>``.
"""

from __future__ import annotations

import getpass
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from claims.model import Iris
from commands import data_dir_option, main, open_kb
from kb import settings as kb_settings
from kb.accounts import Accounts, Role, generate_password
from kb.accounts_migration import migrate_accounts
from kb.knowledge import remember_base_iri


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@contextmanager
def _accounts(data_dir: Path) -> Iterator[Accounts]:
    values = kb_settings.from_environment({"data_dir": str(data_dir)})
    directory = kb_settings.data_dir(values)
    directory.mkdir(parents=True, exist_ok=True)
    accounts = Accounts.open(values["accounts_db"], directory, Iris(remember_base_iri(directory, values["base_iri"])))
    try:
        yield accounts
    finally:
        accounts.close()


@main.group()
def user() -> None:
    """Editor accounts: add, list, disable, enable, change role, password links. Readers need no account."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True, help="editor or admin.")
@click.option("--generate", is_flag=True, help="Generate a password and print it once, instead of prompting.")
@data_dir_option
def user_add(name: str, role: str, generate: bool, data_dir: Path) -> None:
    """Add the account NAME. The password is typed twice at a hidden prompt, or generated."""
    password = generate_password() if generate else click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _accounts(data_dir) as accounts:
        accounts.add(name, role, password, actor=_actor())
    click.echo(f"Added {role} {name}.")
    if generate:
        click.echo(f"Password (shown once, write it down now): {password}")


@user.command("list")
@data_dir_option
def user_list(data_dir: Path) -> None:
    """List the accounts with their role and whether they are disabled."""
    with _accounts(data_dir) as accounts:
        users = accounts.all()
    if not users:
        click.echo("No accounts yet: add one with `claimkb user add NAME --role editor`.")
    for account in users:
        click.echo(f"{account.name}\t{account.role}\t{'disabled' if account.disabled else 'active'}")


@user.command("disable")
@click.argument("name")
@data_dir_option
def user_disable(name: str, data_dir: Path) -> None:
    """Disable the account NAME: it can no longer log in or use its API tokens."""
    with _accounts(data_dir) as accounts:
        accounts.set_disabled(name, True, actor=_actor())
    click.echo(f"Disabled {name}.")


@user.command("enable")
@click.argument("name")
@data_dir_option
def user_enable(name: str, data_dir: Path) -> None:
    """Enable the account NAME again."""
    with _accounts(data_dir) as accounts:
        accounts.set_disabled(name, False, actor=_actor())
    click.echo(f"Enabled {name}.")


@user.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice([r.value for r in Role]))
@data_dir_option
def user_role(name: str, role: str, data_dir: Path) -> None:
    """Give the account NAME the role ROLE (editor or admin)."""
    with _accounts(data_dir) as accounts:
        accounts.set_role(name, role, actor=_actor())
    click.echo(f"{name} is now {role}.")


@user.command("password-link")
@click.argument("name")
@click.option("--base-url", default=None, help="The site's address, to print a whole link (else the path).")
@data_dir_option
def user_password_link(name: str, base_url: str | None, data_dir: Path) -> None:
    """Print a one-time link with which NAME sets a new password (valid 48 hours, works once)."""
    with _accounts(data_dir) as accounts:
        secret = accounts.password_link(name, actor=_actor())
    path = f"/account/password/{secret}"
    click.echo((base_url.rstrip("/") + path) if base_url else path)


@user.command("audit")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1))
@data_dir_option
def user_audit(limit: int, data_dir: Path) -> None:
    """The latest account changes: when, who, what, to whom."""
    with _accounts(data_dir) as accounts:
        entries = accounts.audit_log(limit)
    for entry in entries:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(entry.at))
        click.echo(f"{when}Z\t{entry.actor}\t{entry.action}\t{entry.subject}\t{entry.detail}")


@main.group()
def token() -> None:
    """API tokens for the JSON API (Authorization: Bearer TOKEN)."""


@token.command("create")
@click.argument("name")
@data_dir_option
def token_create(name: str, data_dir: Path) -> None:
    """Create an API token for NAME; it is printed once and stored only as a hash."""
    with _accounts(data_dir) as accounts:
        value = accounts.create_token(name, actor=_actor())
    click.echo(value)


@token.command("list")
@click.argument("name", required=False)
@data_dir_option
def token_list(name: str | None, data_dir: Path) -> None:
    """List the tokens (of NAME, or everyone's): number, account, created, revoked."""
    with _accounts(data_dir) as accounts:
        tokens = accounts.tokens(name)
    for info in tokens:
        created = time.strftime("%Y-%m-%d %H:%M", time.gmtime(info.created_at))
        state = "revoked" if info.revoked_at else "active"
        click.echo(f"{info.id}\t{info.account}\t{created}Z\t{state}")


@token.command("revoke")
@click.argument("name")
@click.option("--id", "token_id", type=int, default=None, help="Revoke only this token (see `token list`).")
@data_dir_option
def token_revoke(name: str, token_id: int | None, data_dir: Path) -> None:
    """Revoke the API tokens of NAME (all of them, or the one given with --id)."""
    with _accounts(data_dir) as accounts:
        if token_id is None:
            count = accounts.revoke_tokens(name, actor=_actor())
            click.echo(f"Revoked {count} token(s) of {name}.")
            return
        info = accounts.revoke_token(token_id, actor=_actor())
        if info.account != name:
            raise click.ClickException(f"Token {token_id} is not {name}'s.")
    click.echo(f"Revoked token {token_id}.")


@main.command("migrate-accounts")
@data_dir_option
def migrate(data_dir: Path) -> None:
    """Move accounts an older version kept in the store's private graph into the accounts database.

    The site does this by itself on start; this command does it now and says what it moved. Running
    it again changes nothing. It opens the store: on the embedded store, stop the site first.
    """
    values = kb_settings.from_environment({"data_dir": str(data_dir)})
    kb = open_kb(data_dir)
    try:
        accounts = Accounts.open(values["accounts_db"], kb_settings.data_dir(values), kb.iris)
        try:
            report = migrate_accounts(kb, accounts)
        finally:
            accounts.close()
    finally:
        kb.close()
    if not report.moved_anything:
        click.echo("Nothing to move: the store holds no private graph.")
        return
    click.echo(f"Moved {len(report.imported)} account(s) to the accounts database: {', '.join(report.imported) or '-'}")
    if report.kept:
        click.echo(f"Already there (kept as they are): {', '.join(report.kept)}")
    click.echo(f"Dropped from the store: {', '.join(report.dropped_graphs)}")
