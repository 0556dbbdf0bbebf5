"""The public SPARQL query service: check, limit, evaluate, serialise."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kb import queries
from kb.errors import KBError
from kb.knowledge import KnowledgeBase
from kb.sparql.evaluate import Job, Outcome, evaluate, public_named_graphs
from kb.sparql.remote import RemoteEvaluator
from kb.sparql.replica import PublicReplica
from kb.sparql.safety import CheckedQuery, QueryRefused, check_query
from kb.sparql.workers import WorkerPool
from kb.store import OxigraphStore
from kb.store.remote import RemoteSparqlStore


class TooManyQueries(KBError):
    status = 429
    title = "Too many queries"


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0  # seconds per query
    max_rows: int = 10_000  # result rows (or triples) per query
    workers: int = 2  # worker processes for the embedded on-disk store
    per_client: int = 2  # queries one client may have running at once

    @classmethod
    def from_settings(cls, values: Mapping[str, str]) -> Limits:
        try:
            limits = cls(
                timeout=float(values["sparql_timeout"]),
                max_rows=int(values["sparql_max_rows"]),
                workers=int(values["sparql_workers"]),
                per_client=int(values["sparql_per_client"]),
            )
        except (KeyError, ValueError) as error:
            raise KBError(f"A CLAIMKB_SPARQL_* setting is not a number: {error}", status=500) from error
        if limits.timeout <= 0 or limits.max_rows < 1 or limits.workers < 1 or limits.per_client < 1:
            raise KBError("The CLAIMKB_SPARQL_* settings must be positive.", status=500)
        return limits


class SparqlService:
    """Runs public queries on a knowledge base within ``limits``.

    On the embedded on-disk store, queries run in worker processes that can be killed at the time
    limit; on an in-memory store (tests, benchmarks) they run in the calling thread, with the
    row cap but without a time limit, since nothing but a separate process could stop them. On
    Virtuoso (and other SPARQL servers) they are sent to the server, which stops them at the limit
    itself (``kb.sparql.remote``). On ``oxigraph serve``, which cannot stop every query, they run in
    the same killable workers on the host's own copy of the public data in ``replica_dir``
    (``kb.sparql.replica``); without a ``replica_dir`` the endpoint stays closed there.
    """

    def __init__(self, kb: KnowledgeBase, limits: Limits, *, replica_dir: Path | None = None) -> None:
        self.kb = kb
        self.limits = limits
        store = kb.store
        self._store: OxigraphStore | None = None
        self._pool: WorkerPool | None = None
        self._remote: RemoteEvaluator | None = None
        self._replica: PublicReplica | None = None
        self._replica_dir = replica_dir
        self._replica_lock = threading.Lock()
        if isinstance(store, RemoteSparqlStore):
            self._remote = RemoteEvaluator(store, limits.timeout, limits.workers)
        elif isinstance(store, OxigraphStore):
            self._store = store
            if store.path is not None:
                self._pool = WorkerPool(store.path, size=limits.workers, timeout=limits.timeout)
        else:
            raise KBError("The public SPARQL endpoint does not run on this store.", status=501, title="Not available")
        self._running: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._checked_generation = -1  # the revision count at which the server was last seen free of private graphs

    @property
    def time_limited(self) -> bool:
        return self._pool is not None or self._remote is not None

    def check(
        self, text: str, *, default_graph_uris: Sequence[str] = (), named_graph_uris: Sequence[str] = ()
    ) -> CheckedQuery:
        return check_query(text, self.kb.iris, default_graph_uris=default_graph_uris, named_graph_uris=named_graph_uris)

    def run(self, query: CheckedQuery, format_name: str, *, client: str) -> Outcome:
        """Evaluate a checked query for ``client``; raises ``KBError`` subclasses with the reason."""
        generation = self.kb.repository.revision_count() if self._store is None or self._pool else 0
        job = Job(query, format_name, self.limits.max_rows, self.kb.iris.base, generation)
        with self._slot(client):
            if self._remote is not None:
                self._refuse_private_graphs(generation)
                replica = self._replica_pool()
                if replica is None:
                    self._refuse_editorial_reach(query)  # a copy holds public graphs alone: no need there
                    outcome = self._remote.run(job)
                else:
                    replica.catch_up(generation)
                    assert self._pool is not None
                    outcome = self._pool.run(job)
            elif self._pool is None:
                assert self._store is not None
                native = self._store.native
                outcome = evaluate(native, job, public_named_graphs(native, self.kb.iris.base))
            else:
                outcome = self._pool.run(job)
        if outcome.status != 200:
            raise KBError(outcome.body.decode(), status=outcome.status, title="Query failed")
        return outcome

    def _replica_pool(self) -> PublicReplica | None:
        """The host's copy of the public data when the server is ``oxigraph serve`` (made on first use)."""
        assert self._remote is not None
        if self._replica is not None:
            return self._replica
        if self._remote.server_kind() != "oxigraph":
            return None
        with self._replica_lock:
            if self._replica is None:
                if self._replica_dir is None:
                    raise KBError(
                        "On oxigraph serve the public endpoint runs on a copy of the public data in the "
                        "site's data directory, and this service was started without one.",
                        status=501,
                        title="Not available",
                    )
                replica = PublicReplica(self.kb, self._replica_dir)
                self._pool = WorkerPool(replica.path, size=self.limits.workers, timeout=self.limits.timeout)
                self._replica = replica
        return self._replica

    def running(self, client: str) -> int:
        """How many queries ``client`` has running now."""
        with self._lock:
            return self._running[client]

    def _refuse_private_graphs(self, generation: int) -> None:
        """Fail closed if the server holds a private graph (accounts of an older version, not yet moved).

        A server's dataset without ``FROM`` is every graph it has, and the protocol cannot name the
        default graph to leave one out, so no query runs until the graph is gone: the site moves it
        to the accounts database on start, ``claimkb migrate-accounts`` does it by hand. Checked once
        per revision."""
        if generation == self._checked_generation:
            return
        from kb.accounts_migration import private_graphs

        if private_graphs(self.kb):
            raise KBError(
                "The SPARQL server still holds private graphs (accounts of an older version); the public "
                "endpoint stays closed until `claimkb migrate-accounts` (or a restart of the site) moves them.",
                status=503,
                title="Not available",
            )
        self._checked_generation = generation

    def _refuse_editorial_reach(self, query: CheckedQuery) -> None:
        """On a SPARQL server ``GRAPH ?g`` with no named dataset ranges over every stored graph, the
        newsroom's private ones included (drafts, the desk): while the server holds any, such a query
        must name its graphs (``FROM NAMED``). The embedded store hands the engine the public graphs
        alone, so it needs no such rule."""
        if not query.graph_variable or query.named_graphs or query.default_graphs:
            return
        graph = self.kb.repository.unpublished_graph
        holds = any(
            self.kb.store.ask(queries.IN_GRAPH, {"g": g})
            for g in (graph, self.kb.repository.desk_graph, self.kb.repository.log_graph)
        )
        if holds:
            raise QueryRefused(
                "On this server, a query with GRAPH ?g must name the graphs it reads with FROM NAMED "
                "(for example the revision graphs it wants): the server also keeps the newsroom's private work.",
                status=403,
                title="Graph refused",
            )

    @contextmanager
    def _slot(self, client: str) -> Iterator[None]:
        with self._lock:
            if self._running[client] >= self.limits.per_client:
                raise TooManyQueries(
                    f"You already have {self._running[client]} queries running; wait for one to finish.",
                    details={"retry_after": max(1, int(self.limits.timeout))},
                )
            self._running[client] += 1
        try:
            yield
        finally:
            with self._lock:
                self._running[client] -= 1
                if not self._running[client]:
                    del self._running[client]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        if self._remote is not None:
            self._remote.close()
        if self._replica is not None:
            self._replica.close()
