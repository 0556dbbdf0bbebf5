"""Article suggestions that say what a claim recorded already says: shown, and kept as a new appearance.

Through the real app (login, CSRF, the search index over the seeded knowledge base) and the API.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from kb.knowledge import KnowledgeBase
from kb.read.history import History
from kb.write.publishing import Publishing, State
from tests.helpers import EDITOR_NAME, csrf_token
from tests.test_suggest_editor import form_values, suggestions_on

pytestmark = pytest.mark.store  # on the embedded store and again on a SPARQL server

EXISTING = "us-shop-before-holidays"
REPEATED = "TikTok will launch TikTok Shop in the US before the 2022 holiday season, according to Example News."
NEW = "The example council will open twelve new libraries by 2030, officials said."
ARTICLE = f"Example headline.\n\n{REPEATED} Nobody else commented. {NEW}\n"
FIELDS = {
    "headline": "TikTok's shop plans, again",
    "url": "https://example.org/news/tiktok-shop-again",
    "new_publisher_name": "Example Gazette",
    "published": "2022-10-05",
}


def paste(client: FlaskClient) -> Any:
    page = client.get("/editor/suggest")
    return client.post("/editor/suggest", data={"csrf_token": csrf_token(page.text), "text": ARTICLE, **FIELDS})


def test_a_suggestion_matching_a_recorded_claim_becomes_its_appearance(
    editor_client: FlaskClient, kb: KnowledgeBase
) -> None:
    review = paste(editor_client)
    assert review.status_code == 200
    keys = suggestions_on(review.text)
    repeated = next(k for sentence, k in keys.items() if sentence.startswith("TikTok will launch"))
    other = next(k for sentence, k in keys.items() if sentence.startswith("The example council"))
    item = review.text.split(f'id="{repeated}"', 1)[1].split('class="suggestion"', 1)[0]
    assert "Recorded already?" in item and f'href="/claims/{EXISTING}"' in item
    assert "Add this article as a new appearance of that claim" in item
    assert "Recorded already?" not in review.text.split(f'id="{other}"', 1)[1].split('class="suggestion"', 1)[0]

    before = kb.claim_page(EXISTING)
    values = form_values(review.text, "/editor/suggest/accept")
    values[f"{repeated}-appearance_of"] = EXISTING
    values[f"{other}-accept"] = "1"
    saved = editor_client.post("/editor/suggest/accept", data=values)
    assert saved.status_code == 302, saved.text
    after = kb.claim_page(EXISTING)
    assert len(after.quotes) == len(before.quotes) + 1
    quote, source = next((q, s) for q, s in after.quotes if s.slug not in {x.slug for _, x in before.quotes})
    assert quote.exact == REPEATED and source.headline == FIELDS["headline"]
    assert any(str(a).endswith("/sources/" + source.slug) for a in after.claim.appearances)
    # The appearance changed the published claim as it stands; the other sentence is a new draft.
    assert kb.iris.claim(EXISTING) not in {item.iri for item in Publishing(kb).desk()}
    drafts = {item.text for item in Publishing(kb).desk() if item.state is State.DRAFT}
    assert NEW in drafts and REPEATED not in drafts  # no second claim for the repeated sentence
    assert REPEATED not in {c.text for c in kb.claims()} and NEW not in {c.text for c in kb.claims()}
    (latest,) = History(kb).claim_history(EXISTING, limit=0, editorial=True)[:1]
    assert "appearance of 1 recorded claim" in latest.revision.reason


def test_api_suggestions_carry_their_match_and_accept_an_appearance(
    client: FlaskClient, kb: KnowledgeBase, accounts: Any
) -> None:
    auth = {"Authorization": f"Bearer {accounts.create_token(EDITOR_NAME)}"}
    found = client.post("/api/suggestions", json={"text": ARTICLE, "published": "2022-10-05"}, headers=auth)
    assert found.status_code == 200
    by_quote = {s["selector"]["exact"]: s for s in found.get_json()["suggestions"]}
    assert by_quote[REPEATED]["match"]["slug"] == EXISTING
    assert by_quote[NEW]["match"] is None
    before = len(kb.claim_page(EXISTING).quotes)
    body = {
        "text": ARTICLE,
        **FIELDS,
        "claims": [
            {"quote_exact": REPEATED, "text": REPEATED, "claim_type": "statement", "appearance_of": EXISTING},
        ],
    }
    accepted = client.post("/api/suggestions/accept", json=body, headers=auth)
    assert accepted.status_code == 201, accepted.get_json()
    assert len(kb.claim_page(EXISTING).quotes) == before + 1
    unknown = {**body, "url": "https://example.org/other", "claims": [{**body["claims"][0], "appearance_of": "nope"}]}
    refused = client.post("/api/suggestions/accept", json=unknown, headers=auth)
    assert refused.status_code == 422
    assert "claims.0.appearance_of" in refused.get_json()["error"]["details"]["fields"]
