"""The statistics page: every chart's numbers equal what its SPARQL query gives on the public
endpoint and an independent count; language where recorded, "not recorded" otherwise; the charts
carry the numbers and a text alternative."""

from __future__ import annotations

import csv
import io
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from rdflib import Graph, Literal, URIRef

from claims.vocab import CK, CK_IRI, SCHEMA
from kb.knowledge import KnowledgeBase
from kb.write.repository import Change
from tests import html
from tests.helpers import AppFactory

pytestmark = pytest.mark.embedded_store  # the public SPARQL endpoint needs the embedded store

PREDICTION = """
@prefix ck: <https://w3id.org/claimkb/vocab#> .
@prefix schema: <http://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<claims/made-up-forecast> a schema:Claim ;
    ck:slug "made-up-forecast" ;
    schema:name "A made-up forecast for the statistics test" ;
    schema:text "A made-up organisation will open a made-up shop (test data, not a real claim)." ;
    ck:claimType ck:prediction ;
    ck:deadline "2031-03-01"^^xsd:date ;
    schema:author <entities/tiktok> .
"""


@pytest.fixture
def stats_app(make_app: AppFactory) -> Flask:
    app = make_app()
    kb: KnowledgeBase = app.extensions["claimkb"]
    kb.load_graph(Graph().parse(data=PREDICTION, format="turtle", publicID=kb.iris.base), agent="test", reason="test")
    # Two claims say their language (another part of the code records schema:inLanguage).
    change = Change()
    for slug in ("fbt-job-listings", "uk-shop-struggling"):
        change.added.add((kb.iris.claim(slug), SCHEMA.inLanguage, Literal("en")))
        change.changed.add(kb.iris.claim(slug))
    kb.repository.apply(change, agent=kb.agent("test"), reason="test: languages")
    return app


def _public(client: object, query: str) -> list[dict[str, str]]:
    response = client.get(
        "/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )  # type: ignore[attr-defined]
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in b.items()} for b in response.get_json()["results"]["bindings"]]


def _key(chart_id: str, value: str, kb: KnowledgeBase) -> str:
    if chart_id.endswith(("by-status", "by-type")):
        return value.removeprefix(CK_IRI)
    if chart_id.endswith("by-topic"):
        kind_slug = kb.iris.kind_and_slug(value)
        return kind_slug[1] if kind_slug else value
    return value


@pytest.mark.parametrize("basis", ["recorded", "claimed"])
def test_every_chart_equals_its_sparql_query_on_the_public_endpoint(stats_app: Flask, basis: str) -> None:
    kb: KnowledgeBase = stats_app.extensions["claimkb"]
    client = stats_app.test_client()
    charts = client.get(f"/statistics.json?basis={basis}").get_json()["charts"]
    assert len(charts) == 6
    for chart in charts:
        # The page's query link is the same query.
        assert parse_qs(urlsplit(chart["sparql_url"]).query)["query"] == [chart["sparql"]]
        results = _public(client, chart["sparql"])
        if chart["id"] == "most-checked-claimants":
            shown = Counter({(r["slug"], r["status"]): r["claims"] for r in chart["rows"]})
            top = {r["slug"] for r in chart["rows"]}
            expected = Counter(
                {
                    (kb.iris.kind_and_slug(r["claimant"])[1], r["status"].removeprefix(CK_IRI)): int(r["claims"])  # type: ignore[index]
                    for r in results
                    if kb.iris.kind_and_slug(r["claimant"])[1] in top  # type: ignore[index]
                }
            )
        elif chart["id"] == "predictions-coming-due":
            shown = Counter({r["month"]: r["claims"] for r in chart["rows"]})
            expected = Counter({r["month"]: int(r["claims"]) for r in results})
            assert shown == Counter({"2031-03": 1})
        else:
            shown = Counter({(r["month"], r["key"]): r["claims"] for r in chart["rows"]})
            expected = Counter({(r["month"], _key(chart["id"], r["value"], kb)): int(r["claims"]) for r in results})
        assert shown == expected, chart["id"]


def test_status_by_month_made_equals_an_independent_count(stats_app: Flask) -> None:
    kb: KnowledgeBase = stats_app.extensions["claimkb"]
    chart = stats_app.test_client().get("/statistics/claims-claimed-by-status.json").get_json()
    assert chart["rows"]
    for row in chart["rows"]:
        if row["month"] == "undated":
            query = (
                "SELECT ?status (COUNT(?c) AS ?n) WHERE { ?c a schema:Claim ; ck:status ?status "
                "FILTER NOT EXISTS { ?c schema:datePublished ?d } FILTER NOT EXISTS { ?c ck:retracted true } } "
                "GROUP BY ?status"
            )
            rows = kb.store.select(query, {"status": CK[row["key"]]})
        else:
            query = (
                "SELECT ?status ?month (COUNT(?c) AS ?n) WHERE { ?c a schema:Claim ; ck:status ?status ; "
                "schema:datePublished ?d FILTER(STRSTARTS(STR(?d), ?month)) "
                "FILTER NOT EXISTS { ?c ck:retracted true } } GROUP BY ?status ?month"
            )
            rows = kb.store.select(query, {"status": CK[row["key"]], "month": Literal(row["month"])})
        assert int(str(rows[0]["n"])) == row["claims"], row
    total = sum(r["claims"] for r in chart["rows"])
    assert total == int(str(kb.store.select("SELECT (COUNT(?c) AS ?n) WHERE { ?c a schema:Claim }")[0]["n"]))


def test_language_shows_where_recorded_and_not_recorded_otherwise(stats_app: Flask) -> None:
    client = stats_app.test_client()
    chart = client.get("/statistics/claims-recorded-by-language.json").get_json()
    by_key = Counter()
    for row in chart["rows"]:
        by_key[row["key"]] += row["claims"]
    assert by_key["en"] == 2
    assert by_key["not recorded"] == 12 - 2 + 1  # the seed's 12 claims and the made-up forecast
    rows = list(csv.DictReader(io.StringIO(client.get("/statistics/claims-recorded-by-language.csv").text)))
    assert {r["label"] for r in rows} == {"en", "Not recorded"}


def test_charts_on_the_page_carry_their_numbers_links_and_text_alternatives(stats_app: Flask) -> None:
    client = stats_app.test_client()
    doc = html.parse(client.get("/statistics?basis=claimed").data)
    data = {c["id"]: c for c in client.get("/statistics.json?basis=claimed").get_json()["charts"]}
    sections = [s for s in doc.iter("section") if s.get("data-chart")]
    assert {s.get("data-chart") for s in sections} == set(data)
    for section in sections:
        chart = data[section.get("data-chart")]
        hrefs = [a.get("href") or "" for a in section.iter("a")]
        assert any(h.endswith(f"/statistics/{chart['id']}.csv") for h in hrefs)
        assert any(h.endswith(f"/statistics/{chart['id']}.json") for h in hrefs)
        sparql = [h for h in hrefs if h.startswith("/sparql?")]
        assert parse_qs(urlsplit(sparql[0]).query)["query"] == [chart["sparql"]]
        svgs = [e for e in section.iter() if e.tag.endswith("svg")]
        assert len(svgs) == 1
        svg = svgs[0]
        assert svg.get("role") == "img"
        ids = {e.get("id"): html.text(e) for e in svg.iter() if e.get("id")}
        assert all(ids.get(i) for i in svg.get("aria-labelledby", "").split())
        drawn = Counter()
        for rect in svg.iter():
            if rect.tag.endswith("rect") and rect.get("data-count"):
                drawn[(rect.get("data-month") or "", rect.get("data-key"))] += int(rect.get("data-count"))
        if chart["id"] == "most-checked-claimants":
            assert sum(drawn.values()) == sum(r["claims"] for r in chart["rows"])
        else:
            on_axis = Counter(
                {
                    (r["month"], r.get("key", "prediction")): r["claims"]
                    for r in chart["rows"]
                    if r["month"] != "undated"
                }
            )
            assert drawn == on_axis, chart["id"]
            desc = next(e for e in svg.iter() if e.tag.endswith("desc"))
            for (month, _key), _n in list(on_axis.items())[:3]:
                assert month in html.text(desc)


def test_a_bad_basis_or_chart_is_refused(stats_app: Flask) -> None:
    client = stats_app.test_client()
    assert client.get("/statistics?basis=nonsense").status_code == 400
    assert client.get("/statistics/nonsense.csv").status_code == 404


def test_the_type_chart_counts_every_claim_once(stats_app: Flask) -> None:
    kb: KnowledgeBase = stats_app.extensions["claimkb"]
    chart = stats_app.test_client().get("/statistics/claims-recorded-by-type.json").get_json()
    assert sum(r["claims"] for r in chart["rows"]) == 13
    assert (kb.iris.claim("made-up-forecast"), CK.claimType, CK.prediction) in kb.repository.describe(
        [URIRef(kb.iris.claim("made-up-forecast"))]
    )
