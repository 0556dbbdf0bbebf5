"""``claimkb user …`` and ``claimkb token …``: editor accounts and API tokens."""

from __future__ import annotations

from pathlib import Path

import click

from commands import data_dir_option, main, open_kb
from kb.accounts import Accounts, Role, generate_password
from kb.store import StoreError


def _accounts(data_dir: Path) -> tuple[Accounts, object]:
    try:
        kb = open_kb(data_dir)
    except StoreError as error:
        raise click.ClickException(
            f"{error}. The embedded store takes one writer at a time: stop the site, run this command, "
            "and start the site again."
        ) from error
    return Accounts(kb.store, kb.iris), kb


@main.group()
def user() -> None:
    """Editor accounts: add, list, disable. Readers need no account."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True, help="editor or admin.")
@click.option("--generate", is_flag=True, help="Generate a password and print it once, instead of prompting.")
@data_dir_option
def user_add(name: str, role: str, generate: bool, data_dir: Path) -> None:
    """Add the account NAME. The password is typed twice at a hidden prompt, or generated."""
    password = generate_password() if generate else click.prompt("Password", hide_input=True, confirmation_prompt=True)
    accounts, kb = _accounts(data_dir)
    try:
        accounts.add(name, role, password)
    finally:
        kb.close()  # type: ignore[attr-defined]
    click.echo(f"Added {role} {name}.")
    if generate:
        click.echo(f"Password (shown once, write it down now): {password}")


@user.command("list")
@data_dir_option
def user_list(data_dir: Path) -> None:
    """List the accounts with their role and whether they are disabled."""
    accounts, kb = _accounts(data_dir)
    try:
        users = accounts.all()
    finally:
        kb.close()  # type: ignore[attr-defined]
    if not users:
        click.echo("No accounts yet: add one with `claimkb user add NAME --role editor`.")
    for account in users:
        click.echo(f"{account.name}\t{account.role}\t{'disabled' if account.disabled else 'active'}")


@user.command("disable")
@click.argument("name")
@data_dir_option
def user_disable(name: str, data_dir: Path) -> None:
    """Disable the account NAME: it can no longer log in or use its API tokens."""
    accounts, kb = _accounts(data_dir)
    try:
        accounts.disable(name)
    finally:
        kb.close()  # type: ignore[attr-defined]
    click.echo(f"Disabled {name}.")


@main.group()
def token() -> None:
    """API tokens for the JSON API (Authorization: Bearer TOKEN)."""


@token.command("create")
@click.argument("name")
@data_dir_option
def token_create(name: str, data_dir: Path) -> None:
    """Create an API token for NAME; it is printed once and stored only as a hash."""
    accounts, kb = _accounts(data_dir)
    try:
        value = accounts.create_token(name)
    finally:
        kb.close()  # type: ignore[attr-defined]
    click.echo(value)
