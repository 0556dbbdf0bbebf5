"""The write path: every change lands with its revision record in one atomic SPARQL update.

A revision is a ``prov:Activity`` in the default graph (who, when, why, what changed) with two
named graphs holding the exact triples it added and removed. Each changed resource carries a
``ck:version`` that the update checks and raises, so a save that started from an older version is
refused (no lost updates), and the knowledge base carries a revision counter that the same update
checks and raises, so revision numbers form one gap-free log that search indexes follow.

A web host of several on one SPARQL server hands its changes to the one writer service instead
(``Repository.writer``, ``kb.write.writer``), which applies them here, one at a time. On a SPARQL
server a large change is staged in graphs of its own first and moved into place by one short update
(see ``_update_text``).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD
from rdflib.term import Node

from claims.model import Iris
from claims.vocab import CK
from kb import queries
from kb.errors import ConflictError, KBError
from kb.store import STAGING_PREFIX, Store, to_ox

Triple = tuple[Node, Node, Node]

log = logging.getLogger(__name__)

# Bookkeeping the repository itself maintains: never part of a revision's added/removed graphs.
BOOKKEEPING = {CK.version}


@dataclass(frozen=True)
class RevisionInfo:
    number: int
    iri: URIRef
    agent: URIRef
    time: datetime
    reason: str
    changed: tuple[URIRef, ...]
    added: int
    removed: int


@dataclass
class Change:
    """Triples to add and remove, the resources whose version it raises, and the versions it expects."""

    added: set[Triple] = field(default_factory=set)
    removed: set[Triple] = field(default_factory=set)
    changed: set[URIRef] = field(default_factory=set)
    expected_versions: dict[URIRef, int] = field(default_factory=dict)

    def normalise(self) -> Change:
        both = self.added & self.removed
        self.added -= both
        self.removed -= both
        return self

    @property
    def is_empty(self) -> bool:
        return not self.added and not self.removed


def diff(before: Graph | Iterable[Triple], after: Graph | Iterable[Triple]) -> tuple[set[Triple], set[Triple]]:
    """(added, removed) between two descriptions, ignoring bookkeeping triples."""
    old = {t for t in before if t[1] not in BOOKKEEPING}
    new = {t for t in after if t[1] not in BOOKKEEPING}
    return new - old, old - new


def _nt(term: Node) -> str:
    """An RDF term in N-Triples syntax (Oxigraph validates and escapes it)."""
    return str(to_ox(term))


def _triples_block(triples: Iterable[Triple]) -> str:
    return "\n".join(f"  {_nt(s)} {_nt(p)} {_nt(o)} ." for s, p, o in sorted(triples))


GraphTriple = tuple[URIRef | None, Triple]


def _template(triples: Iterable[GraphTriple]) -> list[str]:
    """Template lines: default-graph triples as they are, each named graph's in its ``GRAPH`` block."""
    by_graph: dict[URIRef | None, list[Triple]] = {}
    for graph, triple in triples:
        by_graph.setdefault(graph, []).append(triple)
    lines = [_triples_block(by_graph.pop(None, []))]
    for graph, members in by_graph.items():
        assert graph is not None
        lines += [f"  GRAPH {_nt(graph)} {{", _triples_block(members), "  }"]
    return lines


def _operation(
    deleted: Iterable[Triple],
    inserted: Sequence[GraphTriple],
    where: list[str],
    more_deleted: Iterable[GraphTriple] = (),
) -> str:
    """One ``DELETE … INSERT … WHERE`` operation, with no empty block (Virtuoso refuses ``DELETE { }``
    and an empty ``GRAPH <g> { }`` template)."""
    removed = [(None, t) for t in sorted(deleted)] + list(more_deleted)
    lines = ["DELETE {", *_template(removed), "}"] if removed else []
    if inserted:
        lines += ["INSERT {", *_template(inserted), "}"]
    lines += ["WHERE {", *("  " + w for w in where), "}"]
    return "\n".join(lines)


class RemoteWriter(Protocol):
    """Where a host hands its changes (``kb.write.writer.WriterClient``)."""

    def apply(self, change: Change, *, agent: URIRef, reason: str, revert_of: URIRef | None) -> RevisionInfo: ...


class Repository:
    """Reads current descriptions and applies changes with their revision, atomically."""

    MAX_RETRIES = 20
    # Template triples in one update; a larger change on a SPARQL server is staged first (see _update_text).
    CHUNK = 400

    def __init__(self, store: Store, iris: Iris) -> None:
        self.store = store
        self.iris = iris
        self._counter = iris.knowledge_base  # the node that carries the revision counter
        # Called with each revision once it has landed (the search index follows the log this way).
        self.listeners: list[Callable[[RevisionInfo], None]] = []
        # Set on a web host of many (CLAIMKB_WRITER_URL): changes go to the one writer service instead
        # of straight to the store (see kb/write/writer.py). Anything with this ``apply``.
        self.writer: RemoteWriter | None = None

    # --- reads ---------------------------------------------------------------------------

    def revision_count(self) -> int:
        # Asked before every read-cache hit: a pattern lookup, not a SPARQL query (a tenth of the cost).
        found = self.store.object_values(self._counter, CK.revisionNumber)
        return int(found[0]) if found else 0

    def versions(self, resources: Iterable[URIRef]) -> dict[URIRef, int]:
        result = {}
        for resource in resources:
            found = self.store.triples_of(resource, CK.version)
            value = found[0][1] if found else None
            result[resource] = int(value.toPython()) if isinstance(value, Literal) else 0
        return result

    def describe(self, subjects: Iterable[URIRef]) -> Graph:
        """All current default-graph triples whose subject is one of ``subjects``."""
        graph = Graph()
        for subject in subjects:
            for predicate, obj in self.store.triples_of(subject):
                graph.add((subject, predicate, obj))
        return graph

    # --- writes --------------------------------------------------------------------------

    def apply(
        self,
        change: Change,
        *,
        agent: URIRef,
        reason: str,
        revert_of: URIRef | None = None,
    ) -> RevisionInfo | None:
        """Apply ``change`` and record it as the next revision, in one atomic update.

        Returns ``None`` when the change is empty (nothing is written, no revision is made).
        Raises ``ConflictError`` when a resource's version is no longer the expected one.
        On a host with a writer service, the writer applies it and answers the same.
        """
        return self._apply_checked(change, agent, reason, revert_of, None)

    def apply_with_nonce(
        self, change: Change, *, agent: URIRef, reason: str, revert_of: URIRef | None, nonce: str
    ) -> RevisionInfo | None:
        """``apply`` straight to the store, with the revision's nonce chosen by the caller: the writer
        service takes the host's, so that a host that lost the answer can look its revision up."""
        return self._apply_checked(change, agent, reason, revert_of, nonce)

    def _apply_checked(
        self, change: Change, agent: URIRef, reason: str, revert_of: URIRef | None, nonce: str | None
    ) -> RevisionInfo | None:
        change.normalise()
        if change.is_empty:
            return None
        for triple in change.added | change.removed:
            if any(not isinstance(term, URIRef | Literal) for term in triple):
                raise KBError("Blank nodes cannot be written; give every node an IRI.", status=400)
        if self.writer is not None and nonce is None:
            info = self.writer.apply(change, agent=agent, reason=reason, revert_of=revert_of)
        else:
            with self.store.writing():
                info = self._apply(change, agent, reason, revert_of, nonce or uuid.uuid4().hex)
        for listener in self.listeners:
            listener(info)
        return info

    def revision_by_nonce(self, nonce: str) -> RevisionInfo | None:
        """The revision recorded with ``nonce``, if it landed."""
        rows = self.store.select(queries.REVISION_BY_NONCE, {"nonce": Literal(nonce)})
        if not rows:
            return None
        row = rows[0]
        number = int(str(row["n"]))
        added, removed = self.revision_triples(number)
        changed = sorted(str(r["changed"]) for r in self.store.select(queries.REVISION_CHANGED, {"rev": row["rev"]}))
        return RevisionInfo(
            number,
            URIRef(str(row["rev"])),
            URIRef(str(row["agent"])),
            datetime.fromisoformat(str(row["time"])),
            str(row["reason"]),
            tuple(URIRef(str(r)) for r in changed),
            len(added),
            len(removed),
        )

    def _apply(self, change: Change, agent: URIRef, reason: str, revert_of: URIRef | None, nonce: str) -> RevisionInfo:
        # Under the store's write lock no other writer of this process (or, on a server, of this
        # host) lands between the counter's read and the update; the counter in the update's
        # precondition still guards against every other writer.
        for _attempt in range(self.MAX_RETRIES):
            # Read the counter first, then the versions: if anything lands in between or
            # before the update, the counter has moved and the update's precondition fails.
            number = self.revision_count() + 1
            versions = self.versions(change.changed)
            self._raise_if_stale(change.expected_versions, versions)
            when = datetime.now(UTC).replace(microsecond=0)
            try:
                update, staged = self._update_text(change, number, versions, nonce, agent, reason, when, revert_of)
                self._write(update, staged)
            except (SyntaxError, ValueError) as error:
                raise KBError(f"The change could not be written: {error}", status=400) from error
            if self.store.ask(queries.REVISION_HAS_NONCE, {"nonce": Literal(nonce)}):
                return RevisionInfo(
                    number,
                    self.iris.revision(number),
                    agent,
                    when,
                    reason,
                    tuple(sorted(change.changed)),
                    len(change.added),
                    len(change.removed),
                )
        raise KBError("The knowledge base is too busy to take this change; please try again.", status=503)

    def _write(self, update: str, staged: Mapping[URIRef, list[Triple]]) -> None:
        """Send the update, with its staged triples loaded first and dropped after (see _update_text)."""
        if not staged:
            self.store.update(update)
            return
        try:
            self.store.bulk_load((s, p, o, graph) for graph, triples in staged.items() for s, p, o in triples)
            self.store.update(update)
        finally:
            try:
                self.store.update(" ;\n".join(f"DROP SILENT GRAPH {_nt(graph)}" for graph in staged))
            except KBError as error:  # left behind: no query reads them and dumps leave them out
                log.warning("staging graphs of a revision not dropped: %s", error.message)

    @staticmethod
    def _raise_if_stale(expected: Mapping[URIRef, int], current: Mapping[URIRef, int]) -> None:
        stale = {r: (v, current.get(r, 0)) for r, v in expected.items() if current.get(r, 0) != v}
        if stale:
            raise ConflictError(stale)

    def _update_text(
        self,
        change: Change,
        number: int,
        versions: Mapping[URIRef, int],
        nonce: str,
        agent: URIRef,
        reason: str,
        when: datetime,
        revert_of: URIRef | None,
    ) -> tuple[str, dict[URIRef, list[Triple]]]:
        """The update that writes revision ``number``, and the triples to stage before it (if any)."""
        kb = self.iris.knowledge_base
        revision = self.iris.revision(number)
        added_graph = URIRef(f"{revision}/added")
        removed_graph = URIRef(f"{revision}/removed")
        meta: set[Triple] = {
            (revision, RDF.type, CK.Revision),
            (revision, RDF.type, PROV.Activity),
            (revision, CK.revisionNumber, Literal(number)),
            (revision, DCTERMS.identifier, Literal(nonce)),
            (revision, PROV.wasAssociatedWith, agent),
            (revision, PROV.endedAtTime, Literal(when.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)),
            (revision, CK.reason, Literal(reason)),
            (revision, CK.addedGraph, added_graph),
            (revision, CK.removedGraph, removed_graph),
            (agent, RDF.type, PROV.Agent),
            (kb, CK.revisionNumber, Literal(number)),
        }
        if revert_of is not None:
            meta.add((revision, CK.revertOf, revert_of))
        for resource in change.changed:
            meta.add((revision, CK.changed, resource))

        # The WHERE clause is the whole precondition: the counter is still where we read it.
        # Every write raises the counter, so the versions read after it are still current too.
        # (One constant pattern, however many resources change: the update's size grows with
        # the change, its query plan does not.)
        previous = Literal(number - 1)
        if number - 1 == 0:
            where = [f"FILTER NOT EXISTS {{ {_nt(kb)} {_nt(CK.revisionNumber)} ?any }}"]
        else:
            where = [f"{_nt(kb)} {_nt(CK.revisionNumber)} {_nt(previous)} ."]
        old_versions = {(r, CK.version, Literal(v)) for r, v in versions.items() if v}
        new_versions = {(r, CK.version, Literal(versions.get(r, 0) + 1)) for r in change.changed}
        counter = {(kb, CK.revisionNumber, previous)} if number > 1 else set()
        meta.discard((kb, CK.revisionNumber, Literal(number)))
        core_delete: set[Triple] = set(counter)
        core_insert: set[Triple] = {
            (kb, CK.revisionNumber, Literal(number)),
            (revision, DCTERMS.identifier, Literal(nonce)),
        }
        meta.discard((revision, DCTERMS.identifier, Literal(nonce)))
        deletes: list[GraphTriple] = [(None, t) for t in sorted(old_versions | change.removed)]
        inserts: list[GraphTriple] = [(None, t) for t in sorted(new_versions | change.added | meta)]
        inserts += [(added_graph, t) for t in sorted(change.added)]
        inserts += [(removed_graph, t) for t in sorted(change.removed)]
        if len(deletes) + len(inserts) <= self.CHUNK or not getattr(self.store, "stages_large_changes", False):
            # One operation with the change in its template: the precondition guards all of it.
            core: list[GraphTriple] = [(None, t) for t in sorted(core_insert)]
            return _operation(core_delete, core + inserts, where, deletes), {}
        # A large change on a SPARQL server. Virtuoso compiles an operation's template to SQL of at
        # most 10,000 lines (about a thousand triples) and does not undo the earlier operations of a
        # request when a later one fails, so the change cannot be split over several operations.
        # Instead its triples are first loaded into staging graphs of their own (no query reads
        # them), and one short operation moves them into place under the precondition: its text no
        # longer grows with the change, and it applies whole or not at all. The staging graphs are
        # dropped afterwards.
        staging = {part: URIRef(f"{STAGING_PREFIX}{nonce}:{part}") for part in ("delete", "insert", "added", "removed")}
        staged: dict[URIRef, list[Triple]] = {
            staging["delete"]: [t for _, t in deletes],
            staging["insert"]: [t for g, t in inserts if g is None],
            staging["added"]: sorted(change.added),
            staging["removed"]: sorted(change.removed),
        }
        branches = " UNION ".join(
            f"{{ GRAPH {_nt(staging[part])} {{ ?{part}S ?{part}P ?{part}O }} }}" for part in staging
        )
        text = "\n".join(
            [
                "DELETE {",
                _triples_block(core_delete),
                "  ?deleteS ?deleteP ?deleteO .",
                "}",
                "INSERT {",
                _triples_block(core_insert),
                "  ?insertS ?insertP ?insertO .",
                f"  GRAPH {_nt(added_graph)} {{ ?addedS ?addedP ?addedO }}",
                f"  GRAPH {_nt(removed_graph)} {{ ?removedS ?removedP ?removedO }}",
                "}",
                "WHERE {",
                *("  " + w for w in where),
                f"  {branches}",
                "}",
            ]
        )
        return text, {graph: triples for graph, triples in staged.items() if triples}

    def revision_triples(self, number: int) -> tuple[set[Triple], set[Triple]]:
        """The exact triples revision ``number`` added and removed."""
        revision = self.iris.revision(number)
        added = {
            (r["s"], r["p"], r["o"])
            for r in self.store.select(queries.GRAPH_TRIPLES, {"g": URIRef(f"{revision}/added")})
        }
        removed = {
            (r["s"], r["p"], r["o"])
            for r in self.store.select(queries.GRAPH_TRIPLES, {"g": URIRef(f"{revision}/removed")})
        }
        return added, removed
