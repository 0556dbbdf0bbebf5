"""Imports link a record to the claim recorded before that says the same, and keep each record's language.

Through the real importer and the app's real search index over the seeded knowledge base.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kb.interchange.imports.run import IMPORT_CANDIDATES, import_file
from kb.read.matching import Matcher

pytestmark = pytest.mark.store  # on the embedded store and again on a SPARQL server

EXISTING = "us-shop-before-holidays"
# LIAR's 14 columns: id, label, statement, subjects, speaker, job, state, party, 5 counts, context.
REWORDED = "Before the 2022 holidays, TikTok will launch TikTok Shop in the US."
OPPOSITE = "TikTok will not launch TikTok Shop in the US before the 2022 holidays."
UNRELATED = "Says the example county has twelve bridges."


def liar_row(number: int, statement: str) -> str:
    columns = [f"{number}.json", "false", statement, "economy", "jane-example", "", "", "none"]
    return "\t".join([*columns, "0", "0", "0", "0", "0", "an interview"]) + "\n"


def test_a_record_saying_what_a_recorded_claim_says_is_linked(app: Any, kb: Any, tmp_path: Path) -> None:
    from webapp.extensions import get_search

    with app.app_context():
        matcher = Matcher(get_search(), IMPORT_CANDIDATES)
    path = tmp_path / "rows.tsv"
    path.write_text(liar_row(9101, REWORDED) + liar_row(9102, OPPOSITE) + liar_row(9103, UNRELATED), encoding="utf-8")
    report = import_file(kb, "liar", path, matcher=matcher)
    assert (report.imported, report.linked) == (3, 1), report.problems
    linked = kb.claim_page("liar-9101").claim
    assert [str(iri).rsplit("/", 1)[1] for iri in linked.same_as] == [EXISTING]
    assert linked.language == "en"
    assert kb.claim_page("liar-9102").claim.same_as == []  # a negation is not the same claim
    assert "liar-9101" in {c.slug for c in kb.same_claims(kb.iris.claim(EXISTING))}
    again = import_file(kb, "liar", path, matcher=matcher)  # the record does not match itself
    assert again.unchanged == 3 and again.imported == 0


def test_a_batch_with_a_linked_record_checks_every_record_and_links(app: Any, kb: Any, tmp_path: Path) -> None:
    """The claim a record is linked to is outside the batch: only what the batch describes is checked."""
    from webapp.extensions import get_search

    with app.app_context():
        matcher = Matcher(get_search(), IMPORT_CANDIDATES)
    (tmp_path / "first.tsv").write_text(liar_row(9402, "Says the example harbour has nine cranes."), encoding="utf-8")
    import_file(kb, "liar", tmp_path / "first.tsv")
    # one batch: a record giving 9402 a second text (a shape allows one) and one saying what a claim says
    rows = liar_row(9402, "Says the example harbour has ninety cranes.") + liar_row(9404, REWORDED)
    (tmp_path / "second.tsv").write_text(rows, encoding="utf-8")
    report = import_file(kb, "liar", tmp_path / "second.tsv", matcher=matcher)
    assert (report.imported, report.linked) == (1, 1)
    assert [p.number for p in report.problems] == [1] and "text" in report.problems[0].message
    assert kb.claim_page("liar-9404").claim.same_as


def test_without_a_matcher_nothing_is_linked(kb: Any, tmp_path: Path) -> None:
    path = tmp_path / "rows.tsv"
    path.write_text(liar_row(9101, REWORDED), encoding="utf-8")
    report = import_file(kb, "liar", path)
    assert (report.imported, report.linked) == (1, 0)
    assert kb.claim_page("liar-9101").claim.same_as == []


def test_claimreview_keeps_the_language_the_data_gives(kb: Any, tmp_path: Path) -> None:
    def review(url: str, text: str, language: str | None) -> dict[str, Any]:
        item: dict[str, Any] = {
            "@type": "ClaimReview",
            "url": url,
            "claimReviewed": text,
            "author": {"@type": "Organization", "name": "Example Fact Check"},
            "datePublished": "2021-03-04",
            "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5, "worstRating": 1},
        }
        if language:
            item["inLanguage"] = language
        return item

    document = [
        review("https://factcheck.example.org/a", "El puerto de ejemplo recibió 500 barcos en un día.", "es"),
        review("https://factcheck.example.org/b", "Le port a accueilli cinq cents navires en une seule journée.", None),
        review("https://factcheck.example.org/c", "The example harbour hosted 500 ships in one day.", "not a tag!"),
    ]
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    report = import_file(kb, "claimreview", path)
    assert report.imported == 3
    languages = sorted(
        c.language or "" for c in (kb.claim_page(s.slug).claim for s in kb.claims()) if c.slug.startswith("cr-")
    )
    assert languages == ["en", "es", "fr"]  # given, detected, and detected when the tag is bad
