"""A host's own copy of the public data of an ``oxigraph serve``, for the public endpoint's queries.

Why: ``oxigraph serve --timeout-s`` cancels a query only where the evaluator reads the dataset; an
in-memory join (a cross product of patterns) never looks at the cancellation token, so after the
timeout the server keeps a core busy until the product is done (measured: 0.73-0.89 of a core), and
an HTTP client going away does not stop it either (oxigraph issue #1336: stopping a running query
would need a refactoring of its evaluator). A read-only second process on the server's data
directory is no way out: Oxigraph documents opening a store read-only while another process writes
it as undefined behaviour, and the secondary mode was removed in 0.4.

So on ``oxigraph serve`` public queries never reach the server. Each web host keeps the public data
in an embedded store of its own (under ``DATA_DIR/sparql-replica``), brought up to the server's revision
before each query from the revision log (every change is a revision with the exact triples it
added and removed), and runs queries on it in the same worker processes as the embedded store,
which are killed at the time limit (``kb.sparql.workers``). Private graphs are never copied.

Publishing and unpublishing change public graphs that a revision's public record does not name (an
unpublished claim's removal is recorded privately, its history sealed; see ``kb.write.repository``):
for the subjects a revision's private record names, the copy takes what the server's public graphs
hold about them now (``PublicReplica._resync``).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef

from claims.vocab import CK
from kb import queries
from kb.errors import KBError
from kb.knowledge import KnowledgeBase
from kb.store import STAGING_PREFIX, to_ox
from kb.store.remote import RemoteSparqlStore

log = logging.getLogger(__name__)

_VERSION = ox.NamedNode(str(CK.version))
_COUNTER = ox.NamedNode(str(CK.revisionNumber))
_IDENTIFIER = ox.NamedNode("http://purl.org/dc/terms/identifier")
_CHANGED = ox.NamedNode(str(CK.changed))
_ADDED_GRAPH, _REMOVED_GRAPH = ox.NamedNode(str(CK.addedGraph)), ox.NamedNode(str(CK.removedGraph))
_TRUE = ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))


class PublicReplica:
    """The public data of ``kb``'s server in an on-disk Oxigraph store under ``parent``, kept in step.

    One copy per web process (``parent/<pid>``: an embedded store has one writing process, and a
    host may run several gunicorn workers), made on the process's first public query and deleted
    when it closes; copies of processes that are gone are deleted when the next one starts."""

    def __init__(self, kb: KnowledgeBase, parent: Path) -> None:
        self.kb = kb
        if not isinstance(kb.store, RemoteSparqlStore):
            raise TypeError("a public replica copies a SPARQL server's data")
        self._server = kb.store
        parent.mkdir(parents=True, exist_ok=True)
        for other in parent.iterdir():
            if not other.name.isdigit() or not _alive(int(other.name)) or int(other.name) == os.getpid():
                shutil.rmtree(other, ignore_errors=True)
        self.path = parent / str(os.getpid())
        self.store = ox.Store(str(self.path))
        self._lock = threading.Lock()
        self._copied = False
        # The revision graphs' names start with this (a re-read subject's history lives in them).
        self._history = f"{kb.iris.base}revisions/"

    def revision(self) -> int:
        """The revision this copy holds (the counter it was given with the revision's changes)."""
        kb = ox.NamedNode(str(self.kb.iris.knowledge_base))
        counters = [q.object for q in self.store.quads_for_pattern(kb, _COUNTER, None, ox.DefaultGraph())]
        return max((int(c.value) for c in counters if isinstance(c, ox.Literal)), default=0)

    def catch_up(self, target: int) -> int:
        """Bring the copy to revision ``target`` of the server (what the caller just read); returns the copy's.

        The first time, the copy is made whole (one query: one consistent view of the server, its
        counter included); after that each later revision is applied in turn."""
        with self._lock:
            if not self._copied:
                self._copy_everything()
                self._copied = True
            for number in range(self.revision() + 1, target + 1):
                self._apply(number)
            return self.revision()

    def _copy_everything(self) -> None:
        """Replace the copy with every public quad of the server, from one dump (one snapshot of the
        server, its counter included); private and staging graphs are left out as it is read."""
        log.info("copying the server's public data into %s", self.path)
        with tempfile.TemporaryFile(dir=self.path.parent) as dump:
            self._server.dump_dataset(dump)
            dump.seek(0)
            public = (
                q
                for q in ox.parse(dump, ox.RdfFormat.N_QUADS)
                if isinstance(q.graph_name, ox.DefaultGraph)
                or not (self.kb.iris.is_private(q.graph_name.value) or q.graph_name.value.startswith(STAGING_PREFIX))
            )
            self.store.clear()
            self.store.bulk_extend(public)
        self.store.flush()

    def _apply(self, number: int) -> None:
        """Revision ``number``'s changes, as one transaction: its triples, record and versions, the
        public graphs of the subjects its private record names, and the counter."""
        revision = self.kb.iris.revision(number)
        added, removed = (self._graph(URIRef(f"{revision}/{part}")) for part in ("added", "removed"))
        state = self._server.solutions(queries.REPLICA_REVISION_STATE, {"rev": revision})
        if not state:
            raise KBError(
                f"Revision {number} is not on the SPARQL server although its counter says so; try again.",
                status=503,
                title="Store unavailable",
            )
        record = [ox.Triple(r["s"], r["p"], r["o"]) for r in state]
        resynced, current = self._resync(number)
        changed = {t.subject for t in record if t.predicate == _VERSION} - resynced
        kb = ox.NamedNode(str(self.kb.iris.knowledge_base))
        stale = [
            q for subject in changed for q in self.store.quads_for_pattern(subject, _VERSION, None, ox.DefaultGraph())
        ]
        stale += self.store.quads_for_pattern(kb, _COUNTER, None, ox.DefaultGraph())
        stale += [q for subject in resynced for q in self._public_quads_of(subject)]

        def kept(triples: Iterable[ox.Triple], graph: ox.NamedNode | ox.DefaultGraph) -> list[ox.Quad]:
            # What the server now holds about a re-read subject is in ``current``, not here.
            return [
                ox.Quad(t.subject, t.predicate, t.object, graph)
                for t in triples
                if t.subject not in resynced and not (t.predicate == _CHANGED and t.object in resynced)
            ]

        default = ox.DefaultGraph()
        added_graph, removed_graph = ox.NamedNode(f"{revision}/added"), ox.NamedNode(f"{revision}/removed")
        new = kept(added + record + [ox.Triple(kb, _COUNTER, to_ox(Literal(number)))], default)
        new += kept(added, added_graph) + kept(removed, removed_graph) + current
        # One update: the workers open the copy read-only at any moment and must see a whole revision.
        # The terms are Oxigraph's own N-Triples serialisation of what the server holds.
        deleted = stale + [ox.Quad(t.subject, t.predicate, t.object, default) for t in removed]
        self.store.update(f"DELETE DATA {{ {_block(deleted)} }} ;\nINSERT DATA {{ {_block(new)} }}")

    def _resync(self, number: int) -> tuple[set[ox.NamedNode], list[ox.Quad]]:
        """The subjects whose public graphs revision ``number`` changed without its public record
        saying so, and what the server's public graphs hold about them now.

        Publishing moves a claim's triples into the default graph and unseals its history (its
        triples in earlier revisions' graphs and the log's ``ck:changed``); unpublishing removes and
        seals them, and records the removal privately. Those subjects are named in the revision's
        private record (read with the site's access); for each one the server's public graphs are
        re-read, never a private graph. One that neither the server's default graph nor this copy
        holds (a draft being edited) is not public before or after: nothing is read for it."""
        record = self._server.solutions(
            queries.REPLICA_PRIVATE_RECORD,
            {"rev": self.kb.iris.revision(number), "log": self.kb.repository.log_graph},
        )
        if not record:
            return set(), []  # no unpublished work in it: its public record says all
        named = {r["o"] for r in record if r["p"] == _CHANGED and isinstance(r["o"], ox.NamedNode)}
        subjects = set()
        for graph in (r["o"] for r in record if r["p"] in (_ADDED_GRAPH, _REMOVED_GRAPH)):
            for row in self._server.solutions(queries.REPLICA_SUBJECTS_IN_GRAPH, {"g": URIRef(graph.value)}):
                named.discard(row["s"])
                if row.get("public") == _TRUE or next(self._public_quads_of(row["s"]), None) is not None:
                    subjects.add(row["s"])
        subjects |= named  # changed without a triple of its own in the graphs (a bare version): re-read too
        history = Literal(self._history)
        current = [
            ox.Quad(r["x"], r["p"], r["o"], r.get("g", ox.DefaultGraph()))
            for subject in sorted(subjects, key=str)
            for r in self._server.solutions(
                queries.REPLICA_PUBLIC_STATE_OF, {"s": URIRef(subject.value), "history": history}
            )
        ]
        return subjects, current

    def _public_quads_of(self, subject: ox.NamedNode) -> Iterator[ox.Quad]:
        """What this copy holds about ``subject`` in the graphs a re-read replaces (the default graph,
        the revision graphs, and the log's revisions naming it)."""
        for quad in self.store.quads_for_pattern(subject, None, None, None):
            if isinstance(quad.graph_name, ox.DefaultGraph) or quad.graph_name.value.startswith(self._history):
                yield quad
        yield from self.store.quads_for_pattern(None, _CHANGED, subject, ox.DefaultGraph())

    def _graph(self, name: URIRef) -> list[ox.Triple]:
        rows = self._server.solutions(queries.GRAPH_TRIPLES, {"g": name})
        return [ox.Triple(r["s"], r["p"], r["o"]) for r in rows]

    def close(self) -> None:
        """Delete the copy (the workers reading it are stopped first)."""
        del self.store
        shutil.rmtree(self.path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _block(quads: Iterable[ox.Quad]) -> str:
    """Quads as an update's data block: the default graph's as they are, each named graph's in its ``GRAPH``."""
    by_graph: dict[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, list[ox.Quad]] = {}
    for quad in quads:
        by_graph.setdefault(quad.graph_name, []).append(quad)
    lines = []
    for graph, members in by_graph.items():
        triples = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in members)
        lines.append(triples if isinstance(graph, ox.DefaultGraph) else f"GRAPH {graph} {{ {triples} }}")
    return "\n".join(lines)
