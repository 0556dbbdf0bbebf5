"""What a public query may do, decided from its parse tree before the engine sees it.

The embedded engine follows ``SERVICE`` and ``LOAD`` with its own HTTP client (no Python hook can
see or stop that), and rdflib would fetch graphs named in ``FROM``. So every query is parsed here
first: updates are refused (the endpoint is read-only), ``SERVICE`` anywhere in the query is
refused, and the dataset (``FROM``/``FROM NAMED`` or the protocol's ``default-graph-uri`` and
``named-graph-uri``) may only name graphs *stored* in this knowledge base by an http(s) IRI, never
a private one. Graph names are looked up in the store; nothing is ever fetched.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable

from claims.model import Iris
from claims.vocab import PREFIXES
from kb.errors import KBError

MAX_QUERY_CHARS = 50_000
# rdflib's parser recurses once per triple pattern of a group: Python's default limit (1000) stops
# it at about 80 patterns. Deeper recursion is safe here (measured: a clean RecursionError, never
# a crash, for 100 kB of nesting), and the length cap bounds the parse to well under a second.
PARSER_RECURSION_LIMIT = 20_000

_KINDS = {"SelectQuery": "select", "AskQuery": "ask", "ConstructQuery": "construct", "DescribeQuery": "describe"}


class QueryRefused(KBError):
    """A query the public endpoint will not run (malformed, an update, SERVICE, a foreign graph)."""

    status = 400
    title = "Query refused"


# rdflib parses SPARQL with pyparsing, whose parser objects are not thread-safe (rdflib issue #1282):
# under load, two requests parsing at once failed with "TypeError: <lambda>() missing 1 required
# positional argument". So one parse at a time.
_PARSER_LOCK = threading.Lock()


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the checks: its text, its form, and the dataset it asked for."""

    text: str
    kind: str  # select, ask, construct or describe
    default_graphs: tuple[str, ...] = ()  # FROM (or default-graph-uri, which replaces it)
    named_graphs: tuple[str, ...] = ()  # FROM NAMED (or named-graph-uri)
    # ``GRAPH ?g``: on a SPARQL server that ranges over every stored graph unless the dataset names them
    graph_variable: bool = False

    @property
    def returns_graph(self) -> bool:
        return self.kind in ("construct", "describe")


def check_query(
    text: str,
    iris: Iris,
    *,
    default_graph_uris: Sequence[str] = (),
    named_graph_uris: Sequence[str] = (),
) -> CheckedQuery:
    """Parse ``text`` and decide whether the public may run it; ``QueryRefused`` says why not."""
    if not text.strip():
        raise QueryRefused("The query is empty.")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryRefused(f"The query is longer than {MAX_QUERY_CHARS} characters.", status=413)
    if sys.getrecursionlimit() < PARSER_RECURSION_LIMIT:
        sys.setrecursionlimit(PARSER_RECURSION_LIMIT)
    try:
        with _PARSER_LOCK:
            tree = parseQuery(text)
    except ParseException as error:
        if _is_update(text):
            raise QueryRefused(
                "This endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD, CLEAR, DROP…) are refused.",
                status=403,
                title="Read-only endpoint",
            ) from error
        raise QueryRefused(f"The query is not valid SPARQL 1.1: {error}", title="Malformed query") from error
    except RecursionError as error:
        raise QueryRefused(
            "The query is too long or too deeply nested for the parser; split it up.", title="Query too complex"
        ) from error
    body = tree[1]
    if _contains(body, "ServiceGraphPattern"):
        raise QueryRefused(
            "SERVICE is not allowed here: this endpoint never calls other endpoints. "
            "Run federated queries from your own client.",
            status=403,
            title="Federated query refused",
        )
    prefixes = {**PREFIXES, **{d["prefix"] or "": str(d["iri"]) for d in tree[0] if d.name == "PrefixDecl"}}
    clauses = body.get("datasetClause") or []
    from_default = [_iri(c["default"], prefixes) for c in clauses if "default" in c]
    from_named = [_iri(c["named"], prefixes) for c in clauses if "named" in c]
    # The protocol's parameters replace the query's own dataset (SPARQL 1.1 Protocol, 2.1.4).
    if default_graph_uris or named_graph_uris:
        from_default, from_named = list(default_graph_uris), list(named_graph_uris)
    graph_variable = False
    for node in _walk(body):
        if isinstance(node, CompValue) and node.name == "GraphGraphPattern":
            term = node.get("term")
            if isinstance(term, Variable):
                graph_variable = True
            else:  # GRAPH <private> is refused as FROM <private> is
                _check_graph_name(_iri(term, prefixes), iris)
    for graph in (*from_default, *from_named):
        _check_graph_name(graph, iris)
    return CheckedQuery(text, _KINDS[body.name], tuple(from_default), tuple(from_named), graph_variable)


def _iri(term: object, prefixes: dict[str, str]) -> str:
    """A graph name as written: an IRI, or a prefixed name expanded with the query's prefixes."""
    if isinstance(term, CompValue) and term.name == "pname":
        prefix = term.get("prefix") or ""
        if prefix not in prefixes:
            raise QueryRefused(f"The prefix “{prefix}:” is not declared.", title="Malformed query")
        return prefixes[prefix] + (term.get("localname") or "")
    return str(term)


def _check_graph_name(graph: str, iris: Iris) -> None:
    if not graph.startswith(("http://", "https://")):
        raise QueryRefused(
            f"<{graph}> cannot be part of the dataset: graphs are named by http(s) IRIs of graphs stored "
            "here, and nothing is ever loaded from a file or the network.",
            status=403,
            title="Graph refused",
        )
    if iris.is_private(graph):
        raise QueryRefused(f"<{graph}> is not a public graph.", status=403, title="Graph refused")


def _is_update(text: str) -> bool:
    try:
        with _PARSER_LOCK:
            parseUpdate(text)
    except (ParseException, RecursionError):
        return False
    return True


def _contains(node: object, name: str) -> bool:
    return any(isinstance(n, CompValue) and n.name == name for n in _walk(node))


def _walk(node: object) -> Iterator[object]:
    stack: list[object] = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, dict):
            stack.extend(current.values())
        elif isinstance(current, Iterable) and not isinstance(current, str | bytes):
            stack.extend(current)
