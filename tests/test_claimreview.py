"""The ClaimReview JSON-LD of claim pages, read back with a real structured-data extractor (extruct)."""

from __future__ import annotations

from pathlib import Path

import extruct
import html5lib
import pytest
from flask import Flask

from claims import concepts
from kb.interchange.formats.claimreview import short_form
from kb.interchange.imports.run import import_file

DATA = Path(__file__).parent / "data"
NS = {"h": "http://www.w3.org/1999/xhtml"}


def _page(client, slug: str):  # type: ignore[no-untyped-def]
    response = client.get(f"/claims/{slug}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html, html5lib.parse(html, namespaceHTMLElements=True)


def _reviews(html: str) -> list[dict]:
    return extruct.extract(html, syntaxes=["json-ld"], uniform=False)["json-ld"]


@pytest.fixture
def publisher_app(make_app) -> Flask:  # type: ignore[no-untyped-def]
    return make_app(publisher_name="Example Checks")


def test_every_seed_claim_page_carries_one_complete_claimreview(publisher_app: Flask) -> None:
    client = publisher_app.test_client()
    kb = publisher_app.extensions["claimkb"]
    claims = kb.claims()
    assert len(claims) >= 10
    for summary in claims:
        html, tree = _page(client, summary.slug)
        scripts = tree.findall(".//h:head/h:script[@type='application/ld+json']", NS)
        assert len(scripts) == 1, summary.slug
        assert not tree.findall(".//h:body//h:script[@type='application/ld+json']", NS)
        reviews = _reviews(html)
        assert len(reviews) == 1
        review = reviews[0]
        page = kb.claim_page(summary.slug)
        assert review["@type"] == "ClaimReview"
        assert review["url"] == str(page.claim.iri)
        assert review["author"] == {"@type": "Organization", "name": "Example Checks", "url": kb.iris.base}
        first_revision = kb.history(page.claim.iri)[-1]
        assert review["datePublished"] == first_revision.time.date().isoformat()

        # claimReviewed: the short name, under 75 characters, never the verdict.
        reviewed = review["claimReviewed"]
        assert 0 < len(reviewed) <= 75
        assert reviewed == short_form(page.claim.name or page.claim.text)
        rating = review["reviewRating"]
        assert rating["alternateName"].casefold() not in reviewed.casefold()

        # The rating's label is the verdict the page shows; its number is our published rating.
        badge = tree.find(".//h:div[@class='verdict']/h:span", NS)
        assert badge is not None and "badge" in badge.get("class")
        assert rating["alternateName"] == badge.text == page.status.label
        status = concepts.status(page.status.notation)
        assert status.rating is not None
        assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == (status.rating, 5, 1)

        item = review["itemReviewed"]
        assert item["@type"] == "Claim"
        assert item["text"] == page.claim.text
        assert item["author"]["name"] == page.claimant.name
        assert item["author"]["@type"] == page.claimant.kind
        if page.claimant.wikidata:
            assert item["author"]["sameAs"] == f"http://www.wikidata.org/entity/{page.claimant.wikidata}"
        else:
            assert "sameAs" not in item["author"]
        if page.claim.claimed_on:
            assert item["datePublished"] == page.claim.claimed_on.isoformat()
        if page.first_appearance:
            first = page.first_appearance
            assert item["firstAppearance"]["headline"] == first.headline
            assert item["firstAppearance"]["url"] == (first.url or str(first.iri))
        assert [a["headline"] for a in item.get("appearance", [])] == [s.headline for s in page.appearances]


def test_some_seed_claimant_has_wikidata_and_some_claim_a_first_appearance(app: Flask) -> None:
    # Guards the loop above against passing vacuously.
    client = app.test_client()
    kb = app.extensions["claimkb"]
    items = [_reviews(_page(client, c.slug)[0])[0]["itemReviewed"] for c in kb.claims()]
    assert any("sameAs" in i["author"] for i in items)
    assert any("firstAppearance" in i for i in items)
    assert any("datePublished" in i for i in items)


def test_unverified_claim_has_label_but_no_number(app: Flask) -> None:
    kb = app.extensions["claimkb"]
    import_file(kb, "averitec", DATA / "averitec-sample.json")
    festival = next(c for c in kb.claims() if "festival" in c.text)
    assert festival.status.notation == "unverified"
    html, _ = _page(app.test_client(), festival.slug)
    rating = _reviews(html)[0]["reviewRating"]
    assert rating["alternateName"] == "Unverified"
    assert not {"ratingValue", "bestRating", "worstRating"} & set(rating)


def test_imported_liar_claim_has_no_claim_date(app: Flask) -> None:
    kb = app.extensions["claimkb"]
    import_file(kb, "liar", DATA / "liar-sample.tsv")
    html, _ = _page(app.test_client(), "liar-9001")
    review = _reviews(html)[0]
    assert "datePublished" not in review["itemReviewed"]
    assert review["reviewRating"]["alternateName"] == "Resolved: true"
    assert review["itemReviewed"]["author"]["name"] == "Jane Example"


def test_claim_text_cannot_break_out_of_the_script(app: Flask, tmp_path: Path) -> None:
    kb = app.extensions["claimkb"]
    hostile = "Says </script><script>alert(1)</script> & more."
    row = ["9100.json", "false", hostile, "tests", "jane-example", "", "", "", "0", "0", "0", "0", "0", ""]
    (tmp_path / "hostile.tsv").write_text("\t".join(row) + "\n")
    import_file(kb, "liar", tmp_path / "hostile.tsv")
    html, tree = _page(app.test_client(), "liar-9100")
    assert len(tree.findall(".//h:script", NS)) == 1
    assert _reviews(html)[0]["itemReviewed"]["text"] == hostile


def test_short_form_cuts_at_a_word() -> None:
    text = "word " * 30
    short = short_form(text)
    assert len(short) <= 75 and short.endswith("…") and not short.endswith(" …")
    assert short_form("Short enough") == "Short enough"
