"""The SPARQL-server backend: the ``Store`` interface over the SPARQL 1.1 Protocol.

``CLAIMKB_STORE=sparql+http://HOST:PORT/PATH/`` names the server's base address. The query, update
and graph-store endpoints are resolved against it, by default as ``query``, ``update`` and ``store``
— the paths of ``oxigraph serve`` (``sparql+http://127.0.0.1:7878/``) and, but for the graph store,
of an Apache Jena Fuseki dataset (``sparql+http://host:3030/ds/?store=data``). Any of the three can
be given in the URL's query string, relative to the base or absolute
(``?query=sparql&update=update&store=data``).

Bound values reach the server as a ``VALUES`` block placed first in the query's ``WHERE`` group, each
term written by pyoxigraph in N-Triples syntax (which escapes it). Joined there, a value constrains the
whole group — its filters, ``OPTIONAL``s and ``NOT EXISTS`` — as Oxigraph's own substitution does on
the embedded store, and it appears in every result row, as a projected substitution does.
"""

from __future__ import annotations

import fcntl
import logging
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit, urlunsplit

import httpx
import pyoxigraph as ox
from rdflib import Graph

from claims.vocab import PREFIXES
from kb.errors import StoreUnavailable
from kb.store import Bindings, Quad, Row, StoreError, from_ox, new_graph, rows_of, to_ox

log = logging.getLogger(__name__)

ENDPOINT_DEFAULTS = {"query": "query", "update": "update", "store": "store"}
CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 60.0
BULK_CHUNK = 200_000  # quads per graph-store request

_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_ASK = re.compile(r"\bASK\s*\{", re.IGNORECASE)
_SOLUTIONS = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
_NQUADS = "application/n-quads"


def endpoints(url: str) -> dict[str, str]:
    """The query, update and graph-store endpoint URLs named by a store URL (``http://…`` form)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {url!r}")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    base = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    given = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = set(given) - set(ENDPOINT_DEFAULTS)
    if unknown:
        raise ValueError(f"unknown store URL parameter(s) {sorted(unknown)}: use query=, update= and store=")
    return {key: urljoin(base, given.get(key, default)) for key, default in ENDPOINT_DEFAULTS.items()}


def _prologue() -> str:
    return "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in PREFIXES.items())


def with_values(query: str, bindings: Bindings | None) -> str:
    """``query`` with a ``VALUES`` block for each bound variable first in its ``WHERE`` group."""
    if not bindings:
        return query
    match = _WHERE.search(query) or _ASK.search(query)
    if match is None:
        raise ValueError("a query that takes bound values needs a WHERE clause")
    block = " ".join(f"VALUES ?{name} {{ {to_ox(term)} }}" for name, term in bindings.items())
    return f"{query[: match.end()]} {block} {query[match.end() :]}"


class RemoteSparqlStore:
    """A store on a SPARQL 1.1 server; one pooled HTTP client shared by the threads of a process."""

    def __init__(self, url: str, *, write_lock: Path | None = None) -> None:
        try:
            self.endpoints = endpoints(url)
        except ValueError as error:
            raise StoreError(f"bad SPARQL server URL {url!r}: {error}") from error
        self.url = url
        self._prologue = _prologue()
        self._client = httpx.Client(
            timeout=httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT),
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
        )
        self._closed = threading.Event()
        self._thread_lock = threading.RLock()
        self._depth = 0  # how deep the holder of _thread_lock is in writing(); only it changes this
        self._lock_path = write_lock

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold this host's write lock: one writer at a time from all the site's processes here.

        A server may evaluate two concurrent updates on the same snapshot (Oxigraph's transactions
        are repeatable read, not serialisable), so both would pass the revision counter's
        precondition and share one revision number; and writers that only retried each other's
        conflicts could starve. Under this lock a writer reads the counter and sends its update
        while no other writer on this host can. Threads take a re-entrant lock in the process, and
        processes a ``flock`` on a file in the data directory. Web hosts beyond this one are not
        covered (see the README's Production section).
        """
        with self._thread_lock:
            self._depth += 1
            try:
                if self._depth > 1 or self._lock_path is None:
                    yield
                    return
                try:
                    handle = self._lock_path.open("a+b")
                except OSError as error:
                    log.warning("no write lock file at %s (%s); writing without it", self._lock_path, error)
                    yield
                    return
                with handle:
                    fcntl.flock(handle, fcntl.LOCK_EX)
                    try:
                        yield
                    finally:
                        fcntl.flock(handle, fcntl.LOCK_UN)
            finally:
                self._depth -= 1

    # --- HTTP ---------------------------------------------------------------------------------

    def _post(self, endpoint: str, body: bytes | str, content_type: str, accept: str | None = None) -> httpx.Response:
        headers = {"Content-Type": content_type}
        if accept:
            headers["Accept"] = accept
        url = self.endpoints[endpoint]
        try:
            response = self._client.post(url, content=body, headers=headers)
        except httpx.TimeoutException as error:
            raise StoreUnavailable(
                f"The SPARQL server at {url} did not answer in time; please try again in a moment."
            ) from error
        except httpx.TransportError as error:
            raise StoreUnavailable(
                f"The SPARQL server at {url} cannot be reached; please try again in a moment."
            ) from error
        if response.status_code >= 500 or response.status_code in (404, 408, 429):
            raise StoreUnavailable(
                f"The SPARQL server at {url} answered {response.status_code}; please try again in a moment."
            )
        if response.status_code >= 400:
            # The server refused our text: a malformed query or update, as pyoxigraph would raise locally.
            raise ValueError(f"the SPARQL server refused the request: {response.text[:500]}")
        return response

    def _query(self, query: str, bindings: Bindings | None, accept: str) -> bytes:
        text = self._prologue + with_values(query, bindings)
        return self._post("query", text.encode(), "application/sparql-query; charset=utf-8", accept).content

    # --- the Store interface ------------------------------------------------------------------

    def select(self, query: str, bindings: Bindings | None = None) -> list[Row]:
        solutions = ox.parse_query_results(self._query(query, bindings, _SOLUTIONS), ox.QueryResultsFormat.JSON)
        assert isinstance(solutions, ox.QuerySolutions)
        return rows_of(solutions)

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        answer = ox.parse_query_results(self._query(query, bindings, _SOLUTIONS), ox.QueryResultsFormat.JSON)
        return bool(answer)

    def construct(self, query: str, bindings: Bindings | None = None) -> Graph:
        body = self._query(query, bindings, _NTRIPLES)
        graph = new_graph()
        for triple in ox.parse(body, ox.RdfFormat.N_TRIPLES):
            graph.add((from_ox(triple.subject), from_ox(triple.predicate), from_ox(triple.object)))
        return graph

    def update(self, update: str) -> None:
        """One update request: the server applies all of it in one transaction, or none of it."""
        text = self._prologue + update
        with self.writing():
            self._post("update", text.encode(), "application/sparql-update; charset=utf-8")

    def quads(self) -> Iterator[Quad]:
        rows = self.select("SELECT ?s ?p ?o ?g WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
        for row in rows:
            graph = row.get("g")
            yield row["s"], row["p"], row["o"], graph  # type: ignore[misc]

    def bulk_load(self, quads: Iterable[Quad]) -> None:
        """Add many quads through the Graph Store Protocol, N-Quads in large chunks (not revisioned)."""
        chunk: list[ox.Quad] = []
        for s, p, o, g in quads:
            graph = ox.NamedNode(str(g)) if g else ox.DefaultGraph()
            chunk.append(ox.Quad(to_ox(s), to_ox(p), to_ox(o), graph))  # type: ignore[arg-type]
            if len(chunk) >= BULK_CHUNK:
                self._post_quads(chunk)
                chunk = []
        if chunk:
            self._post_quads(chunk)

    def _post_quads(self, quads: list[ox.Quad]) -> None:
        body = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
        assert isinstance(body, bytes)
        self._post("store", body, _NQUADS)

    def is_empty(self) -> bool:
        return not self.ask("ASK WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")

    def close(self) -> None:
        if not self._closed.is_set():
            self._closed.set()
            self._client.close()
