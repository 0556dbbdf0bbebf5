"""The seed knowledge base: every claim of the article, each with the status our research suggests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kb.knowledge import KnowledgeBase

pytestmark = pytest.mark.store  # on the embedded store and again on a SPARQL server

# The status FACTS.md (section B, "Suggested status") gives for each claim of the article.
EXPECTED_STATUS = {
    "fbt-job-listings": "supported",  # 1: the Fulfillment By TikTok Shop job listings
    "hiring-seattle-los-angeles": "supported",  # 2
    "seattle-170-staff": "disputed",  # 3: misquote of the PSBJ figure via the rewrite
    "shop-abroad-shopify-feature": "supported",  # 4
    "own-us-fulfilment-centres": "resolved-partly",  # 5
    "tiktok-focus-existing-markets": "resolved-false",  # 6: the spokesperson's denial
    "us-shop-before-holidays": "resolved-partly",  # 7: the prediction
    "uk-shop-struggling": "supported",  # 8, on substance
    "ft-uk-report-in-october": "disputed",  # 8, on timing
    "meta-live-shopping-shutdown": "resolved-true",  # 9
    "amazon-four-years": "disputed",  # 10
    "seattle-staff-from-amazon-meta": "supported",  # the PSBJ line as Ars quoted it
}


def test_every_expected_claim_has_its_status(kb: KnowledgeBase) -> None:
    statuses = {c.slug: c.status.notation for c in kb.claims()}
    assert statuses == EXPECTED_STATUS


def test_stored_status_equals_the_rule_applied_today(kb: KnowledgeBase) -> None:
    for summary in kb.claims():
        page = kb.claim_page(summary.slug)
        assert page.status.notation == summary.status.notation, summary.slug


def test_us_launch_prediction_timeline(kb: KnowledgeBase) -> None:
    page = kb.claim_page("us-shop-before-holidays")
    assert page.claim_type.notation == "prediction"
    assert page.claim.deadline == date(2022, 12, 25)
    resolutions = [(i.event.when, i.stance.notation) for i in page.timeline if i.stance.notation.startswith("resolves")]
    assert (date(2022, 11, 10), "resolves-partly") in resolutions
    assert (date(2023, 9, 12), "resolves-partly") in resolutions
    assert all(i.source is not None and i.source.url for i in page.timeline if i.stance.notation != "context")


def test_as_known_before_the_deadline_the_prediction_was_open(kb: KnowledgeBase) -> None:
    assert kb.claim_page("us-shop-before-holidays", as_of=date(2022, 10, 20)).status.notation == "unverified"
    assert kb.claim_page("us-shop-before-holidays", as_of=date(2022, 11, 20)).status.notation == "resolved-partly"


def test_the_denial_was_overtaken_by_the_launch(kb: KnowledgeBase) -> None:
    page = kb.claim_page("tiktok-focus-existing-markets")
    assert page.claim_type.notation == "denial"
    assert page.status.notation == "resolved-false"


def test_every_status_is_backed_by_a_cited_source(kb: KnowledgeBase) -> None:
    for summary in kb.claims():
        page = kb.claim_page(summary.slug)
        deciding = [i for i in page.timeline if i.stance.notation != "context" and not i.event.retracted]
        assert deciding, f"{summary.slug} has no evidence"
        assert all(i.source is not None for i in deciding), summary.slug
        cited = [i for i in deciding if i.source is not None and i.source.url]
        assert cited, f"{summary.slug}: no deciding event cites a source with an address"


def test_each_claim_quotes_the_seed_article(kb: KnowledgeBase) -> None:
    for summary in kb.claims():
        page = kb.claim_page(summary.slug)
        assert page.quotes, summary.slug
        assert page.claimant is not None, summary.slug


def test_the_derivation_chain_reaches_the_axios_scoop(kb: KnowledgeBase) -> None:
    sources = [kb.claim_page(s.slug).quotes[0][1] for s in kb.claims()]
    seed_text = next(s for s in sources if s is not None and "techstory" in (s.url or ""))
    chain = kb.source_page(seed_text.slug).ancestors
    publishers = " ".join(a.headline for a in chain)
    assert "Axios" in publishers or any("axios" in a.slug for a in chain)
    assert any("ars" in a.slug for a in chain)


def test_seed_is_loaded_once(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "shared-data"
    first = make_app(data_dir=str(data))
    kb = first.extensions["claimkb"]
    quads = sum(1 for _ in kb.store.quads())
    kb.close()
    first.extensions.pop("claimkb")
    second = make_app(data_dir=str(data))
    kb2 = second.extensions["claimkb"]
    assert sum(1 for _ in kb2.store.quads()) == quads
    assert kb2.repository.revision_count() == 1
    assert kb2.load_seed() is None  # loading the seed again adds nothing


@pytest.mark.parametrize("slug", sorted(EXPECTED_STATUS))
def test_every_seed_claim_page_renders(client, slug: str) -> None:  # type: ignore[no-untyped-def]
    assert client.get(f"/claims/{slug}").status_code == 200
