"""The names index on disk: entities and sources by name, in a small SQLite database.

One row per entity or source (its IRI, slug, label and a line that tells namesakes apart), the
normalised names it answers to exactly (an entity's names and aliases; a source's headline and
address), and a full-text table of its words (FTS5, with prefix indexes) for search as you type.
Withdrawn resources keep their row (a slug or IRI still resolves) but are neither suggested nor
resolved by name. Every value reaches SQLite as a bound parameter; a typed query becomes an FTS5
query of quoted words (``fts_query``), itself bound.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

KINDS = ("entity", "source")
FORMAT = "1"  # of the tables below: a file of another format is made again

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS names (
  id INTEGER PRIMARY KEY,
  iri TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  slug TEXT NOT NULL,
  label TEXT NOT NULL,
  detail TEXT NOT NULL,
  sortkey TEXT NOT NULL,
  publisher TEXT,
  publisher_name TEXT NOT NULL DEFAULT '',
  words TEXT NOT NULL DEFAULT '',
  withdrawn INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS names_sort ON names (kind, withdrawn, sortkey);
CREATE INDEX IF NOT EXISTS names_slug ON names (kind, slug);
CREATE INDEX IF NOT EXISTS names_publisher ON names (publisher);
CREATE TABLE IF NOT EXISTS exact (id INTEGER NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS exact_key ON exact (kind, key);
CREATE INDEX IF NOT EXISTS exact_id ON exact (id);
CREATE VIRTUAL TABLE IF NOT EXISTS words_entity USING fts5(
  words, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3', detail = none);
CREATE VIRTUAL TABLE IF NOT EXISTS words_source USING fts5(
  words, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3', detail = none);
"""

_SPACE = re.compile(r"\s+")
MAX_WORDS = 8  # words of a typed query used (the rest narrow nothing a picker needs)


def normalise(text: str) -> str:
    """A name as compared: Unicode-normalised, case-folded, single-spaced."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def _words(text: str) -> list[str]:
    """The words of ``text`` as FTS5's unicode61 tokenizer splits them: runs of letters and digits
    (so that no quoted word is several tokens, a phrase, which the index does not keep)."""
    words, word = [], []
    for char in text:
        if unicodedata.category(char)[0] in "LN":
            word.append(char)
        elif word:
            words.append("".join(word))
            word = []
    if word:
        words.append("".join(word))
    return words


def fts_query(text: str) -> str | None:
    """The typed text as an FTS5 query: every word as a quoted prefix (``"amaz"*``), all required.

    Only word characters reach it, each inside double quotes, so nothing typed is read as FTS5
    syntax; ``None`` when no word is long enough for the prefix indexes (two characters).
    """
    # A one-letter word has no prefix index: it would scan every word, and narrows little.
    words = [word for word in _words(normalise(text)) if len(word) >= 2][:MAX_WORDS]
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words)


@dataclass(frozen=True)
class Entry:
    """What the index holds of one entity or source."""

    iri: str
    kind: str  # "entity" or "source"
    slug: str
    label: str  # the name, or the headline
    detail: str  # Person/Organisation; a source's publisher, date and address
    names: tuple[str, ...]  # what it answers to exactly (name, aliases; headline, address)
    words: str  # what search as you type finds it by
    publisher: str | None = None  # a source's publisher IRI (its detail names it)
    publisher_name: str = ""  # found by it too (renamed with the publisher)
    withdrawn: bool = False


@dataclass(frozen=True)
class Hit:
    iri: str
    kind: str
    slug: str
    label: str
    detail: str


class NamesIndex:
    """The SQLite file: one connection per thread, writes serialised by a lock (and SQLite's own)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._write = threading.Lock()
        db = self._connection()
        if self._format(db) != FORMAT:  # another version's tables: made again (then rebuilt from the store)
            with self._write:
                for table in ("meta", "names", "exact", "words_entity", "words_source"):
                    db.execute(f"DROP TABLE IF EXISTS {table}")  # noqa: S608 - our own table names
                db.executescript(SCHEMA)
                db.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT,))

    @staticmethod
    def _format(db: sqlite3.Connection) -> str | None:
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        except sqlite3.OperationalError:  # no such table: a new file
            return None
        return str(row[0]) if row else None

    def _connection(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None or self._local.pid != os.getpid():  # a forked worker opens its own
            self._local.pid = os.getpid()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # --- bookkeeping --------------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self._connection().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    @property
    def last_revision(self) -> int:
        value = self.meta("revision")
        return int(value) if value and value.isdigit() else -1  # -1: never built

    # --- writing ------------------------------------------------------------------------------------

    def apply(
        self,
        entries: Iterable[Entry],
        gone: Iterable[str],
        revision: int,
        *,
        origin: str | None = None,
        fresh: bool = False,
    ) -> None:
        """Put ``entries``, remove the resources ``gone`` and record ``revision``, in one transaction.

        ``fresh`` empties the index first (a rebuild). A renamed entity's name is also put in the
        detail of the sources it publishes.
        """
        with self._write:
            db = self._connection()
            db.execute("BEGIN IMMEDIATE")
            try:
                if fresh:
                    for table in ("names", "exact", "words_entity", "words_source"):
                        db.execute(f"DELETE FROM {table}")  # noqa: S608 - our own table names
                    db.execute("DELETE FROM meta WHERE key != 'format'")
                renamed: dict[str, str] = {}
                for entry in entries:
                    if not fresh:
                        self._remove(db, entry.iri)
                    self._put(db, entry)
                    if entry.kind == "entity":
                        renamed[entry.iri] = entry.label
                for iri in gone:
                    self._remove(db, iri)
                if renamed and not fresh:
                    self._rename_publishers(db, renamed)
                db.execute("INSERT OR REPLACE INTO meta VALUES ('revision', ?)", (str(revision),))
                if origin is not None:
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('origin', ?)", (origin,))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def _put(self, db: sqlite3.Connection, entry: Entry) -> None:
        assert entry.kind in KINDS  # the full-text table's name is made from it
        cursor = db.execute(
            "INSERT INTO names (iri, kind, slug, label, detail, sortkey, publisher, publisher_name, words, withdrawn)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                entry.iri,
                entry.kind,
                entry.slug,
                entry.label,
                entry.detail,
                normalise(entry.label),
                entry.publisher,
                entry.publisher_name,
                entry.words,
                int(entry.withdrawn),
            ),
        )
        row_id = cursor.lastrowid
        db.executemany(
            "INSERT INTO exact (id, kind, key) VALUES (?, ?, ?)",
            [(row_id, entry.kind, key) for key in {normalise(n) for n in entry.names if n.strip()}],
        )
        if not entry.withdrawn:
            words = f"{entry.words} {entry.publisher_name}".strip()
            db.execute(f"INSERT INTO words_{entry.kind} (rowid, words) VALUES (?, ?)", (row_id, words))  # noqa: S608

    def _remove(self, db: sqlite3.Connection, iri: str) -> None:
        row = db.execute("SELECT id, kind FROM names WHERE iri = ?", (iri,)).fetchone()
        if row is None:
            return
        row_id, kind = row
        db.execute(f"DELETE FROM words_{kind} WHERE rowid = ?", (row_id,))  # noqa: S608 - kind is ours
        db.execute("DELETE FROM exact WHERE id = ?", (row_id,))
        db.execute("DELETE FROM names WHERE id = ?", (row_id,))

    def _rename_publishers(self, db: sqlite3.Connection, renamed: dict[str, str]) -> None:
        """The sources a renamed entity publishes show and are found by its new name (not the old)."""
        for publisher, name in renamed.items():
            rows = db.execute(
                "SELECT id, detail, publisher_name, words, withdrawn FROM names"
                " WHERE publisher = ? AND kind = 'source' AND publisher_name != ?",
                (publisher, name),
            ).fetchall()
            for row_id, detail, old, words, withdrawn in rows:
                rest = detail.removeprefix(old).removeprefix(" · ") if old else detail
                detail = " · ".join(part for part in (name, rest) if part)
                db.execute("UPDATE names SET detail = ?, publisher_name = ? WHERE id = ?", (detail, name, row_id))
                if not withdrawn:
                    db.execute("DELETE FROM words_source WHERE rowid = ?", (row_id,))
                    db.execute("INSERT INTO words_source (rowid, words) VALUES (?, ?)", (row_id, f"{words} {name}"))

    # --- reading ------------------------------------------------------------------------------------

    def by_iri(self, iri: str) -> Hit | None:
        row = (
            self._connection()
            .execute("SELECT iri, kind, slug, label, detail FROM names WHERE iri = ?", (iri,))
            .fetchone()
        )
        return Hit(*row) if row else None

    def named(self, kind: str, name: str, limit: int = 10) -> list[Hit]:
        """The (not withdrawn) resources of ``kind`` that answer to ``name`` exactly, ignoring case."""
        rows = (
            self._connection()
            .execute(
                "SELECT DISTINCT n.iri, n.kind, n.slug, n.label, n.detail FROM exact e JOIN names n ON n.id = e.id"
                " WHERE e.kind = ? AND e.key = ? AND n.withdrawn = 0 ORDER BY n.sortkey, n.slug LIMIT ?",
                (kind, normalise(name), limit),
            )
            .fetchall()
        )
        return [Hit(*row) for row in rows]

    def search(self, kind: str, text: str, limit: int = 10) -> list[Hit]:
        """Search as you type: the labels starting with ``text`` first (alphabetically), then those
        with a word starting with each typed word (shortest label first among the first few found)."""
        assert kind in KINDS  # the full-text table's name is made from it
        db = self._connection()
        key = normalise(text)
        if not key:
            return []
        hits: dict[str, Hit] = {}
        # Everything in the range [key, key + U+10FFFF) starts with key.
        rows = db.execute(
            "SELECT iri, kind, slug, label, detail FROM names WHERE kind = ? AND withdrawn = 0"
            " AND sortkey >= ? AND sortkey < ? ORDER BY sortkey LIMIT ?",
            (kind, key, key + "\U0010ffff", limit),
        ).fetchall()
        for row in rows:
            hits.setdefault(row[0], Hit(*row))
        query = fts_query(text)
        if len(hits) < limit and query is not None:
            # The full-text table first (CROSS JOIN fixes the order): it streams matches, so a
            # common prefix stops after a handful instead of ranking every match.
            try:
                rows = db.execute(
                    f"SELECT n.iri, n.kind, n.slug, n.label, n.detail FROM words_{kind} w"  # noqa: S608 - kind is ours
                    " CROSS JOIN names n ON n.id = w.rowid WHERE words_" + kind + " MATCH ? LIMIT ?",
                    (query, limit * 3),
                ).fetchall()
            except sqlite3.OperationalError as error:  # a word the tokenizer reads otherwise: no match
                log.warning("names index: full-text query %r not answered: %s", query, error)
                rows = []
            for row in sorted(rows, key=lambda r: (len(r[3]), r[3])):
                if len(hits) >= limit:
                    break
                hits.setdefault(row[0], Hit(*row))
        return list(hits.values())[:limit]
