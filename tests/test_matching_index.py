"""What makes matching quick keeps its answers: the analysis the index keeps, the searcher it reuses,
the unfiltered-first search by language (Tantivy), on a few claims written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from claims import matching
from kb.read.matching import Matcher
from kb.search import SearchRequest
from kb.search.documents import ClaimDocument
from kb.search.service import open_index
from kb.search.tantivy_backend import TantivyIndex

TEXTS = [  # (language, text): figures, scale words, negation, directions, typographic quotes
    ("en", "Says the state did not raise taxes by 10% in 2020, and doesn’t plan to."),
    ("en", "Unemployment fell to 3.5 percent, the lowest in fifty years."),
    ("en", "The bill cuts $1.5 billion from schools."),
    ("es", "Los impuestos subieron un 10 por ciento en España."),
    ("fr", "Les loyers ont augmenté de 30 % à Paris."),
    ("de", "Die Regierung hat die Steuern nicht erhöht."),
]


def _document(slug: str, text: str, language: str = "en") -> ClaimDocument:
    return ClaimDocument(iri=f"https://example.org/claims/{slug}", slug=slug, name=text, text=text, language=language)


@pytest.mark.parametrize(("language", "text"), TEXTS)
def test_the_stored_analysis_reads_back_as_the_analysis(language: str, text: str) -> None:
    analysed = matching.analyse(text, language, "https://example.org/people/x")
    stored = matching.stored_form(matching.analyse(text, language))
    back = matching.restored(stored, text, language, "https://example.org/people/x")
    assert back == analysed
    assert back is not None and back.surface == analysed.surface
    assert [(f.value, f.percent, f.written) for f in back.figures] == [
        (f.value, f.percent, f.written) for f in analysed.figures
    ]


def test_an_analysis_made_by_other_rules_is_not_used() -> None:
    stored = matching.stored_form(matching.analyse("Taxes went up by 10%."))
    assert matching.restored({**stored, "k": "0-other-rules"}, "Taxes went up by 10%.", "en") is None
    assert matching.restored(None, "Taxes went up by 10%.", "en") is None


def test_a_hit_carries_the_analysis_of_its_text(tmp_path: Path) -> None:
    index = open_index(tmp_path / "tantivy", "tantivy")
    index.rebuild([_document("taxes", TEXTS[0][1])], 1)
    hit = index.search(SearchRequest(any_words=("taxes",), filters={"language": "en"}, facets=False)).hits[0]
    assert matching.restored(hit.matching, hit.text, hit.language) == matching.analyse(TEXTS[0][1], "en")


def test_matching_sees_a_commit_made_through_another_index_object(tmp_path: Path) -> None:
    reader = TantivyIndex(tmp_path / "shared")
    reader.rebuild([_document("bridges", "The county has twelve bridges.")], 1)
    matcher = Matcher(reader, candidates=5)
    assert matcher.match("Schools lost 1.5 billion dollars in the bill.") == []
    writer = TantivyIndex(tmp_path / "shared")  # as another process would
    writer.apply({"https://example.org/claims/schools": _document("schools", TEXTS[2][1])}, 2)
    found = matcher.match("Schools lost 1.5 billion dollars in the bill.")
    assert [m.slug for m in found] == ["schools"]


def test_a_language_filter_holds_when_nearly_every_claim_is_in_another_language(tmp_path: Path) -> None:
    index = TantivyIndex(tmp_path / "mixed")
    english = [_document(f"rent-{n}", f"Rents in town number {n} rose by {n} percent.") for n in range(40)]
    # The best hit for these words without the filter is the Spanish claim (the only one with "alquileres").
    spanish = _document("alquiler", "Rents rose in town: los alquileres subieron un 10 por ciento.", "es")
    index.rebuild([*english, spanish], 1)
    words = ("rents", "rose", "town", "alquileres")
    assert index._current_searcher().share("en") >= 0.95  # the unfiltered-first path is taken

    def slugs(language: str) -> list[str]:
        request = SearchRequest(any_words=words, filters={"language": language}, per_page=3, facets=False)
        return [hit.slug for hit in index.search(request).hits]

    unfiltered = [hit.slug for hit in index.search(SearchRequest(any_words=words, per_page=3, facets=False)).hits]
    assert unfiltered[0] == "alquiler"
    assert "alquiler" not in slugs("en") and len(slugs("en")) == 3
    assert slugs("es") == ["alquiler"]
