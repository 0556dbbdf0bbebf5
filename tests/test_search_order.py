"""Newest-first listings on both engines: every page at any depth in the exact order (date descending,
then slug), ties in Tantivy's numeric rank resolved across page edges, filters and edits kept."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from kb.search import SearchIndex, SearchRequest
from kb.search.documents import ClaimDocument
from kb.search.tantivy_backend import TantivyIndex, rank
from kb.search.whoosh_backend import WhooshIndex

# Slugs sharing their first nine characters on one day tie in Tantivy's rank; undated claims come last.
SLUGS = (
    [f"same-prefix-{n}" for n in range(13)] + [f"s{n}" for n in range(9)] + ["a", "a-b", "a0", "z9-x", "b-long-slug"]
)


def _documents() -> list[ClaimDocument]:
    documents = []
    for n, slug in enumerate(SLUGS):
        claimed = None if n % 7 == 3 else date(2020, 5, 1) if n < 13 or n % 2 else date(2020, 1, 1) + timedelta(n)
        status = "supported" if n % 3 else "refuted"
        documents.append(
            ClaimDocument(
                iri=f"http://example.org/{slug}", slug=slug, name=slug, text="words", status=status, claimed=claimed
            )
        )
    return documents


def _expected(documents: list[ClaimDocument]) -> list[str]:
    by_slug = sorted(documents, key=lambda d: d.slug)
    return [d.slug for d in sorted(by_slug, key=lambda d: d.claimed or date.min, reverse=True)]


@pytest.fixture(scope="module", params=["whoosh", "tantivy"])
def index(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    path: Path = tmp_path_factory.mktemp(request.param)
    built: SearchIndex = WhooshIndex(path) if request.param == "whoosh" else TantivyIndex(path)
    built.rebuild(_documents(), 1)
    return built


def _pages(index: SearchIndex, per_page: int, filters: dict[str, str]) -> list[str]:
    slugs: list[str] = []
    page = 1
    while True:
        result = index.search(SearchRequest(filters=filters, sort="date", page=page, per_page=per_page, facets=False))
        if not result.hits:
            return slugs
        assert result.total == len(_expected([d for d in _documents() if d.status == filters.get("status", d.status)]))
        slugs += [hit.slug for hit in result.hits]
        page += 1


@pytest.mark.parametrize("per_page", [1, 2, 3, 5, 50])
def test_every_page_holds_the_next_claims_in_exact_order(index: SearchIndex, per_page: int) -> None:
    documents = _documents()
    assert _pages(index, per_page, {}) == _expected(documents)
    supported = [d for d in documents if d.status == "supported"]
    assert _pages(index, per_page, {"status": "supported"}) == _expected(supported)


def test_an_edit_moves_the_claim_to_its_new_place(index: SearchIndex) -> None:
    documents = _documents()
    moved = documents[5]
    moved.claimed = date(2021, 1, 1)
    index.apply({moved.iri: moved}, 2)
    assert _pages(index, 4, {}) == _expected(documents)
    moved.claimed = date(2020, 5, 1)
    index.apply({moved.iri: moved}, 3)


def test_the_rank_never_orders_a_claim_against_the_exact_order() -> None:
    slugs = sorted(["a", "a-", "a-b", "a0", "ab", "abcdefghij", "abcdefghik", "z", "0", "9z", "a.b", "a+", "a~"])
    days = [None, date(1850, 1, 1), date(1899, 12, 31), date(1900, 1, 1), date(1900, 1, 2), date(2024, 2, 29)]
    days += [date(2079, 6, 4), date(2079, 6, 5), date(2300, 1, 1)]
    exact = [(day, slug) for day in days for slug in slugs]
    exact.sort(key=lambda claim: claim[1])
    exact.sort(key=lambda claim: claim[0] or date.min, reverse=True)
    ranks = [rank(day, slug) for day, slug in exact]
    assert ranks == sorted(ranks, reverse=True)


@pytest.mark.parametrize("months_from", [0, 10**9], ids=["within-months", "within-years"])
def test_deep_pages_looked_for_within_their_years_hold_the_same_claims(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, months_from: int
) -> None:
    # Deep pages are looked for among the claims of the years that hold them (tantivy_backend.DEEP),
    # and then of their months (MONTHS_FROM): from the first page on here, across years and months of
    # one claim and of many, month edges (the last and first day, a leap day), ties, undated claims
    # and dates the rank clamps (before 1900, from 2079 on; 1900 and 2079 themselves partly).
    from kb.search import tantivy_backend

    monkeypatch.setattr(tantivy_backend, "DEEP", 0)
    monkeypatch.setattr(tantivy_backend, "MONTHS_FROM", months_from)
    days = [None, date(1850, 1, 1), date(2019, 3, 1), date(2020, 5, 1), date(2020, 5, 1), date(2021, 1, 1)]
    days += [date(2079, 6, 5), date(2300, 1, 1), date(2021, 12, 31), date(2022, 1, 1)]
    days += [date(2020, 2, 29), date(2020, 3, 1), date(2020, 4, 30), date(1900, 1, 1), date(1900, 6, 1)]
    days += [date(2079, 1, 31), date(2078, 12, 31), date(2021, 1, 31)]
    documents = [
        ClaimDocument(
            iri=f"http://example.org/{slug}-{n}",
            slug=f"{slug}-{n}",
            name=slug,
            text="words",
            status="supported" if n % 3 else "refuted",
            claimed=days[(n * 7 + len(slug)) % len(days)],
        )
        for n, slug in enumerate(SLUGS * 2)
    ]
    index = TantivyIndex(tmp_path)
    index.rebuild(documents, 1)
    narrowed_by_months = []
    months_holding = index._months_holding

    def counted(*args: object) -> object:
        found = months_holding(*args)  # type: ignore[arg-type]
        narrowed_by_months.append(found is not None)
        return found

    monkeypatch.setattr(index, "_months_holding", counted)
    for per_page in (1, 2, 7):
        for filters in ({}, {"status": "supported"}):
            wanted = _expected([d for d in documents if d.status == filters.get("status", d.status)])
            slugs: list[str] = []
            for page in range(1, len(wanted) // per_page + 2):
                request = SearchRequest(filters=filters, sort="date", page=page, per_page=per_page, facets=False)
                result = index.search(request)
                assert result.total == len(wanted)
                slugs += [hit.slug for hit in result.hits]
            assert slugs == wanted, (per_page, filters)
    assert any(narrowed_by_months) == (months_from == 0)  # the months did narrow pages when asked to


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_the_first_values_of_a_facet_are_those_of_every_value(tmp_path: Path, engine: str) -> None:
    # Many topics, most of them on as many claims as the last one kept: Tantivy fetches only the most
    # frequent values, then all of them when a tie may go on past those fetched (labels decide).
    from kb.search.documents import Linked

    # Labels in the reverse order of the slugs (Tantivy breaks ties by the value it stores, slug first).
    topics = [Linked(f"topic-{n:02d}", f"Topic {99 - n}") for n in range(40)]
    documents = [
        ClaimDocument(
            iri=f"http://example.org/c{n}",
            slug=f"c{n}",
            name="claim",
            text="words",
            topics=[topics[n % 40]] + ([topics[n % 3]] if n >= 40 else []),
            claimant=Linked(f"person-{n % 31:02d}", f"Person {99 - n % 31}"),
        )
        for n in range(46)
    ]
    index: SearchIndex = WhooshIndex(tmp_path) if engine == "whoosh" else TantivyIndex(tmp_path)
    index.rebuild(documents, 1)
    every = index.search(SearchRequest()).facets
    for limit in (1, 3, 6, 12):
        for query in ("", "words"):
            limited = index.search(SearchRequest(query=query, facet_limit=limit)).facets
            assert limited == {facet: values[:limit] for facet, values in every.items()}, limit


def test_every_claims_plain_facets_come_exact_from_the_terms_until_a_claim_is_deleted(tmp_path: Path) -> None:
    # The listing of every claim counts its plain facets (and its years, for deep pages) from the term
    # dictionary while no deleted claim is still counted there; after an edit (the old document
    # deleted, not yet merged away) it counts the hits again. Either way the counts are the claims'.
    from collections import Counter

    documents = _documents()
    index = TantivyIndex(tmp_path)
    index.rebuild(documents, 1)

    def counted() -> dict[str, dict[str, int]]:
        index.clear_cache()
        result = index.search(SearchRequest(filters={}, sort="date", facet_names=("status", "year", "type")))
        return {facet: {c.value: c.count for c in values} for facet, values in result.facets.items()}

    def expected() -> dict[str, dict[str, int]]:
        return {
            "status": dict(Counter(d.status for d in documents)),
            "year": dict(Counter(str(d.claimed.year) for d in documents if d.claimed)),
            "type": dict(Counter(d.claim_type for d in documents)),
        }

    assert index._current_searcher().whole_terms("status") is not None  # from the terms
    assert counted() == expected()
    documents[4].status = "refuted" if documents[4].status != "refuted" else "supported"
    documents[4].claimed = date(2023, 3, 3)
    index.apply({documents[4].iri: documents[4]}, 2)
    assert index._current_searcher().whole_terms("status") is None  # the old document still counted there
    assert counted() == expected()
    assert _pages(index, 3, {}) == _expected(documents)
