"""Content negotiation for every kind of IRI, and the vocabulary document at /vocab."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, SKOS

from claims.vocab import CK, CK_IRI, OA, SCHEMA
from tests import html
from tests.live_server import seeded_app

BASE = "http://localhost:5000/"
RESOURCES = [
    ("claims/us-shop-before-holidays", SCHEMA.Claim),
    ("sources/axios-scoop-2022-10-11", SCHEMA.NewsArticle),
    ("entities/tiktok", SCHEMA.Organization),
    ("topics/e-commerce", SKOS.Concept),
    ("events/fbt-pilot-confirmed", CK.EvidenceEvent),
    ("quotes/fbt-job-listings-seed", CK.Quote),
    ("quotes/fbt-job-listings-seed/selector", OA.TextQuoteSelector),
    ("revisions/1", CK.Revision),
    ("agents/seed", PROV.Agent),
]
FORMATS = [
    ("text/turtle", "ttl", "turtle"),
    ("application/ld+json", "jsonld", "json-ld"),
    ("application/n-triples", "nt", "nt"),
    ("application/rdf+xml", "rdf", "xml"),
]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, seeded_template: Path) -> Iterator[Flask]:
    with seeded_app(seeded_template, tmp_path_factory.mktemp("linked") / "data") as app:
        yield app


@pytest.mark.parametrize(("path", "rdf_type"), RESOURCES, ids=[r[0] for r in RESOURCES])
@pytest.mark.parametrize(("accept", "suffix", "rdflib_format"), FORMATS, ids=[f[1] for f in FORMATS])
def test_rdf_by_accept_and_by_suffix(
    client: FlaskClient, path: str, rdf_type: URIRef, accept: str, suffix: str, rdflib_format: str
) -> None:
    iri = URIRef(BASE + path)
    negotiated = client.get(f"/{path}", headers={"Accept": accept})
    assert negotiated.status_code == 200
    assert negotiated.mimetype == accept
    assert "Accept" in negotiated.headers["Vary"]
    assert negotiated.headers["Content-Location"] == f"/{path}.{suffix}"
    graph = Graph().parse(data=negotiated.data, format=rdflib_format)
    assert (iri, RDF.type, rdf_type) in graph
    suffixed = client.get(f"/{path}.{suffix}")
    assert suffixed.status_code == 200 and suffixed.mimetype == accept
    assert len(Graph().parse(data=suffixed.data, format=rdflib_format)) == len(graph)


@pytest.mark.parametrize(("path", "rdf_type"), RESOURCES, ids=[r[0] for r in RESOURCES])
def test_browsers_get_html_with_links_to_every_format(client: FlaskClient, path: str, rdf_type: URIRef) -> None:
    response = client.get(f"/{path}", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "Accept" in response.headers["Vary"]
    links = response.headers.getlist("Link")
    for accept, suffix, _ in FORMATS:
        assert f'</{path}.{suffix}>; rel="alternate"; type="{accept}"' in links
    html.parse(response.data)  # well-formed enough for a parser


def test_claim_description_holds_its_events_quotes_and_selectors(client: FlaskClient) -> None:
    graph = Graph().parse(data=client.get("/claims/us-shop-before-holidays.ttl").data, format="turtle")
    claim = URIRef(BASE + "claims/us-shop-before-holidays")
    events = set(graph.objects(claim, CK.evidence))
    assert len(events) == 5
    assert all((e, CK.stance, None) in graph for e in events)
    selectors = set(graph.objects(None, OA.hasSelector))
    words = {s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in graph}
    places = selectors - words
    assert words and all((s, OA.exact, None) in graph for s in words)
    assert places and all((s, RDF.type, OA.TextPositionSelector) in graph for s in places)
    assert (claim, CK.status, CK["resolved-partly"]) in graph


def test_event_page_links_its_claim(client: FlaskClient) -> None:
    page = html.parse(client.get("/events/fbt-pilot-confirmed").data)
    assert ("/claims/fbt-job-listings", "the claim “fbt-job-listings”") in html.links(page)
    assert "TikTok confirms an invite-only US fulfilment pilot" in html.text(page.find(".//h1"))


def test_entity_description_includes_the_claims_pointing_at_it(client: FlaskClient) -> None:
    graph = Graph().parse(data=client.get("/entities/financial-times.nt").data, format="nt")
    authored = set(graph.subjects(SCHEMA.author, URIRef(BASE + "entities/financial-times")))
    assert URIRef(BASE + "claims/us-shop-before-holidays") in authored


def test_unknown_resources_are_404_in_every_form(client: FlaskClient) -> None:
    assert client.get("/claims/no-such-claim.ttl").status_code == 404
    assert client.get("/claims/no-such-claim", headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get("/events/no-such-event").status_code == 404
    assert client.get("/revisions/999.nt").status_code == 404


@pytest.mark.store
def test_private_graphs_never_show_in_descriptions(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    kb = app.extensions["claimkb"]
    claim = kb.iris.claim("us-shop-before-holidays")
    kb.store.bulk_load([(claim, URIRef("http://example.org/secret"), Literal("s3cret"), kb.iris.private_graph("x"))])
    graph = Graph().parse(data=app.test_client().get("/claims/us-shop-before-holidays.nt").data, format="nt")
    assert (claim, URIRef("http://example.org/secret"), None) not in graph
    assert len(graph) > 50


@pytest.mark.parametrize(("accept", "suffix", "rdflib_format"), FORMATS, ids=[f[1] for f in FORMATS])
def test_vocabulary_document(client: FlaskClient, accept: str, suffix: str, rdflib_format: str) -> None:
    for response in (client.get("/vocab", headers={"Accept": accept}), client.get(f"/vocab.{suffix}")):
        assert response.status_code == 200 and response.mimetype == accept
        graph = Graph().parse(data=response.data, format=rdflib_format)
        assert (URIRef(CK_IRI.rstrip("#")), RDF.type, OWL.Ontology) in graph
        assert (CK.EvidenceEvent, RDF.type, OWL.Class) in graph
        assert (CK["resolved-true"], RDF.type, SKOS.Concept) in graph


def test_vocabulary_page_lists_every_term(client: FlaskClient) -> None:
    page = html.parse(client.get("/vocab").data)
    headings = {html.text(h) for h in page.iter("h2")}
    assert str(CK.EvidenceEvent) in headings
    assert str(CK.status) in headings


@pytest.mark.parametrize(
    "path", ["/claims/a%20b.ttl", "/quotes/x%3Ey", "/events/%E2%80%9Cx", "/revisions/1/../2.nt", "/agents/.ttl"]
)
def test_addresses_that_cannot_be_iris_are_404(client: FlaskClient, path: str) -> None:
    assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 404
