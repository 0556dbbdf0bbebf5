"""``claimkb remind`` (deadline reminders by e-mail) and ``claimkb check-links`` (link rot), both for cron."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import click

from commands import data_dir_option, main, open_kb
from kb import settings as kb_settings
from kb.accounts import Accounts
from kb.errors import KBError
from kb.knowledge import KnowledgeBase
from kb.watch.links import LinkChecker, LinkChecks, source_addresses, user_agent
from kb.watch.mail import Mailer
from kb.watch.reminders import send_reminders
from kb.watch.watchlists import Watchlists


@contextmanager
def _opened(data_dir: Path) -> Iterator[tuple[KnowledgeBase, Accounts, dict[str, str]]]:
    values = kb_settings.from_environment({"data_dir": str(data_dir)})
    kb = open_kb(data_dir)
    try:
        accounts = Accounts.open(values["accounts_db"], kb_settings.data_dir(values), kb.iris)
        try:
            yield kb, accounts, values
        finally:
            accounts.close()
    finally:
        kb.close()


@main.command()
@data_dir_option
def remind(data_dir: Path) -> None:
    """Send the deadline reminders that are due, once each (safe to run from cron as often as you like).

    Every editor with an e-mail address on their watchlist page gets one mail listing the
    unresolved predictions they follow whose deadline is within their chosen days (or has passed)
    and that they were not reminded of before. Needs CLAIMKB_SMTP_URL.
    """
    with _opened(data_dir) as (kb, accounts, values):
        mailer = Mailer.from_settings(values["smtp_url"], values["mail_from"])
        if mailer is None:
            raise click.ClickException("CLAIMKB_SMTP_URL is not set, so no reminder can be sent.")
        report = send_reminders(kb, Watchlists(accounts), mailer, site=str(kb.iris.base))
    click.echo(report.summary())
    if report.failures:
        sys.exit(1)


@main.command("check-links")
@data_dir_option
@click.option("--timeout", type=click.FloatRange(min=0.1), default=None, help="Seconds per answer (default: setting).")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.0),
    default=None,
    help="Seconds between requests to one host (default: setting).",
)
def check_links(data_dir: Path, timeout: float | None, interval: float | None) -> None:
    """Fetch every source's address (politely) and record whether it is alive, moved or gone.

    The outcomes, with their dates, go to the operational database (CLAIMKB_ACCOUNTS_DB); the
    site's /reports/broken-links lists the broken ones, and source and claim pages offer the archived
    copy of a source that is gone. Exit status 0 even when links are broken: they are the news.
    """
    with _opened(data_dir) as (kb, accounts, values):
        try:
            timeout = timeout or kb_settings.number(values, "link_check_timeout", least=0.1)
            interval = interval if interval is not None else kb_settings.number(values, "link_check_interval")
        except ValueError as error:
            raise KBError(str(error)) from error
        urls = list(dict.fromkeys(source.url for source in source_addresses(kb)))
        checks = LinkChecks(accounts)
        counts: dict[str, int] = {}
        agent = user_agent(str(kb.iris.base), values["publisher_name"])
        click.echo(f"Checking {len(urls)} address(es) as “{agent}”, {interval:g} s apart per host…")
        with LinkChecker(user_agent=agent, timeout=timeout, interval=interval) as checker:
            for outcome in checker.check_all(urls):
                checks.record(outcome)
                counts[outcome.state] = counts.get(outcome.state, 0) + 1
                moved = f" → {outcome.moved_to}" if outcome.moved_to else ""
                click.echo(f"{outcome.state:8} {outcome.url}{moved}  ({outcome.detail})")
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    click.echo(f"Checked {len(urls)} on {when}: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) + ".")
