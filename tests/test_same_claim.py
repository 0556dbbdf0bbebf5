"""A new claim recorded already in other words: seen before saving, linked as the same claim.

Through the real app: the new-claim form (real login and CSRF) and ``POST /api/claims`` (a token)
show or return the likely matches before writing anything; the editor opens one, links the new
claim to it (``same_as``) or saves it as a different claim (``matches_seen``). Linking and unlinking
two recorded claims is a revision with who, when and why, from the claim page or the API, and both
claim pages show the link. The language of a claim is a BCP 47 tag, detected when left empty.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from kb.knowledge import KnowledgeBase
from tests.helpers import EDITOR_NAME, csrf_token

pytestmark = pytest.mark.store  # on the embedded store and again on a SPARQL server

EXISTING = "us-shop-before-holidays"
REWORDED = "Before the 2022 holidays, TikTok will launch TikTok Shop in the US."
UNRELATED = "The city of Example will plant four hundred oak trees along the river by 2031."


@pytest.fixture
def auth(accounts: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {accounts.create_token(EDITOR_NAME)}"}


def state(kb: KnowledgeBase) -> tuple[int, set]:
    return kb.repository.revision_count(), {q for q in kb.store.quads() if not kb.iris.is_private(str(q[3] or ""))}


def same_claim_links(html: str) -> list[str]:
    """The claim pages linked under "The same claim, made elsewhere"."""
    if 'id="same-claim"' not in html:
        return []
    section = html.split('id="same-claim"', 1)[1].split("</section>", 1)[0]
    return [part.split('"', 1)[0] for part in section.split('href="/claims/')[1:]]


def new_claim(**extra: Any) -> dict[str, Any]:
    return {
        "text": REWORDED,
        "claim_type": "prediction",
        "deadline": "2022-12-25",
        "claimant": "financial-times",
        **extra,
    }


# --- the API ----------------------------------------------------------------------------------------


def test_api_returns_likely_matches_before_saving(client: FlaskClient, kb: KnowledgeBase, auth: dict) -> None:
    before = state(kb)
    answer = client.post("/api/claims", json=new_claim(), headers=auth)
    assert answer.status_code == 409
    error = answer.get_json()["error"]
    assert error["title"] == "Likely recorded already"
    best = error["details"]["matches"][0]
    assert best["slug"] == EXISTING and best["same_claim"] is True
    assert set(best) == {"slug", "iri", "text", "score", "same_claim", "reason"}
    assert state(kb) == before  # nothing written


def test_api_saves_as_different_when_the_matches_were_seen(client: FlaskClient, auth: dict) -> None:
    answer = client.post("/api/claims", json=new_claim(matches_seen=True), headers=auth)
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["same_as"] == [] and body["language"] == "en" and body["revision"]


def test_api_links_the_new_claim_as_the_same_claim(client: FlaskClient, auth: dict) -> None:
    answer = client.post("/api/claims", json=new_claim(same_as=EXISTING, reason="Reworded FT claim"), headers=auth)
    assert answer.status_code == 201, answer.get_json()
    new = answer.get_json()
    assert new["same_as"] == [EXISTING]
    assert EXISTING in same_claim_links(client.get(f"/claims/{new['slug']}").text)
    assert new["slug"] in same_claim_links(client.get(f"/claims/{EXISTING}").text)
    history = client.get(f"/api/claims/{new['slug']}/history").get_json()["revisions"]
    assert history[0]["reason"] == "Reworded FT claim" and EDITOR_NAME in str(history[0])


def test_api_claim_without_matches_saves_at_once(client: FlaskClient, auth: dict) -> None:
    """Existing clients: a claim nothing recorded resembles is saved as before, with its language."""
    body = {"text": UNRELATED, "claim_type": "prediction", "deadline": "2031-12-31", "new_claimant_name": "Example"}
    answer = client.post("/api/claims", json=body, headers=auth)
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["language"] == "en"
    spanish = {**body, "text": "La ciudad plantará cuatrocientos robles a lo largo del río antes de 2031."}
    assert client.post("/api/claims", json=spanish, headers=auth).get_json()["language"] == "es"


def test_api_refuses_bad_language_and_unknown_same_as(client: FlaskClient, kb: KnowledgeBase, auth: dict) -> None:
    before = state(kb)
    bad = client.post("/api/claims", json=new_claim(language="not a tag!", matches_seen=True), headers=auth)
    assert bad.status_code == 422
    assert "BCP 47" in " ".join(bad.get_json()["error"]["details"]["fields"]["language"])
    unknown = client.post("/api/claims", json=new_claim(same_as="no-such-claim"), headers=auth)
    assert unknown.status_code == 422
    assert "no-such-claim" in " ".join(unknown.get_json()["error"]["details"]["fields"]["same_as"])
    flag = client.post("/api/claims", json=new_claim(matches_seen="perhaps"), headers=auth)
    assert flag.status_code == 422
    assert state(kb) == before


def test_api_links_and_unlinks_two_recorded_claims(client: FlaskClient, kb: KnowledgeBase, auth: dict) -> None:
    other = "fbt-job-listings"
    version = client.get(f"/api/claims/{EXISTING}").get_json()["version"]
    assert client.post(f"/api/claims/{EXISTING}/same-as", json={"other": other, "version": version}).status_code == 401
    linked = client.post(
        f"/api/claims/{EXISTING}/same-as", json={"other": other, "version": version, "reason": "Test"}, headers=auth
    )
    assert linked.status_code == 200, linked.get_json()
    assert linked.get_json()["same_as"] == [other] and linked.get_json()["revision"]
    assert EXISTING in same_claim_links(client.get(f"/claims/{other}").text)
    # Unlinked from the other side: the link is removed wherever it is stored.
    other_version = client.get(f"/api/claims/{other}").get_json()["version"]
    unlinked = client.post(
        f"/api/claims/{other}/same-as",
        json={"other": EXISTING, "unlink": True, "version": other_version, "reason": "Not the same after all"},
        headers=auth,
    )
    assert unlinked.status_code == 200, unlinked.get_json()
    assert same_claim_links(client.get(f"/claims/{other}").text) == []
    assert client.get(f"/api/claims/{EXISTING}").get_json()["same_as"] == []
    before = state(kb)
    now = client.get(f"/api/claims/{EXISTING}").get_json()["version"]
    for body, field in [
        ({"other": EXISTING, "version": now}, "other"),
        ({"other": "no-such-claim", "version": now}, "other"),
        ({"other": other, "unlink": True, "version": now}, "other"),
        ({"other": other}, "version"),
    ]:
        refused = client.post(f"/api/claims/{EXISTING}/same-as", json=body, headers=auth)
        assert refused.status_code == 422, (body, refused.get_json())
        assert field in refused.get_json()["error"]["details"]["fields"]
    stale = client.post(f"/api/claims/{EXISTING}/same-as", json={"other": other, "version": now - 1}, headers=auth)
    assert stale.status_code == 409
    assert state(kb) == before


# --- the forms --------------------------------------------------------------------------------------


def test_form_shows_matches_then_links_the_new_claim(editor_client: FlaskClient, kb: KnowledgeBase) -> None:
    page = editor_client.get("/claims/new")
    token = csrf_token(page.text)
    before = state(kb)
    shown = editor_client.post("/claims/new", data={"csrf_token": token, "action": "save", **new_claim()})
    assert shown.status_code == 200
    assert "Recorded already?" in shown.text and f'href="/claims/{EXISTING}"' in shown.text
    assert f'name="same_as" value="{EXISTING}"' in shown.text and 'name="matches_seen"' in shown.text
    assert 'name="language" type="text" value="en"' in shown.text  # prefilled from detection
    assert state(kb) == before
    saved = editor_client.post(
        "/claims/new", data={"csrf_token": csrf_token(shown.text), "same_as": EXISTING, **new_claim()}
    )
    assert saved.status_code == 302
    slug = saved.headers["Location"].rsplit("/", 1)[1]
    assert EXISTING in same_claim_links(editor_client.get(f"/claims/{slug}").text)
    # The form makes a draft: the published claim's page names it only once it is published.
    assert slug not in same_claim_links(editor_client.get(f"/claims/{EXISTING}").text)


def test_form_saves_as_a_different_claim(editor_client: FlaskClient) -> None:
    token = csrf_token(editor_client.get("/claims/new").text)
    saved = editor_client.post(
        "/claims/new", data={"csrf_token": token, "matches_seen": "1", **new_claim(language="en-GB")}
    )
    assert saved.status_code == 302
    slug = saved.headers["Location"].rsplit("/", 1)[1]
    page = editor_client.get(f"/claims/{slug}").text
    assert same_claim_links(page) == [] and "<code>en-GB</code>" in page


def test_form_refuses_a_bad_language(editor_client: FlaskClient, kb: KnowledgeBase) -> None:
    token = csrf_token(editor_client.get("/claims/new").text)
    before = state(kb)
    refused = editor_client.post(
        "/claims/new", data={"csrf_token": token, "matches_seen": "1", **new_claim(language="english please")}
    )
    assert refused.status_code == 422 and "BCP 47" in refused.text
    assert state(kb) == before


def test_claim_page_links_and_unlinks_a_similar_claim(editor_client: FlaskClient, kb: KnowledgeBase) -> None:
    other = "fbt-job-listings"
    page = editor_client.get(f"/claims/{EXISTING}")
    assert "Link as the same claim" in page.text
    version = editor_client.get(f"/api/claims/{EXISTING}").get_json()["version"]
    form = {"csrf_token": csrf_token(page.text), "other": other, "version": version, "reason": "Checked by hand"}
    assert editor_client.post(f"/claims/{EXISTING}/same-as", data={**form, "csrf_token": "wrong"}).status_code == 400
    done = editor_client.post(f"/claims/{EXISTING}/same-as", data=form)
    assert done.status_code == 302
    shown = editor_client.get(f"/claims/{EXISTING}").text
    assert other in same_claim_links(shown) and "Linked as the same claim (revision" in shown
    assert EXISTING in same_claim_links(editor_client.get(f"/claims/{other}").text)
    latest = kb.recent_changes(1)[0]
    assert latest.reason == "Checked by hand"
    version = editor_client.get(f"/api/claims/{EXISTING}").get_json()["version"]
    unlink = {**form, "csrf_token": csrf_token(shown), "unlink": "1", "version": version}
    assert editor_client.post(f"/claims/{EXISTING}/same-as", data=unlink).status_code == 302
    assert same_claim_links(editor_client.get(f"/claims/{other}").text) == []


def test_source_and_quote_carry_their_language(client: FlaskClient, kb: KnowledgeBase, auth: dict) -> None:
    version = client.get(f"/api/claims/{EXISTING}").get_json()["version"]
    body = {
        "headline": "TikTok Shop llegará a Estados Unidos antes de las fiestas",
        "url": "https://example.org/es/tiktok-shop",
        "new_publisher_name": "Diario de Ejemplo",
        "quote_exact": "TikTok lanzará su tienda en Estados Unidos antes de las fiestas de 2022",
        "version": version,
    }
    added = client.post(f"/api/claims/{EXISTING}/sources", json=body, headers=auth)
    assert added.status_code == 201, added.get_json()
    source = added.get_json()
    assert source["language"] == "es"  # detected from the headline
    page = client.get(f"/sources/{source['slug']}").text
    assert "<code>es</code>" in page
    assert 'lang="es">TikTok lanzará' in client.get(f"/claims/{EXISTING}").text
    version = client.get(f"/api/claims/{EXISTING}").get_json()["version"]
    given = {**body, "url": "https://example.org/x", "language": "es-MX", "quote_language": "es-MX", "version": version}
    assert client.post(f"/api/claims/{EXISTING}/sources", json=given, headers=auth).get_json()["language"] == "es-MX"
    bad = client.post(
        f"/api/claims/{EXISTING}/sources",
        json={**given, "url": "https://example.org/y", "quote_language": "??"},
        headers=auth,
    )
    assert bad.status_code == 422 and "quote_language" in bad.get_json()["error"]["details"]["fields"]
