"""The SPARQL-server backend: the ``Store`` interface over the SPARQL 1.1 Protocol.

``CLAIMKB_STORE=sparql+http://HOST:PORT/PATH/`` names the server's base address. The query, update
and graph-store endpoints are resolved against it, by default as ``query``, ``update`` and ``store``
— the paths of ``oxigraph serve`` (``sparql+http://127.0.0.1:7878/``) and, but for the graph store,
of an Apache Jena Fuseki dataset (``sparql+http://host:3030/ds/?store=data``). Any of the three can
be given in the URL's query string, relative to the base or absolute
(``?query=sparql&update=update&store=data``).

Two more parameters serve servers that differ (OpenLink Virtuoso, see the README):
``default-graph=IRI`` keeps the knowledge base's default graph in that named graph, sent as the
protocol's ``default-graph-uri`` with every query and update (Virtuoso's own default graph is the
union of all its graphs, its system graphs included, and it takes no triple outside a graph); the
store's named graphs are then those whose IRI starts with it. A user and password in the URL
(``sparql+http://user:password@host/…``) authenticate every request with HTTP digest
authentication (Virtuoso's ``/sparql-auth``).

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
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import parse_qs, unquote, urljoin, urlsplit, urlunsplit

import httpx
import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from claims.vocab import PREFIXES
from kb.errors import StoreUnavailable
from kb.store import (  # with_values is used here and re-exported for callers
    STAGING_PREFIX,
    Bindings,
    Quad,
    Row,
    StoreError,
    ValueRow,
    from_ox,
    new_graph,
    rows_of,
    to_ox,
    values_of,
    with_values,
)
from kb.tls import tls_context

log = logging.getLogger(__name__)

ENDPOINT_DEFAULTS = {"query": "query", "update": "update", "store": "store"}
OPTIONS = ("default-graph",)
CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 60.0
BULK_CHUNK = 200_000  # quads per graph-store request

_NAMED_GRAPH = re.compile(r"\bGRAPH\s*<([^>\s]+)>", re.IGNORECASE)
_SOLUTIONS = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
_NQUADS = "application/n-quads"


def endpoints(url: str) -> dict[str, str]:
    """The query, update and graph-store endpoint URLs named by a store URL (``http://…`` form)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    netloc = parts.netloc.rpartition("@")[2]  # the credentials travel in a header, never in a URL
    base = urlunsplit((parts.scheme, netloc, path, "", ""))
    given = _parameters(url)
    unknown = set(given) - set(ENDPOINT_DEFAULTS) - set(OPTIONS)
    if unknown:
        raise ValueError(
            f"unknown store URL parameter(s) {sorted(unknown)}: use query=, update=, store= and default-graph="
        )
    return {key: urljoin(base, given.get(key, default)) for key, default in ENDPOINT_DEFAULTS.items()}


def _parameters(url: str) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(urlsplit(url).query).items()}


def public_url(url: str) -> str:
    """The store URL without its password, fit for a log or a page."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.netloc.rpartition('@')[2]}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _truthy(term: object) -> bool:
    return isinstance(term, ox.Literal) and term.value not in ("0", "false", "")


# Virtuoso answers a query or update it cannot compile or refuses with 500 and an SQL state in the text
# (37000 syntax, 22xxx data, 42000 access): that is a refusal of our text, not an unavailable server.
_REFUSAL = re.compile(r"^Virtuoso (37000|22\w{3}|42\w{3}|RDF\w{2}) Error", re.MULTILINE)


def _refused_text(text: str) -> bool:
    return bool(_REFUSAL.search(text[:2000]))


def _prologue() -> str:
    return "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in PREFIXES.items())


_TRIPLES_OF = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"


class RemoteSparqlStore:
    """A store on a SPARQL 1.1 server; one pooled HTTP client shared by the threads of a process."""

    # The repository loads a large change into staging graphs and moves it into place with one short
    # update (Virtuoso cannot compile an update whose template holds thousands of triples).
    stages_large_changes = True

    def __init__(self, url: str, *, write_lock: Path | None = None) -> None:
        try:
            self.endpoints = endpoints(url)
        except ValueError as error:
            raise StoreError(f"bad SPARQL server URL {public_url(url)!r}: {error}") from error
        self.url = public_url(url)
        self._prologue = _prologue()
        default_graph = _parameters(url).get("default-graph")
        self.default_graph = ox.NamedNode(default_graph) if default_graph else None
        # The protocol's own way to name a request's default graph, understood by every server.
        self._graph_parameters = {"default-graph-uri": default_graph} if default_graph else {}
        parts = urlsplit(url)
        auth = httpx.DigestAuth(unquote(parts.username), unquote(parts.password or "")) if parts.username else None
        self._client = httpx.Client(
            verify=tls_context(),
            timeout=httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT),
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
            auth=auth,
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
        covered: several hosts write through ``claimkb writer`` (kb.write.writer), the one process
        that holds this lock for all of them.
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

    def _post(
        self,
        endpoint: str,
        *,
        form: Mapping[str, str | list[str]] | None = None,
        body: bytes | None = None,
        content_type: str | None = None,
        accept: str | None = None,
        params: dict[str, str] | None = None,
    ) -> httpx.Response:
        headers = {"Accept": accept} if accept else {}
        if content_type:
            headers["Content-Type"] = content_type
        url = self.endpoints[endpoint]
        try:
            response = self._client.post(url, data=form, content=body, headers=headers, params=params)
        except httpx.TimeoutException as error:
            raise StoreUnavailable(
                f"The SPARQL server at {url} did not answer in time; please try again in a moment."
            ) from error
        except httpx.TransportError as error:
            raise StoreUnavailable(
                f"The SPARQL server at {url} cannot be reached; please try again in a moment."
            ) from error
        if response.status_code >= 500 and _refused_text(response.text):
            raise ValueError(f"the SPARQL server refused the request: {response.text[:500]}")
        if response.status_code >= 500 or response.status_code in (401, 403, 404, 408, 429):
            raise StoreUnavailable(
                f"The SPARQL server at {url} answered {response.status_code}; please try again in a moment."
            )
        if response.status_code >= 400:
            # The server refused our text: a malformed query or update, as pyoxigraph would raise locally.
            raise ValueError(f"the SPARQL server refused the request: {response.text[:500]}")
        return response

    def _query(self, query: str, bindings: Bindings | None, accept: str) -> bytes:
        # Form-encoded, as every server takes it (Virtuoso 7.2 leaves a direct application/sparql-query
        # POST unanswered); the default graph, if the URL names one, by the protocol's own parameter.
        form = {"query": self._prologue + with_values(query, bindings), **self._graph_parameters}
        return self._post("query", form=form, accept=accept).content

    # --- the Store interface ------------------------------------------------------------------

    def select(self, query: str, bindings: Bindings | None = None) -> list[Row]:
        solutions = ox.parse_query_results(self._query(query, bindings, _SOLUTIONS), ox.QueryResultsFormat.JSON)
        assert isinstance(solutions, ox.QuerySolutions)
        return rows_of(solutions)

    def solutions(self, query: str, bindings: Bindings | None = None) -> list[dict[str, Any]]:
        """Like ``select``, in Oxigraph's terms: every literal's lexical form exactly as the server
        holds it (rdflib would normalise some, such as a dateTime's ``Z``). For copies of the data."""
        solutions = ox.parse_query_results(self._query(query, bindings, _SOLUTIONS), ox.QueryResultsFormat.JSON)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        return [{n: row[n] for n in names if row[n] is not None} for row in solutions]

    def dump_dataset(self, target: BinaryIO) -> None:
        """Write the whole dataset as N-Quads into ``target``, through the graph store protocol (a
        ``GET`` of the store without a graph): ``oxigraph serve`` answers it from one snapshot, and
        far faster than as query results (185,000 quads: 2.9 s against 23 s, on a loaded machine).
        Not for servers without N-Quads there (Virtuoso)."""
        url = self.endpoints["store"]
        try:
            with self._client.stream("GET", url, headers={"Accept": _NQUADS}) as response:
                if response.status_code != 200:
                    raise StoreUnavailable(f"The SPARQL server at {url} answered {response.status_code} to a dump.")
                for chunk in response.iter_bytes():
                    target.write(chunk)
        except httpx.TransportError as error:
            raise StoreUnavailable(
                f"The SPARQL server at {url} cannot be reached; please try again in a moment."
            ) from error

    def select_values(self, query: str, bindings: Bindings | None = None) -> list[ValueRow]:
        solutions = ox.parse_query_results(self._query(query, bindings, _SOLUTIONS), ox.QueryResultsFormat.JSON)
        assert isinstance(solutions, ox.QuerySolutions)
        return values_of(solutions)

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        answer = ox.parse_query_results(self._query(query, bindings, _SOLUTIONS), ox.QueryResultsFormat.JSON)
        if isinstance(answer, ox.QuerySolutions):
            # Virtuoso answers ASK as a one-column table: one row holding 1 when true, no row when false.
            return any(_truthy(value) for solution in answer for value in solution)
        return bool(answer)

    def construct(self, query: str, bindings: Bindings | None = None) -> Graph:
        body = self._query(query, bindings, _NTRIPLES)
        graph = new_graph()
        for triple in ox.parse(body, ox.RdfFormat.N_TRIPLES):
            graph.add((from_ox(triple.subject), from_ox(triple.predicate), from_ox(triple.object)))
        return graph

    def triples_of(self, subject: URIRef, predicate: URIRef | None = None) -> list[tuple[Node, Node]]:
        if predicate is None:
            return [(row["p"], row["o"]) for row in self.select(_TRIPLES_OF, {"s": subject})]
        return [(predicate, row["o"]) for row in self.select(_TRIPLES_OF, {"s": subject, "p": predicate})]

    def object_values(self, subject: URIRef, predicate: URIRef) -> list[str]:
        return [row["o"] for row in self.select_values(_TRIPLES_OF, {"s": subject, "p": predicate})]

    def subjects_of(self, predicate: URIRef, obj: Node) -> list[Node]:
        return [row["s"] for row in self.select(_TRIPLES_OF, {"p": predicate, "o": obj})]

    def update(self, update: str) -> None:
        """One update request: the server applies all of it in one transaction, or none of it."""
        text = self._prologue + update
        form: dict[str, str | list[str]] = {"update": text, **self._graph_parameters}
        if self.default_graph is not None:
            # Given a default graph, Virtuoso matches an update's GRAPH patterns only against the named
            # graphs the request lists (as the protocol's dataset rules say): list those it names.
            form["named-graph-uri"] = sorted(set(_NAMED_GRAPH.findall(update)))
        with self.writing():
            self._post("update", form=form)

    def _all_quads_pattern(self) -> str:
        """Every quad of the store: the default graph's triples, and its named graphs' (not the server's own)."""
        staging = ox.Literal(STAGING_PREFIX)
        if self.default_graph is None:
            return f"{{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(!STRSTARTS(STR(?g), {staging})) }}"
        graph = str(self.default_graph)
        # The default graph is itself a named graph there, and the server keeps graphs of its own.
        return (
            f"{{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} "
            f"FILTER(?g != {graph} && STRSTARTS(STR(?g), {ox.Literal(self.default_graph.value)})) }}"
        )

    def quads(self) -> Iterator[Quad]:
        rows = self.select(f"SELECT ?s ?p ?o ?g WHERE {{ {self._all_quads_pattern()} }}")
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
        if self.default_graph is None:
            body = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
            assert isinstance(body, bytes)
            self._post("store", body=body, content_type=_NQUADS)
            return
        # A server whose graph store takes one graph per request (Virtuoso takes no N-Quads there):
        # each graph's triples go to it by name, the default graph's to the named graph that holds it.
        by_graph: dict[str, list[ox.Triple]] = {}
        for quad in quads:
            name = self.default_graph.value if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
            by_graph.setdefault(name, []).append(ox.Triple(quad.subject, quad.predicate, quad.object))
        for name, triples in by_graph.items():
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
            assert isinstance(body, bytes)
            self._post("store", body=body, content_type=_NTRIPLES, params={"graph": name})

    def is_empty(self) -> bool:
        return not self.ask(f"ASK WHERE {{ {self._all_quads_pattern()} }}")

    def close(self) -> None:
        if not self._closed.is_set():
            self._closed.set()
            self._client.close()
