"""Store backends: the one interface the knowledge base talks to, and the embedded Oxigraph store.

A backend answers SPARQL queries (with values bound, never formatted in) and applies SPARQL updates
atomically. The embedded default keeps an Oxigraph database on disk under the data directory; a
remote SPARQL 1.1 server can implement the same interface.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from claims.vocab import PREFIXES
from kb.errors import StoreUnavailable

log = logging.getLogger(__name__)

Row = dict[str, Node]
ValueRow = dict[str, str]  # a row of plain values: IRIs and literals' lexical forms (no rdflib terms)
Bindings = Mapping[str, Node]
Quad = tuple[Node, Node, Node, URIRef | None]

# Graphs a large change passes through on a SPARQL server before one short update moves it into place
# (kb.write.repository); no query reads them, and the stores' quads() leave them out.
STAGING_PREFIX = "urn:claimkb:staging:"


class StoreError(Exception):
    """The store could not answer (unreachable, locked, corrupt)."""


class Store(Protocol):
    """What every backend offers. Queries are prepared text; values come in through ``bindings``."""

    def select(self, query: str, bindings: Bindings | None = None) -> list[Row]: ...

    def select_values(self, query: str, bindings: Bindings | None = None) -> list[ValueRow]:
        """Like ``select``, but each value as a plain string: for large aggregates and lists that
        need only IRIs and lexical forms, where building rdflib terms would cost more than the query."""
        ...

    def ask(self, query: str, bindings: Bindings | None = None) -> bool: ...

    def construct(self, query: str, bindings: Bindings | None = None) -> Graph: ...

    def triples_of(self, subject: URIRef, predicate: URIRef | None = None) -> list[tuple[Node, Node]]:
        """The (predicate, object) pairs of ``subject`` in the default graph (of ``predicate`` only, if
        given): what a save reads of each node it writes, so the embedded store answers it without SPARQL."""
        ...

    def object_values(self, subject: URIRef, predicate: URIRef) -> list[str]:
        """The objects of ``subject`` and ``predicate`` as plain strings (IRIs, lexical forms): for
        counters read before every cache hit, where building rdflib terms costs more than the lookup."""
        ...

    def subjects_of(self, predicate: URIRef, obj: Node) -> list[Node]:
        """The subjects of ``predicate`` with ``obj`` in the default graph (the claims of an evidence
        event): the embedded store answers it from its indexes, without SPARQL."""
        ...

    def update(self, update: str) -> None:
        """Apply one SPARQL update atomically: all of it or nothing."""
        ...

    def writing(self) -> AbstractContextManager[object]:
        """Hold the store's write lock (re-entrant): the repository reads its revision counter and
        writes the next revision under it, so writers take turns instead of retrying each other out."""
        ...

    def quads(self) -> Iterator[Quad]: ...

    def bulk_load(self, quads: Iterable[Quad]) -> None: ...

    def is_empty(self) -> bool: ...

    def close(self) -> None: ...


# --- term conversion between rdflib and pyoxigraph -------------------------------------------


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r} to an Oxigraph term")


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@lru_cache(maxsize=65_536)
def _iri(value: str) -> URIRef:
    # The same IRIs (predicates, classes, concepts, much-cited resources) come back in almost every
    # answer; rdflib checks each new URIRef's characters, so one instance per IRI is kept and reused.
    return URIRef(value)


def from_ox(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return _iri(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype in (_XSD_STRING, _RDF_LANG_STRING):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"cannot convert {term!r} to an rdflib term")


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_ASK = re.compile(r"\bASK\s*\{", re.IGNORECASE)


def with_values(query: str, bindings: Bindings | None) -> str:
    """``query`` with a ``VALUES`` block for each bound variable first in its ``WHERE`` group."""
    if not bindings:
        return query
    match = _WHERE.search(query) or _ASK.search(query)
    if match is None:
        raise ValueError("a query that takes bound values needs a WHERE clause")
    block = " ".join(f"VALUES ?{name} {{ {to_ox(term)} }}" for name, term in bindings.items())
    return f"{query[: match.end()]} {block} {query[match.end() :]}"


def new_graph() -> Graph:
    """An empty in-memory graph for query answers: rdflib's triple-only store, which adds and looks up
    about twice as fast as its default, context-aware one (answers have no named graphs)."""
    return Graph(store="SimpleMemory")


def rows_of(solutions: ox.QuerySolutions) -> list[Row]:
    """SELECT solutions as rows of rdflib terms (unbound variables left out of each row)."""
    names = [v.value for v in solutions.variables]
    rows = []
    for solution in solutions:
        row: Row = {}
        for name in names:
            value = solution[name]
            if value is not None:
                row[name] = from_ox(value)
        rows.append(row)
    return rows


def values_of(solutions: ox.QuerySolutions) -> list[ValueRow]:
    """SELECT solutions as rows of plain strings (an IRI, a blank node's id or a literal's lexical form)."""
    names = [v.value for v in solutions.variables]
    rows = []
    for solution in solutions:
        row: ValueRow = {}
        for name in names:
            value = solution[name]
            if value is not None:
                row[name] = value.value
        rows.append(row)
    return rows


def _named(iri: URIRef) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def _graph_name(graph: object) -> URIRef | None:
    return None if isinstance(graph, ox.DefaultGraph) else URIRef(graph.value)  # type: ignore[attr-defined]


class OxigraphStore:
    """The embedded default: an Oxigraph database on disk (or in memory when ``path`` is None).

    Only one process can open the database for writing; threads share this object. Oxigraph
    releases the GIL while it evaluates a query, so a long query does not freeze other threads.
    """

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as error:
            raise StoreError(f"cannot open the store at {path}: {error}") from error
        self.path = path
        self.read_only = read_only
        self._write_lock = threading.RLock()
        # Why the last write failed (a read-only or full data directory): the store is reopened
        # before the next write.
        self._write_failure: str | None = None

    @property
    def native(self) -> ox.Store:
        """The underlying pyoxigraph store, for the SPARQL service's own result serialisers."""
        return self._store

    def _query(self, query: str, bindings: Bindings | None) -> object:
        # Bound values go in as a VALUES block (each term serialised by pyoxigraph, never formatted
        # from text), not as pyoxigraph substitutions: the planner does not see a substituted
        # variable as bound, and at 10k claims joined a claim's same-claim links with every claim
        # (1.1 s instead of 0.3 ms).
        return self._store.query(with_values(query, bindings), prefixes=PREFIXES)

    def select(self, query: str, bindings: Bindings | None = None) -> list[Row]:
        solutions = self._query(query, bindings)
        assert isinstance(solutions, ox.QuerySolutions)
        return rows_of(solutions)

    def select_values(self, query: str, bindings: Bindings | None = None) -> list[ValueRow]:
        solutions = self._query(query, bindings)
        assert isinstance(solutions, ox.QuerySolutions)
        return values_of(solutions)

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        return bool(self._query(query, bindings))

    def construct(self, query: str, bindings: Bindings | None = None) -> Graph:
        triples = self._query(query, bindings)
        graph = new_graph()
        for triple in triples:  # type: ignore[attr-defined]
            graph.add((from_ox(triple.subject), from_ox(triple.predicate), from_ox(triple.object)))
        return graph

    def triples_of(self, subject: URIRef | BNode, predicate: URIRef | None = None) -> list[tuple[Node, Node]]:
        # A pattern lookup in the store's indexes: a tenth of the cost of the same SPARQL query.
        quads = self._store.quads_for_pattern(
            ox.BlankNode(str(subject)) if isinstance(subject, BNode) else _named(subject),
            _named(predicate) if predicate is not None else None,
            None,
            ox.DefaultGraph(),
        )
        return [(from_ox(quad.predicate), from_ox(quad.object)) for quad in quads]

    def object_values(self, subject: URIRef, predicate: URIRef) -> list[str]:
        quads = self._store.quads_for_pattern(_named(subject), _named(predicate), None, ox.DefaultGraph())
        return [quad.object.value for quad in quads if not isinstance(quad.object, ox.Triple)]

    def subjects_of(self, predicate: URIRef, obj: Node) -> list[Node]:
        quads = self._store.quads_for_pattern(None, _named(predicate), to_ox(obj), ox.DefaultGraph())
        return [from_ox(quad.subject) for quad in quads]

    def writing(self) -> AbstractContextManager[object]:
        return self._write_lock

    def update(self, update: str) -> None:
        with self._write_lock:
            self._reopen_after_failure()
            try:
                # No flush here: the update is in RocksDB's write-ahead log once this returns, which
                # survives a killed process and which read-only openers (the SPARQL query workers)
                # replay when they open the store. A flush per update cost a new file on disk per save.
                self._store.update(update, prefixes=PREFIXES)
            except OSError as error:
                self._write_failure = str(error)
                raise StoreUnavailable(_unwritable(self.path, error)) from error

    def _reopen_after_failure(self) -> None:
        """Open the store afresh if a write failed, so that it takes writes again once it can.

        RocksDB refuses every write after one that failed (a read-only or full data directory)
        until it is opened again. Meanwhile reads go on from a read-only view, and writes are
        refused with a clear 503.
        """
        if self._write_failure is None or self.path is None:
            return
        try:
            # Only one writer instance may be open, so the failed one goes first; readers keep a store.
            self._store = ox.Store.read_only(str(self.path))
            self._store = ox.Store(str(self.path))
        except (OSError, RuntimeError) as error:
            self._write_failure = str(error)
            raise StoreUnavailable(_unwritable(self.path, error)) from error
        self._write_failure = None
        log.warning("claimkb: the store at %s takes writes again", self.path)

    def quads(self) -> Iterator[Quad]:
        for quad in self._store:
            yield (
                from_ox(quad.subject),
                from_ox(quad.predicate),
                from_ox(quad.object),
                _graph_name(quad.graph_name),
            )

    def bulk_load(self, quads: Iterable[Quad]) -> None:
        """Add many quads at once (used to build benchmark stores; not a revisioned write)."""
        converted = (
            ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.NamedNode(str(g)) if g else ox.DefaultGraph())  # type: ignore[arg-type]
            for s, p, o, g in quads
        )
        with self._write_lock:
            self._store.bulk_extend(converted)
            self.flush()

    def is_empty(self) -> bool:
        return len(self._store) == 0

    def flush(self) -> None:
        if self.path is not None and not self.read_only:
            self._store.flush()

    def close(self) -> None:
        if self.path is not None and not self.read_only:
            try:
                self._store.flush()
            except OSError:
                pass
        del self._store


def _unwritable(path: Path | None, error: Exception) -> str:
    log.warning("claimkb: the store at %s cannot be written: %s", path, error)
    return (
        "The knowledge base cannot be written at the moment: its data directory is read-only or full. "
        "Nothing was saved, and reading still works. Please try again later."
    )


def open_store(url: str | None, data_dir: Path) -> Store:
    """Open the store named by ``url`` (``CLAIMKB_STORE``); the default is Oxigraph in ``data_dir/store``."""
    if not url or url in ("oxigraph", "embedded"):
        return OxigraphStore(data_dir / "store")
    if url == "memory":
        return OxigraphStore(None)
    if url.startswith("oxigraph:"):
        return OxigraphStore(Path(url.removeprefix("oxigraph:")))
    if url.startswith(("sparql+http://", "sparql+https://")):
        from kb.store.remote import RemoteSparqlStore  # a backend of its own, imported when asked for

        return RemoteSparqlStore(url.removeprefix("sparql+"), write_lock=data_dir / "store-write.lock")
    raise StoreError(f"unknown store URL {url!r}: use 'oxigraph', 'memory', 'oxigraph:PATH' or 'sparql+http://…'")
