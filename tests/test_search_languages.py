"""Search analyses each claim in its language (stemmer, stop words) and has a language facet, on both engines."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.search import SearchIndex, SearchRequest
from kb.search.documents import ClaimDocument
from kb.search.service import open_index
from tests.conftest import AppFactory

CLAIMS = [  # short sentences written for these tests
    ("es-1", "es", "Los impuestos subieron un 10 por ciento en España."),
    ("fr-1", "fr", "Les loyers ont augmenté de 30 % à Paris."),
    ("de-1", "de", "Die Regierung hat die Steuern erhöht."),
    ("en-1", "en", "The government raised taxes by 10 percent."),
]


@pytest.fixture(params=["whoosh", "tantivy"])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> SearchIndex:
    built = open_index(tmp_path / request.param, request.param)
    built.rebuild(
        [
            ClaimDocument(iri=f"https://example.org/claims/{s}", slug=s, name=t, text=t, language=lang)
            for s, lang, t in CLAIMS
        ],
        1,
    )
    return built


def _slugs(index: SearchIndex, text: str, language: str | None = None) -> list[str]:
    filters = {"language": language} if language else {}
    return [hit.slug for hit in index.search(SearchRequest(query=text, filters=filters, correct=False)).hits]


def test_each_language_has_its_own_stemmer(index: SearchIndex) -> None:
    assert _slugs(index, "subir", "es") == ["es-1"]  # subieron / subir: Spanish stems
    assert _slugs(index, "augmentation loyers", "fr") == ["fr-1"]
    assert _slugs(index, "Steuer", "de") == ["de-1"]
    assert _slugs(index, "raising tax", "en") == ["en-1"]


def test_each_language_has_its_own_stop_words(index: SearchIndex) -> None:
    # "die" is a German stop word (dropped from the German claim) but an English word
    assert _slugs(index, "die regierung", "de") == ["de-1"]
    assert _slugs(index, "die") == []


def test_without_a_language_words_spelt_alike_are_found_in_every_language(index: SearchIndex) -> None:
    assert _slugs(index, "España") == ["es-1"]
    assert _slugs(index, "Paris") == ["fr-1"]


def test_the_language_facet_counts_and_filters(index: SearchIndex) -> None:
    result = index.search(SearchRequest())
    assert {(c.value, c.count) for c in result.facets["language"]} == {("es", 1), ("fr", 1), ("de", 1), ("en", 1)}
    assert _slugs(index, "", "fr") == ["fr-1"]
    assert [h.language for h in index.search(SearchRequest(filters={"language": "de"})).hits] == ["de"]


def test_claims_with_no_recorded_language_are_indexed_as_detected(make_app: AppFactory, search_backend: str) -> None:
    client = make_app().test_client()
    everything = client.get("/search.json", query_string={"per_page": "100"}).get_json()
    english = client.get("/search.json", query_string={"per_page": "100", "language": "en"}).get_json()
    assert everything["total"] == english["total"] > 0  # the seed records no language; its claims read as English
    assert {r["language"] for r in english["results"]} == {"en"}
    assert [f["value"] for f in everything["facets"]["language"]] == ["en"]
    assert client.get("/search.json", query_string={"language": "es"}).get_json()["total"] == 0
