"""Quote drift: the word-level diff, how quotes are paired along derivation chains, and the pages."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from claims.drift import MIN_SIMILARITY, Derivation, QuotedPassage, find_drifts, similarity, word_diff
from kb.knowledge import KnowledgeBase
from kb.read.scorecard import Scorecards
from tests import html
from tests.helpers import EDITOR_NAME

pytestmark = pytest.mark.store  # on the embedded store and again on a SPARQL server

ARS = "over half came from Amazon, Microsoft, or Facebook's parent company, Meta"
REWRITE = "The majority of those came from Microsoft, Amazon, or Google."
MISQUOTED = "seattle-170-staff"


def passage(source: str, exact: str) -> QuotedPassage:
    return QuotedPassage(quote=f"q-{source}-{len(exact)}", source=source, exact=exact)


# --- the diff ------------------------------------------------------------------------------------


def test_the_seed_misquote_shows_exactly_the_changed_words() -> None:
    segments, cut_before, cut_after = word_diff(ARS, REWRITE)
    assert [(s.op, s.text) for s in segments] == [
        ("delete", "over half"),
        ("insert", "The majority of those"),
        ("equal", "came from"),
        ("insert", "Microsoft,"),
        ("equal", "Amazon,"),
        ("delete", "Microsoft,"),
        ("equal", "or"),
        ("delete", "Facebook's parent company, Meta"),
        ("insert", "Google."),
    ]
    assert not cut_before and not cut_after
    # Deleted and equal words rebuild the original, inserted and equal words the derived quote.
    assert " ".join(s.text for s in segments if s.op != "insert") == ARS
    assert " ".join(s.text for s in segments if s.op != "delete") == REWRITE


def test_case_curly_quotes_and_punctuation_are_not_changes() -> None:
    segments, _, _ = word_diff("TikTok's entry into Seattle", "tiktok’s entry into Seattle,")
    assert [s.op for s in segments] == ["equal"]
    assert similarity("TikTok's entry", "tiktok’s entry") == 1.0


def test_a_longer_or_shorter_selection_is_not_drift() -> None:
    segments, cut_before, cut_after = word_diff("said that the shop will open soon", "the shop will open")
    assert [s.op for s in segments] == ["equal"] and cut_before and cut_after
    assert (
        find_drifts(
            [passage("a", "said that the shop will open soon"), passage("b", "the shop will open")],
            [Derivation("b", "a", "rewrite")],
        )
        == []
    )


# --- pairing along derivation chains -------------------------------------------------------------


def test_a_quote_is_compared_with_the_same_claim_several_steps_up_the_chain() -> None:
    original, derived = (
        passage("axios", "the shop will open before the holidays"),
        passage("rewrite", "the shop will open before Christmas"),
    )
    links = [Derivation("rewrite", "ars", "rewrite"), Derivation("ars", "axios", "report")]
    (drift,) = find_drifts([original, derived], links)
    assert drift.original == original and drift.derived == derived
    assert drift.path == ("rewrite", "ars", "axios")
    assert drift.removed == ["the", "holidays"] and drift.added == ["Christmas"]


def test_a_copy_stands_for_what_it_copies_and_siblings_are_not_compared() -> None:
    ars_copy, rewrite = passage("ars-copy", ARS), passage("rewrite", REWRITE)
    links = [Derivation("ars-copy", "ars", "copy"), Derivation("rewrite", "ars", "rewrite")]
    (drift,) = find_drifts([ars_copy, rewrite], links)
    assert drift.original == ars_copy and drift.path == ("rewrite", "ars")
    # Two rewrites of one article do not derive from each other.
    other = passage("other-rewrite", "over half came from Amazon, Microsoft or Meta")
    links.append(Derivation("other-rewrite", "ars", "rewrite"))
    drifts = find_drifts([rewrite, other], links)
    assert drifts == []


def test_translations_and_unrelated_passages_are_not_compared() -> None:
    ars, italian = passage("ars", ARS), passage("fanpage", "Amazon, Microsoft o Meta")
    assert find_drifts([ars, italian], [Derivation("fanpage", "ars", "translation")]) == []
    other_sentence = passage("rewrite", "about 170 employees are employed by TikTok or ByteDance in the Seattle area")
    assert similarity(ARS, other_sentence.exact) < MIN_SIMILARITY
    assert find_drifts([ars, other_sentence], [Derivation("rewrite", "ars", "rewrite")]) == []


def test_each_derived_quote_is_matched_with_its_most_similar_original() -> None:
    over_170 = "Over 170 people work for TikTok or ByteDance in the Seattle area"
    ars_quotes = [passage("ars", ARS), passage("ars", over_170)]
    rewrite = [passage("rewrite", REWRITE), passage("rewrite", "about 170 people work for TikTok in the Seattle area")]
    drifts = find_drifts([*ars_quotes, *rewrite], [Derivation("rewrite", "ars", "rewrite")])
    assert {(d.original.exact, d.derived.exact) for d in drifts} == {
        (ARS, REWRITE),
        (ars_quotes[1].exact, rewrite[1].exact),
    }


def test_a_faithful_quote_does_not_drift_even_if_a_farther_source_differs() -> None:
    quotes = [passage("axios", "plans for fulfillment centers"), passage("ars", "plans for US fulfilment centres")]
    quotes.append(passage("rewrite", "plans for US fulfilment centres"))
    links = [Derivation("rewrite", "ars", "rewrite"), Derivation("ars", "axios", "report")]
    drifts = find_drifts(quotes, links)
    assert [(d.original.source, d.derived.source) for d in drifts] == [("axios", "ars")]


# --- the pages -------------------------------------------------------------------------------------


def diff_words(element: Any) -> tuple[list[str], list[str]]:
    removed = [w for d in element.iter("del") for w in html.text(d).split()]
    added = [w for i in element.iter("ins") for w in html.text(i).split()]
    return removed, added


def test_the_claim_page_marks_the_removed_and_added_words(client: FlaskClient) -> None:
    page = html.parse(client.get(f"/claims/{MISQUOTED}").data)
    (figure,) = html.by_class(page, "quote-drift")
    removed, added = diff_words(figure)
    assert removed == ["over", "half", "Microsoft,", "Facebook's", "parent", "company,", "Meta"]
    assert added == ["The", "majority", "of", "those", "Microsoft,", "Google."]
    assert html.text(html.by_class(figure, "drift-original")[0]) == ARS
    assert html.text(html.by_class(figure, "drift-derived")[0]) == REWRITE
    hrefs = {href for href, _ in html.links(figure)}
    assert {"/sources/techstory-tiktok-fulfilment-rewrite", "/sources/ars-technica-2022-10"} <= hrefs
    # A claim quoted faithfully, or in one source only, has no such section.
    other = html.parse(client.get("/claims/us-shop-before-holidays").data)
    assert html.by_class(other, "quote-drift") == []


def test_the_drift_page_lists_every_drifting_quote(client: FlaskClient, kb: KnowledgeBase) -> None:
    response = client.get("/quote-drift")
    assert response.status_code == 200
    page = html.parse(response.data)
    items = html.by_class(page, "drift-item", "li")
    expected = Scorecards(kb).all_drifts()
    assert [i.get("data-claim") for i in items] == [d.claim.slug for d in expected]
    assert MISQUOTED in [i.get("data-claim") for i in items]
    assert ("/quote-drift", "Quotes that changed between sources") in html.links(html.parse(client.get("/claims").data))


def test_an_editor_adding_a_derived_source_with_other_words_makes_a_new_drift(
    client: FlaskClient, kb: KnowledgeBase, accounts: Any
) -> None:
    auth = {"Authorization": f"Bearer {accounts.create_token(EDITOR_NAME)}"}
    claim = "us-shop-before-holidays"
    before = [i.get("data-claim") for i in html.by_class(html.parse(client.get("/quote-drift").data), "drift-item")]
    assert claim not in before

    def add_source(headline: str, words: str) -> None:
        version = client.get(f"/api/claims/{claim}").get_json()["version"]
        response = client.post(
            f"/api/claims/{claim}/sources",
            json={
                "headline": headline,
                "url": "https://example.org/made-up-for-tests",
                "derived_from": "techstory-tiktok-fulfilment-rewrite",
                "derivation_kind": "copy",
                "quote_exact": words,
                "version": version,
                "reason": "Test: a made-up copy of the seed article",
            },
            headers=auth,
        )
        assert response.status_code == 201, response.get_json()

    # A faithful copy adds no drift; one that changed the words does.
    add_source("Made-up faithful copy", "The US TikTok Shop will launch before the holidays.")
    assert [d.claim.slug for d in Scorecards(kb).all_drifts()] == before
    add_source("Made-up careless copy", "The US TikTok Shop will launch before Christmas.")
    page = html.parse(client.get("/quote-drift").data)
    items = [i for i in html.by_class(page, "drift-item") if i.get("data-claim") == claim]
    assert len(items) == 1
    assert diff_words(items[0]) == (["the", "holidays."], ["Christmas."])
    claim_page = html.parse(client.get(f"/claims/{claim}").data)
    assert [diff_words(f) for f in html.by_class(claim_page, "quote-drift")] == [(["the", "holidays."], ["Christmas."])]


@pytest.mark.parametrize("path", ["/quote-drift", f"/claims/{MISQUOTED}"])
def test_drift_is_not_told_by_colour_alone(client: FlaskClient, path: str) -> None:
    page = html.parse(client.get(path).data)
    diff = html.by_class(page, "drift-diff")[0]
    marked = [e.tag for e in diff if e.tag in ("del", "ins")]
    assert "del" in marked and "ins" in marked
    explanation = " ".join(html.text(p) for p in page.iter("p"))
    assert "struck through" in explanation and "underlined" in explanation
