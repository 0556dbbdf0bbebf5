"""Entity and source pickers: /api/lookup, and references typed as a slug, an IRI or a name, resolved
on submit in the editor's forms (without JavaScript) and in the API (kb/names, kb/write/references)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import AppFactory
from tests.helpers import EDITOR_NAME, EDITOR_PASSWORD, csrf_token, login
from tests.html import parse
from webapp.editor import get_editor

BASE = "http://localhost:5000/"
TWIN = "Example Twin Holdings"


@pytest.fixture(scope="module")
def app(make_module_app: AppFactory) -> Flask:
    app = make_module_app()
    accounts = app.extensions["claimkb_accounts"]
    accounts.add(EDITOR_NAME, "editor", EDITOR_PASSWORD)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {accounts.create_token(EDITOR_NAME)}"}
    for kind in ("Organization", "Person"):  # two namesakes
        response = client.post("/api/entities", json={"name": TWIN, "kind": kind}, headers=headers)
        assert response.status_code == 201, response.text
    app.config["TEST_HEADERS"] = headers
    return app


@pytest.fixture(scope="module")
def editor(app: Flask) -> FlaskClient:
    client = app.test_client()
    assert login(client).status_code == 302
    return client


def revision(app: Flask) -> int:
    return int(app.extensions["claimkb"].repository.revision_count())


def new_claim(editor: FlaskClient, claimant: Any, **more: Any) -> Any:
    page = editor.get("/claims/new")
    data = {
        "csrf_token": csrf_token(page.text),
        "text": "Example Org will open a hat shop on the moon by 2040.",
        "claim_type": "statement",
        "claimant": claimant,
        "matches_seen": "1",
        **more,
    }
    return editor.post("/claims/new", data=data)


def field_errors(html: str) -> list[str]:
    return ["".join(el.itertext()) for el in parse(html).iter("p") if "field-error" in (el.get("class") or "")]


def test_a_form_without_javascript_takes_a_name_a_slug_or_an_iri(app: Flask, editor: FlaskClient) -> None:
    for typed in ("tiktok", "  TIKTOK  ", f"{BASE}entities/tiktok", "TikTok"):
        response = new_claim(editor, typed, about=["Axios", "", "amazon"])
        assert response.status_code == 302, (typed, field_errors(response.text))
        with app.app_context():  # a new claim is a draft: read it as its editors do
            values = get_editor().claim_values(response.headers["Location"].rsplit("/", 1)[1])
        assert values["claimant"] == "tiktok"
        assert values["about"] == ["axios", "amazon"] or sorted(values["about"]) == ["amazon", "axios"]
    page = editor.get("/claims/" + values["slug"] + "/edit")
    shown = ["".join(el.itertext()) for el in parse(page.text).iter("p") if el.get("class") == "picked"]
    assert "TikTok · Organisation" in shown  # what the field holds, named beside it


@pytest.mark.parametrize(
    ("typed", "message", "candidates"),
    [
        (TWIN, "names 2 people or organisations", {"example-twin-holdings", "example-twin-holdings-2"}),
        ("example twin", "There is no person or organisation called “example twin”.", {"example-twin-holdings"}),
        ("Nobody we know", "There is no person or organisation called “Nobody we know”.", set()),
        (f"{BASE}entities/no-such-one", "There is no person or organisation at", set()),
        (f"{BASE}claims/fbt-job-listings", "is not the address of a person or organisation here", set()),
    ],
)
def test_an_ambiguous_or_unknown_name_is_a_field_error_with_candidates(
    app: Flask, editor: FlaskClient, typed: str, message: str, candidates: set[str]
) -> None:
    before = revision(app)
    response = new_claim(editor, typed)
    assert response.status_code == 422
    assert any(message in error for error in field_errors(response.text)), field_errors(response.text)
    claimant = next(el for el in parse(response.text).iter("input") if el.get("name") == "claimant")
    assert claimant.get("value") == typed  # kept as typed
    offered = {el.get("data-slug") for el in parse(response.text).iter("li") if el.get("data-slug")}
    assert candidates <= offered
    assert revision(app) == before


@pytest.mark.parametrize(
    "typed",
    [
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        '"tik" OR "ama" NEAR(x',
        "tik*",
        "tiktok\x00",
        "tik\u202etok",
        "x" * 2001,
        "http://evil.example/entities/tiktok",
        "} ; DROP ALL ; {",
    ],
)
def test_hostile_references_are_refused_and_nothing_is_written(app: Flask, editor: FlaskClient, typed: str) -> None:
    before = revision(app)
    response = new_claim(editor, typed)
    assert response.status_code == 422
    assert field_errors(response.text)
    assert "<script>alert(1)</script>" not in response.text
    assert revision(app) == before


def test_the_source_and_derivation_fields_take_headlines_addresses_and_publishers(
    app: Flask, editor: FlaskClient
) -> None:
    found = editor.get("/api/lookup?kind=source&q=axios scoop").get_json()["results"]
    assert "axios-scoop-2022-10-11" in [hit["slug"] for hit in found]  # by its publisher's name and a word
    url = editor.get("/api/sources/tiatira-axios-copy").get_json()["url"]  # the seed's address of the copy
    assert url
    page = editor.get("/claims/fbt-job-listings/evidence/new")
    for typed in (url, "Scoop: TikTok chases Amazon with plans for U.S. fulfillment centers"):
        data = {
            "csrf_token": csrf_token(page.text),
            "date": "2024-01-02",
            "stance": "context",
            "source": typed,
            "version": editor.get("/api/claims/fbt-job-listings").get_json()["version"],
        }
        response = editor.post("/claims/fbt-job-listings/evidence/new", data=data)
        assert response.status_code == 302, field_errors(response.text)


def test_lookup_finds_by_words_as_typed_and_refuses_what_it_cannot_read(app: Flask) -> None:
    client = app.test_client()
    found = client.get("/api/lookup?kind=entity&q=tik").get_json()
    assert found["results"][0] == {
        "slug": "tiktok",
        "iri": f"{BASE}entities/tiktok",
        "label": "TikTok",
        "detail": "Organisation",
    }
    twins = client.get("/api/lookup", query_string={"kind": "entity", "q": "twin hold"}).get_json()["results"]
    assert {t["slug"] for t in twins} == {"example-twin-holdings", "example-twin-holdings-2"}
    assert {t["detail"] for t in twins} == {"Organisation", "Person"}  # namesakes told apart
    assert client.get("/api/lookup?kind=entity&q=").get_json()["results"] == []
    # FTS5 and SQL syntax is read as words, never as a query
    for q in ('"tik" OR ama NEAR(', "tik*", "' OR 1=1 --", "a_b\u0301c", "%", "x" * 200):
        response = client.get("/api/lookup", query_string={"kind": "source", "q": q})
        assert response.status_code == 200 and isinstance(response.get_json()["results"], list), q
    assert client.get("/api/lookup", query_string={"kind": "entity", "q": "tik*"}).get_json()["results"][0]["slug"] == (
        "tiktok"
    )
    # only people, organisations and sources: never an editor, a revision or another kind
    for q in (EDITOR_NAME, "seed", "revision", "Scoop"):
        assert client.get("/api/lookup", query_string={"kind": "entity", "q": q}).get_json()["results"] == []
    for query, message in [
        ({"kind": "claims", "q": "a"}, "kind must be one of"),
        ({"kind": "entity", "q": "a" * 201}, "at most 200"),
        ({"kind": "entity", "q": "a\x00b"}, "control characters"),
        ({"kind": "entity", "q": "a", "limit": "0"}, "limit must be"),
        ({"kind": "entity", "q": "a", "limit": "21"}, "limit must be"),
        ({"kind": "entity", "q": "a", "limit": "ten"}, "limit must be"),
    ]:
        response = client.get("/api/lookup", query_string=query)
        assert response.status_code == 400
        assert message in response.get_json()["error"]["message"]


def test_lookup_follows_each_save_and_leaves_withdrawn_ones_out(app: Flask) -> None:
    client = app.test_client()
    headers = app.config["TEST_HEADERS"]
    made = client.post("/api/entities", json={"name": "Zebulon Quarry Works", "kind": "Organization"}, headers=headers)
    slug = made.get_json()["slug"]
    assert [r["slug"] for r in client.get("/api/lookup?kind=entity&q=zebulon").get_json()["results"]] == [slug]
    version = client.get("/api/claims/fbt-job-listings").get_json()["version"]
    published = {"headline": "A report on stone", "publisher": "Zebulon Quarry Works", "version": version}
    added = client.post("/api/claims/fbt-job-listings/sources", json=published, headers=headers)
    assert added.status_code == 201, added.text
    source = added.get_json()["slug"]
    assert [r["slug"] for r in client.get("/api/lookup?kind=source&q=zebulon").get_json()["results"]] == [source]
    renamed = {"name": "Xanadu Quarry Works", "kind": "Organization", "version": made.get_json()["version"]}
    assert client.put(f"/api/entities/{slug}", json=renamed, headers=headers).status_code == 200
    # found by its new name (and still by its slug, which keeps the old one)
    assert client.get("/api/lookup?kind=entity&q=xanadu quar").get_json()["results"][0]["slug"] == slug
    assert [r["label"] for r in client.get("/api/lookup?kind=entity&q=zebulon").get_json()["results"]] == [
        "Xanadu Quarry Works"
    ]
    # its sources are found by its new name, no longer by the old one
    assert client.get("/api/lookup?kind=source&q=zebulon").get_json()["results"] == []
    found = client.get("/api/lookup?kind=source&q=xanadu").get_json()["results"]
    assert [(r["slug"], r["detail"]) for r in found] == [(source, "Xanadu Quarry Works")]
    version = client.get(f"/api/entities/{slug}").get_json()["version"]
    gone = {"version": version, "reason": "Made up"}
    assert client.post(f"/api/entities/{slug}/retract", json=gone, headers=headers).status_code == 200
    assert client.get("/api/lookup?kind=entity&q=xanadu").get_json()["results"] == []
    names = app.extensions["claimkb.names"]
    names.path.unlink()  # a cache: made again from the store
    assert client.get("/api/lookup?kind=entity&q=tikt").get_json()["results"][0]["slug"] == "tiktok"


def test_the_api_takes_a_slug_an_iri_or_a_unique_name(app: Flask) -> None:
    client = app.test_client()
    headers = app.config["TEST_HEADERS"]
    body = {"text": "Example Org will sell umbrellas on Mars by 2050.", "claim_type": "statement", "matches_seen": True}
    made = client.post(
        "/api/claims", json={**body, "claimant": "Axios", "about": [f"{BASE}entities/tiktok"]}, headers=headers
    )
    assert made.status_code == 201, made.text
    assert made.get_json()["claimant"] == "axios" and made.get_json()["about"] == ["tiktok"]
    before = revision(app)
    for claimant, status in ((TWIN, 422), ("nobody", 422), (["tiktok", "axios"], 422), (42, 422), ("\ud800", 422)):
        response = client.post("/api/claims", json={**body, "claimant": claimant}, headers=headers)
        assert response.status_code == status, (claimant, response.text)
        assert response.get_json()["error"]["details"]["fields"]["claimant"]
    twins = client.post("/api/claims", json={**body, "claimant": TWIN}, headers=headers).get_json()
    assert {c["slug"] for c in twins["error"]["details"]["candidates"]["claimant"]} == {
        "example-twin-holdings",
        "example-twin-holdings-2",
    }
    assert revision(app) == before
    document = client.get("/api/openapi.json").get_json()
    assert "/lookup" in document["paths"]
    claimant = document["components"]["schemas"]["ClaimInput"]["properties"]["claimant"]
    assert "exact name" in str(claimant)


def test_names_are_still_resolved_when_the_index_cannot_be_opened(app: Flask, tmp_path: Any) -> None:
    names = app.extensions["claimkb.names"]
    path, index = names.path, names._index
    blocked = tmp_path / "names.sqlite3"
    blocked.mkdir()  # where the file should be, a directory: SQLite cannot open it (as on a full disk)
    names.path, names._index = blocked, None
    try:
        client = app.test_client()
        response = client.post(
            "/api/claims",
            json={
                "text": "Example Org will mine the asteroid belt by 2060.",
                "claim_type": "statement",
                "claimant": "TikTok",
                "matches_seen": True,
            },
            headers=app.config["TEST_HEADERS"],
        )
        assert response.status_code == 201, response.text  # the name resolved by the store itself
        lookup = client.get("/api/lookup?kind=entity&q=tik")
        assert lookup.status_code == 200 and lookup.get_json()["results"] == []  # pickers find nothing meanwhile
    finally:
        names.path, names._index = path, index
