"""Claim suggestions on the site: paste an article, review, accept some as claims; and the JSON API."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from rdflib import Literal

from claims.suggestions import CONTEXT, split_sentences
from claims.vocab import SCHEMA
from kb.knowledge import KnowledgeBase
from kb.write.publishing import Publishing, State
from kb.write.suggesting import MAX_ARTICLE
from tests.helpers import EDITOR_NAME, csrf_token
from tests.html import by_class, parse, text
from tests.test_suggestions import ARTICLE

pytestmark = pytest.mark.store  # on the embedded store and again on a SPARQL server

ARTICLE_FIELDS = {
    "headline": "Northwind Ferries to go electric",
    "url": "https://example.org/news/northwind-ferries-electric",
    "new_publisher_name": "Example Harbour Gazette",
    "published": "2025-06-02",
}
PREDICTION = "Northwind Ferries will add three electric boats"
DENIAL = "“We have no plans to raise fares,”"
REJECTED = "Some commuters said they liked the old boats better."
EDITED = "Northwind Ferries will run three electric boats on its harbour route by the end of 2027."
TRIMMED_QUOTE = "Northwind Ferries will add three electric boats to its harbour route by the end of 2027"


def snapshot(kb: KnowledgeBase) -> tuple[int, set]:
    return kb.repository.revision_count(), set(kb.store.quads())


def form_values(html: str, action: str) -> dict[str, str]:
    """What the form posting to ``action`` would submit as it stands (ticked boxes only)."""
    doc = parse(html)
    form = next(f for f in doc.iter("form") if f.get("action") == action)
    values: dict[str, str] = {}
    for el in form.iter():
        name = el.get("name")
        if not name:
            continue
        if el.tag == "textarea":
            values[name] = el.text or ""
        elif el.tag == "select":
            chosen = [o.get("value") or "" for o in el.iter("option") if o.get("selected") is not None]
            values[name] = chosen[0] if chosen else ""
        elif el.tag == "input" and el.get("type") == "checkbox":
            if el.get("checked") is not None:
                values[name] = el.get("value") or "on"
        elif el.tag == "input":
            values[name] = el.get("value") or ""
    return values


def suggestions_on(html: str) -> dict[str, str]:
    """Each suggestion's form key (``s3``) by its quoted sentence."""
    doc = parse(html)
    found = {}
    for item in by_class(doc, "suggestion", "li"):
        found[text(item.find(".//mark"))] = item.get("id") or ""
    return found


def field_errors(html: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for div in by_class(parse(html), "field", "div"):
        controls = [el for el in div.iter() if el.tag in ("input", "select", "textarea") and el.get("name")]
        messages = [text(p) for p in by_class(div, "field-error", "p")]
        if controls and messages:
            found.setdefault(controls[0].get("name") or "", []).extend(messages)
    return found


def paste(client: FlaskClient, **overrides: str) -> Any:
    page = client.get("/editor/suggest")
    assert page.status_code == 200
    data = {"csrf_token": csrf_token(page.text), "text": ARTICLE, **ARTICLE_FIELDS, **overrides}
    return client.post("/editor/suggest", data=data)


def drafts_quoted_from(kb: KnowledgeBase, source_path: str) -> list[str]:
    """The slugs of the unpublished claims that appeared first in the source at ``source_path``."""
    source = kb.iris.source(source_path.rsplit("/", 1)[1])
    publishing = Publishing(kb)
    return [
        item.slug
        for item in publishing.desk()
        if item.state is State.DRAFT and publishing.bundle(item.iri).value(item.iri, SCHEMA.firstAppearance) == source
    ]


def key_of(suggestions: dict[str, str], opening: str) -> str:
    (key,) = [k for sentence, k in suggestions.items() if sentence.startswith(opening)]
    return key


# --- the whole flow -----------------------------------------------------------------------------------


def test_paste_review_accept_two_and_reject_one(editor_client: FlaskClient, kb: KnowledgeBase, app: Any) -> None:
    review = paste(editor_client)
    assert review.status_code == 200
    suggestions = suggestions_on(review.text)
    assert len(suggestions) == 11
    doc = parse(review.text)
    rules_shown = " ".join(text(ul) for ul in by_class(doc, "rules", "ul"))
    assert "according-to found “according to”" in rules_shown
    assert "Deadline read from “by the end of 2027”" in rules_shown

    values = form_values(review.text, "/editor/suggest/accept")
    assert values["text"] == ARTICLE.replace("\r\n", "\n")  # the text travels with the form
    assert not any(k.endswith("-accept") for k in values)  # nothing is kept unless ticked
    prediction, denial, rejected = (key_of(suggestions, o) for o in (PREDICTION, DENIAL, REJECTED))
    assert values[f"{prediction}-claim_type"] == "prediction"
    assert values[f"{prediction}-deadline"] == "2027-12-31"
    assert values[f"{denial}-claim_type"] == "denial"
    assert values[f"{denial}-new_claimant_name"] == "Mara Lindqvist"
    assert values[f"{rejected}-claim_type"] == "attribution"

    values[f"{prediction}-accept"] = "1"
    values[f"{prediction}-text"] = EDITED
    values[f"{prediction}-quote_exact"] = TRIMMED_QUOTE
    values[f"{denial}-accept"] = "1"
    values["reason"] = "Claims from the Gazette's ferry story"
    before = kb.repository.revision_count()
    response = editor_client.post("/editor/suggest/accept", data=values)
    assert response.status_code == 302, field_errors(response.text)
    assert kb.repository.revision_count() == before + 1  # one revision for the whole submission

    revision = editor_client.get(f"/api/revisions/{before + 1}").get_json()
    assert revision["agent"] == EDITOR_NAME

    # The claims are drafts, as the new-claim form's are: the message says so and points to the desk.
    landed = editor_client.get(response.headers["Location"])
    flash = text(by_class(parse(landed.text), "flash-success", "p")[0])
    assert "Added 2 claims quoted from this article as drafts" in flash
    assert '<a href="/desk">desk</a>' in landed.text
    drafts = drafts_quoted_from(kb, response.headers["Location"])
    assert len(drafts) == 2

    # Not on any public page until published: the source (public, as the form's new sources are)
    # lists no claim, and each draft's page and history answer 404 to the public.
    reader = app.test_client()  # the public pages, logged out
    source_page = reader.get(response.headers["Location"])
    assert source_page.status_code == 200
    assert text(parse(source_page.text).find(".//h1")) == ARTICLE_FIELDS["headline"]
    assert not by_class(parse(source_page.text), "claim-card", "li")
    for slug in drafts:
        for path in (f"/claims/{slug}", f"/claims/{slug}/history", f"/api/claims/{slug}"):
            assert reader.get(path).status_code == 404, path
        # An editor reads the draft and its history (who, when and the real reason, from the private log).
        assert editor_client.get(f"/claims/{slug}").status_code == 200
        history = editor_client.get(f"/claims/{slug}/history")
        assert history.status_code == 200
        assert "Claims from the Gazette's ferry story" in text(parse(history.text).find(".//main"))
    assert "ferry story" not in reader.get(f"/revisions/{before + 1}").text

    # Published from the desk, they show on the source's page with their quotes.
    Publishing(kb, review_required=False).transition(
        drafts, "publish", agent=kb.agent(EDITOR_NAME), reason="Checked the ferry claims"
    )
    source_doc = parse(reader.get(response.headers["Location"]).text)
    claim_links = {
        a.get("href") for card in by_class(source_doc, "claim-card", "li") for a in card.iter("a") if a.get("href")
    }
    assert claim_links == {f"/claims/{slug}" for slug in drafts}
    quotes_and_sources = {}
    for link in claim_links:
        page = reader.get(link)
        assert page.status_code == 200
        claim_doc = parse(page.text)
        marks = [text(m) for figure in by_class(claim_doc, "quote", "figure") for m in figure.iter("mark")]
        sources = [a.get("href") for a in claim_doc.iter("a") if (a.get("href") or "").startswith("/sources/")]
        quotes_and_sources[text(claim_doc.find(".//h1"))] = (marks, sources)
    edited = quotes_and_sources[EDITED]
    assert edited[0] == [TRIMMED_QUOTE]
    assert response.headers["Location"] in edited[1]
    as_suggested = quotes_and_sources[
        "“We have no plans to raise fares,” chief executive Mara Lindqvist told the Example Harbour Gazette."
    ]
    assert as_suggested[0] == [
        "“We have no plans to raise fares,” chief executive Mara Lindqvist told the Example Harbour Gazette."
    ]
    assert reader.get("/entities/mara-lindqvist").status_code == 200

    # Only the quotes (with a few words either side) and the metadata are stored, never the article.
    literals = [str(q[2]) for q in kb.store.quads() if isinstance(q[2], Literal)]
    quoted = {"Northwind Ferries will add three electric boats", "“We have no plans to raise fares,”"}
    for sentence in split_sentences(ARTICLE):
        if len(sentence.text) <= CONTEXT or any(sentence.text.startswith(q) for q in quoted):
            continue  # a prefix or suffix keeps up to CONTEXT characters of the neighbouring sentences
        assert not any(sentence.text in literal for literal in literals), sentence.text
    assert not any(REJECTED in literal for literal in literals)
    assert not any("Gulls circle" in literal or "grey morning" in literal for literal in literals)


def test_an_edited_suggestion_with_a_mistake_is_shown_by_its_field_and_nothing_is_written(
    editor_client: FlaskClient, kb: KnowledgeBase
) -> None:
    review = paste(editor_client)
    suggestions = suggestions_on(review.text)
    prediction, denial = key_of(suggestions, PREDICTION), key_of(suggestions, DENIAL)
    values = form_values(review.text, "/editor/suggest/accept")
    values.update({f"{prediction}-accept": "1", f"{denial}-accept": "1"})
    values[f"{prediction}-deadline"] = ""
    values[f"{denial}-quote_exact"] = "We will raise fares"  # not in the article
    before = snapshot(kb)
    response = editor_client.post("/editor/suggest/accept", data=values)
    assert response.status_code == 422
    errors = field_errors(response.text)
    assert "needs a deadline" in " ".join(errors[f"{prediction}-deadline"])
    assert "copied exactly" in " ".join(errors[f"{denial}-quote_exact"])
    kept = form_values(response.text, "/editor/suggest/accept")
    assert kept[f"{denial}-quote_exact"] == "We will raise fares" and f"{denial}-accept" in kept
    assert snapshot(kb) == before


def test_accepting_nothing_writes_nothing(editor_client: FlaskClient, kb: KnowledgeBase) -> None:
    review = paste(editor_client)
    before = snapshot(kb)
    response = editor_client.post("/editor/suggest/accept", data=form_values(review.text, "/editor/suggest/accept"))
    assert response.status_code == 422
    assert "at least one" in text(by_class(parse(response.text), "form-errors", "div")[0])
    assert snapshot(kb) == before


def test_claims_join_a_source_already_tracked_at_the_same_address(
    editor_client: FlaskClient, kb: KnowledgeBase
) -> None:
    seed_url = "https://tiatira.com/blog/scoop-tiktok-chases-amazon-with-plans-for-u-s-fulfillment-centers-axios"
    review = paste(editor_client, url=seed_url, headline="Ignored: the source exists", new_publisher_name="")
    values = form_values(review.text, "/editor/suggest/accept")
    key = key_of(suggestions_on(review.text), "Ticket prices rose 12%")
    values[f"{key}-accept"] = "1"
    response = editor_client.post("/editor/suggest/accept", data=values)
    assert response.status_code == 302, field_errors(response.text)
    location = response.headers["Location"]
    existing = editor_client.get(f"/api/sources/{location.rsplit('/', 1)[1]}").get_json()
    assert existing["url"] == seed_url and existing["headline"] != "Ignored: the source exists"
    assert len(drafts_quoted_from(kb, location)) == 1  # one new draft, quoted from the tracked source


# --- refusals -----------------------------------------------------------------------------------------


def test_forms_without_a_csrf_token_are_refused(editor_client: FlaskClient, kb: KnowledgeBase) -> None:
    review = paste(editor_client)
    values = form_values(review.text, "/editor/suggest/accept")
    values[f"{key_of(suggestions_on(review.text), DENIAL)}-accept"] = "1"
    before = snapshot(kb)
    for data in ({k: v for k, v in values.items() if k != "csrf_token"}, {**values, "csrf_token": "forged"}):
        response = editor_client.post("/editor/suggest/accept", data=data)
        assert response.status_code == 400
        assert "CSRF" in text(parse(response.text).find(".//main"))
    assert editor_client.post("/editor/suggest", data={"text": ARTICLE}).status_code == 400
    assert snapshot(kb) == before


def test_readers_are_refused(client: FlaskClient, editor_client: FlaskClient, kb: KnowledgeBase) -> None:
    page = client.get("/editor/suggest")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    review = paste(editor_client)
    values = form_values(review.text, "/editor/suggest/accept")
    values[f"{key_of(suggestions_on(review.text), DENIAL)}-accept"] = "1"
    before = snapshot(kb)
    for url in ("/editor/suggest", "/editor/suggest/accept"):
        response = client.post(url, data=values)  # a reader, even with a token from someone's form
        assert response.status_code == 403
    assert "Suggest claims" not in text(parse(client.get("/").text).find(".//nav"))
    assert "Suggest claims" in text(parse(editor_client.get("/").text).find(".//nav"))
    assert snapshot(kb) == before


def test_oversized_and_malformed_articles_are_refused_with_nothing_written(
    editor_client: FlaskClient, kb: KnowledgeBase
) -> None:
    before = snapshot(kb)
    too_long = "Example Corp will open a shop. " * (MAX_ARTICLE // 31 + 1)
    response = paste(editor_client, text=too_long)
    assert response.status_code == 413
    assert "too long" in text(by_class(parse(response.text), "form-errors", "div")[0])

    review = paste(editor_client)
    values = form_values(review.text, "/editor/suggest/accept")
    values[f"{key_of(suggestions_on(review.text), DENIAL)}-accept"] = "1"
    assert editor_client.post("/editor/suggest/accept", data={**values, "text": too_long}).status_code == 413

    huge = editor_client.post("/editor/suggest/accept", data={**values, "text": "x" * (3 * 1024 * 1024)})
    assert huge.status_code == 413  # over the site's request limit

    empty = paste(editor_client, text="   ")
    assert empty.status_code == 422
    assert "Paste the article's text." in field_errors(empty.text)["text"]
    control = paste(editor_client, text="Sales rose 5%.\x00")
    assert control.status_code == 400
    assert "control characters" in text(by_class(parse(control.text), "form-errors", "div")[0])
    bad_url = editor_client.post("/editor/suggest/accept", data={**values, "url": "javascript:alert(1)"})
    assert bad_url.status_code == 422
    assert "http:// or https://" in " ".join(field_errors(bad_url.text)["url"])
    assert snapshot(kb) == before


# --- the JSON API ---------------------------------------------------------------------------------------


@pytest.fixture
def auth(accounts: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {accounts.create_token(EDITOR_NAME)}"}


def test_api_suggests_with_rules_and_selectors(client: FlaskClient, auth: dict[str, str]) -> None:
    refused = client.post("/api/suggestions", json={"text": ARTICLE})
    assert refused.status_code == 401 and refused.get_json()["error"]["status"] == 401
    response = client.post("/api/suggestions", json={"text": ARTICLE, "published": "2025-06-02"}, headers=auth)
    assert response.status_code == 200
    found = response.get_json()["suggestions"]
    assert len(found) == 11
    first = found[0]
    assert first["claim_type"] == "prediction" and first["deadline"] == "2027-12-31"
    selector = first["selector"]
    assert selector["type"] == "TextQuoteSelector"
    assert ARTICLE[first["start"] : first["end"]] == selector["exact"]
    assert selector["prefix"] + selector["exact"] + selector["suffix"] in ARTICLE
    assert {"rule": "will", "family": "prediction"}.items() <= first["rules"][1].items() or any(
        r["rule"] == "will" for r in first["rules"]
    )
    for hit in first["rules"]:
        assert ARTICLE[hit["start"] : hit["end"]] == hit["match"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ([1, 2], 400),
        ({"text": 5}, 400),
        ({"text": ""}, 422),
        ({"text": "x" * (MAX_ARTICLE + 1)}, 413),
        ({"text": "a\x07b"}, 400),
    ],
)
def test_api_refuses_bad_articles(client: FlaskClient, auth: dict[str, str], body: Any, status: int) -> None:
    for url in ("/api/suggestions", "/api/suggestions/accept"):
        payload = {**body, "claims": [], **ARTICLE_FIELDS} if isinstance(body, dict) and "accept" in url else body
        response = client.post(url, json=payload, headers=auth)
        assert response.status_code == status, (url, response.get_json())
        assert set(response.get_json()["error"]) == {"status", "title", "message", "details"}


def test_api_accepts_claims_in_one_revision(client: FlaskClient, kb: KnowledgeBase, auth: dict[str, str]) -> None:
    suggestions = client.post("/api/suggestions", json={"text": ARTICLE}, headers=auth).get_json()["suggestions"]
    chosen = [s for s in suggestions if s["claim_type"] in ("rumour", "statement")][:3]
    claims = [
        {
            "quote_exact": s["selector"]["exact"],
            "start": s["start"],
            "text": s["selector"]["exact"],
            "claim_type": s["claim_type"],
        }
        for s in chosen
    ]
    before = snapshot(kb)
    bad = client.post(
        "/api/suggestions/accept",
        json={"text": ARTICLE, **ARTICLE_FIELDS, "claims": [*claims, {"quote_exact": "Not in it", "text": "x"}]},
        headers=auth,
    )
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["details"]["fields"]) == {"claims.3.quote_exact", "claims.3.claim_type"}
    assert snapshot(kb) == before
    response = client.post(
        "/api/suggestions/accept", json={"text": ARTICLE, **ARTICLE_FIELDS, "claims": claims}, headers=auth
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert len(body["claims"]) == 3 and body["revision"] == before[0] + 1
    for slug in body["claims"]:
        claim = client.get(f"/api/claims/{slug}").get_json()
        assert claim["claimant"] == "example-harbour-gazette"  # no claimant given: the publisher
        assert claim["claimed_on"] == "2025-06-02"
    assert client.get(f"/api/sources/{body['source']}").get_json()["url"] == ARTICLE_FIELDS["url"]


def test_a_long_article_shows_as_many_suggestions_as_one_save_takes(editor_client: FlaskClient) -> None:
    from kb.write.suggesting import MAX_ACCEPTED

    review = paste(editor_client, text="\n\n".join([ARTICLE] * 10))
    assert review.status_code == 200
    assert len(by_class(parse(review.text), "suggestion", "li")) == MAX_ACCEPTED
    notice = text(by_class(parse(review.text), "notice", "p")[0])
    assert f"first {MAX_ACCEPTED} of 110 suggestions" in notice
