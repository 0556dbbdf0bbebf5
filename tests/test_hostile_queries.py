"""Hostile search and SPARQL parameters: /search, /search.json, the claim lists, as_of dates, /sparql.

Every answer has a status we expect and says what was wrong; no read ever changes the store; the
SPARQL a search offers ("Open as SPARQL") stays a well-formed read-only query whatever was typed.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from claims.independence import SUPPORT_ORIGIN_LABELS
from claims.model import Iris
from kb.knowledge import KnowledgeBase
from kb.search import FACETS
from kb.sparql.examples import EXAMPLES
from kb.sparql.formats import GRAPH_FORMATS, RESULT_FORMATS
from kb.sparql.safety import PARSER_RECURSION_LIMIT, check_query
from tests.hostile import (
    CLAIM,
    PAYLOADS,
    active_content,
    assert_json_error,
    assert_page_message,
    assert_unchanged,
    budget,
    count,
    fingerprint,
    header_value,
    hostile_text,
    path_segment,
    query_string,
)

# The search index now follows revisions in a background thread, whose whoosh writer draws random
# segment names while Hypothesis draws a case; that is the index's randomness, not the strategies'.
pytestmark = [pytest.mark.store, pytest.mark.filterwarnings("ignore:Do not use the `random` module inside strategies")]

IRIS = Iris("http://localhost:5000/")
# The query checker raises the recursion limit on its first query; raise it now, as Hypothesis
# warns about a limit that changes while a test runs.
sys.setrecursionlimit(max(sys.getrecursionlimit(), PARSER_RECURSION_LIMIT))
FACET_VALUES = {
    "status": ["disputed", "supported", "resolved-true"],
    "type": ["prediction", "statement"],
    "claimant": ["tiktok", "axios"],
    "publisher": ["axios"],
    "topic": ["e-commerce"],
    "year": ["2022"],
    "support": sorted(SUPPORT_ORIGIN_LABELS),
    "language": ["en", "es", "fr", "de", "pt-BR"],
}
search_words = st.one_of(
    st.sampled_from(["tiktok", "holidays launch", '"job listings"', "tiktok OR amazon", "claimant:tiktok"]),
    hostile_text,
    st.builds(
        lambda word, payload: f"{word} {payload}", st.sampled_from(["tiktok", "shop"]), st.sampled_from(PAYLOADS)
    ),
)
search_params = st.fixed_dictionaries(
    {"q": search_words},
    optional={
        **{facet: st.one_of(st.sampled_from(FACET_VALUES[facet]), hostile_text) for facet in FACETS},
        "sort": st.one_of(st.sampled_from(["relevance", "date"]), hostile_text),
        "page": st.one_of(st.integers(-3, 10**7).map(str), hostile_text),
        "per_page": st.one_of(st.integers(-3, 1000).map(str), hostile_text),
    },
)


@settings(max_examples=budget(1.2))
@given(
    where=st.sampled_from(["/search", "/search.json", "/claims", "/claims/{slug}", "/topics/{slug}"]),
    params=search_params,
    slug=st.one_of(st.just(CLAIM), st.just("e-commerce"), hostile_text),
    as_of=st.one_of(st.none(), st.sampled_from(["2022-12-01", "0001-01-01", "9999-12-31"]), hostile_text),
)
@example(where="/claims/{slug}", params={"q": ""}, slug=CLAIM, as_of="9999-12-31")
@example(where="/claims/{slug}", params={"q": ""}, slug=CLAIM, as_of="0001-01-01")
@example(where="/search", params={"q": '" } ; DROP ALL ; #', "claimant": '" } ; DROP ALL ; #'}, slug="", as_of=None)
def test_search_and_listing_parameters(
    client: FlaskClient, kb: KnowledgeBase, where: str, params: dict[str, str], slug: str, as_of: str | None
) -> None:
    count("search")
    before = fingerprint(kb)
    if where == "/claims/{slug}" and as_of is not None:
        params = {"as_of": as_of}
    url = where.format(slug=path_segment(slug)) + "?" + query_string(params)
    response = client.get(url)
    if where == "/search.json":
        if response.status_code == 200:
            body = response.get_json()
            checked = check_query(body["sparql"], IRIS)  # the offered SPARQL is still one read-only SELECT
            assert checked.kind == "select"
        else:
            assert_json_error(response, {400})
    elif response.status_code == 308:
        assert response.headers["Location"].startswith("http://localhost/")
    else:
        assert_page_message(response, {200, 400, 404})
        if where == "/search" and response.status_code == 200:
            assert not active_content(response.text)
    assert_unchanged(kb, before, f"a search ({url[:80]})")


# --- SPARQL ------------------------------------------------------------------------------------------

media_types = [f.media_type for f in (*RESULT_FORMATS, *GRAPH_FORMATS)]
spliced = st.builds(
    lambda example, at, payload: example[:at] + payload + example[at:],
    st.sampled_from([e.text(IRIS.base) for e in EXAMPLES]),
    st.integers(0, 600),
    st.one_of(st.sampled_from(PAYLOADS), hostile_text),
)
sparql_queries = st.one_of(
    spliced,
    hostile_text,
    st.sampled_from(
        [
            "SELECT * WHERE { ?s ?p ?o } LIMIT 3",
            "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3",
            "ASK { ?s ?p ?o }",
            "DESCRIBE <claims/fbt-job-listings>",
            "SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }",
            "LOAD <file:///etc/passwd>",
            "DROP ALL",
            "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
            "SELECT * WHERE { GRAPH <http://localhost:5000/private/accounts> { ?s ?p ?o } }",
            'SELECT (IRI("javascript:alert(1)") AS ?x) WHERE {}',
            'SELECT ?x WHERE { BIND("</script><script>alert(1)</script>" AS ?x) }',
        ]
    ),
)
graph_names = st.lists(
    st.one_of(
        st.sampled_from(
            ["http://localhost:5000/", "file:///etc/passwd", "http://localhost:5000/private/accounts", "urn:x"]
        ),
        hostile_text,
    ),
    max_size=2,
)


@pytest.fixture
def sparql_app(make_app: Any) -> Flask:
    return make_app(sparql_timeout="3")  # type: ignore[no-any-return]


def _check_body(response: Any) -> None:
    """A result parses in its own format; an error is a sentence, in text or on the page."""
    body = response.get_data()
    if response.status_code != 200:
        text = body.decode("utf-8")
        if response.mimetype == "text/html":
            assert_page_message(response, {400, 403, 406, 413, 415, 503})
        else:
            assert text.strip() and "Traceback" not in text
        return
    mimetype = response.mimetype
    if mimetype == "text/html":
        assert not active_content(body.decode("utf-8")), active_content(body.decode("utf-8"))
    elif mimetype == "application/sparql-results+json":
        json.loads(body)
    elif mimetype in ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"):
        fmt = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml"}
        Graph().parse(data=body, format=fmt.get(mimetype, "json-ld"))


@settings(max_examples=budget(1.5))
@given(
    query=st.one_of(st.none(), sparql_queries),
    default_graphs=graph_names,
    named_graphs=graph_names,
    fmt=st.one_of(st.none(), st.sampled_from(["json", "xml", "csv", "tsv", "turtle", "jsonld", "html"]), hostile_text),
    accept=st.one_of(st.none(), st.sampled_from([*media_types, "text/html", "*/*"]), hostile_text),
    method=st.sampled_from(["GET", "POST form", "POST query", "POST other"]),
    content_type=hostile_text,
)
@example(
    query='SELECT ?x WHERE { BIND(IRI("javascript:alert(1)") AS ?x) }',
    default_graphs=[],
    named_graphs=[],
    fmt="html",
    accept=None,
    method="GET",
    content_type="",
)
def test_sparql_protocol_parameters(
    sparql_app: Flask,
    query: str | None,
    default_graphs: list[str],
    named_graphs: list[str],
    fmt: str | None,
    accept: str | None,
    method: str,
    content_type: str,
) -> None:
    count("sparql")
    kb = sparql_app.extensions["claimkb"]
    client = sparql_app.test_client()
    before = fingerprint(kb)
    params: dict[str, Any] = {"default-graph-uri": default_graphs, "named-graph-uri": named_graphs, "format": fmt}
    headers = {"Accept": header_value(accept)} if accept is not None else {}
    if method == "GET":
        response = client.get("/sparql?" + query_string({"query": query, **params}), headers=headers)
    elif method == "POST form":
        response = client.post(
            "/sparql",
            data=query_string({"query": query, **params}),
            content_type="application/x-www-form-urlencoded",
            headers=headers,
        )
    else:
        media = "application/sparql-query" if method == "POST query" else header_value(content_type)
        response = client.post(
            "/sparql?" + query_string(params),
            data=(query or "").encode("utf-8", "surrogatepass"),
            content_type=media,
            headers=headers,
        )
    assert response.status_code in (200, 400, 403, 406, 413, 415, 503), (
        response.status_code,
        response.get_data(as_text=True)[:300],
    )
    _check_body(response)
    assert_unchanged(kb, before, "a public SPARQL query")
