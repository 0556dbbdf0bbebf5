"""Deadline reminders by e-mail: ``claimkb remind``, and the server's scheduled run.

Each run finds, for every editor with an e-mail address, the unresolved predictions they follow
whose deadline is within their chosen number of days (or has passed), leaves out those reminded
of already (with the same deadline), reserves the rest in the accounts database, sends one mail
listing them and records it as sent. Running it twice sends nothing the second time; two runs at
once (two hosts, cron beside the scheduler) cannot both reserve one reminder (``kb.watch.watchlists``).
"""

from __future__ import annotations

import logging
import smtplib
import socket
from dataclasses import dataclass, field

from kb.knowledge import KnowledgeBase
from kb.read.watchlist import DuePrediction, Followed, due_predictions, label_of
from kb.watch.mail import Mailer
from kb.watch.watchlists import Watchlists

log = logging.getLogger(__name__)


@dataclass
class RemindReport:
    mails: int = 0  # mails sent
    reminders: int = 0  # predictions reminded of, over all mails
    skipped: int = 0  # predictions reminded of before (or by another run at the same time)
    no_address: int = 0  # editors with something due but no e-mail address
    failures: list[str] = field(default_factory=list)  # "account: why" for each mail that failed

    def summary(self) -> str:
        text = f"Sent {self.mails} mail(s) reminding of {self.reminders} prediction(s)"
        if self.skipped:
            text += f"; {self.skipped} reminded of before"
        if self.no_address:
            text += f"; {self.no_address} editor(s) with something due have no e-mail address"
        if self.failures:
            text += f"; {len(self.failures)} mail(s) failed: " + "; ".join(self.failures)
        return text + "."


def send_reminders(
    kb: KnowledgeBase, watchlists: Watchlists, mailer: Mailer, *, site: str, host: str | None = None
) -> RemindReport:
    """Send every due reminder once; ``site`` is the site's address for the links in the mails."""
    report = RemindReport()
    host = host or socket.gethostname()
    for account, follows in watchlists.followers().items():
        user = watchlists.accounts.get(account)
        if user is None or user.disabled:
            continue
        settings = watchlists.settings(account)
        followed = [Followed(f.kind, f.slug, label_of(kb, f.kind, f.slug)) for f in follows]
        due = due_predictions(kb, [f for f in followed if f.label is not None], settings.days)
        done = watchlists.reminded(account)
        fresh = [d for d in due if (str(d.claim.iri), _deadline(d)) not in done]
        report.skipped += len(due) - len(fresh)
        if not fresh:
            continue
        if not settings.email:
            report.no_address += 1
            continue
        mine = [d for d in fresh if watchlists.reserve(account, str(d.claim.iri), _deadline(d), host)]
        report.skipped += len(fresh) - len(mine)
        if not mine:
            continue
        keys = [(str(d.claim.iri), _deadline(d)) for d in mine]
        try:
            mailer.send([mailer.message(settings.email, _subject(mine), _body(account, mine, site, settings.days))])
        except (smtplib.SMTPException, OSError) as error:
            watchlists.release(account, keys)
            report.failures.append(f"{account}: {error}")
            log.warning("claimkb: the reminder to %s could not be sent: %s", account, error)
            continue
        watchlists.mark_sent(account, keys)
        report.mails += 1
        report.reminders += len(mine)
    return report


def _deadline(due: DuePrediction) -> str:
    assert due.claim.deadline is not None
    return due.claim.deadline.isoformat()


def _when(due: DuePrediction) -> str:
    if due.days_left > 1:
        return f"in {due.days_left} days"
    if due.days_left == 1:
        return "tomorrow"
    if due.days_left == 0:
        return "today"
    return f"{-due.days_left} day(s) ago, not resolved yet"


def _subject(due: list[DuePrediction]) -> str:
    if len(due) == 1:
        name = due[0].claim.name
        return f"Prediction coming due: {name[:120]}"
    return f"{len(due)} predictions you follow are coming due"


def _body(account: str, due: list[DuePrediction], site: str, days: int) -> str:
    lines = [f"Hello {account},", "", f"These predictions you follow come due within {days} days or have:", ""]
    for item in due:
        assert item.claim.deadline is not None
        lines.append(f"- {item.claim.name}")
        lines.append(f"  deadline {item.claim.deadline.isoformat()} ({_when(item)}), status: {item.claim.status.label}")
        lines.append(f"  {site}claims/{item.claim.slug}")
        because = ", ".join(f"{f.kind} {f.label}" for f in item.because)
        lines.append(f"  (you follow {because})")
        lines.append("")
    lines += [
        "Each prediction is reminded of once (again only if its deadline changes).",
        f"Your watchlist, and where to change or remove your e-mail address: {site}watchlist",
    ]
    return "\n".join(lines) + "\n"
