"""Article scorecards: the rules (order, what settled a claim, the summary), the page, its JSON and snippet."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from rdflib import URIRef

from claims.model import EvidenceEvent
from claims.scorecard import Placed, article_order, decisive_event, summary_line
from claims.status import Stance, Status
from kb.knowledge import KnowledgeBase
from kb.read.independence import claim_independence
from tests import html
from tests.helpers import EDITOR_NAME

pytestmark = pytest.mark.store  # on the embedded store and again on a SPARQL server

SEED_ARTICLE = "techstory-tiktok-fulfilment-rewrite"
SCORECARD = f"/sources/{SEED_ARTICLE}/scorecard"
# The claims of the seed text in the order the text makes them (shared/seed/article.txt).
SEED_ORDER = [
    "fbt-job-listings",
    "hiring-seattle-los-angeles",
    "seattle-staff-from-amazon-meta",
    "seattle-170-staff",
    "shop-abroad-shopify-feature",
    "own-us-fulfilment-centres",
    "tiktok-focus-existing-markets",
    "us-shop-before-holidays",
    "ft-uk-report-in-october",
    "uk-shop-struggling",
    "meta-live-shopping-shutdown",
    "amazon-four-years",
]


def event(name: str, when: str, stance: Stance, retracted: bool = False) -> EvidenceEvent:
    return EvidenceEvent(
        iri=URIRef(f"https://example.org/events/{name}"),
        when=date.fromisoformat(when),
        stance=stance,
        title=name,
        retracted=retracted,
    )


# --- the rules -------------------------------------------------------------------------------------


def test_summary_line_puts_the_most_frequent_status_first() -> None:
    statuses = [Status.SUPPORTED] * 5 + [Status.DISPUTED] * 3 + [Status.RESOLVED_PARTLY] * 2
    statuses += [Status.RESOLVED_FALSE, Status.RESOLVED_TRUE]
    assert summary_line(statuses) == (
        "12 claims: 5 supported, 3 disputed, 2 resolved partly, 1 resolved true, 1 resolved false"
    )
    assert summary_line([Status.DUE]) == "1 claim: 1 due"
    assert summary_line([]) == "No claims tracked."


def test_the_decisive_event_is_the_latest_that_led_to_the_status() -> None:
    events = [
        event("early-support", "2022-01-01", Stance.SUPPORTS),
        event("later-support", "2022-03-01", Stance.SUPPORTS),
        event("withdrawn-support", "2022-05-01", Stance.SUPPORTS, retracted=True),
        event("context", "2022-06-01", Stance.CONTEXT),
        event("partly", "2022-02-01", Stance.RESOLVES_PARTLY),
    ]
    assert decisive_event(events, Status.SUPPORTED).title == "later-support"  # type: ignore[union-attr]
    assert decisive_event(events, Status.RESOLVED_PARTLY).title == "partly"  # type: ignore[union-attr]
    assert decisive_event(events, Status.DISPUTED).title == "later-support"  # type: ignore[union-attr]
    assert decisive_event(events, Status.UNVERIFIED) is None
    assert decisive_event(events, Status.DUE) is None


def test_article_order_follows_the_text_then_the_order_of_recording() -> None:
    placed = [
        Placed("late-in-text", starts=(900, 400)),
        Placed("recorded-second", first_recorded=7),
        Placed("early-in-text", starts=(100,)),
        Placed("recorded-first", first_recorded=3),
        Placed("not-quoted"),
    ]
    assert article_order(placed) == [
        "early-in-text",
        "late-in-text",
        "recorded-first",
        "recorded-second",
        "not-quoted",
    ]


# --- the seed article's scorecard -------------------------------------------------------------------


def rows(doc: Any) -> list[Any]:
    return html.by_class(doc, "scorecard-row", "li")


def expected_statuses(client: FlaskClient, slugs: list[str]) -> Counter[str]:
    """The statuses the knowledge base derived and stored for these claims (read through the API)."""
    return Counter(client.get(f"/api/claims/{slug}").get_json()["status"] for slug in slugs)


def test_seed_scorecard_counts_match_the_claims_statuses(client: FlaskClient, kb: KnowledgeBase) -> None:
    response = client.get(SCORECARD)
    assert response.status_code == 200
    page = html.parse(response.data)
    listed = [(r.get("data-claim"), r.get("data-status")) for r in rows(page)]
    # The claims of the seed article, as the knowledge base records them: every claim quoted from it.
    made_here = sorted(
        claim.slug
        for claim in kb.claims()
        if any(s.slug == SEED_ARTICLE for s in kb.claim_page(claim.slug).appearances)
        or any(s is not None and s.slug == SEED_ARTICLE for _, s in kb.claim_page(claim.slug).quotes)
    )
    assert sorted(slug for slug, _ in listed) == made_here
    expected = expected_statuses(client, [slug for slug, _ in listed])
    assert Counter(status for _, status in listed) == expected
    summary = html.text(html.by_class(page, "scorecard-summary")[0])
    assert summary == summary_line(Status(s) for s in expected.elements())
    assert summary == "12 claims: 5 supported, 3 disputed, 2 resolved partly, 1 resolved true, 1 resolved false"
    for row in rows(page):
        badge = html.by_class(row, "badge")[0]
        assert f"status-{row.get('data-status')}" in badge.get("class", "")


def test_seed_scorecard_follows_the_order_of_the_article(client: FlaskClient) -> None:
    page = html.parse(client.get(SCORECARD).data)
    assert [r.get("data-claim") for r in rows(page)] == SEED_ORDER
    starts = [c["quotes"][0]["start"] for c in client.get(f"{SCORECARD}.json").get_json()["claims"]]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    first = rows(page)[0]
    assert html.text(first.find(".//blockquote")).startswith("“job listings for “Fulfillment By TikTok Shop”")


def test_each_row_says_what_happened_from_the_evidence(client: FlaskClient, kb: KnowledgeBase) -> None:
    page = html.parse(client.get(SCORECARD).data)
    by_claim = {r.get("data-claim"): html.text(html.by_class(r, "what-happened")[0]) for r in rows(page)}
    # Resolved: the latest resolving event; supported: the latest supporting event.
    assert by_claim["us-shop-before-holidays"].endswith("TikTok Shop's full US launch, nine months after the deadline")
    assert by_claim["meta-live-shopping-shutdown"] == "What happened: 1 October 2022: Facebook Live Shopping shuts down"
    for slug, line in by_claim.items():
        titles = {item.event.title for item in kb.claim_page(slug).timeline}
        assert any(line.endswith(str(title)) for title in titles), (slug, line)


def test_the_scorecard_shows_where_the_article_changed_a_quote(client: FlaskClient) -> None:
    removed = ["over", "half", "Microsoft,", "Facebook's", "parent", "company,", "Meta"]
    added = ["The", "majority", "of", "those", "Microsoft,", "Google."]
    for path in (SCORECARD, f"{SCORECARD}/embed"):
        notes = {r.get("data-claim"): html.by_class(r, "drift-note") for r in rows(html.parse(client.get(path).data))}
        assert [slug for slug, found in notes.items() if found] == ["seattle-170-staff"]
        (note,) = notes["seattle-170-staff"]
        assert [w for d in note.iter("del") for w in html.text(d).split()] == removed
        assert [w for i in note.iter("ins") for w in html.text(i).split()] == added
        assert "TikTok wants to be Amazon" in html.text(note.find(".//a"))
    data = client.get(f"{SCORECARD}.json").get_json()
    (drift,) = [d for c in data["claims"] for d in c["drift"]]
    assert (drift["removed"], drift["added"]) == (removed, added)
    assert (drift["original_source"], drift["derived_source"]) == ("rassegna-ars-copy", SEED_ARTICLE)


def test_the_scorecard_marks_the_claims_whose_support_rests_on_one_origin(
    client: FlaskClient, kb: KnowledgeBase
) -> None:
    expected = sorted(
        slug for slug in SEED_ORDER if claim_independence(kb, kb.iris.claim(slug)).independence.single_origin_support
    )
    assert expected, "the seed has claims whose support all traces back to one origin"
    for path in (SCORECARD, f"{SCORECARD}/embed"):
        doc = html.parse(client.get(path).data)
        marked = sorted(r.get("data-claim") for r in rows(doc) if html.by_class(r, "single-origin-note"))
        assert marked == expected, path
        assert html.text(html.by_class(doc, "scorecard-origins")[0]).startswith(f"{len(expected)} of them")
        for row in rows(doc):
            if row.get("data-claim") not in expected:
                assert not html.by_class(row, "single-origin-note")
    data = client.get(f"{SCORECARD}.json").get_json()
    assert data["single_origin_claims"] == len(expected)
    assert sorted(c["slug"] for c in data["claims"] if c["support"]["single_origin"]) == expected
    for claim in data["claims"]:
        support = claim_independence(kb, kb.iris.claim(claim["slug"])).independence.support
        assert (claim["support"]["sources"], claim["support"]["origins"]) == (
            support.source_count,
            support.origin_count,
        )


def test_json_parses_and_agrees_with_the_page(client: FlaskClient) -> None:
    response = client.get(f"{SCORECARD}.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    negotiated = client.get(SCORECARD, headers={"Accept": "application/json"})
    assert negotiated.mimetype == "application/json" and negotiated.get_json() == data
    assert "Accept" in client.get(SCORECARD).headers["Vary"]
    page = html.parse(client.get(SCORECARD).data)
    assert data["summary"] == html.text(html.by_class(page, "scorecard-summary")[0])
    assert [(c["slug"], c["status"]) for c in data["claims"]] == [
        (r.get("data-claim"), r.get("data-status")) for r in rows(page)
    ]
    assert sum(data["counts"].values()) == len(data["claims"])
    for claim, row in zip(data["claims"], rows(page), strict=True):
        assert [f"“{q['exact']}”" for q in claim["quotes"]] == [html.text(b) for b in row.iter("blockquote")]
        assert html.text(html.by_class(row, "what-happened")[0]).endswith(claim["what_happened"]["text"])
    assert data["source"]["headline"] == "TikTok prepares US fulfilment centres, hires people and aspires to be Amazon"


def test_embed_has_no_site_chrome_and_only_it_may_be_framed(client: FlaskClient) -> None:
    response = client.get(f"{SCORECARD}/embed")
    assert response.status_code == 200
    doc = html.parse(response.data)
    assert doc.find(".//nav") is None and doc.find(".//header") is None and doc.find(".//form") is None
    assert not [link for link in doc.iter("link") if link.get("rel") == "stylesheet"]
    assert [r.get("data-claim") for r in rows(doc)] == SEED_ORDER
    assert all(a.get("target") == "_blank" and "noopener" in a.get("rel", "") for a in doc.iter("a"))
    assert "X-Frame-Options" not in response.headers
    assert response.headers["Content-Security-Policy"] == "frame-ancestors *"
    for path in (SCORECARD, f"{SCORECARD}.json", "/", "/claims/seattle-170-staff", f"/sources/{SEED_ARTICLE}"):
        other = client.get(path)
        assert other.headers["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in other.headers["Content-Security-Policy"], path


def test_source_page_links_its_scorecard_and_the_scorecard_its_forms(client: FlaskClient) -> None:
    source = html.parse(client.get(f"/sources/{SEED_ARTICLE}").data)
    assert SCORECARD in {href for href, _ in html.links(source)}
    card = html.parse(client.get(SCORECARD).data)
    hrefs = {href for href, _ in html.links(card)}
    assert {f"{SCORECARD}.json", f"{SCORECARD}/embed", f"/sources/{SEED_ARTICLE}"} <= hrefs
    assert "<iframe" in html.text(card.find(".//textarea"))
    index = html.parse(client.get("/scorecards").data)
    assert SCORECARD in {href for href, _ in html.links(index)}
    assert ("/scorecards", "Scorecards") in html.links(index.find(".//nav"))  # type: ignore[arg-type]


def test_claims_without_a_place_in_the_text_follow_in_the_order_they_were_recorded(client: FlaskClient) -> None:
    # The Ars copy holds one quote of a claim (recorded with the seed) and two claims that only appeared in it.
    data = client.get("/sources/rassegna-ars-copy/scorecard.json").get_json()
    assert [c["slug"] for c in data["claims"]] == [
        "seattle-staff-from-amazon-meta",
        "fbt-job-listings",
        "hiring-seattle-los-angeles",
    ]
    assert [q["start"] for q in data["claims"][0]["quotes"]] == [None]
    assert [c["quotes"] for c in data["claims"][1:]] == [[], []]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/sources/no-such-source/scorecard", 404),
        ("/sources/no-such-source/scorecard.json", 404),
        ("/sources/Not%20A%20Slug/scorecard/embed", 404),
        ("/sources/yahoo-sourcing-journal-fbt-pilot/scorecard", 404),  # cited as evidence; makes no claim
    ],
)
def test_unknown_or_untracked_sources_have_no_scorecard(client: FlaskClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    if path.endswith(".json"):
        assert set(response.get_json()["error"]) == {"status", "title", "message", "details"}
    else:
        assert html.text(html.parse(response.data).find(".//main"))


def test_the_scorecard_follows_new_evidence(client: FlaskClient, accounts: Any) -> None:
    auth = {"Authorization": f"Bearer {accounts.create_token(EDITOR_NAME)}"}
    claim = "amazon-four-years"
    version = client.get(f"/api/claims/{claim}").get_json()["version"]
    response = client.post(
        f"/api/claims/{claim}/events",
        json={
            "date": "2024-01-02",
            "stance": "resolves-false",
            "title": "Made-up test resolution",
            "version": version,
            "reason": "Test: a made-up resolution",
        },
        headers=auth,
    )
    assert response.status_code == 201, response.get_json()
    data = client.get(f"{SCORECARD}.json").get_json()
    (row,) = [c for c in data["claims"] if c["slug"] == claim]
    assert row["status"] == client.get(f"/api/claims/{claim}").get_json()["status"]
    assert data["summary"] == summary_line(Status(c["status"]) for c in data["claims"])
    assert data["counts"]["disputed"] == 2 and data["counts"]["resolved-false"] == 2
