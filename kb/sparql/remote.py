"""Public queries on a SPARQL server: checked here, then sent to the server, stopped there at the limit.

The query has passed ``kb.sparql.safety`` (read-only, no ``SERVICE``, only public graphs named) before
it gets here. It goes to the server's query endpoint with our prefixes and base IRI in front (later
declarations in the query itself override them, as on the embedded store), its dataset as the
protocol's ``default-graph-uri``/``named-graph-uri`` parameters, and the time limit as the server's
own:

- **Oxigraph** is not sent public queries: its ``--timeout-s`` cannot stop work it does in memory,
  so the service runs them on the host's copy of the public data instead (``kb.sparql.replica``).
  Here only ``server_kind`` is asked of it; an "has been cancelled" body is still read as a timeout.
- **Virtuoso**: the request carries ``timeout`` (milliseconds); Virtuoso stops the query there (as
  ``MaxQueryExecutionTime`` in ``[SPARQL]`` does for every query) and reports it with an error, or
  with partial ("anytime") results marked by an ``X-SQL-State`` header, which we never pass off as
  complete.

The results are read as they stream in, only up to the row cap: the connection is closed after the
last row we keep, so the server stops sending. Our client also gives up a little after the limit,
in case the server does not keep its own.
"""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Iterator
from itertools import islice

import httpx
import pyoxigraph as ox

from claims.vocab import PREFIXES
from kb.errors import KBError
from kb.sparql import formats
from kb.sparql.evaluate import Job, Outcome, solutions_outcome, triples_outcome
from kb.store.remote import RemoteSparqlStore
from kb.tls import tls_context

GRACE = 2.0  # seconds our client waits beyond the limit for the server to stop the query itself
_CANCELLED = ("has been cancelled", "timeout", "timed out", "Transaction timed out", "S1T00")


class QueryTimeout(KBError):
    status = 503
    title = "Query timed out"


class EndpointBusy(KBError):
    status = 503
    title = "Endpoint busy"


class _Chunks(io.RawIOBase):
    """A readable file over an iterator of byte chunks, remembering the last bytes it gave out."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""
        self.tail = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self.tail = (self.tail + self._pending[:n])[-2000:]
        self._pending = self._pending[n:]
        return n


_LEADING_BASE = re.compile(r"^(?:\s|#[^\n]*\n)*BASE\s*<[^>]*>", re.IGNORECASE)


def with_prologue(base_iri: str, text: str) -> str:
    """The query with our base IRI and prefixes declared first; its own declarations override them.

    A query beginning with a ``BASE`` of its own keeps it first, our prefixes after it: Virtuoso
    refuses a ``BASE`` that follows a ``PREFIX`` (the standard allows either order)."""
    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    own = _LEADING_BASE.match(text)
    if own:
        return text[: own.end()] + "\n" + prefixes + text[own.end() :]
    return f"BASE <{base_iri}>\n" + prefixes + text


class RemoteEvaluator:
    """Runs checked public queries on the SPARQL server behind ``store``."""

    def __init__(self, store: RemoteSparqlStore, timeout: float, concurrency: int) -> None:
        self.store = store
        self.timeout = timeout
        # At most ``concurrency`` public queries at once from this process: a query the server does
        # not manage to cancel keeps one of its threads busy, and no more than this many can.
        self._slots = threading.BoundedSemaphore(concurrency)
        self._client = httpx.Client(
            verify=tls_context(),
            timeout=httpx.Timeout(timeout + GRACE, connect=3.0),
            limits=httpx.Limits(max_connections=16, max_keepalive_connections=4),
        )

        self._kind: str | None = None

    def close(self) -> None:
        self._client.close()

    def server_kind(self) -> str:
        """``virtuoso``, ``oxigraph`` or ``other``, from the ``Server`` header of the query endpoint."""
        if self._kind is None:
            try:
                response = self._client.get(self.store.endpoints["query"], params={"query": "ASK {}"})
            except httpx.HTTPError as error:
                # Unknown for now, and asked again next time: no query is sent to a server of unknown
                # kind (an oxigraph serve must never get one; see kb.sparql.replica).
                raise _unreachable(error) from error
            server = response.headers.get("Server", "").lower()
            self._kind = next((kind for kind in ("virtuoso", "oxigraph") if kind in server), "other")
        return self._kind

    def run(self, job: Job) -> Outcome:
        if not self._slots.acquire(timeout=self.timeout):
            raise EndpointBusy("Every query slot is busy; try again in a few seconds.", details={"retry_after": 5})
        try:
            return self._run(job)
        finally:
            self._slots.release()

    def _run(self, job: Job) -> Outcome:
        query = job.query
        accept = formats.by_name("ntriples", formats.GRAPH_FORMATS) if query.returns_graph else None
        params: list[tuple[str, str]] = [("query", with_prologue(job.base_iri, query.text))]
        if not (query.default_graphs or query.named_graphs) and self.store.default_graph is not None:
            # The knowledge base's default graph is a named graph on this server (Virtuoso).
            params.append(("default-graph-uri", self.store.default_graph.value))
        if query.default_graphs or query.named_graphs:
            params += [("default-graph-uri", g) for g in query.default_graphs]
            params += [("named-graph-uri", g) for g in query.named_graphs]
            if not query.default_graphs:
                # An empty default graph, as the protocol means when only named graphs are given;
                # no graph has this name (it is not http), so it stays empty on every server.
                params.append(("default-graph-uri", "urn:claimkb:empty"))
        if self.server_kind() == "virtuoso":
            params.append(("timeout", str(int(self.timeout * 1000))))
        headers = {
            "Accept": accept.media_type if accept else "application/sparql-results+json",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        url = self.store.endpoints["query"]
        try:
            with self._client.stream("POST", url, data=dict(_pairs(params)), headers=headers) as response:
                return self._read(response, job)
        except httpx.TimeoutException as error:
            raise QueryTimeout(self._timeout_message()) from error
        except httpx.TransportError as error:
            raise _unreachable(error) from error

    def _read(self, response: httpx.Response, job: Job) -> Outcome:
        if response.headers.get("X-SQL-State", "").startswith("S1T"):
            # Virtuoso's "anytime" answer: what it had found when the time ran out, not the result.
            raise QueryTimeout(self._timeout_message())
        if response.status_code >= 400:
            text = response.read().decode("utf-8", "replace")[:1000]
            if any(marker in text for marker in _CANCELLED):
                raise QueryTimeout(self._timeout_message())
            status = 400 if response.status_code == 400 else 502
            return Outcome(f"The SPARQL server refused the query: {text}".encode(), status=status)
        stream = _Chunks(response.iter_bytes())
        reader = io.BufferedReader(stream)
        try:
            if job.query.returns_graph:
                triples = (q.triple for q in ox.parse(reader, ox.RdfFormat.N_TRIPLES))
                return triples_outcome(islice(triples, job.max_rows + 1), job)
            result = ox.parse_query_results(reader, ox.QueryResultsFormat.JSON)
            if job.query.kind == "ask" and isinstance(result, ox.QuerySolutions):
                # Virtuoso answers ASK in JSON as a one-cell table (``__ask_retval``): read it as the boolean.
                row = next(iter(result), None)
                cell = row[0] if row is not None else None
                value = cell is not None and getattr(cell, "value", "") in ("1", "true")
                result = ox.parse_query_results(json.dumps({"head": {}, "boolean": value}), ox.QueryResultsFormat.JSON)
            if isinstance(result, ox.QueryBoolean):
                fmt = formats.by_name(job.format_name, formats.RESULT_FORMATS) or formats.RESULT_FORMATS[0]
                body = result.serialize(format=formats.ox_results_format(fmt))
                assert body is not None
                return Outcome(body, fmt.media_type, rows=1)
            return solutions_outcome(result, job)
        except (SyntaxError, ValueError, OSError) as error:
            tail = stream.tail.decode("utf-8", "replace")
            if any(marker in tail for marker in _CANCELLED):
                raise QueryTimeout(self._timeout_message()) from error
            raise KBError(f"The SPARQL server's answer could not be read: {error}", status=502) from error

    def _timeout_message(self) -> str:
        return (
            f"The query ran longer than the limit of {self.timeout:g} s and was stopped. "
            "Narrow it down (a LIMIT, fewer unbound patterns) or run it on a dump of the data."
        )


def _pairs(params: list[tuple[str, str]]) -> Iterator[tuple[str, str | list[str]]]:
    """Form fields, repeated names as lists (httpx sends a list as repeated fields)."""
    grouped: dict[str, list[str]] = {}
    for key, value in params:
        grouped.setdefault(key, []).append(value)
    for key, values in grouped.items():
        yield key, values if len(values) > 1 else values[0]


def _unreachable(error: httpx.HTTPError) -> KBError:
    return KBError(
        f"The SPARQL server cannot be reached ({error}); please try again in a moment.",
        status=503,
        title="Store unavailable",
    )
