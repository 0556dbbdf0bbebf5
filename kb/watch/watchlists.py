"""Watchlists: what each editor follows, where their reminders go, and which reminders were sent.

Watchlists are personal data, so they live in the accounts database (``CLAIMKB_ACCOUNTS_DB``)
beside the accounts, never in the public RDF store: no SPARQL query, dump or feed of the public
data can reach them. The tables are created on the accounts engine when first opened (an older
accounts database gains them without a migration: they are new tables).

Reminders are sent at most once: before a mail is sent, each prediction it reminds of is
*reserved* by inserting a row whose key (account, claim, deadline) is unique. Two runs at once —
on one host or on several sharing a PostgreSQL accounts database — cannot both insert it, so
only one sends. A failed send removes its reservations again (the next run retries); a process
killed between sending and recording leaves them reserved: a reminder may then be lost, but is
never sent twice.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    UniqueConstraint,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from claims.model import SLUG_RE
from kb.accounts import Accounts, metadata
from kb.errors import KBError

KINDS = ("claim", "entity", "topic")  # a claimant is an entity: following one covers claims by or about it
MAX_FOLLOWS = 500
DEFAULT_DAYS = 7
MAX_DAYS = 366
EMAIL_RE = re.compile(r"^[^@\s<>\"',;]{1,64}@[A-Za-z0-9.-]{1,189}\.[A-Za-z]{2,63}$")

# On the accounts' metadata: the foreign keys name the accounts table.
follows_table = Table(
    "watch_follows",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account", String(40), ForeignKey("accounts.name"), nullable=False, index=True),
    Column("kind", String(10), nullable=False),
    Column("slug", String(200), nullable=False),
    Column("created_at", Float, nullable=False),
    UniqueConstraint("account", "kind", "slug"),
)

prefs_table = Table(
    "watch_settings",
    metadata,
    Column("account", String(40), ForeignKey("accounts.name"), primary_key=True),
    Column("email", String(254), nullable=True),
    Column("days", Integer, nullable=False, default=DEFAULT_DAYS),
    Column("feed_digest", String(64), nullable=True, unique=True),  # SHA-256 of the private feed's token
)

reminders_table = Table(
    "reminders_sent",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account", String(40), ForeignKey("accounts.name"), nullable=False),
    Column("claim", String(1000), nullable=False),
    Column("deadline", String(10), nullable=False),  # a new deadline is a new reminder
    Column("reserved_at", Float, nullable=False),
    Column("sent_at", Float, nullable=True),  # None: reserved by a run that has not finished sending
    Column("host", String(200), nullable=False, default=""),
    UniqueConstraint("account", "claim", "deadline"),
)

leases_table = Table(
    "job_leases",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("holder", String(200), nullable=False),
    Column("until", Float, nullable=False),
)


@dataclass(frozen=True)
class Follow:
    kind: str
    slug: str
    since: float


@dataclass(frozen=True)
class WatchSettings:
    email: str | None
    days: int
    has_feed: bool


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Watchlists:
    """Follows, reminder settings, private feed tokens, sent reminders and job leases of every editor."""

    def __init__(self, accounts: Accounts) -> None:
        self.accounts = accounts
        create_tables(accounts, [follows_table, prefs_table, reminders_table, leases_table])

    # --- follows ------------------------------------------------------------------------------

    def follows(self, account: str) -> list[Follow]:
        with self.accounts._tx() as tx:
            rows = tx.execute(
                select(follows_table)
                .where(follows_table.c.account == account)
                .order_by(follows_table.c.kind, follows_table.c.slug)
            ).all()
        return [Follow(r.kind, r.slug, r.created_at) for r in rows]

    def is_following(self, account: str, kind: str, slug: str) -> bool:
        with self.accounts._tx() as tx:
            return (
                tx.execute(
                    select(follows_table.c.id).where(
                        follows_table.c.account == account, follows_table.c.kind == kind, follows_table.c.slug == slug
                    )
                ).first()
                is not None
            )

    def follow(self, account: str, kind: str, slug: str) -> bool:
        """Follow ``kind``/``slug``; ``False`` when it was followed already."""
        check_target(kind, slug)
        if len(self.follows(account)) >= MAX_FOLLOWS:
            raise KBError(f"A watchlist holds at most {MAX_FOLLOWS} items; unfollow some first.")
        try:
            with self.accounts._tx() as tx:
                tx.execute(insert(follows_table).values(account=account, kind=kind, slug=slug, created_at=time.time()))
        except IntegrityError:
            return False
        return True

    def unfollow(self, account: str, kind: str, slug: str) -> bool:
        check_target(kind, slug)
        with self.accounts._tx() as tx:
            removed = tx.execute(
                delete(follows_table).where(
                    follows_table.c.account == account, follows_table.c.kind == kind, follows_table.c.slug == slug
                )
            ).rowcount
        return bool(removed)

    def followers(self) -> dict[str, list[Follow]]:
        """Every account's follows (for the reminder run)."""
        result: dict[str, list[Follow]] = {}
        with self.accounts._tx() as tx:
            for r in tx.execute(select(follows_table).order_by(follows_table.c.account)).all():
                result.setdefault(r.account, []).append(Follow(r.kind, r.slug, r.created_at))
        return result

    # --- settings and the private feed ----------------------------------------------------------

    def settings(self, account: str) -> WatchSettings:
        with self.accounts._tx() as tx:
            row = tx.execute(select(prefs_table).where(prefs_table.c.account == account)).first()
        if row is None:
            return WatchSettings(None, DEFAULT_DAYS, False)
        return WatchSettings(row.email, int(row.days), row.feed_digest is not None)

    def set_settings(self, account: str, email: str | None, days: int) -> WatchSettings:
        email = (email or "").strip() or None
        if email is not None and (len(email) > 254 or not EMAIL_RE.match(email)):
            raise KBError("The e-mail address must look like name@example.org.", status=422)
        if not 1 <= days <= MAX_DAYS:
            raise KBError(f"The number of days must be a whole number from 1 to {MAX_DAYS}.", status=422)
        self._upsert(account, email=email, days=days)
        return self.settings(account)

    def new_feed_token(self, account: str) -> str:
        """A new secret for the account's private feed (returned once, stored as its digest);
        the previous one stops working."""
        token = secrets.token_urlsafe(32)
        self._upsert(account, feed_digest=_digest(token))
        return token

    def revoke_feed_token(self, account: str) -> None:
        self._upsert(account, feed_digest=None)

    def account_for_feed(self, token: str) -> str | None:
        if not token or len(token) > 200:
            return None
        with self.accounts._tx() as tx:
            name = tx.execute(select(prefs_table.c.account).where(prefs_table.c.feed_digest == _digest(token))).scalar()
        user = self.accounts.get(name) if name else None
        return None if user is None or user.disabled else user.name

    def _upsert(self, account: str, **values: object) -> None:
        for attempt in range(2):
            try:
                with self.accounts._tx() as tx:
                    changed = tx.execute(
                        update(prefs_table).where(prefs_table.c.account == account).values(**values)
                    ).rowcount
                    if not changed:
                        tx.execute(insert(prefs_table).values(account=account, **{"days": DEFAULT_DAYS, **values}))
                return
            except IntegrityError:
                if attempt:  # the row was made meanwhile by another request: update it
                    raise

    # --- reminders sent -------------------------------------------------------------------------

    def reserve(self, account: str, claim: str, deadline: str, host: str) -> bool:
        """Reserve the reminder of ``claim`` (with this deadline) for ``account``; ``False`` when
        another run did (it is being sent, or was)."""
        try:
            with self.accounts._tx() as tx:
                tx.execute(
                    insert(reminders_table).values(
                        account=account, claim=claim, deadline=deadline, reserved_at=time.time(), host=host[:200]
                    )
                )
        except IntegrityError:
            return False
        return True

    def reminded(self, account: str) -> set[tuple[str, str]]:
        """(claim, deadline) of every reminder reserved or sent for ``account``."""
        with self.accounts._tx() as tx:
            rows = tx.execute(
                select(reminders_table.c.claim, reminders_table.c.deadline).where(reminders_table.c.account == account)
            ).all()
        return {(r.claim, r.deadline) for r in rows}

    def mark_sent(self, account: str, keys: list[tuple[str, str]]) -> None:
        now = time.time()
        with self.accounts._tx() as tx:
            for claim, deadline in keys:
                tx.execute(
                    update(reminders_table)
                    .where(
                        reminders_table.c.account == account,
                        reminders_table.c.claim == claim,
                        reminders_table.c.deadline == deadline,
                    )
                    .values(sent_at=now)
                )

    def release(self, account: str, keys: list[tuple[str, str]]) -> None:
        """Give reservations back after a failed send, so the next run tries again."""
        with self.accounts._tx() as tx:
            for claim, deadline in keys:
                tx.execute(
                    delete(reminders_table).where(
                        reminders_table.c.account == account,
                        reminders_table.c.claim == claim,
                        reminders_table.c.deadline == deadline,
                        reminders_table.c.sent_at.is_(None),
                    )
                )

    def sent_count(self) -> int:
        with self.accounts._tx() as tx:
            return len(tx.execute(select(reminders_table.c.id).where(reminders_table.c.sent_at.is_not(None))).all())

    # --- one host runs a scheduled job ------------------------------------------------------------

    def lease(self, name: str, holder: str, seconds: float) -> bool:
        """Hold the job ``name`` for ``seconds`` unless another holder's lease is still running.

        Each host (and worker process) asks before a scheduled run; the accounts database, shared
        by every host, answers yes to one of them. The reservations above keep a reminder from
        going twice even if two runs overlap (a lease outlived by a slow run)."""
        now = time.time()
        try:
            with self.accounts._tx() as tx:
                taken = tx.execute(
                    update(leases_table)
                    .where(leases_table.c.name == name)
                    .where((leases_table.c.until < now) | (leases_table.c.holder == holder))
                    .values(holder=holder, until=now + seconds)
                ).rowcount
                if taken:
                    return True
                exists = tx.execute(select(leases_table.c.name).where(leases_table.c.name == name)).first()
                if exists:
                    return False
                tx.execute(insert(leases_table).values(name=name, holder=holder, until=now + seconds))
            return True
        except IntegrityError:
            return False  # another host made the row at the same moment: it holds the job


def create_tables(accounts: Accounts, tables: list[Table]) -> None:
    """Create ``tables`` in the accounts database if missing (an older database gains them)."""
    for attempt in range(3):
        try:
            metadata.create_all(accounts.engine, tables=tables)
            return
        except (OperationalError, ProgrammingError, IntegrityError):
            # Two hosts starting at once may both try to create a table; the loser looks again.
            if attempt == 2:
                raise


def check_target(kind: str, slug: str) -> None:
    if kind not in KINDS:
        raise KBError(f"One follows a {', a '.join(KINDS[:-1])} or a {KINDS[-1]}, not “{kind[:40]}”.", status=422)
    if not SLUG_RE.match(slug or "") or len(slug) > 200:
        raise KBError(f"“{(slug or '')[:60]}” is not the name of a {kind}.", status=422)
