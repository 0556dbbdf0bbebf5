"""The JSON API: token auth, the same validation, revisions and conflict rules as the forms, its OpenAPI document."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from flask.testing import FlaskClient

from kb.knowledge import ClaimFilters, KnowledgeBase
from tests.helpers import EDITOR_NAME

pytestmark = pytest.mark.store  # on the embedded store and again on a SPARQL server

CLAIM = "fbt-job-listings"


@pytest.fixture
def auth(editor_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {editor_token}"}


def state(kb: KnowledgeBase) -> tuple[int, set]:
    """The revision count and every public quad (account changes live in a private graph)."""
    quads = {q for q in kb.store.quads() if q[3] is None or not kb.iris.is_private(q[3])}
    return kb.repository.revision_count(), quads


def assert_error_shape(response: Any, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "title", "message", "details"}
    assert body["error"]["status"] == status and body["error"]["message"]
    return body["error"]  # type: ignore[no-any-return]


def test_reads_need_no_token(client: FlaskClient) -> None:
    claims = client.get("/api/claims").get_json()["claims"]
    assert CLAIM in {c["slug"] for c in claims}
    claim = client.get(f"/api/claims/{CLAIM}").get_json()
    assert claim["slug"] == CLAIM and claim["version"] >= 1 and claim["evidence"]
    assert client.get("/api/entities/tiktok").get_json()["name"] == "TikTok"
    assert_error_shape(client.get("/api/claims/no-such-claim"), 404)


def test_lists_answer_a_page_at_a_time_with_links_to_the_next(client: FlaskClient, kb: KnowledgeBase) -> None:
    every = client.get("/api/claims?per_page=100").get_json()
    total = every["total"]
    assert total == len(kb.claims()) == len(every["claims"]) and total > 5
    seen: list[str] = []
    url: str | None = "/api/claims?per_page=5"
    while url:
        response = client.get(url)
        body = response.get_json()
        assert body["per_page"] == 5 and body["pages"] == -(-total // 5) and len(body["claims"]) <= 5
        seen += [c["slug"] for c in body["claims"]]
        links = dict(
            (part.split('rel="')[1].rstrip('"'), part.split(">")[0].lstrip("<"))
            for part in response.headers.get("Link", "").split(", ")
            if part
        )
        assert ("prev" in links) == (body["page"] > 1)
        url = links.get("next")
    assert seen == [c["slug"] for c in every["claims"]]  # every claim once, newest first as on one page
    supported = client.get("/api/claims?status=supported").get_json()
    assert supported["claims"] and {c["status"] for c in supported["claims"]} == {"supported"}
    assert supported["total"] == len(kb.claims(ClaimFilters(status="supported")))
    assert client.get(f"/api/claims?page={every['pages'] + 1}").get_json()["claims"] == []
    entities = client.get("/api/entities?per_page=2&page=2").get_json()
    names = [name for _slug, name in kb.entities()]
    assert [e["name"] for e in entities["entities"]] == names[2:4] and entities["total"] == len(names)


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("status=bogus", "status must be one of"),
        ("type=rumor-ish", "type must be one of"),
        ("claimant=Not%20A%20Slug", "claimant must be a slug"),
        ("page=0", "page must be a whole number"),
        ("page=x", "page must be a whole number"),
        ("per_page=101", "per_page must be a whole number from 1 to 100"),
        ("page=201", "served up to item 10000"),
    ],
)
def test_a_list_refuses_a_bad_parameter_with_400(client: FlaskClient, query: str, said: str) -> None:
    assert said in assert_error_shape(client.get(f"/api/claims?{query}"), 400)["message"]


def test_writes_need_a_valid_token_of_an_active_editor(
    client: FlaskClient, kb: KnowledgeBase, accounts: Any, editor_token: str
) -> None:
    before = state(kb)
    body = {"text": "Example Org sells hats.", "claim_type": "statement", "claimant": "tiktok"}
    response = client.post("/api/claims", json=body)
    assert_error_shape(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert_error_shape(client.post("/api/claims", json=body, headers={"Authorization": "Bearer wrong"}), 401)
    accounts.disable(EDITOR_NAME)
    assert_error_shape(client.post("/api/claims", json=body, headers={"Authorization": f"Bearer {editor_token}"}), 401)
    # A logged-in browser session does not authorise API writes either (no CSRF hole).
    assert state(kb) == before


def test_create_edit_and_history_through_the_api(client: FlaskClient, kb: KnowledgeBase, auth: dict[str, str]) -> None:
    created = client.post(
        "/api/claims",
        json={"text": "Example Org sells hats.", "claim_type": "statement", "new_claimant_name": "Example Org"},
        headers=auth,
    )
    assert created.status_code == 201
    claim = created.get_json()
    assert claim["claimant"] == "example-org" and claim["status"] == "unverified"
    slug = claim["slug"]
    source = client.post(
        f"/api/claims/{slug}/sources",
        json={
            "headline": "Example hat report",
            "url": "https://example.org/hats",
            "quote_exact": "hats",
            "version": claim["version"],
        },
        headers=auth,
    )
    assert source.status_code == 201
    version = client.get(f"/api/claims/{slug}").get_json()["version"]
    event = client.post(
        f"/api/claims/{slug}/events",
        json={
            "date": "2024-01-02",
            "stance": "supports",
            "source": source.get_json()["slug"],
            "version": version,
            "reason": "Hat sales reported",
        },
        headers=auth,
    )
    assert event.status_code == 201
    assert client.get(f"/api/claims/{slug}").get_json()["status"] == "supported"
    history = client.get(f"/api/claims/{slug}/history").get_json()["revisions"]
    assert [r["reason"] for r in history][0] == "Hat sales reported"
    status_rows = [c for c in history[0]["changes"] if c["property"] == "status"]
    assert status_rows == [
        {
            "subject": str(kb.iris.claim(slug)),
            "label": "Example Org sells hats.",
            "property": "status",
            "removed": ["Unverified"],
            "added": ["Supported"],
        }
    ]
    assert all(r["agent"] == EDITOR_NAME for r in history)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"claim_type": "statement", "claimant": "tiktok"}, "text"),
        ({"text": "t", "claim_type": "statement", "claimant": "tiktok", "claimed_on": "2024-02-31"}, "claimed_on"),
        ({"text": "t" * 2001, "claim_type": "statement", "claimant": "tiktok"}, "text"),
        ({"text": "t", "claim_type": "statement", "claimant": "tiktok", "note": "<script>x</script>"}, "note"),
        ({"text": 12, "claim_type": "statement", "claimant": "tiktok"}, "text"),
        ({"text": "t", "claim_type": "statement", "claimant": "tiktok", "topics": "not-a-topic"}, "topics"),
    ],
)
def test_invalid_input_is_422_with_messages_by_field(
    client: FlaskClient, kb: KnowledgeBase, auth: dict[str, str], body: dict, field: str
) -> None:
    before = state(kb)
    error = assert_error_shape(client.post("/api/claims", json=body, headers=auth), 422)
    assert error["details"]["fields"][field]
    assert state(kb) == before


def test_malformed_bodies_are_400(client: FlaskClient, kb: KnowledgeBase, auth: dict[str, str]) -> None:
    before = state(kb)
    for data in ("not json", "[1, 2]", json.dumps("text")):
        response = client.post("/api/claims", data=data, headers={**auth, "Content-Type": "application/json"})
        assert_error_shape(response, 400)
    assert state(kb) == before


def test_saving_over_a_newer_version_is_409_showing_what_changed(
    client: FlaskClient, kb: KnowledgeBase, auth: dict[str, str]
) -> None:
    version = client.get(f"/api/claims/{CLAIM}").get_json()["version"]
    base = {"claim_type": "statement", "claimant": "axios", "version": version}
    assert client.put(f"/api/claims/{CLAIM}", json={**base, "text": "First."}, headers=auth).status_code == 200
    before = state(kb)
    error = assert_error_shape(client.put(f"/api/claims/{CLAIM}", json={**base, "text": "Second."}, headers=auth), 409)
    stale = error["details"]["stale"][str(kb.iris.claim(CLAIM))]
    assert stale == {"expected": version, "current": version + 1}
    meanwhile = error["details"]["meanwhile"][0]
    assert any(c["property"] == "text" and c["added"] == ["First."] for c in meanwhile["changes"])
    assert state(kb) == before
    assert client.get(f"/api/claims/{CLAIM}").get_json()["text"] == "First."


def test_concurrent_edits_of_one_claim_one_wins(client: FlaskClient, kb: KnowledgeBase, auth: dict[str, str]) -> None:
    version = client.get(f"/api/claims/{CLAIM}").get_json()["version"]
    count = kb.repository.revision_count()
    barrier = threading.Barrier(4)
    results: list[int] = []

    def edit(n: int) -> None:
        body = {"text": f"Wording {n}.", "claim_type": "statement", "claimant": "axios", "version": version}
        barrier.wait()
        results.append(client.put(f"/api/claims/{CLAIM}", json=body, headers=auth).status_code)

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 409, 409, 409]
    assert kb.repository.revision_count() == count + 1
    assert client.get(f"/api/claims/{CLAIM}").get_json()["version"] == version + 1


def test_revert_through_the_api(client: FlaskClient, kb: KnowledgeBase, auth: dict[str, str]) -> None:
    claim = kb.iris.claim(CLAIM)
    before = {t for t in kb.repository.describe([claim]) if "version" not in str(t[1])}
    version = client.get(f"/api/claims/{CLAIM}").get_json()["version"]
    edited = client.put(
        f"/api/claims/{CLAIM}",
        json={
            "text": "Edited.",
            "claim_type": "prediction",
            "deadline": "2023-01-01",
            "claimant": "axios",
            "version": version,
            "reason": "Test",
        },
        headers=auth,
    )
    number = edited.get_json()["revision"]
    assert_error_shape(client.post(f"/api/revisions/{number}/revert"), 401)
    reverted = client.post(f"/api/revisions/{number}/revert", json={"reason": "Undo"}, headers=auth)
    assert reverted.status_code == 201
    assert {t for t in kb.repository.describe([claim]) if "version" not in str(t[1])} == before
    revision = client.get(f"/api/revisions/{reverted.get_json()['revision']}").get_json()
    assert revision["revert_of"] == number and revision["reason"] == "Undo"
    assert_error_shape(client.post(f"/api/revisions/{number + 100}/revert", headers=auth), 404)


def test_openapi_document_describes_every_route(client: FlaskClient, app: Any) -> None:
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, operations in document["paths"].items() for method in operations}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.endpoint == "api.openapi":
            continue
        path = rule.rule.removeprefix("/api").replace("<int:number>", "{number}").replace("<slug>", "{slug}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if "<any(" in path:
                for kind in ("claims", "sources", "events", "entities"):
                    assert (f"/{kind}/{{slug}}/retract", method) in documented
            else:
                assert (path, method) in documented, (path, method)
