"""Editor accounts and their secrets, in a small SQL database apart from the public RDF data.

Everything private about an editor lives here, never in the store: the account (name, role,
enabled or not), its Argon2id password hash, when its sessions last ended (logout), its API-token
digests, one-time password links, failed logins (the throttle) and the audit log of who changed
which account. No SPARQL query, dump or server endpoint can reach it, whatever the store. The
public data keeps only what revisions show of an editor: the agent IRI and its name.

The database is named by ``CLAIMKB_ACCOUNTS_DB``: by default SQLite in the data directory, in WAL
mode so that ``claimkb user …`` can change it while the site is serving; a PostgreSQL URL
(``postgresql+psycopg://…``) when several hosts share their accounts. SQLAlchemy Core speaks to both.

Passwords are hashed with Argon2id. API tokens and one-time links are long random strings, so a
SHA-256 digest is enough to store them and lets a request find its token by value.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import ClassVar

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from rdflib import URIRef
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Engine,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError, SQLAlchemyError

from claims.model import Iris
from kb.errors import KBError, NotFound, StoreUnavailable

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,39}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 1000
LINK_LIFETIME = 48 * 3600  # seconds a one-time password link stays valid
DB_FILE = "accounts.sqlite3"


class Role(StrEnum):
    EDITOR = "editor"  # edits the knowledge base
    ADMIN = "admin"  # edits, and manages the accounts


metadata = MetaData()

accounts_table = Table(
    "accounts",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("role", String(20), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("password_hash", Text, nullable=True),  # None until the editor sets one from a link
    Column("sessions_from", BigInteger, nullable=False, default=0),  # ns; sessions begun before it ended
    Column("created_at", Float, nullable=False),
)

tokens_table = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("digest", String(64), nullable=False, unique=True),
    Column("account", String(40), ForeignKey("accounts.name"), nullable=False, index=True),
    Column("created_at", Float, nullable=False),
    Column("revoked_at", Float, nullable=True),
)

links_table = Table(
    "password_links",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("account", String(40), ForeignKey("accounts.name"), nullable=False, index=True),
    Column("created_by", String(80), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("used_at", Float, nullable=True),
)

failures_table = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(200), nullable=False, index=True),
    Column("at", Float, nullable=False),
)

audit_table = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("actor", String(80), nullable=False),
    Column("action", String(40), nullable=False),
    Column("subject", String(80), nullable=False),
    Column("detail", Text, nullable=False, default=""),
)


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    disabled: bool
    iri: URIRef
    sessions_from: int = 0  # sessions begun before this time (ns since the epoch) have ended
    has_password: bool = True

    @property
    def can_edit(self) -> bool:
        return not self.disabled

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN and not self.disabled


@dataclass(frozen=True)
class TokenInfo:
    id: int
    account: str
    created_at: float
    revoked_at: float | None


@dataclass(frozen=True)
class AuditEntry:
    at: float
    actor: str
    action: str
    subject: str
    detail: str


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def default_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / DB_FILE}"


def open_engine(url: str) -> Engine:
    """An engine on the accounts database, its tables created if missing."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
            # WAL: readers never wait for the writer, so the CLI can add an editor while the site serves.
            cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

    else:
        engine = create_engine(url, pool_pre_ping=True)
    for attempt in range(3):
        try:
            metadata.create_all(engine)
            break
        except (OperationalError, ProgrammingError, IntegrityError):
            # Two processes starting at once may both try to create a table; the loser looks again.
            if attempt == 2:
                raise
    return engine


class Accounts:
    """Create, find, check and change editor accounts; every change by someone is audited."""

    # Argon2id with RFC 9106's second recommended setting (t=3, 64 MiB, 4 lanes): argon2-cffi's default.
    # The test suite's in-process apps swap in its ``CHEAPEST`` profile (tests/conftest.py); a test
    # checks what a real ``claimkb`` process stores.
    password_parameters: ClassVar[Parameters] = profiles.RFC_9106_LOW_MEMORY

    def __init__(self, engine: Engine, iris: Iris) -> None:
        self.engine = engine
        self.iris = iris
        self.hasher = PasswordHasher.from_parameters(self.password_parameters)

    @classmethod
    def open(cls, url: str | None, data_dir: Path, iris: Iris) -> Accounts:
        """The accounts database named by ``url`` (``CLAIMKB_ACCOUNTS_DB``), else SQLite in ``data_dir``."""
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            return cls(open_engine(url or default_url(data_dir)), iris)
        except SQLAlchemyError as error:
            raise KBError(f"The accounts database cannot be opened: {error}", status=503) from error
        except ModuleNotFoundError as error:
            raise KBError(f"The accounts database needs a driver that is not installed: {error}") from error

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as connection:
                yield connection
        except OperationalError as error:
            raise StoreUnavailable(f"The accounts database cannot be reached: {error.orig}") from error

    # --- reads ----------------------------------------------------------------------------

    def get(self, name: str) -> User | None:
        if not NAME_RE.match(name or ""):
            return None
        with self._tx() as tx:
            row = tx.execute(select(accounts_table).where(accounts_table.c.name == name)).first()
        return self._user(row) if row else None

    def all(self) -> list[User]:
        with self._tx() as tx:
            rows = tx.execute(select(accounts_table).order_by(accounts_table.c.name)).all()
        return [self._user(row) for row in rows]

    def _user(self, row: object) -> User:
        m = row._mapping  # type: ignore[attr-defined]
        return User(
            name=m["name"],
            role=Role(m["role"]),
            disabled=bool(m["disabled"]),
            sessions_from=int(m["sessions_from"] or 0),
            iri=self.iris.agent(m["name"]),
            has_password=m["password_hash"] is not None,
        )

    def authenticate(self, name: str, password: str) -> User | None:
        """The user if ``password`` is theirs and the account is enabled, else ``None``."""
        stored = None
        if NAME_RE.match(name or ""):
            with self._tx() as tx:
                stored = tx.execute(
                    select(accounts_table.c.password_hash).where(accounts_table.c.name == name)
                ).scalar()
        if stored is None or len(password) > MAX_PASSWORD:
            # Hash anyway, so that an unknown name takes as long to refuse as a wrong password.
            self.hasher.hash(password[:MAX_PASSWORD])
            return None
        try:
            self.hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        user = self.get(name)
        return None if user is None or user.disabled else user

    def user_for_token(self, token: str) -> User | None:
        if not token or len(token) > 200:
            return None
        with self._tx() as tx:
            name = tx.execute(
                select(tokens_table.c.account).where(
                    tokens_table.c.digest == token_digest(token), tokens_table.c.revoked_at.is_(None)
                )
            ).scalar()
        user = self.get(name) if name else None
        return None if user is None or user.disabled else user

    def tokens(self, name: str | None = None) -> list[TokenInfo]:
        query = select(tokens_table).order_by(tokens_table.c.account, tokens_table.c.id)
        if name is not None:
            query = query.where(tokens_table.c.account == name)
        with self._tx() as tx:
            rows = tx.execute(query).all()
        return [TokenInfo(r.id, r.account, r.created_at, r.revoked_at) for r in rows]

    def audit_log(self, limit: int = 200) -> list[AuditEntry]:
        with self._tx() as tx:
            rows = tx.execute(select(audit_table).order_by(audit_table.c.id.desc()).limit(limit)).all()
        return [AuditEntry(r.at, r.actor, r.action, r.subject, r.detail) for r in rows]

    # --- writes ---------------------------------------------------------------------------

    def add(self, name: str, role: Role | str, password: str | None, *, actor: str = "cli") -> User:
        """Add an account; without a password it can log in only after one is set from a link."""
        if not NAME_RE.match(name or ""):
            raise KBError("A user name is 2 to 40 characters: lower-case letters, digits, '-' or '_'.")
        try:
            role = Role(role)
        except ValueError:
            raise KBError(f"A role is one of: {', '.join(r.value for r in Role)}.") from None
        if password is not None:
            check_password(password)
        digest = self.hasher.hash(password) if password is not None else None
        try:
            with self._tx() as tx:
                tx.execute(
                    insert(accounts_table).values(
                        name=name, role=str(role), disabled=False, password_hash=digest, created_at=time.time()
                    )
                )
                self._audit(tx, actor, "add", name, f"role {role}")
        except IntegrityError:
            raise KBError(f"There is already a user called {name}.", status=409, title="Conflict") from None
        user = self.get(name)
        assert user is not None
        return user

    def set_disabled(self, name: str, disabled: bool, *, actor: str = "cli") -> User:
        with self._tx() as tx:
            user = self._require(tx, name)
            if disabled and user.role == Role.ADMIN:
                self._keep_an_admin(tx, name)
            tx.execute(update(accounts_table).where(accounts_table.c.name == name).values(disabled=disabled))
            self._audit(tx, actor, "disable" if disabled else "enable", name, "")
        return self.get(name)  # type: ignore[return-value]

    def disable(self, name: str, *, actor: str = "cli") -> User:
        return self.set_disabled(name, True, actor=actor)

    def set_role(self, name: str, role: Role | str, *, actor: str = "cli") -> User:
        try:
            role = Role(role)
        except ValueError:
            raise KBError(f"A role is one of: {', '.join(r.value for r in Role)}.") from None
        with self._tx() as tx:
            user = self._require(tx, name)
            if user.role == role:
                return user
            if user.role == Role.ADMIN:
                self._keep_an_admin(tx, name)
            tx.execute(update(accounts_table).where(accounts_table.c.name == name).values(role=str(role)))
            self._audit(tx, actor, "role", name, f"{user.role} -> {role}")
        return self.get(name)  # type: ignore[return-value]

    def end_sessions(self, name: str) -> None:
        """End every session of ``name`` begun until now (a session cookie lives in the browser,
        so logging out must also be recorded here for a copied cookie to stop working)."""
        with self._tx() as tx:
            tx.execute(update(accounts_table).where(accounts_table.c.name == name).values(sessions_from=time.time_ns()))

    def create_token(self, name: str, *, actor: str = "cli") -> str:
        """A new API token for ``name``: returned once, stored only as its digest."""
        token = secrets.token_urlsafe(32)
        with self._tx() as tx:
            user = self._require(tx, name)
            if user.disabled:
                raise KBError(f"{name} is disabled; enable the account before giving it a token.")
            result = tx.execute(
                insert(tokens_table).values(digest=token_digest(token), account=name, created_at=time.time())
            )
            token_id = result.inserted_primary_key[0] if result.inserted_primary_key else "?"
            self._audit(tx, actor, "token-create", name, f"token {token_id}")
        return token

    def revoke_token(self, token_id: int, *, actor: str = "cli") -> TokenInfo:
        with self._tx() as tx:
            row = tx.execute(select(tokens_table).where(tokens_table.c.id == token_id)).first()
            if row is None:
                raise NotFound(f"There is no token {token_id}.")
            if row.revoked_at is None:
                tx.execute(update(tokens_table).where(tokens_table.c.id == token_id).values(revoked_at=time.time()))
                self._audit(tx, actor, "token-revoke", row.account, f"token {token_id}")
        return next(t for t in self.tokens(row.account) if t.id == token_id)

    def revoke_tokens(self, name: str, *, actor: str = "cli") -> int:
        """Revoke every live token of ``name``; returns how many."""
        with self._tx() as tx:
            self._require(tx, name)
            count = tx.execute(
                update(tokens_table)
                .where(tokens_table.c.account == name, tokens_table.c.revoked_at.is_(None))
                .values(revoked_at=time.time())
            ).rowcount
            self._audit(tx, actor, "token-revoke", name, f"all ({count})")
        return int(count)

    def password_link(self, name: str, *, actor: str = "cli", lifetime: float = LINK_LIFETIME) -> str:
        """A one-time secret with which ``name`` sets a new password; earlier unused ones stop working."""
        secret = secrets.token_urlsafe(32)
        now = time.time()
        with self._tx() as tx:
            self._require(tx, name)
            tx.execute(
                update(links_table)
                .where(links_table.c.account == name, links_table.c.used_at.is_(None))
                .values(used_at=now)
            )
            tx.execute(
                insert(links_table).values(
                    digest=token_digest(secret),
                    account=name,
                    created_by=actor,
                    created_at=now,
                    expires_at=now + lifetime,
                )
            )
            self._audit(tx, actor, "password-link", name, f"valid {lifetime / 3600:g} h")
        return secret

    def link_user(self, secret: str) -> User | None:
        """The account a valid (unused, unexpired) password link is for, else ``None``."""
        if not secret or len(secret) > 200:
            return None
        with self._tx() as tx:
            name = tx.execute(
                select(links_table.c.account).where(
                    links_table.c.digest == token_digest(secret),
                    links_table.c.used_at.is_(None),
                    links_table.c.expires_at > time.time(),
                )
            ).scalar()
        return self.get(name) if name else None

    def set_password_from_link(self, secret: str, password: str) -> User:
        """Set the password of the link's account and use the link up (it works once); every session
        the account had ends."""
        check_password(password)
        digest = self.hasher.hash(password)
        now = time.time()
        with self._tx() as tx:
            name = tx.execute(
                select(links_table.c.account).where(
                    links_table.c.digest == token_digest(secret or ""),
                    links_table.c.used_at.is_(None),
                    links_table.c.expires_at > now,
                )
            ).scalar()
            used = (
                tx.execute(
                    update(links_table)
                    .where(links_table.c.digest == token_digest(secret or ""), links_table.c.used_at.is_(None))
                    .values(used_at=now)
                ).rowcount
                if name
                else 0
            )
            if not name or used != 1:
                raise KBError(
                    "This password link has expired or was already used; ask an administrator for a new one.",
                    status=410,
                    title="Link no longer valid",
                )
            tx.execute(
                update(accounts_table)
                .where(accounts_table.c.name == name)
                .values(password_hash=digest, sessions_from=time.time_ns())
            )
            self._audit(tx, name, "password-set", name, "from a one-time link")
        return self.get(name)  # type: ignore[return-value]

    def import_account(
        self, name: str, role: str, disabled: bool, password_hash: str | None, sessions_from: int, digests: list[str]
    ) -> bool:
        """Add an account as it was kept elsewhere (the old private graph); ``False`` if it is here already.

        Token digests are added when missing, so importing twice changes nothing."""
        try:
            return self._import_account(name, role, disabled, password_hash, sessions_from, digests)
        except IntegrityError:
            # Another host moved the same account at the same moment: it is there now, as it was.
            return self._import_account(name, role, disabled, password_hash, sessions_from, digests)

    def _import_account(
        self, name: str, role: str, disabled: bool, password_hash: str | None, sessions_from: int, digests: list[str]
    ) -> bool:
        with self._tx() as tx:
            exists = tx.execute(select(accounts_table.c.name).where(accounts_table.c.name == name)).first()
            if not exists:
                tx.execute(
                    insert(accounts_table).values(
                        name=name,
                        role=str(Role(role)),
                        disabled=disabled,
                        password_hash=password_hash,
                        sessions_from=sessions_from,
                        created_at=time.time(),
                    )
                )
                self._audit(tx, "migration", "import", name, "from the store's private accounts graph")
            for digest in digests:
                known = tx.execute(select(tokens_table.c.id).where(tokens_table.c.digest == digest)).first()
                if not known:
                    tx.execute(insert(tokens_table).values(digest=digest, account=name, created_at=time.time()))
        return not exists

    # --- helpers --------------------------------------------------------------------------

    def _require(self, tx: Connection, name: str) -> User:
        row = tx.execute(select(accounts_table).where(accounts_table.c.name == name)).first()
        if row is None:
            raise NotFound(f"There is no user called {name}.")
        return self._user(row)

    def _keep_an_admin(self, tx: Connection, name: str) -> None:
        others = tx.execute(
            select(func.count())
            .select_from(accounts_table)
            .where(
                accounts_table.c.role == str(Role.ADMIN),
                accounts_table.c.disabled.is_(False),
                accounts_table.c.name != name,
            )
        ).scalar()
        if not others:
            raise KBError(
                f"{name} is the last active admin; make another account admin first.", status=409, title="Conflict"
            )

    @staticmethod
    def _audit(tx: Connection, actor: str, action: str, subject: str, detail: str) -> None:
        tx.execute(
            insert(audit_table).values(at=time.time(), actor=actor[:80], action=action, subject=subject, detail=detail)
        )


class LoginThrottle:
    """Counts failed logins per key (an account, an address) in a sliding window, in the accounts
    database, so that every process and host of the site counts the same failures.

    After ``limit`` failures within ``window`` seconds the key is refused until the oldest failure
    ages out, so guessing passwords costs an attacker time without locking anyone out for long.
    """

    def __init__(self, accounts: Accounts, kind: str, limit: int, window: float) -> None:
        self.accounts = accounts
        self.kind = kind
        self.limit = limit
        self.window = window

    def _key(self, key: str) -> str:
        return f"{self.kind}:{key}"[:200]

    def retry_after(self, key: str) -> int:
        """Seconds until ``key`` may try again; 0 when it may try now."""
        now = time.time()
        with self.accounts._tx() as tx:
            tx.execute(delete(failures_table).where(failures_table.c.at <= now - self.window))
            times: list[float] = list(
                tx.execute(
                    select(failures_table.c.at)
                    .where(failures_table.c.key == self._key(key))
                    .order_by(failures_table.c.at.desc())
                    .limit(self.limit)
                )
                .scalars()
                .all()
            )
        if len(times) < self.limit:
            return 0
        # The oldest of the latest ``limit`` failures decides when one more attempt is allowed.
        return max(1, int(times[-1] + self.window - now) + 1)

    def fail(self, key: str) -> None:
        with self.accounts._tx() as tx:
            tx.execute(insert(failures_table).values(key=self._key(key), at=time.time()))

    def reset(self, key: str) -> None:
        with self.accounts._tx() as tx:
            tx.execute(delete(failures_table).where(failures_table.c.key == self._key(key)))


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise KBError(f"A password needs at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise KBError(f"A password can have at most {MAX_PASSWORD} characters.")


def generate_password() -> str:
    return secrets.token_urlsafe(15)
