"""Editor accounts: names, roles, password and API-token hashes, kept in a private named graph.

The accounts graph (``Iris.private_graph("accounts")``) is never shown by pages, the SPARQL endpoint
or dumps. Account changes are not content revisions: a revision's added/removed graphs are public,
and a password hash must never land in one. Passwords are hashed with Argon2id; API tokens are long
random strings, so a SHA-256 digest is enough to store them and lets a request find its token by value.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import RDF

from claims.model import Iris
from kb import queries
from kb.errors import KBError, NotFound
from kb.store import Store, to_ox

# Terms of the private accounts graph; they never appear in public data, so they sit outside ck:.
ACCOUNT = Namespace("https://w3id.org/claimkb/accounts#")

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,39}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 1000


class Role(StrEnum):
    EDITOR = "editor"
    ADMIN = "admin"


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    disabled: bool
    iri: URIRef
    sessions_from: int = 0  # sessions begun before this time (ns since the epoch) have ended

    @property
    def can_edit(self) -> bool:
        return not self.disabled


def _nt(term: object) -> str:
    return str(to_ox(term))  # type: ignore[arg-type]


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    """Create, find and check editor accounts in the private accounts graph."""

    def __init__(self, store: Store, iris: Iris) -> None:
        self.store = store
        self.iris = iris
        self.graph = iris.private_graph("accounts")
        self.hasher = PasswordHasher()

    # --- reads ----------------------------------------------------------------------------

    def get(self, name: str) -> User | None:
        if not NAME_RE.match(name or ""):
            return None
        rows = self.store.select(queries.ACCOUNT, {"g": self.graph, "account": self.iris.agent(name)})
        return self._user(rows[0]) if rows else None

    def all(self) -> list[User]:
        return [self._user(row) for row in self.store.select(queries.ALL_ACCOUNTS, {"g": self.graph})]

    def _user(self, row: dict) -> User:
        return User(
            name=str(row["name"]),
            role=Role(str(row["role"])),
            disabled=bool(row["disabled"].toPython()),
            sessions_from=int(row["sessionsFrom"]) if row.get("sessionsFrom") is not None else 0,
            iri=URIRef(str(row["account"])),
        )

    def authenticate(self, name: str, password: str) -> User | None:
        """The user if ``password`` is theirs and the account is enabled, else ``None``."""
        user = self.get(name)
        stored = self._password_hash(user) if user else None
        if user is None or stored is None or len(password) > MAX_PASSWORD:
            # Hash anyway, so that an unknown name takes as long to refuse as a wrong password.
            self.hasher.hash(password[:MAX_PASSWORD])
            return None
        try:
            self.hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        return None if user.disabled else user

    def user_for_token(self, token: str) -> User | None:
        if not token or len(token) > 200:
            return None
        rows = self.store.select(queries.ACCOUNT_BY_DIGEST, {"g": self.graph, "digest": Literal(token_digest(token))})
        if not rows:
            return None
        user = self.get(str(rows[0]["name"]))
        return None if user is None or user.disabled else user

    def _password_hash(self, user: User) -> str | None:
        rows = self.store.select(queries.ACCOUNT_HASH, {"g": self.graph, "account": user.iri})
        return str(rows[0]["hash"]) if rows else None

    # --- writes ---------------------------------------------------------------------------

    def add(self, name: str, role: Role | str, password: str) -> User:
        if not NAME_RE.match(name):
            raise KBError("A user name is 2 to 40 characters: lower-case letters, digits, '-' or '_'.")
        if self.get(name):
            raise KBError(f"There is already a user called {name}.", status=409, title="Conflict")
        check_password(password)
        iri = self.iris.agent(name)
        triples: list[tuple[URIRef, URIRef, Literal | URIRef]] = [
            (iri, RDF.type, ACCOUNT.Account),
            (iri, ACCOUNT.name, Literal(name)),
            (iri, ACCOUNT.role, Literal(str(Role(role)))),
            (iri, ACCOUNT.disabled, Literal(False)),
            (iri, ACCOUNT.passwordHash, Literal(self.hasher.hash(password))),
        ]
        self._insert(triples)
        user = self.get(name)
        assert user is not None
        return user

    def disable(self, name: str) -> User:
        user = self.get(name)
        if user is None:
            raise NotFound(f"There is no user called {name}.")
        self._replace(user.iri, ACCOUNT.disabled, Literal(True))
        return self.get(name)  # type: ignore[return-value]

    def end_sessions(self, name: str) -> None:
        """End every session of ``name`` begun until now (a session cookie lives in the browser,
        so logging out must also be recorded here for a copied cookie to stop working)."""
        user = self.get(name)
        if user is not None:
            self._replace(user.iri, ACCOUNT.sessionsValidFrom, Literal(time.time_ns()))

    def create_token(self, name: str) -> str:
        """A new API token for ``name``: returned once, stored only as its digest."""
        user = self.get(name)
        if user is None:
            raise NotFound(f"There is no user called {name}.")
        if user.disabled:
            raise KBError(f"{name} is disabled; enable the account before giving it a token.")
        token = secrets.token_urlsafe(32)
        self._insert([(user.iri, ACCOUNT.tokenDigest, Literal(token_digest(token)))])
        return token

    def _insert(self, triples: list[tuple[URIRef, URIRef, Literal | URIRef]]) -> None:
        body = "\n".join(f"{_nt(s)} {_nt(p)} {_nt(o)} ." for s, p, o in triples)
        self.store.update(f"INSERT DATA {{ GRAPH {_nt(self.graph)} {{\n{body}\n}} }}")

    def _replace(self, subject: URIRef, predicate: URIRef, value: Literal) -> None:
        g, s, p = _nt(self.graph), _nt(subject), _nt(predicate)
        self.store.update(
            f"DELETE {{ GRAPH {g} {{ {s} {p} ?old }} }} INSERT {{ GRAPH {g} {{ {s} {p} {_nt(value)} }} }} "
            f"WHERE {{ OPTIONAL {{ GRAPH {g} {{ {s} {p} ?old }} }} }}"
        )


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise KBError(f"A password needs at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise KBError(f"A password can have at most {MAX_PASSWORD} characters.")


def generate_password() -> str:
    return secrets.token_urlsafe(15)
