"""The parse-tree checks of public queries (rdflib's real SPARQL parser, no engine involved)."""

from __future__ import annotations

import pytest

from claims.model import Iris
from kb.sparql.safety import MAX_QUERY_CHARS, QueryRefused, check_query

IRIS = Iris("http://localhost:5000/")


def test_a_query_with_many_triple_patterns_parses() -> None:
    patterns = " . ".join(f"?s{i} <http://example.org/p> ?o{i}" for i in range(300))
    assert check_query(f"SELECT * WHERE {{ {patterns} }}", IRIS).kind == "select"


def test_too_deep_nesting_is_refused_with_a_message() -> None:
    with pytest.raises(QueryRefused) as refused:
        check_query("SELECT * WHERE " + "{ " * 4000 + "?s ?p ?o" + " }" * 4000, IRIS)
    assert refused.value.status == 400 and "nested" in refused.value.message


def test_an_overlong_query_is_refused() -> None:
    with pytest.raises(QueryRefused) as refused:
        check_query("ASK {}" + " " * MAX_QUERY_CHARS, IRIS)
    assert refused.value.status == 413


@pytest.mark.parametrize(
    ("query", "kind", "default", "named"),
    [
        ("ASK {}", "ask", (), ()),
        ("DESCRIBE <claims/x>", "describe", (), ()),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "construct", (), ()),
        (
            "PREFIX g: <http://example.org/> SELECT * FROM g:a FROM NAMED g:b { ?s ?p ?o }",
            "select",
            ("http://example.org/a",),
            ("http://example.org/b",),
        ),
        ("SELECT * FROM ck:x { ?s ?p ?o }", "select", ("https://w3id.org/claimkb/vocab#x",), ()),
    ],
)
def test_kind_and_dataset(query: str, kind: str, default: tuple, named: tuple) -> None:
    checked = check_query(query, IRIS)
    assert (checked.kind, checked.default_graphs, checked.named_graphs) == (kind, default, named)


def test_protocol_dataset_replaces_the_querys_own() -> None:
    checked = check_query(
        "SELECT * FROM <http://example.org/a> { ?s ?p ?o }", IRIS, named_graph_uris=["http://example.org/n"]
    )
    assert checked.default_graphs == () and checked.named_graphs == ("http://example.org/n",)


def test_service_deep_inside_a_subquery_is_found() -> None:
    query = (
        "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o "
        "FILTER NOT EXISTS { SERVICE <http://example.org/> { ?s ?q ?r } } } } }"
    )
    with pytest.raises(QueryRefused) as refused:
        check_query(query, IRIS)
    assert refused.value.status == 403 and "SERVICE" in refused.value.message


def test_an_undeclared_prefix_in_from_is_malformed() -> None:
    with pytest.raises(QueryRefused) as refused:
        check_query("SELECT * FROM nope:x { ?s ?p ?o }", IRIS)
    assert refused.value.status == 400
