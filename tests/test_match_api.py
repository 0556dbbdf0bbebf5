"""GET /api/match over the seeded knowledge base, on both search engines: matches, reasons, 400s."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.conftest import AppFactory


def test_match_finds_a_reworded_claim_with_a_reason(make_app: AppFactory, search_backend: str) -> None:
    client: FlaskClient = make_app().test_client()
    answer = client.get(
        "/api/match", query_string={"text": "Before the 2022 holidays, TikTok will launch TikTok Shop in the US."}
    )
    assert answer.status_code == 200
    matches = answer.get_json()["matches"]
    best = matches[0]
    assert set(best) == {"slug", "iri", "text", "score", "same_claim", "reason"}
    assert (
        best["text"]
        == "TikTok will launch its shopping service, TikTok Shop, in the US before the 2022 holiday season."
    )
    assert best["same_claim"] is True and 0 < best["score"] <= 1
    assert "2022" in best["reason"] and best["iri"].endswith("/claims/" + best["slug"])
    with_claimant = client.get(
        "/api/match",
        query_string={
            "text": "Before the 2022 holidays, TikTok will launch TikTok Shop in the US.",
            "claimant": "financial-times",
            "date": "2022-10-02",
        },
    ).get_json()["matches"][0]
    assert "the same claimant" in with_claimant["reason"]
    assert all(a["score"] >= b["score"] for a, b in zip(matches, matches[1:], strict=False))


def test_match_says_when_the_claim_is_not_the_same(make_app: AppFactory, search_backend: str) -> None:
    client = make_app().test_client()
    answer = client.get(
        "/api/match",
        query_string={"text": "TikTok will not launch TikTok Shop in the US before the 2022 holidays.", "limit": "3"},
    )
    matches = answer.get_json()["matches"]
    assert 1 <= len(matches) <= 3
    assert not any(m["same_claim"] for m in matches)
    assert "negated" in matches[0]["reason"]


def test_match_refuses_bad_input_clearly(make_app: AppFactory, search_backend: str) -> None:
    client = make_app().test_client()
    for params, words in [
        ({}, "empty"),
        ({"text": "   "}, "empty"),
        ({"text": "x" * 2001}, "at most 2000"),
        ({"text": "TikTok", "limit": "0"}, "between 1 and 50"),
        ({"text": "TikTok", "limit": "51"}, "between 1 and 50"),
        ({"text": "TikTok", "limit": "ten"}, "whole number"),
        ({"text": "TikTok", "language": "not a tag!"}, "BCP 47"),
        ({"text": "TikTok\x00"}, "control characters"),
        ({"text": "TikTok", "date": "yesterday"}, "date must be"),
        ({"text": "TikTok", "claimant": "Not A Slug"}, "slug"),
    ]:
        answer = client.get("/api/match", query_string=params)
        assert answer.status_code == 400, params
        assert words in answer.get_json()["error"]["message"], (params, answer.get_json())


def test_match_is_in_the_openapi_document(make_app: AppFactory, search_backend: str) -> None:
    document = make_app().test_client().get("/api/openapi.json").get_json()
    operation = document["paths"]["/match"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"text", "limit"}
    item = document["components"]["schemas"]["MatchItem"]
    assert set(item["properties"]) == {"slug", "iri", "text", "score", "same_claim", "reason"}
