"""Evaluating one checked public query on an Oxigraph store, with the row cap, into serialised bytes.

This runs inside a query worker process (or in-thread for an in-memory store), so its inputs and
outputs are plain picklable values.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox

from claims.model import Iris
from claims.vocab import PREFIXES
from kb.sparql import formats
from kb.sparql.safety import CheckedQuery

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class Job:
    query: CheckedQuery
    format_name: str
    max_rows: int
    base_iri: str
    generation: int = 0  # the revision count when the job was made: a worker reopens the store when it moves


@dataclass(frozen=True)
class Outcome:
    """Serialised results, or an error to report (``status`` set, ``body`` the message)."""

    body: bytes
    media_type: str = ""
    truncated: bool = False
    rows: int = 0
    status: int = 200


def public_named_graphs(store: ox.Store, base_iri: str) -> list[ox.NamedNode | ox.BlankNode] | None:
    """The named graphs the public may query; ``None`` when that is all of them.

    ``None`` matters: handing Oxigraph an explicit list costs time in proportion to its length
    (about 0.4 s for 200,000 graphs, two per revision), so the list is only made, and only needs
    remaking when the store changes, if there is a private graph to leave out.
    """
    iris = Iris(base_iri)
    graphs = list(store.named_graphs())
    public = [g for g in graphs if not iris.is_private(g.value)]
    return None if len(public) == len(graphs) else public


def evaluate(store: ox.Store, job: Job, public_graphs: list[ox.NamedNode | ox.BlankNode] | None) -> Outcome:
    """Run ``job`` on ``store``; ``public_graphs`` is what ``public_named_graphs`` gave for it."""
    query = job.query
    try:
        # Relative IRIs resolve against the knowledge base, so <claims/x> names a claim.
        result = store.query(
            query.text,
            base_iri=job.base_iri,
            prefixes=PREFIXES,
            default_graph=_default_graph(query),
            named_graphs=_named_graphs(query, public_graphs),
        )
        if isinstance(result, ox.QueryBoolean):
            fmt = _format(job.format_name, formats.RESULT_FORMATS)
            body = _bytes(result.serialize(format=formats.ox_results_format(fmt)))
            return Outcome(body, fmt.media_type, rows=1)
        if isinstance(result, ox.QuerySolutions):
            return solutions_outcome(result, job)
        return triples_outcome(result, job)
    except SyntaxError as error:
        return Outcome(f"The query is not valid SPARQL: {error}".encode(), status=400)
    except OSError:
        raise  # the store could not be read: the caller may open it afresh (see kb.sparql.workers)
    except (ValueError, RuntimeError) as error:
        return Outcome(f"The query could not be evaluated: {error}".encode(), status=500)


def _default_graph(query: CheckedQuery) -> list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] | ox.DefaultGraph:
    if query.default_graphs:
        return [ox.NamedNode(g) for g in query.default_graphs]
    if query.named_graphs:
        return []  # a dataset of named graphs alone has an empty default graph
    return ox.DefaultGraph()


def _named_graphs(
    query: CheckedQuery, public_graphs: list[ox.NamedNode | ox.BlankNode] | None
) -> list[ox.NamedNode | ox.BlankNode] | None:
    if query.default_graphs or query.named_graphs:
        return [ox.NamedNode(g) for g in query.named_graphs]  # checked: none of them is private
    return public_graphs


def _bytes(serialised: bytes | None) -> bytes:
    """Oxigraph's serialisers return bytes when given no output file."""
    assert serialised is not None
    return serialised


def _format(name: str, offered: tuple[formats.Format, ...]) -> formats.Format:
    return formats.by_name(name, offered) or offered[0]


def solutions_outcome(solutions: ox.QuerySolutions, job: Job) -> Outcome:
    """The first ``job.max_rows`` solutions in the job's format (from any engine's solutions)."""
    fmt = _format(job.format_name, formats.RESULT_FORMATS)
    names = [v.value for v in solutions.variables]
    rows = list(islice(solutions, job.max_rows + 1))
    truncated = len(rows) > job.max_rows
    rows = rows[: job.max_rows]
    # The capped rows go back through Oxigraph's own parser and serialisers, so every format is
    # written by the engine's tested code; SPARQL JSON is the lossless carrier between the two.
    document = {
        "head": {"vars": names},
        "results": {
            "bindings": [{name: _json_term(row[name]) for name in names if row[name] is not None} for row in rows]
        },
    }
    capped = ox.parse_query_results(json.dumps(document), ox.QueryResultsFormat.JSON)
    body = _bytes(capped.serialize(format=formats.ox_results_format(fmt)))
    return Outcome(body, fmt.media_type, truncated=truncated, rows=len(rows))


def _json_term(term: object) -> dict[str, object]:
    """One RDF term in the SPARQL 1.1 JSON results encoding."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        encoded: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            encoded["xml:lang"] = term.language
        elif term.datatype.value not in (_XSD_STRING, _RDF_LANG_STRING):
            encoded["datatype"] = term.datatype.value
        return encoded
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    raise TypeError(f"unexpected term {term!r}")


def triples_outcome(triples: Iterable[ox.Triple], job: Job) -> Outcome:
    """The first ``job.max_rows`` triples in the job's format (from any engine's triples)."""
    fmt = _format(job.format_name, formats.GRAPH_FORMATS)
    kept = list(islice(triples, job.max_rows + 1))
    truncated = len(kept) > job.max_rows
    kept = kept[: job.max_rows]
    body = _bytes(ox.serialize(kept, format=formats.ox_rdf_format(fmt), prefixes=PREFIXES))
    return Outcome(body, fmt.media_type, truncated=truncated, rows=len(kept))
