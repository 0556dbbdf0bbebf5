"""The search page, /search.json, the SPARQL link and the listing pages, through real HTTP."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import html5lib
import pytest
from flask import Flask
from flask.testing import FlaskClient

from claims.independence import SUPPORT_ORIGIN_LABELS
from claims.vocab import CK
from kb.knowledge import ClaimFilters, KnowledgeBase
from kb.read.independence import claim_independence
from kb.sparql.safety import check_query
from kb.write.repository import Change
from tests.helpers import AppFactory

HOLIDAYS = "us-shop-before-holidays"

pytestmark = pytest.mark.usefixtures("search_backend")  # every test runs on Whoosh and on Tantivy


@pytest.fixture(scope="module")
def seed_app(make_module_app: AppFactory, search_backend: str) -> Flask:
    """One seeded knowledge base on this pass's store for the tests that only read."""
    return make_module_app()


@pytest.fixture
def web(seed_app: Flask) -> FlaskClient:
    return seed_app.test_client()


@pytest.fixture
def seed_kb(seed_app: Flask) -> KnowledgeBase:
    return seed_app.extensions["claimkb"]  # type: ignore[no-any-return]


def page(client: FlaskClient, url: str, status: int = 200) -> ET.Element:
    response = client.get(url)
    assert response.status_code == status, response.data[:500]
    assert response.mimetype == "text/html"
    return html5lib.parse(response.data, namespaceHTMLElements=False)


def by_class(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [e for e in root.iter(tag) if cls in (e.get("class") or "").split()]


def text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def result_slugs(root: ET.Element) -> list[str]:
    return [a.get("href", "").rsplit("/", 1)[1] for a in by_class(root, "a", "result-link")]


def facet_links(root: ET.Element, facet: str) -> dict[str, tuple[str, int]]:
    """label -> (href, count) of one facet's values."""
    sections = [s for s in root.iter("section") if s.get("data-facet") == facet]
    links = {}
    for item in sections[0].iter("li") if sections else []:
        anchor = item.find("a")
        count = by_class(item, "span", "count")
        assert anchor is not None and count
        links[text(anchor).rstrip(" ×")] = (anchor.get("href", ""), int(text(count[0])))
    return links


# --- the page --------------------------------------------------------------------------------------


def test_a_search_ranks_highlights_and_badges(web: FlaskClient) -> None:
    root = page(web, "/search?q=holidays")
    assert result_slugs(root)[0] == HOLIDAYS
    first = by_class(root, "li", "result")[0]
    assert by_class(first, "span", "badge") and "status-resolved-partly" in by_class(first, "span", "badge")[0].get(
        "class", ""
    )
    marks = [text(m).lower() for m in first.iter("mark")]
    assert marks and all(m.startswith("holiday") for m in marks)


def test_a_misspelling_shows_what_was_searched_instead(web: FlaskClient) -> None:
    root = page(web, "/search?q=hollidays")
    assert result_slugs(root)[0] == HOLIDAYS
    notice = by_class(root, "p", "did-you-mean")
    assert notice and "Showing results for" in text(notice[0])
    hrefs = [parse_qs(urlsplit(a.get("href", "")).query) for a in notice[0].iter("a")]
    assert {"q": ["hollidays"]} in hrefs


def test_facet_links_narrow_and_combine(web: FlaskClient) -> None:
    root = page(web, "/search?q=tiktok")
    total = int(text(by_class(root, "h2", "result-count")[0]).split()[0])
    statuses = facet_links(root, "status")
    label, (href, count) = next(iter(statuses.items()))
    narrowed = page(web, href)
    assert len(result_slugs(narrowed)) == count < total
    badges = [text(b) for r in by_class(narrowed, "li", "result") for b in by_class(r, "span", "badge")]
    assert badges and all(b == label for b in badges)
    # A second facet combines with the first and with the words.
    claimants = facet_links(narrowed, "claimant")
    second_href, second_count = next(iter(claimants.values()))
    both = parse_qs(urlsplit(second_href).query)
    assert both["q"] == ["tiktok"] and "status" in both and "claimant" in both
    assert len(result_slugs(page(web, second_href))) == second_count <= count
    # The selected value links back to the search without it.
    selected = [a for a in by_class(narrowed, "a", "selected")]
    assert selected
    assert len(result_slugs(page(web, selected[0].get("href", "")))) == total


def test_an_empty_query_lists_every_claim_with_facets(web: FlaskClient, seed_kb: KnowledgeBase) -> None:
    root = page(web, "/search")
    assert sorted(result_slugs(root)) == sorted(c.slug for c in seed_kb.claims())
    assert {s.get("data-facet") for s in root.iter("section")} >= {"status", "type", "claimant", "topic", "year"}


def test_sorting_by_date_puts_the_newest_first(web: FlaskClient) -> None:
    body = web.get("/search.json?q=tiktok&sort=date&per_page=100").get_json()
    dates = [r["claimed"] for r in body["results"]]
    known = [d for d in dates if d]
    assert known == sorted(known, reverse=True) and dates[: len(known)] == known
    assert body["sort"] == "date"


def test_every_page_has_the_search_box(web: FlaskClient) -> None:
    for url in ("/", "/claims", f"/claims/{HOLIDAYS}"):
        forms = [f for f in page(web, url).iter("form") if f.get("role") == "search"]
        assert forms and forms[0].get("action") == "/search"


# --- JSON ------------------------------------------------------------------------------------------


def test_search_json_shape(web: FlaskClient) -> None:
    response = web.get("/search.json?q=tiktok+amazon&status=supported&per_page=2")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) >= {
        "query",
        "parsed_query",
        "query_tree",
        "filters",
        "total",
        "page",
        "pages",
        "results",
        "facets",
    }
    assert body["query"] == "tiktok amazon" and body["filters"] == {"status": "supported"}
    assert body["query_tree"] == ["all", [["text", "tiktok"], ["text", "amazon"]]]
    assert "content:tiktok" in body["parsed_query"] and "status:supported" in body["parsed_query"]
    assert len(body["results"]) == min(2, body["total"]) and body["pages"] == -(-body["total"] // 2)
    for result in body["results"]:
        assert result["status"] == "supported" and result["url"] == f"/claims/{result['slug']}"
        assert set(result) >= {"iri", "name", "text", "type", "claimant_name", "claimed", "snippet_html", "score"}
    assert set(body["facets"]) == {"status", "type", "claimant", "publisher", "topic", "year", "support", "language"}
    assert body["facets"]["status"] == [
        {"value": "supported", "label": "Supported", "count": body["total"], "selected": True}
    ]


def test_search_json_pages_do_not_overlap(web: FlaskClient) -> None:
    first = web.get("/search.json?per_page=5&page=1").get_json()
    second = web.get("/search.json?per_page=5&page=2").get_json()
    assert first["total"] == second["total"] > 5
    assert {r["slug"] for r in first["results"]}.isdisjoint(r["slug"] for r in second["results"])


# --- bad input -------------------------------------------------------------------------------------

HOSTILE = [
    "q=%22unbalanced",
    "q=((((tiktok",
    "q=tiktok]]]",
    "q=%00%01%02",
    "q=tik%00tok",
    "q=" + "holidays+" * 3000,
    "q=" + "x" * 20000,
    "q=AND+OR+NOT",
    "q=status:",
    "q=claimant:%22",
    "q=year:[2020+TO",
    "q=%E2%80%AEtiktok",
    "q=*:*",
    "q=%3Cscript%3Ealert(1)%3C/script%3E",
    "q=" + "+OR+".join(["a1b"] * 100),
    "status=%3Cscript%3E",
    "status=nope&type=nope&year=20x2&claimant=Not+A+Slug&topic=../../etc",
    "sort=sideways",
    "page=-4",
    "page=abc",
    "page=99999999999",
    "page=100000",
    "per_page=100000",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_get_a_page_not_a_server_error(web: FlaskClient, query: str) -> None:
    response = web.get("/search?" + query)
    assert response.status_code in (200, 400)
    root = html5lib.parse(response.data, namespaceHTMLElements=False)
    assert not [s for s in root.iter("script")]
    assert by_class(root, "form", "search-form")
    if response.status_code == 400:
        assert by_class(root, "p", "search-error")


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_get_json_not_a_server_error(web: FlaskClient, seed_kb: KnowledgeBase, query: str) -> None:
    response = web.get("/search.json?" + query)
    assert response.status_code in (200, 400)
    body = response.get_json()
    if response.status_code == 400:
        assert body["error"]["status"] == 400 and body["error"]["message"]
    else:
        # An answer that adds up: a count no larger than the claims there are, a page within the
        # pages, no more results than a page holds, and only claims of the knowledge base.
        claims = {c.slug for c in seed_kb.claims()}
        assert 0 <= body["total"] <= len(claims)
        assert 1 <= body["page"] and len(body["results"]) <= body["per_page"]
        first = (body["page"] - 1) * body["per_page"]
        assert len(body["results"]) == max(0, min(body["per_page"], body["total"] - first))
        assert {r["slug"] for r in body["results"]} <= claims


def test_bad_filter_values_are_named_and_dropped(web: FlaskClient) -> None:
    body = web.get("/search.json?status=nope&q=tiktok").get_json()
    assert body["filters"] == {} and any("nope" in n for n in body["notices"])
    assert body["total"] == web.get("/search.json?q=tiktok").get_json()["total"]


# --- open as SPARQL --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def embedded_app(make_module_app: AppFactory, search_backend: str) -> Flask:
    """The seeded site on the embedded store, whatever the pass: the public SPARQL endpoint needs it."""
    return make_module_app(store="oxigraph")


@pytest.mark.embedded_store
@pytest.mark.parametrize(
    "query",
    [
        "",
        "status=supported",
        "claimant=axios&topic=e-commerce",
        "publisher=axios",
        "year=2022",
        "q=holidays",
        "support=single-origin",
        "support=several-origins&q=tiktok",
        "support=no-support",
    ],
)
def test_the_sparql_link_returns_the_same_claims(embedded_app: Flask, query: str) -> None:
    web, seed_kb = embedded_app.test_client(), embedded_app.extensions["claimkb"]
    root = page(web, "/search?per_page=100&" + query)
    links = [a for a in root.iter("a") if text(a) == "Open as SPARQL"]
    assert links
    url = urlsplit(links[0].get("href", ""))
    assert url.path == "/sparql"
    # Followed on the site's own SPARQL endpoint, the link lists the same claims.
    answer = web.get(links[0].get("href", ""), headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200
    claims = [b["claim"]["value"] for b in answer.get_json()["results"]["bindings"]]
    assert sorted(c.rsplit("/", 1)[1] for c in claims) == sorted(result_slugs(root))
    rows = seed_kb.store.select(parse_qs(url.query)["query"][0])
    assert sorted(str(r["claim"]) for r in rows) == sorted(claims)


# --- listing pages read the index ------------------------------------------------------------------


@pytest.mark.store
def test_home_counts_and_claims_page_follow_each_revision(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    client = app.test_client()
    kb: KnowledgeBase = app.extensions["claimkb"]

    def home_counts() -> dict[str, int]:
        root = page(client, "/")
        return {s.get("data-status", ""): int(text(s)) for s in by_class(root, "span", "count")}

    assert home_counts() == kb.status_counts()
    claim = kb.iris.claim(HOLIDAYS)
    old = {(claim, CK.status, o) for o in kb.repository.describe([claim]).objects(claim, CK.status)}
    change = Change(added={(claim, CK.status, CK.disputed)}, removed=old, changed={claim})
    kb.repository.apply(change, agent=kb.agent("tester"), reason="Test status change")
    counts = home_counts()
    assert counts == kb.status_counts() and counts["disputed"] >= 1
    listed = [a.get("href", "") for a in by_class(page(client, "/claims?status=disputed"), "a", "claim-link")]
    assert f"/claims/{HOLIDAYS}" in listed
    assert len(listed) == counts["disputed"]


def test_claims_page_filters_and_facets(web: FlaskClient, seed_kb: KnowledgeBase) -> None:
    root = page(web, "/claims?topic=hiring")
    listed = sorted(a.get("href", "").rsplit("/", 1)[1] for a in by_class(root, "a", "claim-link"))
    assert listed == sorted(c.slug for c in seed_kb.claims(ClaimFilters(topic="hiring")))
    options = {o.get("value"): text(o) for o in root.iter("option") if o.get("value")}
    for slug, label, n in seed_kb.facet_values()["topic"]:
        assert options[slug] == f"{label} ({n})"


def test_words_with_quote_marks_stay_literal_in_the_sparql(web: FlaskClient, seed_kb: KnowledgeBase) -> None:
    words = 'launch") || true) } # '
    body = web.get("/search.json", query_string={"q": words}).get_json()
    rows = seed_kb.store.select(body["sparql"])
    # The words are launch" and true; the quote mark is escaped inside its literal, and never ends it.
    assert 'CONTAINS(?words, "launch\\"")' in body["sparql"]
    assert 'CONTAINS(?words, "true")' in body["sparql"]
    assert 'launch")' not in body["sparql"]
    assert len(rows) < len(seed_kb.claims())


@pytest.mark.parametrize("words", ["\\u0000\\", "a\\U0001F600b", "\\\\u0041 tiktok"])
def test_backslashes_before_u_stay_literal_in_the_sparql(web: FlaskClient, seed_kb: KnowledgeBase, words: str) -> None:
    # A parser that expands \uXXXX before reading the query (SPARQL 1.1; rdflib's does) must not read
    # an escaped backslash and the letters after it as an escape: the public endpoint accepts the query.
    body = web.get("/search.json", query_string={"q": words}).get_json()
    check_query(body["sparql"], seed_kb.iris)
    seed_kb.store.select(body["sparql"])


def test_the_support_facet_lists_the_single_origin_claims(web: FlaskClient, seed_kb: KnowledgeBase) -> None:
    root = page(web, "/search?support=single-origin")
    assert sorted(result_slugs(root)) == ["ft-uk-report-in-october", "seattle-170-staff"]
    for result in by_class(root, "li", "result"):
        assert [text(s) for s in by_class(result, "span", "single-origin")] == ["single-origin support"]
    facet = next(s for s in root.iter("section") if s.get("data-facet") == "support")
    assert text(facet.find("h3")) == "Support"
    assert [text(a) for a in facet.iter("a")] == ["Single-origin support ×"]
    unfiltered = next(s for s in page(web, "/search").iter("section") if s.get("data-facet") == "support")
    counts = {text(a): int(text(li.find("span"))) for li in unfiltered.iter("li") for a in li.iter("a")}
    origins = Counter(claim_independence(seed_kb, c.iri).independence.support_origins for c in seed_kb.claims())
    assert counts == {SUPPORT_ORIGIN_LABELS[value]: n for value, n in origins.items()}
    assert counts["Single-origin support"] == 2
    body = web.get("/search.json?support=single-origin").get_json()
    assert {r["support"] for r in body["results"]} == {"single-origin"}
