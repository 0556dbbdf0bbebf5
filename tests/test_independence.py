"""Source independence: the grouping rule, the seed's derivation chains, the claim pages, an edit
through the API, and the SPARQL example against the pages (on the endpoint and on a SPARQL server)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.namespace import PROV

from claims import schema_files
from claims.independence import (
    NO_SUPPORT,
    SEVERAL_ORIGINS,
    SINGLE_ORIGIN,
    group_by_origin,
    independence,
    origins_of,
    sides_of,
)
from claims.model import Iris
from claims.status import Stance
from claims.vocab import CK, OA, SCHEMA
from kb.knowledge import ClaimFilters, KnowledgeBase
from kb.sparql.examples import example
from kb.store.remote import RemoteSparqlStore
from tests import html
from tests.helpers import EDITOR_NAME
from tests.oxigraph_server import OxigraphServer

pytestmark = pytest.mark.store  # on the embedded store and again on a SPARQL server

BASE = "http://localhost:5000/"
IRIS = Iris(BASE)
EX = "https://example.org/sources/"


def ex(name: str) -> URIRef:
    return URIRef(EX + name)


# --- the rule, on made-up chains -------------------------------------------------------------------


def test_a_source_deriving_from_nothing_is_its_own_origin() -> None:
    assert origins_of(ex("a"), {}) == {(ex("a"),)}


def test_a_chain_ends_at_its_root() -> None:
    links = {ex("copy"): [ex("rewrite")], ex("rewrite"): [ex("scoop")]}
    assert origins_of(ex("copy"), links) == {(ex("scoop"),)}
    grouping = group_by_origin([ex("copy"), ex("rewrite"), ex("scoop")], links)
    assert grouping.source_count == 3 and grouping.origin_count == 1
    assert grouping.groups[0].sources == (ex("copy"), ex("rewrite"), ex("scoop"))


def test_a_source_with_two_parents_rests_on_both_origins() -> None:
    links = {ex("roundup"): [ex("a"), ex("b")], ex("b"): [ex("b-root")]}
    assert origins_of(ex("roundup"), links) == {(ex("a"),), (ex("b-root"),)}
    grouping = group_by_origin([ex("roundup"), ex("a")], links)
    assert grouping.source_count == 2 and grouping.origin_count == 2
    by_origin = {g.origin: g.sources for g in grouping.groups}
    assert by_origin == {(ex("a"),): (ex("a"), ex("roundup")), (ex("b-root"),): (ex("roundup"),)}
    assert [g.origin for g in grouping.groups] == [(ex("a"),), (ex("b-root"),)]  # largest group first


def test_sources_deriving_from_each_other_in_a_loop_are_one_origin() -> None:
    loop = {ex("x"): [ex("y")], ex("y"): [ex("x")], ex("copy"): [ex("y")]}
    assert origins_of(ex("copy"), loop) == {(ex("x"), ex("y"))}
    assert group_by_origin([ex("copy"), ex("x")], loop).origin_count == 1
    assert origins_of(ex("self"), {ex("self"): [ex("self")]}) == {(ex("self"),)}
    # A loop with a way out is no origin: the chain goes on to where it ends.
    leaking = {ex("x"): [ex("y")], ex("y"): [ex("x"), ex("root")]}
    assert origins_of(ex("x"), leaking) == {(ex("root"),)}


def test_single_origin_support_needs_support_from_exactly_one_origin() -> None:
    links = {ex("copy"): [ex("scoop")]}
    one = independence([ex("copy"), ex("scoop")], [ex("other")], links)
    assert one.single_origin_support and one.support_origins == SINGLE_ORIGIN
    assert one.denial.source_count == 1 and one.denial.origin_count == 1
    two = independence([ex("copy"), ex("other")], [], links)
    assert not two.single_origin_support and two.support_origins == SEVERAL_ORIGINS
    none = independence([], [ex("copy"), ex("scoop")], links)
    assert not none.single_origin_support and none.support_origins == NO_SUPPORT


def test_which_stances_count_as_support_and_as_denial() -> None:
    assert {s for s in Stance if sides_of(s)[0]} == {Stance.SUPPORTS, Stance.RESOLVES_TRUE, Stance.RESOLVES_PARTLY}
    assert {s for s in Stance if sides_of(s)[1]} == {
        Stance.DENIES,
        Stance.DISPUTES,
        Stance.RESOLVES_FALSE,
        Stance.RESOLVES_PARTLY,
    }
    assert sides_of(Stance.CONTEXT) == (False, False) and sides_of(Stance.RETRACTS) == (False, False)


# --- the seed, read straight from its Turtle file (independently of the store's queries) -----------


@pytest.fixture(scope="module")
def seed_graph() -> Graph:
    return Graph().parse(schema_files.SEED, format="turtle", publicID=BASE)


def seed_links(graph: Graph) -> dict[URIRef, list[URIRef]]:
    links: dict[URIRef, list[URIRef]] = {}
    for source, parent in graph.subject_objects(PROV.wasDerivedFrom):
        links.setdefault(source, []).append(parent)  # type: ignore[arg-type]
    return links


def seed_sides(graph: Graph, claim: URIRef) -> tuple[set[URIRef], set[URIRef]]:
    """The claim's supporting and denying sources, by walking the seed graph in Python."""
    support = set(graph.objects(claim, SCHEMA.appearance)) | set(graph.objects(claim, SCHEMA.firstAppearance))
    support |= {graph.value(q, OA.hasSource) for q in graph.objects(claim, CK.quote)}
    denial = set()
    for event in graph.objects(claim, CK.evidence):
        stance = Stance(str(graph.value(event, CK.stance)).rsplit("#", 1)[1])
        source = graph.value(event, CK.source)
        if source is None or graph.value(event, CK.retracted):
            continue
        if sides_of(stance)[0]:
            support.add(source)
        if sides_of(stance)[1]:
            denial.add(source)
    return support, denial  # type: ignore[return-value]


def seed_expectations(graph: Graph) -> dict[str, tuple[int, int, int, int]]:
    """slug -> (supporting sources, their origins, denying sources, their origins)."""
    links = seed_links(graph)
    expected = {}
    for claim in graph.subjects(CK.slug, None):
        if (claim, None, SCHEMA.Claim) not in graph:
            continue
        support, denial = seed_sides(graph, claim)  # type: ignore[arg-type]
        found = independence(support, denial, links)
        counts = (found.support.source_count, found.support.origin_count)
        expected[str(graph.value(claim, CK.slug))] = counts + (found.denial.source_count, found.denial.origin_count)
    return expected


def test_the_seed_chains_end_at_the_axios_scoop_and_the_ft_reports(seed_graph: Graph) -> None:
    links = seed_links(seed_graph)
    axios = IRIS.source("axios-scoop-2022-10-11")
    for copy in (
        "techstory-tiktok-fulfilment-rewrite",
        "ars-technica-2022-10",
        "rassegna-ars-copy",
        "tiatira-axios-copy",
    ):
        assert origins_of(IRIS.source(copy), links) == {(axios,)}, copy
    assert origins_of(IRIS.source("pymnts-uk-influencers-exodus"), links) == {
        (IRIS.source("ft-uk-influencers-report"),)
    }
    assert origins_of(IRIS.source("dotla-talkshoplive"), links) == {(IRIS.source("ft-talkshoplive-report"),)}
    assert origins_of(IRIS.source("thestar-job-listings-2022-10-12"), links) == {
        (IRIS.source("thestar-job-listings-2022-10-12"),)
    }


def test_seed_claims_with_single_origin_support(seed_graph: Graph) -> None:
    expected = seed_expectations(seed_graph)
    single = sorted(slug for slug, (_n, origins, _d, _do) in expected.items() if origins == 1)
    # Both are worded only by the rewrite, which rests on the Axios scoop through Ars Technica.
    assert single == ["ft-uk-report-in-october", "seattle-170-staff"]
    assert expected["hiring-seattle-los-angeles"][:2] == (4, 2)


# --- the claim pages ---------------------------------------------------------------------------------


def independence_section(client: FlaskClient, slug: str) -> ET.Element:
    response = client.get(f"/claims/{slug}")
    assert response.status_code == 200
    sections = html.by_class(html.parse(response.data), "independence", "section")
    assert len(sections) == 1
    return sections[0]


def side(section: ET.Element, name: str) -> ET.Element:
    return next(d for d in html.by_class(section, "independence-side") if d.get("data-side") == name)


def groups(section: ET.Element, name: str) -> dict[str, list[str]]:
    """Origin source slug -> the slugs of the sources listed under it."""
    found = {}
    for group in html.by_class(side(section, name), "origin-group", "li"):
        origin = group.find("./p[@class='origin']/a")
        found[origin.get("href", "").rsplit("/", 1)[1]] = sorted(
            a.get("href", "").rsplit("/", 1)[1] for a in group.findall("./ul/li/a")
        )
    return found


def test_a_seed_claim_page_counts_its_sources_and_origins(client: FlaskClient) -> None:
    section = independence_section(client, "hiring-seattle-los-angeles")
    summary = html.by_class(side(section, "supporting"), "origin-summary")[0]
    assert html.text(summary) == "4 sources, 2 independent origins"
    assert groups(section, "supporting") == {
        "axios-scoop-2022-10-11": ["ars-technica-2022-10", "rassegna-ars-copy", "techstory-tiktok-fulfilment-rewrite"],
        "bi-tiktok-ecommerce-strategy": ["bi-tiktok-ecommerce-strategy"],
    }
    assert html.text(html.by_class(side(section, "denying"), "origin-summary")[0]) == "No denying sources recorded."
    assert not html.by_class(section, "single-origin-warning")

    disputed = independence_section(client, "seattle-170-staff")
    assert html.text(html.by_class(side(disputed, "denying"), "origin-summary")[0]) == "2 sources, 1 independent origin"
    assert groups(disputed, "denying") == {"axios-scoop-2022-10-11": ["fanpage-ars-rewrite", "rassegna-ars-copy"]}


def test_the_warning_appears_exactly_where_support_is_single_origin(
    client: FlaskClient, kb: KnowledgeBase, seed_graph: Graph
) -> None:
    expected = seed_expectations(seed_graph)
    assert {c.slug for c in kb.claims()} == set(expected)
    for slug, (sources, origins, denying, denying_origins) in expected.items():
        section = independence_section(client, slug)
        supporting, denial = side(section, "supporting"), side(section, "denying")
        assert (supporting.get("data-sources"), supporting.get("data-origins")) == (str(sources), str(origins)), slug
        assert (denial.get("data-sources"), denial.get("data-origins")) == (str(denying), str(denying_origins)), slug
        warnings = html.by_class(section, "single-origin-warning")
        assert len(warnings) == (1 if origins == 1 else 0), slug
        if warnings:
            assert "traces back to one origin" in html.text(warnings[0])
            assert warnings[0].find(".//a").get("href") == "/sources/axios-scoop-2022-10-11"


def test_evidence_dated_after_as_of_does_not_count(client: FlaskClient) -> None:
    # On 1 October 2022 the Business Insider report was known (dated that month); the AP report on the
    # job listings (12 October 2022) and later support were not.
    today = side(independence_section(client, "fbt-job-listings"), "supporting")
    response = client.get("/claims/fbt-job-listings?as_of=2022-10-11")
    then = side(html.by_class(html.parse(response.data), "independence", "section")[0], "supporting")
    assert int(then.get("data-sources", 0)) < int(today.get("data-sources", 0))
    assert int(then.get("data-origins", 0)) < int(today.get("data-origins", 0))


# --- an edit through the API -------------------------------------------------------------------------


def derive(client: FlaskClient, auth: dict[str, str], source: str, parent: str) -> None:
    """Record through the API that ``source`` derives from ``parent`` (a report on it)."""
    values = client.get(f"/api/sources/{source}").get_json()
    body: dict[str, Any] = {k: v for k, v in values.items() if k not in ("slug", "retracted")}
    body.update(derived_from=parent, derivation_kind="report", reason="It reports on the other source")
    response = client.put(f"/api/sources/{source}", json=body, headers=auth)
    assert response.status_code == 200, response.get_json()


@pytest.fixture
def auth(accounts: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {accounts.create_token(EDITOR_NAME)}"}


def test_a_derived_from_link_added_through_the_api_merges_two_origins(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    slug = "hiring-seattle-los-angeles"
    assert not html.by_class(independence_section(client, slug), "single-origin-warning")
    derive(client, auth, "bi-tiktok-ecommerce-strategy", "axios-scoop-2022-10-11")
    section = independence_section(client, slug)
    summary = html.by_class(side(section, "supporting"), "origin-summary")[0]
    assert html.text(summary) == "4 sources, 1 independent origin"
    assert groups(section, "supporting") == {
        "axios-scoop-2022-10-11": [
            "ars-technica-2022-10",
            "bi-tiktok-ecommerce-strategy",
            "rassegna-ars-copy",
            "techstory-tiktok-fulfilment-rewrite",
        ]
    }
    assert len(html.by_class(section, "single-origin-warning")) == 1
    listed = client.get("/search.json?support=single-origin&per_page=100").get_json()
    assert slug in {r["slug"] for r in listed["results"]}


# --- the SPARQL example ------------------------------------------------------------------------------


def example_rows(rows: list[dict[str, str]]) -> dict[str, tuple[int, int, bool]]:
    return {
        r["claim"].rsplit("/", 1)[1]: (int(r["sources"]), int(r["origins"]), r["singleOrigin"] == "true") for r in rows
    }


def page_rows(client: FlaskClient, slugs: list[str]) -> dict[str, tuple[int, int, bool]]:
    found = {}
    for slug in slugs:
        section = independence_section(client, slug)
        supporting = side(section, "supporting")
        if supporting.get("data-sources") != "0":
            found[slug] = (
                int(supporting.get("data-sources", 0)),
                int(supporting.get("data-origins", 0)),
                section.get("data-single-origin") == "true",
            )
    return found


def example_claims(kb: KnowledgeBase) -> list[str]:
    """The claims the example covers: Ars Technica's (over every claim it took minutes at 100k)."""
    return [c.slug for c in kb.claims(ClaimFilters(claimant="ars-technica"))]


def test_the_sparql_example_agrees_with_the_claim_pages(client: FlaskClient, kb: KnowledgeBase) -> None:
    text = example("support-origins").text(BASE)
    response = client.get(
        "/sparql", query_string={"query": text}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200
    bindings = json.loads(response.data)["results"]["bindings"]
    rows = example_rows([{k: v["value"] for k, v in b.items()} for b in bindings])
    assert rows == page_rows(client, example_claims(kb))
    assert sorted(slug for slug, (_s, _o, single) in rows.items() if single) == ["ft-uk-report-in-october"]


def test_the_sparql_example_runs_on_a_sparql_server(client: FlaskClient, kb: KnowledgeBase) -> None:
    server = OxigraphServer().start()
    try:
        remote = RemoteSparqlStore(server.base)
        remote.bulk_load(kb.store.quads())
        answer = remote.select(example("support-origins").text(BASE))
        remote.close()
    finally:
        server.stop()
    rows = example_rows([{k: str(v) for k, v in r.items()} for r in answer])
    assert rows == page_rows(client, example_claims(kb))
