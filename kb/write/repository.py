"""The write path: every change lands with its revision record in one atomic SPARQL update.

A revision is a ``prov:Activity`` in the default graph (who, when, why, what changed) with two
named graphs holding the exact triples it added and removed. Each changed resource carries a
``ck:version`` that the update checks and raises, so a save that started from an older version is
refused (no lost updates), and the knowledge base carries a revision counter that the same update
checks and raises, so revision numbers form one gap-free log that search indexes follow.

Unpublished work never reaches the public default graph: the triples of a claim that is a draft, in
review or unpublished (and of the evidence, quotes and selectors it owns) live in the private graph
``{base}private/editorial/unpublished``, the desk's assignments in ``…/editorial/desk``, and a
revision's record of them in ``…/editorial/revisions/N/added|removed`` and the private log graph. Every
public reader (pages, search, feeds, dumps, the SPARQL endpoint) reads the default graph and the
public named graphs, so none of them can show what it never sees. ``Change.private`` and
``Change.public`` move subjects between the two sides (see ``kb.write.publishing``).

A web host of several on one SPARQL server hands its changes to the one writer service instead
(``Repository.writer``, ``kb.write.writer``), which applies them here, one at a time. On a SPARQL
server a large change is staged in graphs of its own first and moved into place by one short update
(see ``_update_text``).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD
from rdflib.term import Node

from claims.model import Iris
from claims.vocab import CK, OA, SCHEMA
from kb import queries
from kb.errors import ConflictError, KBError
from kb.store import STAGING_PREFIX, Store, new_graph, to_ox

Triple = tuple[Node, Node, Node]

log = logging.getLogger(__name__)

# Bookkeeping the repository itself maintains: never part of a revision's added/removed graphs.
BOOKKEEPING = {CK.version}

# Editorial data about a claim, private whatever the claim's state (kept in the desk graph).
DESK_PREDICATES = frozenset({CK.assignee, CK.assignmentDue, CK.reviewRequestedBy})
# A node reached by these from an unpublished node is unpublished with it (its evidence, quotes, selectors).
# What a claim owns (unpublished and published with it): evidence, quotes and their selectors, and
# the photos, videos and audio clips that make it with their reviews.
OWNING_PREDICATES = frozenset({CK.evidence, CK.quote, OA.hasSelector, CK.media, SCHEMA.review})
# The public reason of a revision whose details are private (work on unpublished claims).
PRIVATE_WORK_REASON = "Editorial work on unpublished claims"


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
    # Subjects unpublished after this change (a new draft, or a claim being unpublished) ...
    private: set[URIRef] = field(default_factory=set)
    # ... and subjects this change makes public (a claim being published): their triples move.
    public: set[URIRef] = field(default_factory=set)
    # The reason shown publicly when the change touches unpublished work (publishing says why);
    # None: the public log says only PRIVATE_WORK_REASON and the real reason stays private.
    public_reason: str | None = None

    def normalise(self) -> Change:
        # A triple both removed and added is kept on both sides when its subject moves between graphs.
        moving = self.private | self.public
        both = {t for t in self.added & self.removed if t[0] not in moving}
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


# How long a staging graph may exist before it counts as left behind: far beyond one write (the
# store's requests give up after a minute), and beyond any clock difference between hosts.
STAGING_LEASE = 3600.0
_STAGING_TIME = re.compile(re.escape(STAGING_PREFIX) + r"t(\d+):")


def staging_graph(nonce: str, part: str) -> URIRef:
    """A staging graph's name: when it was made (Unix seconds), the write's nonce and its part."""
    return URIRef(f"{STAGING_PREFIX}t{int(time.time())}:{nonce}:{part}")


def staging_time(graph: URIRef) -> int | None:
    """When the staging graph was made, from its name (``None`` for an older version's name)."""
    found = _STAGING_TIME.match(str(graph))
    return int(found.group(1)) if found else None


def _version(value: Node | None) -> int:
    return int(value.toPython()) if isinstance(value, Literal) else 0


# Terms' N-Triples forms by their exact form (kind, text, datatype, language): see ``_nt``.
_NT_FORMS: dict[tuple[type, str, str | None, str | None], str] = {}
_NT_FORMS_MAX = 1 << 16


def _nt(term: Node) -> str:
    """An RDF term in N-Triples syntax (Oxigraph validates and escapes it). Kept for the terms met
    again: an update names each subject and predicate many times, and a bulk write's triples twice
    (in the data and in the revision's graph). Kept by the term's exact form, not by rdflib's
    equality (which holds ``"01"^^xsd:integer`` equal to ``"1"^^xsd:integer``)."""
    key: tuple[type, str, str | None, str | None]
    if isinstance(term, Literal):
        key = (Literal, str(term), term.datatype and str(term.datatype), term.language)
    else:
        key = (type(term), str(term), None, None)
    found = _NT_FORMS.get(key)
    if found is None:
        if len(_NT_FORMS) >= _NT_FORMS_MAX:
            _NT_FORMS.clear()
        found = _NT_FORMS[key] = str(to_ox(term))
    return found


def _triples_block(triples: Iterable[Triple]) -> str:
    """The triples as template lines, in the order of their text (sorted as strings, in C: the
    text is the same for the same triples, whatever order a set gives them in)."""
    return "\n".join(sorted(f"  {_nt(s)} {_nt(p)} {_nt(o)} ." for s, p, o in triples))


GraphTriple = tuple[URIRef | None, Triple]


def _template(triples: Iterable[GraphTriple]) -> list[str]:
    """Template lines: default-graph triples as they are, each named graph's in its ``GRAPH`` block."""
    by_graph: dict[URIRef | None, list[Triple]] = {}
    for graph, triple in triples:
        by_graph.setdefault(graph, []).append(triple)
    lines = [_triples_block(by_graph.pop(None, []))]
    for graph in sorted(by_graph, key=str):
        assert graph is not None
        lines += [f"  GRAPH {_nt(graph)} {{", _triples_block(by_graph[graph]), "  }"]
    return lines


def _operation(
    deleted: Iterable[Triple],
    inserted: Sequence[GraphTriple],
    where: list[str],
    more_deleted: Iterable[GraphTriple] = (),
) -> str:
    """One ``DELETE … INSERT … WHERE`` operation, with no empty block (Virtuoso refuses ``DELETE { }``
    and an empty ``GRAPH <g> { }`` template)."""
    removed = [(None, t) for t in deleted] + list(more_deleted)
    lines = ["DELETE {", *_template(removed), "}"] if removed else []
    if inserted:
        lines += ["INSERT {", *_template(inserted), "}"]
    lines += ["WHERE {", *("  " + w for w in where), "}"]
    return "\n".join(lines)


class RemoteWriter(Protocol):
    """Where a host hands its changes (``kb.write.writer.WriterClient``)."""

    def apply(self, change: Change, *, agent: URIRef, reason: str, revert_of: URIRef | None) -> RevisionInfo: ...


# Up to this many revisions behind, an index catches up by looking each revision up by its IRI.
CATCH_UP_BY_IRI = 100


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

    def changed_after(self, last: int, current: int, *, private: bool = True) -> tuple[int, set[str]]:
        """What the revisions after ``last`` changed, as the indexes that follow the log catch up: (the
        newest revision found, every resource IRI they name; with ``private``, also what only the
        private log names). A few revisions are looked up by their IRIs, so a save's catch-up costs
        the same whatever the log's length; a long gap reads the log once, filtered by number."""
        changed: set[str] = set()
        newest = last
        if current - last <= CATCH_UP_BY_IRI:
            for number in range(last + 1, current + 1):
                revision = {"rev": self.iris.revision(number)}
                rows = self.store.select_values(queries.CHANGED_BY_REVISION, revision)
                if not rows:
                    break  # its record is not visible yet: the next catch-up takes it
                newest = number
                changed.update(row["changed"] for row in rows if row.get("changed"))
                if private:
                    logged = self.store.select_values(
                        queries.CHANGED_BY_REVISION_IN_LOG, {**revision, "log": self.log_graph}
                    )
                    changed.update(row["changed"] for row in logged)
            return newest, changed
        after = {"after": Literal(last)}
        rows = self.store.select_values(queries.SEARCH_CHANGED_SINCE, after)
        if private:
            rows += self.store.select_values(queries.SEARCH_CHANGED_SINCE_IN_LOG, {**after, "log": self.log_graph})
        for row in rows:
            newest = max(newest, int(row["n"]))
            if row.get("changed"):
                changed.add(row["changed"])
        return newest, changed

    def versions(self, resources: Iterable[URIRef]) -> dict[URIRef, int]:
        result: dict[URIRef, int] = {}
        elsewhere = []
        for resource in resources:
            found = self.store.triples_of(resource, CK.version)
            if found:
                result[resource] = _version(found[0][1])
            else:
                elsewhere.append(resource)
        # New resources, or unpublished ones (their version is in the private graph): one question when
        # the knowledge base holds no unpublished work, rather than one query per resource.
        private = self.unpublished(elsewhere) if elsewhere else set()
        for resource in elsewhere:
            rows = (
                self.store.select(queries.VERSION_IN_GRAPH, {"s": resource, "u": self.unpublished_graph})
                if resource in private
                else []
            )
            result[resource] = _version(rows[0].get("v") if rows else None)
        return result

    def describe(self, subjects: Iterable[URIRef], *, editorial: bool = False) -> Graph:
        """All current default-graph triples whose subject is one of ``subjects``.

        ``editorial`` (the write path and editors' pages only) adds what the private graphs hold
        about them: an unpublished claim's description and the desk's data."""
        graph = new_graph()
        private: tuple[URIRef, ...] = (self.unpublished_graph, self.desk_graph) if editorial else ()
        subjects = list(subjects)
        if private and subjects:  # a private graph holding nothing (the common case) is not asked per subject
            private = tuple(g for g in private if self.store.ask(queries.IN_GRAPH, {"g": g}))
        for subject in subjects:
            for predicate, obj in self.store.triples_of(subject):
                graph.add((subject, predicate, obj))
            for graph_name in private:
                for row in self.store.select(queries.GRAPH_TRIPLES, {"g": graph_name, "s": subject}):
                    graph.add((subject, row["p"], row["o"]))
        return graph

    # --- unpublished work --------------------------------------------------------------------

    @property
    def unpublished_graph(self) -> URIRef:
        return self.iris.editorial_graph("unpublished")

    @property
    def desk_graph(self) -> URIRef:
        return self.iris.editorial_graph("desk")

    @property
    def log_graph(self) -> URIRef:
        """Revision records of unpublished work: the real reason and what it changed."""
        return self.iris.editorial_graph("log")

    def private_revision_graph(self, number: int, part: str) -> URIRef:
        return self.iris.editorial_graph(f"revisions/{number}/{part}")

    def types(self, subject: URIRef) -> set[Node]:
        """``rdf:type`` of ``subject``, published or not (for the write path and editors)."""
        found = {kind for _, kind in self.store.triples_of(subject, RDF.type)}
        if found:
            return found
        rows = self.store.select(queries.TYPES_IN_GRAPH, {"s": subject, "u": self.unpublished_graph})
        return {row["t"] for row in rows}

    def types_of(self, subjects: Iterable[URIRef]) -> dict[URIRef, set[Node]]:
        """``types`` of each of ``subjects``; the unpublished graph asked only when it holds anything."""
        found: dict[URIRef, set[Node]] = {}
        missing = []
        for subject in subjects:
            found[subject] = {kind for _, kind in self.store.triples_of(subject, RDF.type)}
            if not found[subject]:
                missing.append(subject)
        if missing and self.store.ask(queries.IN_GRAPH, {"g": self.unpublished_graph}):
            for subject in missing:
                found[subject] = self.types(subject)
        return found

    def unpublished(self, subjects: Iterable[URIRef]) -> set[URIRef]:
        """Those of ``subjects`` whose description lives in the unpublished graph."""
        graph = self.unpublished_graph
        if not self.store.ask(queries.IN_GRAPH, {"g": graph}):
            return set()  # the common case (no unpublished work): one question, not one per subject
        subjects = set(subjects)
        if len(subjects) > 20:  # a batch (an import): one question for the whole graph's subjects
            rows = self.store.select_values(queries.SUBJECTS_IN_GRAPH, {"g": graph})
            return subjects & {URIRef(row["s"]) for row in rows}
        return {s for s in subjects if self.store.ask(queries.IN_GRAPH, {"g": graph, "s": s})}

    def _route(self, change: Change) -> tuple[list[GraphTriple], list[GraphTriple], set[URIRef], set[URIRef]]:
        """Where each removed and added triple lives: (removed, added, private before, private after)."""
        subjects = {t[0] for t in change.added | change.removed if isinstance(t[0], URIRef)} | change.changed
        before = self.unpublished(subjects)
        after = (before - change.public) | change.private
        grew = True
        while grew:  # what an unpublished node owns is unpublished with it
            owned = {
                o
                for s, p, o in change.added
                if s in after and p in OWNING_PREDICATES and isinstance(o, URIRef) and o not in change.public
            }
            grew = not owned <= after
            after |= owned

        def graph(triple: Triple, private: set[URIRef]) -> URIRef | None:
            if triple[1] in DESK_PREDICATES:
                return self.desk_graph
            return self.unpublished_graph if triple[0] in private else None

        removed = [(graph(t, before), t) for t in change.removed]
        added = [(graph(t, after), t) for t in change.added]
        return removed, added, before, after

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
        rows = self.store.select(queries.REVISION_BY_NONCE, {"nonce": Literal(nonce)}) or self.store.select(
            queries.REVISION_BY_NONCE_IN_LOG, {"nonce": Literal(nonce), "log": self.log_graph}
        )
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
            routed = self._route(change)
            versions = self.versions(change.changed)
            self._raise_if_stale(change.expected_versions, versions)
            when = datetime.now(UTC).replace(microsecond=0)
            try:
                update, staged = self._update_text(
                    change, number, versions, nonce, agent, reason, when, revert_of, routed
                )
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
                self.drop_stale_staging()  # and any a writer that died mid-write left (rare: large writes only)
            except KBError as error:  # left behind: no query reads them, dumps leave them out, and
                # the next large write or start of a writer or site drops them once stale
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
        routed: tuple[list[GraphTriple], list[GraphTriple], set[URIRef], set[URIRef]] | None = None,
    ) -> tuple[str, dict[URIRef, list[Triple]]]:
        """The update that writes revision ``number``, and the triples to stage before it (if any)."""
        if routed is None:
            routed = (
                [(None, t) for t in change.removed],
                [(None, t) for t in change.added],
                set(),
                set(),
            )
        removed_at, added_at, private_before, private_after = routed
        private_work = (
            any(g is not None for g, _ in removed_at + added_at)
            or bool(private_before | private_after)
            or bool(change.private | change.public)
        )
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
            (revision, CK.reason, Literal(change.public_reason or PRIVATE_WORK_REASON if private_work else reason)),
            (revision, CK.addedGraph, added_graph),
            (revision, CK.removedGraph, removed_graph),
            (agent, RDF.type, PROV.Agent),
            (kb, CK.revisionNumber, Literal(number)),
        }
        if revert_of is not None:
            meta.add((revision, CK.revertOf, revert_of))
        # Unpublished resources are never named in the public log; the private log names them.
        log_meta: set[Triple] = set()
        for resource in change.changed:
            hidden = resource in private_after or (resource in private_before and change.public_reason is None)
            meta.add((revision, CK.changed, resource)) if not hidden else log_meta.add((revision, CK.changed, resource))
        if private_work:
            log_meta |= {
                (revision, CK.reason, Literal(reason)),
                (revision, CK.addedGraph, self.private_revision_graph(number, "added")),
                (revision, CK.removedGraph, self.private_revision_graph(number, "removed")),
            }
            touches_public = change.public_reason is not None or any(g is None for g, _ in removed_at + added_at)
            if not touches_public:
                # Work on unpublished claims alone: the public log keeps only the revision's number (the
                # log stays gap-free for the search index); who, when and why are in the private log,
                # so no public page, feed or "last modified" figure moves with a draft.
                private_meta = {PROV.endedAtTime, PROV.wasAssociatedWith, CK.revertOf}
                dropped = {CK.reason, CK.addedGraph, CK.removedGraph} | private_meta
                log_meta |= {t for t in meta if t[0] == revision and t[1] in private_meta}
                log_meta.add((revision, RDF.type, PROV.Activity))
                meta = {t for t in meta if not (t[0] == revision and t[1] in dropped)}
                meta.discard((revision, RDF.type, PROV.Activity))

        # The WHERE clause is the whole precondition: the counter is still where we read it.
        # Every write raises the counter, so the versions read after it are still current too.
        # (One constant pattern, however many resources change: the update's size grows with
        # the change, its query plan does not.)
        previous = Literal(number - 1)
        if number - 1 == 0:
            where = [f"FILTER NOT EXISTS {{ {_nt(kb)} {_nt(CK.revisionNumber)} ?any }}"]
        else:
            where = [f"{_nt(kb)} {_nt(CK.revisionNumber)} {_nt(previous)} ."]
        unpublished = self.unpublished_graph
        old_versions = [
            (unpublished if r in private_before else None, (r, CK.version, Literal(v)))
            for r, v in versions.items()
            if v
        ]
        new_versions = [
            (unpublished if r in private_after else None, (r, CK.version, Literal(versions.get(r, 0) + 1)))
            for r in change.changed
        ]
        counter = {(kb, CK.revisionNumber, previous)} if number > 1 else set()
        meta.discard((kb, CK.revisionNumber, Literal(number)))
        core_delete: set[Triple] = set(counter)
        core_insert: set[Triple] = {
            (kb, CK.revisionNumber, Literal(number)),
            (revision, DCTERMS.identifier, Literal(nonce)),
        }
        meta.discard((revision, DCTERMS.identifier, Literal(nonce)))
        # (The text's order is made where it is written: ``_template`` sorts each graph's lines.)
        deletes: list[GraphTriple] = old_versions + removed_at
        inserts: list[GraphTriple] = new_versions + added_at + [(None, t) for t in meta]
        inserts += [(self.iris.editorial_graph("log"), t) for t in log_meta]
        # The revision's record: what landed in (or left) the default graph is public; what landed in
        # (or left) a private graph, or belongs to a claim being unpublished, is recorded privately.
        private_added = self.private_revision_graph(number, "added")
        private_removed = self.private_revision_graph(number, "removed")
        inserts += [(added_graph if g is None else private_added, t) for g, t in added_at]
        inserts += [
            (removed_graph if g is None and t[0] not in private_after else private_removed, t) for g, t in removed_at
        ]
        if (
            private_work
            or not getattr(self.store, "stages_large_changes", False)
            or len(deletes) + len(inserts) <= self.CHUNK
        ):
            if private_work:
                core_ops = _operation(core_delete, [(None, t) for t in core_insert] + inserts, where, deletes)
                landed = f"{_nt(revision)} {_nt(DCTERMS.identifier)} {_nt(Literal(nonce))} ."
                sealing = self._sealing(private_after - private_before, change.public & private_before, landed)
                return " ;\n".join([core_ops, *sealing]), {}
            # One operation with the change in its template: the precondition guards all of it.
            core: list[GraphTriple] = [(None, t) for t in core_insert]
            return _operation(core_delete, core + inserts, where, deletes), {}
        # A large change on a SPARQL server. Virtuoso compiles an operation's template to SQL of at
        # most 10,000 lines (about a thousand triples) and does not undo the earlier operations of a
        # request when a later one fails, so the change cannot be split over several operations.
        # Instead its triples are first loaded into staging graphs of their own (no query reads
        # them), and one short operation moves them into place under the precondition: its text no
        # longer grows with the change, and it applies whole or not at all. The staging graphs are
        # dropped afterwards.
        staging = {part: staging_graph(nonce, part) for part in ("delete", "insert", "added", "removed")}
        staged: dict[URIRef, list[Triple]] = {
            staging["delete"]: [t for _, t in deletes],
            staging["insert"]: [t for g, t in inserts if g is None],
            staging["added"]: list(change.added),
            staging["removed"]: list(change.removed),
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

    def drop_stale_staging(self, now: float | None = None) -> list[URIRef]:
        """Drop the staging graphs that writers which died mid-write left behind; returns their names.

        A staging graph lives for one write (loaded, moved into place, dropped: seconds), and its
        name says when it was made, so one older than ``STAGING_LEASE`` belongs to no live writer,
        on any host; one named without a time (an older version's) too. A live writer's staging
        graphs are never dropped: a partly dropped staging could let its move apply half a change.
        Run when the writer service or a site starts, and after each staged write."""
        if not getattr(self.store, "stages_large_changes", False):
            return []  # the embedded store never stages
        now = time.time() if now is None else now
        # A store keeping its default graph in a named graph is on Virtuoso (see kb.store.remote).
        query = (
            queries.GRAPHS_WITH_TRIPLES_STARTING_WITH
            if getattr(self.store, "default_graph", None)
            else queries.GRAPHS_STARTING_WITH
        )
        graphs = [URIRef(str(r["g"])) for r in self.store.select(query, {"prefix": Literal(STAGING_PREFIX)})]
        stale = [g for g in graphs if (made := staging_time(g)) is None or now - made > STAGING_LEASE]
        if stale:
            self.store.update(" ;\n".join(f"DROP SILENT GRAPH {_nt(graph)}" for graph in stale))
            log.warning("dropped %d staging graphs left by a writer that stopped mid-write", len(stale))
        return stale

    def _sealing(self, hide: set[URIRef], show: set[URIRef], landed: str) -> list[str]:
        """Operations that seal the public history of resources being unpublished (their triples in
        earlier revisions' public graphs, and those revisions' ``ck:changed`` naming them, move to
        ``{base}private/editorial/sealed/…``) and unseal it for resources published again. Each runs
        only once the revision has landed (``landed`` matches its nonce). Every graph is named, none
        is a variable: a SPARQL server given a default graph (Virtuoso) updates only the graphs an
        update names."""
        base = self.iris.base
        public_prefix = f"{base}revisions/"
        sealed_prefix = f"{base}private/editorial/sealed/"
        sealed_log = _nt(self.iris.editorial_graph("sealed"))
        changed = _nt(CK.changed)
        operations = []
        for subject, moving_out in [(s, True) for s in sorted(hide)] + [(s, False) for s in sorted(show)]:
            s = _nt(subject)
            graphs = {str(row["g"]) for row in self.store.select(queries.GRAPHS_OF_SUBJECT, {"s": subject})}
            for graph in sorted(graphs):
                if moving_out and graph.startswith(public_prefix):
                    source, target = graph, sealed_prefix + graph[len(base) :]
                elif not moving_out and graph.startswith(sealed_prefix):
                    source, target = graph, base + graph[len(sealed_prefix) :]
                else:
                    continue
                src, dst = _nt(URIRef(source)), _nt(URIRef(target))
                operations.append(
                    f"DELETE {{ GRAPH {src} {{ {s} ?p ?o }} }} INSERT {{ GRAPH {dst} {{ {s} ?p ?o }} }} "
                    f"WHERE {{ {landed} GRAPH {src} {{ {s} ?p ?o }} }}"
                )
            if moving_out:
                operations.append(
                    f"DELETE {{ ?rev {changed} {s} }} INSERT {{ GRAPH {sealed_log} {{ ?rev {changed} {s} }} }} "
                    f"WHERE {{ {landed} ?rev {changed} {s} }}"
                )
            else:
                operations.append(
                    f"DELETE {{ GRAPH {sealed_log} {{ ?rev {changed} {s} }} }} INSERT {{ ?rev {changed} {s} }} "
                    f"WHERE {{ {landed} GRAPH {sealed_log} {{ ?rev {changed} {s} }} }}"
                )
        return operations

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
