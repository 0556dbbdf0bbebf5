"""The search index over the seed claims: relevance, facets against SPARQL, following revisions."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from rdflib import Graph, Literal, URIRef

from claims.vocab import SCHEMA
from kb.knowledge import ClaimFilters, KnowledgeBase
from kb.read.independence import claim_independence
from kb.search import SearchQueryError, SearchRequest
from kb.search.service import SearchService
from kb.write import repository as repository_module
from kb.write.repository import Change
from tests.helpers import EDITOR_NAME, AppFactory, search_snapshot

HOLIDAYS = "us-shop-before-holidays"

pytestmark = [pytest.mark.store, pytest.mark.usefixtures("search_backend")]  # every test runs on Whoosh and on Tantivy


@pytest.fixture(scope="module")
def seed_app(make_module_app: AppFactory, search_backend: str) -> Flask:
    """One seeded knowledge base on this pass's store for the tests that only read."""
    return make_module_app()


@pytest.fixture
def seed(seed_app: Flask) -> SearchService:
    return seed_app.extensions["claimkb.search"]  # type: ignore[no-any-return]


@pytest.fixture
def seed_kb(seed_app: Flask) -> KnowledgeBase:
    return seed_app.extensions["claimkb"]  # type: ignore[no-any-return]


@pytest.fixture
def search(app: Flask) -> SearchService:
    """The search of a knowledge base of its own, for tests that write."""
    return app.extensions["claimkb.search"]  # type: ignore[no-any-return]


def slugs(service: SearchService, query: str = "", **filters: str) -> list[str]:
    return [h.slug for h in service.search(SearchRequest(query=query, filters=filters, per_page=100)).hits]


def rename(kb: KnowledgeBase, iri: URIRef, name: str) -> int:
    """Give ``iri`` a new schema:name, as one revision; returns its number."""
    old = {(iri, SCHEMA.name, o) for o in kb.repository.describe([iri]).objects(iri, SCHEMA.name)}
    change = Change(added={(iri, SCHEMA.name, Literal(name))}, removed=old, changed={iri})  # type: ignore[arg-type]
    info = kb.repository.apply(change, agent=kb.agent("tester"), reason="Test rename")
    assert info is not None
    return info.number


# --- relevance ------------------------------------------------------------------------------------


def test_a_word_ranks_the_claim_about_it_first(seed: SearchService) -> None:
    assert slugs(seed, "holidays")[0] == HOLIDAYS


def test_a_misspelt_word_still_finds_the_claim(seed: SearchService) -> None:
    result = seed.search(SearchRequest(query="hollidays"))
    assert result.hits[0].slug == HOLIDAYS
    assert result.corrected_from == "hollidays"
    assert result.suggestion and "holiday" in result.suggestion


def test_a_phrase_matches_the_words_in_order(seed: SearchService) -> None:
    assert HOLIDAYS in slugs(seed, '"before the holidays"')
    assert HOLIDAYS not in slugs(seed, '"holidays before"')


def test_boolean_operators(seed: SearchService) -> None:
    tiktok, amazon = set(slugs(seed, "tiktok")), set(slugs(seed, "amazon"))
    assert set(slugs(seed, "tiktok AND amazon")) == tiktok & amazon
    assert set(slugs(seed, "tiktok OR amazon")) == tiktok | amazon
    assert set(slugs(seed, "tiktok NOT amazon")) == tiktok - amazon
    assert tiktok - amazon and tiktok & amazon


def test_field_queries_equal_the_facet_filters(seed: SearchService) -> None:
    assert sorted(slugs(seed, "status:disputed")) == sorted(slugs(seed, status="disputed"))
    assert sorted(slugs(seed, "claimant:tiktok")) == sorted(slugs(seed, claimant="tiktok"))
    assert sorted(slugs(seed, "type:prediction")) == [HOLIDAYS]


def test_an_empty_query_lists_every_claim_newest_first(seed: SearchService, seed_kb: KnowledgeBase) -> None:
    result = seed.search(SearchRequest(per_page=100))
    assert result.total == len(seed_kb.claims())
    dates = [h.claimed for h in result.hits if h.claimed]
    assert dates == sorted(dates, reverse=True)
    assert {f for f, counts in result.facets.items() if counts} >= {"status", "type", "claimant", "topic"}


def test_paging_splits_the_results_without_overlap(seed: SearchService) -> None:
    first = seed.search(SearchRequest(per_page=5, page=1))
    second = seed.search(SearchRequest(per_page=5, page=2))
    assert first.pages == -(-first.total // 5)
    assert {h.slug for h in first.hits}.isdisjoint(h.slug for h in second.hits)
    assert len(first.hits) == 5


def test_snippets_escape_the_text_and_mark_the_words(search: SearchService, kb: KnowledgeBase) -> None:
    claim = kb.iris.claim(HOLIDAYS)
    old = {(claim, SCHEMA.text, o) for o in kb.repository.describe([claim]).objects(claim, SCHEMA.text)}
    hostile = Literal("Launch <script>alert(1)</script> before the holidays & more")
    change = Change(added={(claim, SCHEMA.text, hostile)}, removed=old, changed={claim})  # type: ignore[arg-type]
    kb.repository.apply(change, agent=kb.agent("tester"), reason="Test escaping")
    hit = search.search(SearchRequest(query="holidays")).hits[0]
    assert "<script>" not in hit.snippet_html
    assert "&lt;script&gt;" in hit.snippet_html
    assert "<mark>holidays</mark>" in hit.snippet_html


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "((tiktok",
        "tiktok))",
        "[2020 TO",
        "status:",
        "AND OR NOT",
        "\x00\x01tiktok\x7f",
        "tik\u202etok",
        "a" * 10_000,
        ":::^~*?",
        'claimant:"financial',
    ],
)
def test_malformed_queries_are_answered(seed: SearchService, seed_kb: KnowledgeBase, query: str) -> None:
    result = seed.search(SearchRequest(query=query))
    # An answer that adds up: a count no larger than the claims there are, the first page of it
    # listed, and only claims of the knowledge base among the hits.
    claims = {c.slug for c in seed_kb.claims()}
    assert 0 <= result.total <= len(claims)
    assert len(result.hits) == min(result.total, result.per_page)
    assert {h.slug for h in result.hits} <= claims
    if "\x00" in query or len(query) > 1000:
        assert result.notices


def test_too_many_parts_are_refused(seed: SearchService) -> None:
    from kb.search.whoosh_backend import MAX_CLAUSES

    with pytest.raises(SearchQueryError, match="parts"):
        seed.search(SearchRequest(query=" OR ".join(f"w{i}" for i in range(MAX_CLAUSES + 5))))


# --- facet counts against SPARQL ------------------------------------------------------------------

COUNT_BY_STATUS = """
SELECT ?value (COUNT(DISTINCT ?claim) AS ?n) WHERE {
  ?claim a schema:Claim ; ck:status ?value . FILTER NOT EXISTS { ?claim ck:retracted true }
} GROUP BY ?value
"""

COUNT_BY_CLAIMANT_WITH_STATUS = """
SELECT ?status ?value (COUNT(DISTINCT ?claim) AS ?n) WHERE {
  ?claim a schema:Claim ; ck:status ?status ; schema:author/ck:slug ?value .
} GROUP BY ?status ?value
"""

COUNT_BY_TOPIC_WITH_TYPE = """
SELECT ?type ?value (COUNT(DISTINCT ?claim) AS ?n) WHERE {
  ?claim a schema:Claim ; ck:claimType ?type ; dcterms:subject/ck:slug ?value .
} GROUP BY ?type ?value
"""

COUNT_BY_PUBLISHER = """
SELECT ?value (COUNT(DISTINCT ?claim) AS ?n) WHERE {
  ?claim a schema:Claim ; schema:appearance|schema:firstAppearance|ck:quote/oa:hasSource ?source .
  ?source schema:publisher/ck:slug ?value .
} GROUP BY ?value
"""

COUNT_BY_YEAR_WITH_TOPIC = """
SELECT ?topic ?value (COUNT(DISTINCT ?claim) AS ?n) WHERE {
  ?claim a schema:Claim ; dcterms:subject ?topic ; schema:datePublished ?date .
  BIND(STR(YEAR(?date)) AS ?value)
} GROUP BY ?topic ?value
"""


def _counts(rows: list[dict], strip: str = "") -> dict[str, int]:
    return {str(r["value"]).removeprefix(strip): int(r["n"].toPython()) for r in rows}


def _facet(service: SearchService, facet: str, **filters: str) -> dict[str, int]:
    return {c.value: c.count for c in service.search(SearchRequest(filters=filters)).facets[facet]}


def test_status_counts_equal_sparql(seed: SearchService, seed_kb: KnowledgeBase) -> None:
    expected = _counts(seed_kb.store.select(COUNT_BY_STATUS), "https://w3id.org/claimkb/vocab#")
    assert _facet(seed, "status") == expected
    assert {k: v for k, v in seed.status_counts().items() if v} == expected
    assert seed.status_counts() == seed_kb.status_counts()


@pytest.mark.parametrize("status", ["supported", "disputed", "resolved-partly"])
def test_claimant_counts_under_a_status_filter_equal_sparql(
    seed: SearchService, seed_kb: KnowledgeBase, status: str
) -> None:
    status_iri = URIRef("https://w3id.org/claimkb/vocab#" + status)
    expected = _counts(seed_kb.store.select(COUNT_BY_CLAIMANT_WITH_STATUS, {"status": status_iri}))
    assert expected
    assert _facet(seed, "claimant", status=status) == expected


def test_topic_counts_under_a_type_filter_equal_sparql(seed: SearchService, seed_kb: KnowledgeBase) -> None:
    for claim_type in ("statement", "rumour"):
        type_iri = URIRef("https://w3id.org/claimkb/vocab#" + claim_type)
        expected = _counts(seed_kb.store.select(COUNT_BY_TOPIC_WITH_TYPE, {"type": type_iri}))
        assert _facet(seed, "topic", type=claim_type) == expected


def test_publisher_and_year_counts_equal_sparql(seed: SearchService, seed_kb: KnowledgeBase) -> None:
    assert _facet(seed, "publisher") == _counts(seed_kb.store.select(COUNT_BY_PUBLISHER))
    topic = seed_kb.iris.topic("e-commerce")
    expected = _counts(seed_kb.store.select(COUNT_BY_YEAR_WITH_TOPIC, {"topic": topic}))
    assert expected
    assert _facet(seed, "year", topic="e-commerce") == expected


CLAIMS_WITH_STATUS = "SELECT ?status ?claim WHERE { ?claim a schema:Claim ; ck:status ?status }"


def test_listings_equal_the_sparql_listings(seed: SearchService, seed_kb: KnowledgeBase) -> None:
    for filters in (ClaimFilters(), ClaimFilters(claim_type="prediction"), ClaimFilters(topic="hiring")):
        assert sorted(c.slug for c in seed.claims(filters)) == sorted(c.slug for c in seed_kb.claims(filters))
    supported = seed_kb.store.select(CLAIMS_WITH_STATUS, {"status": URIRef("https://w3id.org/claimkb/vocab#supported")})
    assert sorted(c.iri for c in seed.claims(ClaimFilters(status="supported"))) == sorted(r["claim"] for r in supported)
    index_facets = seed.facet_values()
    sparql_facets = seed_kb.facet_values()
    assert sorted(index_facets["claimant"]) == sorted(sparql_facets["claimant"])
    assert sorted(index_facets["topic"]) == sorted(sparql_facets["topic"])


def test_facets_asked_for_by_name_are_those_of_the_whole_count(seed: SearchService) -> None:
    # Deeper pages and other orders reuse the counts of their query (Tantivy keeps them per commit).
    for query, filters in (("", {}), ("tiktok", {}), ("", {"status": "supported"})):
        whole = seed.search(SearchRequest(query=query, filters=filters)).facets
        named = seed.search(SearchRequest(query=query, filters=filters, facet_names=("topic", "status"), page=2))
        assert named.facets == {"status": whole["status"], "topic": whole["topic"]}
    for limit in (1, 2, 3):  # the first values of each facet, ties across the limit ordered by label
        limited = seed.search(SearchRequest(facet_limit=limit)).facets
        assert limited == {facet: values[:limit] for facet, values in seed.search(SearchRequest()).facets.items()}
    every = {c.value: c.count for c in seed.search(SearchRequest()).facets["status"]}
    assert {status: n for status, n in seed.status_counts().items() if n} == every


# --- following the revision log -------------------------------------------------------------------


def test_every_revision_updates_the_index(search: SearchService, kb: KnowledgeBase) -> None:
    number = rename(kb, kb.iris.claim(HOLIDAYS), "Zanzibarquux launch")
    search.wait()  # the background thread has applied it, before any search asked
    assert search.index.last_revision == number
    assert slugs(search, "zanzibarquux") == [HOLIDAYS]


def test_a_renamed_entity_reindexes_the_claims_that_name_it(search: SearchService, kb: KnowledgeBase) -> None:
    by_axios = sorted(slugs(search, claimant="axios"))
    assert by_axios
    rename(kb, kb.iris.entity("axios"), "Quokkapress")
    assert set(by_axios) <= set(slugs(search, "quokkapress"))
    assert sorted(slugs(search, "claimant:quokkapress")) == by_axios


def test_the_index_catches_up_after_a_lost_update(
    app: Flask, kb: KnowledgeBase, tmp_path: Path, search_backend: str
) -> None:
    search: SearchService = app.extensions["claimkb.search"]
    kb.repository.listeners.remove(search.on_revision)  # as if the process died after the store write
    number = rename(kb, kb.iris.claim(HOLIDAYS), "Okapiwhistle launch")
    assert search.index.last_revision == number - 1
    path = search.path
    search.close()
    reopened = SearchService.open(kb, path, backend=search_backend)
    assert reopened.index.last_revision == number
    assert slugs(reopened, "okapiwhistle") == [HOLIDAYS]


def test_a_second_process_catches_up_before_searching(
    kb: KnowledgeBase, search: SearchService, tmp_path: Path, search_backend: str
) -> None:
    # another host's index on the same store
    other = SearchService.open(kb, tmp_path / "other-index", backend=search_backend)
    kb.repository.listeners.remove(other.on_revision)  # it hears of nothing directly
    rename(kb, kb.iris.claim(HOLIDAYS), "Pangolinfest launch")
    assert slugs(other, "pangolinfest") == [HOLIDAYS]
    search.wait()
    assert other.index.last_revision == search.index.last_revision


@pytest.mark.parametrize("by_iri", [3, 0], ids=["revisions-by-iri", "long-gap-by-number"])
def test_an_index_many_revisions_behind_catches_up_by_either_path(
    kb: KnowledgeBase,
    search: SearchService,
    tmp_path: Path,
    search_backend: str,
    by_iri: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A few revisions behind, each is looked up by its IRI; beyond the limit, the log is read once by
    # number. Both must find every change of the three revisions (each renames a different resource).
    monkeypatch.setattr(repository_module, "CATCH_UP_BY_IRI", by_iri)
    other = SearchService.open(kb, tmp_path / "behind", backend=search_backend)
    kb.repository.listeners.remove(other.on_revision)
    rename(kb, kb.iris.claim(HOLIDAYS), "Capybaraquay launch")
    rename(kb, kb.iris.entity("axios"), "Narwhalnews")
    last = rename(kb, kb.iris.claim(HOLIDAYS), "Capybaraquay launch, again")
    assert slugs(other, "capybaraquay") == [HOLIDAYS]
    renamed = sorted(slugs(other, "claimant:narwhalnews"))
    assert renamed == sorted(slugs(search, "claimant:narwhalnews")) != []
    assert other.index.last_revision == last


def test_an_index_of_another_store_is_rebuilt(tmp_path: Path, kb: KnowledgeBase, search_backend: str) -> None:
    first = SearchService.open(kb, tmp_path / "shared-index", backend=search_backend)
    total = first.search(SearchRequest()).total
    first.close()
    other_kb = KnowledgeBase.open(tmp_path / "other-kb", store_url="memory", base_iri=str(kb.iris.base))
    try:
        reopened = SearchService.open(other_kb, tmp_path / "shared-index", backend=search_backend)
        assert other_kb.repository.revision_count() == 0
        assert reopened.search(SearchRequest()).total == 0
        assert total > 0
    finally:
        other_kb.close()


def test_reindexing_twice_gives_the_same_results(search: SearchService) -> None:
    before = search_snapshot(search)
    assert search.rebuild() == before[3][1]
    once = search_snapshot(search)
    search.rebuild()
    assert search_snapshot(search) == once == before


# --- single-origin support ------------------------------------------------------------------------


def test_the_support_facet_equals_the_claim_pages(seed: SearchService, seed_kb: KnowledgeBase) -> None:
    pages = {c.slug: claim_independence(seed_kb, c.iri).independence for c in seed_kb.claims()}
    assert _facet(seed, "support") == dict(Counter(found.support_origins for found in pages.values()))
    single = sorted(slug for slug, found in pages.items() if found.single_origin_support)
    assert sorted(slugs(seed, support="single-origin")) == single == ["ft-uk-report-in-october", "seattle-170-staff"]
    hits = seed.search(SearchRequest(filters={"support": "single-origin"})).hits
    assert {h.support_origins for h in hits} == {"single-origin"}


# Made-up sources for the tests: an original, a copy of it and a copy of the copy.
CHAIN = """
@prefix ck: <https://w3id.org/claimkb/vocab#> .
@prefix schema: <http://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
<sources/test-chain-1> a schema:NewsArticle ; ck:slug "test-chain-1" ;
    schema:headline "Made-up original report for a test" ; schema:url <https://example.org/chain/1> .
<sources/test-chain-2> a schema:NewsArticle ; ck:slug "test-chain-2" ;
    schema:headline "Made-up copy for a test" ; schema:url <https://example.org/chain/2> ;
    prov:wasDerivedFrom <sources/test-chain-1> ; ck:derivationKind "copy" .
<sources/test-chain-3> a schema:NewsArticle ; ck:slug "test-chain-3" ;
    schema:headline "Made-up copy of the copy for a test" ; schema:url <https://example.org/chain/3> ;
    prov:wasDerivedFrom <sources/test-chain-2> ; ck:derivationKind "copy" .
"""


def test_a_derivation_far_up_a_chain_reindexes_the_claims_resting_on_it(
    app: Flask, search: SearchService, kb: KnowledgeBase, accounts: Any
) -> None:
    client = app.test_client()
    auth = {"Authorization": f"Bearer {accounts.create_token(EDITOR_NAME)}"}
    chain = Graph().parse(data=CHAIN, format="turtle", publicID=kb.iris.base)
    kb.load_graph(chain, agent="tester", reason="Test chain")
    slug = "ft-uk-report-in-october"  # its only support is the rewrite, resting on the Axios scoop
    assert slug in slugs(search, support="single-origin")
    version = client.get(f"/api/claims/{slug}").get_json()["version"]
    added = client.post(
        f"/api/claims/{slug}/sources",
        json={
            "headline": "Made-up third copy for a test",
            "url": "https://example.org/chain/4",
            "derived_from": "test-chain-3",
            "derivation_kind": "copy",
            "version": version,
            "reason": "Another report of the claim",
        },
        headers=auth,
    )
    assert added.status_code == 201, added.get_json()
    assert slug in slugs(search, support="several-origins")
    # The original of the chain turns out to rest on the Axios scoop too: four links from the claim.
    values = client.get("/api/sources/test-chain-1").get_json()
    body = {k: v for k, v in values.items() if k not in ("slug", "retracted")}
    body.update(derived_from="axios-scoop-2022-10-11", derivation_kind="report", reason="It reports the scoop")
    assert client.put("/api/sources/test-chain-1", json=body, headers=auth).status_code == 200
    search.wait()  # applied by the background thread from the revision's changes, not a catch-up
    assert search.index.last_revision == kb.repository.revision_count()
    assert slug in slugs(search, support="single-origin")
    assert claim_independence(kb, kb.iris.claim(slug)).independence.single_origin_support
