"""Entities and sources by name, for the editors' pickers: search as you type, and exact names.

``Names`` keeps a small SQLite index (``kb.names.index``, in ``DATA_DIR/names.sqlite3``) in step
with the store the way the search index is kept: it records the last revision it holds, takes each
new revision's changed resources from the repository's listeners (a note in memory: the save does
no more work), and before answering catches up with the revision log if the store's counter moved
(another process wrote). Built from the store when missing or when the store's history is another
(a deleted file is rebuilt). ``StoreNames`` answers exact names from the store alone, for tools
that open a knowledge base without a data directory (slower: a scan of every name).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections import defaultdict
from pathlib import Path
from typing import Protocol

from rdflib import Literal, URIRef

from kb import queries
from kb.errors import KBError
from kb.knowledge import KnowledgeBase
from kb.names.index import KINDS, Entry, Hit, NamesIndex, normalise
from kb.write.repository import RevisionInfo
from kb.write.submitted import CONTROL, SURROGATE

__all__ = ["KINDS", "Hit", "LookupRequestError", "NameLookup", "Names", "StoreNames", "lookup_request", "normalise"]

log = logging.getLogger(__name__)

FILE = "names.sqlite3"
KIND_OF_PATH = {"entities": "entity", "sources": "source"}  # kb IRIs' kind segment -> ours
ENTITY_KINDS = {"http://schema.org/Person": "Person", "http://schema.org/Organization": "Organisation"}


class NameLookup(Protocol):
    """What resolving a typed reference needs: the resources called exactly ``name``."""

    def named(self, kind: str, name: str) -> list[Hit]: ...

    def search(self, kind: str, text: str, limit: int = 10) -> list[Hit]: ...

    def describe(self, iri: str) -> Hit | None: ...


class Names:
    """The names index of one knowledge base, current with its store before every answer."""

    def __init__(self, knowledge: KnowledgeBase, path: Path) -> None:
        self.kb = knowledge
        self.path = path
        self._index: NamesIndex | None = None  # opened on first use: the data directory may be read-only
        self._lock = threading.Lock()
        self._heard: dict[int, tuple[str, ...]] = {}  # revision -> changed resources, from the listener

    @classmethod
    def open(cls, knowledge: KnowledgeBase, data_dir: Path) -> Names:
        """The index in ``data_dir``, following the knowledge base's revisions (built on first use)."""
        names = cls(knowledge, data_dir / FILE)
        knowledge.repository.listeners.append(names.on_revision)
        knowledge.close_hooks.append(names.close)
        return names

    @property
    def index(self) -> NamesIndex:
        if self._index is None:
            self._index = NamesIndex(self.path)
        return self._index

    def close(self) -> None:
        if self.on_revision in self.kb.repository.listeners:
            self.kb.repository.listeners.remove(self.on_revision)
        if self._index is not None:
            self._index.close()

    def on_revision(self, info: RevisionInfo) -> None:
        """The repository's listener: note what the revision changed (applied on the next answer)."""
        if len(self._heard) > 10_000:  # nobody asked for a long while: the log has them too
            self._heard.clear()
        self._heard[info.number] = tuple(str(iri) for iri in info.changed)

    # --- answers --------------------------------------------------------------------------------------

    def search(self, kind: str, text: str, limit: int = 10) -> list[Hit]:
        if not self._current():
            try:
                return self.index.search(kind, text, limit)  # as it is: a picker may miss the latest
            except (sqlite3.Error, OSError):
                return []
        return self.index.search(kind, text, limit)

    def named(self, kind: str, name: str) -> list[Hit]:
        # Resolving what a writer typed must not miss a name: without a current index, the store answers.
        return self.index.named(kind, name) if self._current() else StoreNames(self.kb).named(kind, name)

    def describe(self, iri: str) -> Hit | None:
        return self.index.by_iri(iri) if self._current() else StoreNames(self.kb).describe(iri)

    def _current(self) -> bool:
        """Catch up; ``False`` when the index cannot be written (a read-only or full data directory)."""
        try:
            self.catch_up()
        except (sqlite3.Error, OSError) as error:
            log.warning("names index %s could not catch up: %s", self.path, error)
            return False
        return True

    # --- keeping in step ------------------------------------------------------------------------------

    def catch_up(self) -> int:
        """Apply the revisions the index lacks (rebuilding it when it has none or another history)."""
        current = self.kb.repository.revision_count()
        if self.index.last_revision == current and self.path.exists():
            return current
        with self._lock:
            if not self.path.exists():  # deleted: a cache, made again
                self.index.close()
                self._index = NamesIndex(self.path)
            last = self.index.last_revision
            current = self.kb.repository.revision_count()
            origin = self._origin()
            if last < 0 or last > current or self.index.meta("origin") != origin:
                self.rebuild(current, origin)
                self._heard.clear()
                return current
            if last == current:
                return last
            wanted = range(last + 1, current + 1)
            if all(n in self._heard for n in wanted):
                changed = {iri for n in wanted for iri in self._heard[n]}
            else:  # revisions of another process: read what they changed from the log
                newest, changed = self.kb.repository.changed_after(last, current, private=False)
                current = max(current, newest)
            for n in wanted:
                self._heard.pop(n, None)
            self._apply(changed, current)
            return current

    def _origin(self) -> str:
        rows = self.kb.store.select_values(queries.SEARCH_ORIGIN, {"n": Literal(1)})
        return rows[0]["nonce"] if rows else ""

    def rebuild(self, revision: int | None = None, origin: str | None = None) -> int:
        """Index every entity and source afresh; returns how many."""
        revision = self.kb.repository.revision_count() if revision is None else revision
        entries = self._entries("entity") + self._entries("source")
        self.index.apply(entries, (), revision, origin=self._origin() if origin is None else origin, fresh=True)
        log.info("names index built: %d entities and sources, revision %d", len(entries), revision)
        return len(entries)

    def _apply(self, changed: set[str], revision: int) -> None:
        entries: list[Entry] = []
        gone: list[str] = []
        for iri in changed:
            kind_slug = self.kb.iris.kind_and_slug(iri)
            kind = KIND_OF_PATH.get(kind_slug[0]) if kind_slug else None
            if kind is None:
                continue
            found = self._entries(kind, iri)
            entries += found
            if not found:
                gone.append(iri)
        self.index.apply(entries, gone, revision)

    def _entries(self, kind: str, iri: str | None = None) -> list[Entry]:
        bindings = {"s": URIRef(iri)} if iri else None
        if kind == "entity":
            return entity_entries(self.kb.store.select_values(queries.NAMES_OF_ENTITIES, bindings))
        return source_entries(self.kb.store.select_values(queries.NAMES_OF_SOURCES, bindings))


def entity_entries(rows: list[dict[str, str]]) -> list[Entry]:
    """Index entries of entities from NAMES_OF_ENTITIES rows (several per entity)."""
    by_iri: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_iri[row["s"]].append(row)
    entries = []
    for iri, group in by_iri.items():
        names = sorted({r["name"] for r in group if r["p"].endswith("/name")})
        aliases = sorted({r["name"] for r in group if not r["p"].endswith("/name")} - set(names))
        label = names[0] if names else (aliases[0] if aliases else group[0]["slug"])
        kinds = sorted({ENTITY_KINDS.get(r["type"], "") for r in group} - {""})
        slug = group[0]["slug"]
        detail = " · ".join([*kinds, *(f"also “{a}”" for a in aliases[:2])])
        entries.append(
            Entry(
                iri=iri,
                kind="entity",
                slug=slug,
                label=label,
                detail=detail,
                names=(*names, *aliases),
                words=" ".join([*names, *aliases, slug]),
                withdrawn=any(r.get("withdrawn") == "true" for r in group),
            )
        )
    return entries


def source_entries(rows: list[dict[str, str]]) -> list[Entry]:
    """Index entries of sources from NAMES_OF_SOURCES rows (several per source)."""
    by_iri: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_iri[row["s"]].append(row)
    entries = []
    for iri, group in by_iri.items():
        headlines = sorted({r["headline"] for r in group})
        urls = sorted({r["url"] for r in group if r.get("url")})
        publisher = next((r["publisher"] for r in group if r.get("publisher")), None)
        publisher_name = next((r["publisherName"] for r in group if r.get("publisherName")), "")
        date = next((r["date"] for r in group if r.get("date")), "")
        slug = group[0]["slug"]
        detail = " · ".join(p for p in (publisher_name, date, urls[0] if urls else "") if p)
        entries.append(
            Entry(
                iri=iri,
                kind="source",
                slug=slug,
                label=headlines[0],
                detail=detail,
                names=(*headlines, *urls),
                words=" ".join([*headlines, *urls, slug]),
                publisher=publisher,
                publisher_name=publisher_name,
                withdrawn=any(r.get("withdrawn") == "true" for r in group),
            )
        )
    return entries


class StoreNames:
    """Exact names answered by the store alone (no index file): for tools and tests, not for pages."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self.kb = knowledge

    def named(self, kind: str, name: str) -> list[Hit]:
        key = Literal(normalise(name))
        if kind == "entity":
            rows = self.kb.store.select_values(queries.ENTITIES_NAMED, {"lname": key})
            found = {r["s"]: Hit(r["s"], kind, r["slug"], r["name"], ENTITY_KINDS.get(r["type"], "")) for r in rows}
        else:
            rows = self.kb.store.select_values(queries.SOURCES_NAMED, {"lname": key})
            found = {r["s"]: Hit(r["s"], kind, r["slug"], r["headline"], "") for r in rows}
        return list(found.values())

    def search(self, kind: str, text: str, limit: int = 10) -> list[Hit]:
        return self.named(kind, text)[:limit]

    def describe(self, iri: str) -> Hit | None:
        kind_slug = self.kb.iris.kind_and_slug(iri)
        kind = KIND_OF_PATH.get(kind_slug[0]) if kind_slug else None
        if kind is None:
            return None
        query = queries.NAMES_OF_ENTITIES if kind == "entity" else queries.NAMES_OF_SOURCES
        rows = self.kb.store.select_values(query, {"s": URIRef(iri)})
        entries = entity_entries(rows) if kind == "entity" else source_entries(rows)
        return Hit(iri, kind, entries[0].slug, entries[0].label, entries[0].detail) if entries else None


# --- the lookup endpoint's request (webapp/api: /api/lookup) ---------------------------------------------

MAX_LOOKUP_CHARS = 200
MAX_LOOKUP_LIMIT = 20


class LookupRequestError(KBError):
    """A lookup the index cannot answer; the message says what is wrong."""

    status = 400
    title = "Lookup not understood"


def lookup_request(kind: str | None, text: str | None, limit: str | None) -> tuple[str, str, int]:
    """The (kind, text, limit) of a lookup, checked: a ``LookupRequestError`` says what is wrong."""
    if kind not in KINDS:
        raise LookupRequestError(f"kind must be one of: {', '.join(KINDS)}.")
    text = text or ""
    if len(text) > MAX_LOOKUP_CHARS:
        raise LookupRequestError(f"q is {len(text):,} characters long; at most {MAX_LOOKUP_CHARS} are looked up.")
    if CONTROL.search(text) or SURROGATE.search(text):
        raise LookupRequestError("q holds control characters or characters that are not valid Unicode.")
    raw = limit or "10"
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_LOOKUP_LIMIT):
        raise LookupRequestError(f"limit must be a whole number from 1 to {MAX_LOOKUP_LIMIT}.")
    return kind, text.strip(), int(raw)
