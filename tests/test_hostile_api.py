"""Hostile input through every endpoint of the JSON API (``/api/openapi.json`` lists them).

Writes get bodies whose fields are valid or any JSON value (hostile text, lone surrogates as JSON
escapes, numbers, nulls, nested lists and objects), unknown keys, bodies that are not JSON objects
or not JSON at all, other media types, and forged tokens. Every answer is a status we expect in the
API's one error shape; a refused write leaves the store as it was; an accepted one adds one revision.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.knowledge import KnowledgeBase
from tests.helpers import EDITOR_NAME
from tests.hostile import (
    CLAIM,
    CLAIM_SPEC,
    ENTITY,
    ENTITY_SPEC,
    EVENT,
    EVENT_SPEC,
    MEDIA_SPEC,
    SOURCE,
    SOURCE_SPEC,
    assert_json_error,
    assert_unchanged,
    budget,
    count,
    fingerprint,
    header_value,
    hostile_text,
    json_body,
    json_fields,
    json_values,
    path_segment,
    query_string,
)

# The search index now follows revisions in a background thread, whose whoosh writer draws random
# segment names while Hypothesis draws a case; that is the index's randomness, not the strategies'.
pytestmark = [pytest.mark.store, pytest.mark.filterwarnings("ignore:Do not use the `random` module inside strategies")]

# Each write: method, address (with {slug} for a hostile or real name), the real name, its body.
WRITES = {
    "create claim": ("POST", "/api/claims", None, CLAIM_SPEC),
    "edit claim": ("PUT", "/api/claims/{slug}", ("claim", CLAIM), CLAIM_SPEC),
    "add source": ("POST", "/api/claims/{slug}/sources", ("claim", CLAIM), SOURCE_SPEC),
    "edit source": ("PUT", "/api/sources/{slug}", ("source", SOURCE), SOURCE_SPEC),
    "add event": ("POST", "/api/claims/{slug}/events", ("claim", CLAIM), EVENT_SPEC),
    "edit event": ("PUT", "/api/events/{slug}", ("event", EVENT), EVENT_SPEC),
    "create entity": ("POST", "/api/entities", None, ENTITY_SPEC),
    "edit entity": ("PUT", "/api/entities/{slug}", ("entity", ENTITY), ENTITY_SPEC),
    "add media": ("POST", "/api/claims/{slug}/media", ("claim", CLAIM), MEDIA_SPEC),
    "withdraw claim": ("POST", "/api/claims/{slug}/retract", ("claim", CLAIM), {"reason": hostile_text}),
    "withdraw source": ("POST", "/api/sources/{slug}/retract", ("source", SOURCE), {"reason": hostile_text}),
    "withdraw event": ("POST", "/api/events/{slug}/retract", ("event", EVENT), {"reason": hostile_text}),
    "withdraw entity": ("POST", "/api/entities/{slug}/retract", ("entity", ENTITY), {"reason": hostile_text}),
}
# 405: a hostile name with a "/" can land on another route of the API.
WRITE_REFUSALS = {400, 401, 404, 405, 409, 413, 415, 422}
READS = (
    "/api/claims",
    "/api/claims/{slug}",
    "/api/claims/{slug}/history",
    "/api/sources/{slug}",
    "/api/events/{slug}",
    "/api/entities",
    "/api/entities/{slug}",
    "/api/revisions",
    "/api/revisions/{number}",
    "/api/openapi.json",
)


@pytest.fixture
def api(app: Flask, accounts: Any) -> tuple[FlaskClient, str]:
    return app.test_client(), accounts.create_token(EDITOR_NAME)


def _version(app: Flask, kind: str, slug: str) -> int:
    from webapp.editor import get_editor

    with app.app_context():
        return int(getattr(get_editor(), f"{kind}_values")(slug)["version"])


authorization = st.one_of(
    st.just("valid"),
    st.just("valid"),
    st.just("valid"),
    st.none(),
    st.builds(
        lambda scheme, token: f"{scheme} {token}", st.sampled_from(["Bearer", "bearer", "Basic", ""]), hostile_text
    ),
)
raw_bodies = st.one_of(
    st.binary(max_size=200),
    st.sampled_from([b"", b"{", b'{"text": "x"', b"[1, 2]", b"null", b'"text"', b"\xff\xfe{}", b'{"a": NaN}']),
    json_values.map(json_body),
)


@settings(max_examples=budget(2.5))
@given(write=st.sampled_from(sorted(WRITES)), data=st.data())
def test_every_api_write(
    api: tuple[FlaskClient, str], app: Flask, kb: KnowledgeBase, write: str, data: st.DataObject
) -> None:
    count("api")
    client, token = api
    method, address, target, spec = WRITES[write]
    url = address
    body: dict[str, Any] | None = None
    if target is not None:
        kind, slug = target
        slug = data.draw(st.one_of(st.just(slug), st.just(slug), hostile_text), label="slug")
        url = address.format(slug=path_segment(slug))
    shape = data.draw(st.sampled_from(["object", "object", "object", "raw"]), label="shape")
    if shape == "object":
        body = data.draw(json_fields(spec), label="body")
        if target is not None and "version" not in body:
            version = data.draw(st.one_of(st.none(), json_values), label="version")
            if version is None and slug == target[1]:
                version = _version(app, target[0], slug)
            body["version"] = version
        payload = json_body(body)
    else:
        payload = data.draw(raw_bodies, label="raw body")
    content_type = data.draw(
        st.one_of(st.just("application/json"), st.just("application/json"), hostile_text), label="content type"
    )
    auth = data.draw(authorization, label="authorization")
    headers = {"Content-Type": header_value(content_type)}
    if auth:
        headers["Authorization"] = f"Bearer {token}" if auth == "valid" else header_value(auth)
    before = fingerprint(kb)
    response = client.open(url, method=method, data=payload, headers=headers)
    if response.status_code in (200, 201):
        assert response.mimetype == "application/json"
        revision = response.get_json().get("revision")
        after = fingerprint(kb)
        if revision is None:
            assert after == before, "an answer without a revision changed the store"
        else:
            assert after.revisions == before.revisions + 1 == revision, (before, after, revision)
        return
    if response.status_code == 308:  # "//" in the address: the same one with slashes merged
        assert response.headers["Location"].startswith("http://localhost/api/")
    else:
        assert_json_error(response, WRITE_REFUSALS)
    assert_unchanged(kb, before, f"{write} answered {response.status_code}")


@settings(max_examples=budget(0.6))
@given(
    address=st.sampled_from(READS),
    slug=st.one_of(st.sampled_from([CLAIM, SOURCE, EVENT, ENTITY]), hostile_text),
    number=st.one_of(st.integers(0, 30), st.integers(-5, 10**30), hostile_text),
    params=st.dictionaries(st.sampled_from(["limit", "page", "q", "format"]), hostile_text, max_size=2),
)
def test_every_api_read(
    api: tuple[FlaskClient, str], kb: KnowledgeBase, address: str, slug: str, number: Any, params: dict[str, str]
) -> None:
    count("api")
    client, _token = api
    before = fingerprint(kb)
    url = address.format(slug=path_segment(slug), number=path_segment(str(number)))
    response = client.get(url + ("?" + query_string(params) if params else ""))
    if response.status_code == 200:
        assert response.mimetype == "application/json" and isinstance(response.get_json(), dict)
    elif response.status_code == 308:
        assert response.headers["Location"].startswith("http://localhost/api/")
    else:  # an unknown name, or a list's page or size that is no number in range
        assert_json_error(response, {400, 404})
    assert_unchanged(kb, before, f"a read of {url}")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("text", "Example \ud800 Org sells hats."),
        ("name", "\udfff"),
        ("note", "A note \udbff"),
        ("topics", ["\ud800"]),
        ("about", ["tiktok", "x\udfff"]),
        ("version", True),
        ("version", 1.5),
        ("version", float("inf")),
    ],
)
def test_values_no_store_can_hold_are_refused_by_their_field(
    api: tuple[FlaskClient, str], app: Flask, kb: KnowledgeBase, field: str, value: Any
) -> None:
    """Lone surrogates (JSON escapes), booleans and fractions as versions: 422 naming the field."""
    client, token = api
    body = {"text": "Example Org sells hats.", "claim_type": "statement", "claimant": "tiktok", "reason": "Test"}
    body["version"] = _version(app, "claim", CLAIM)
    body[field] = value
    before = fingerprint(kb)
    response = client.put(
        f"/api/claims/{CLAIM}",
        data=json_body(body),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    error = assert_json_error(response, {422})
    assert field in error["details"]["fields"], error
    assert_unchanged(kb, before, "a refused value")
