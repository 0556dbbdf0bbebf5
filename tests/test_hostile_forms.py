"""Hostile input through every editor form, logged in for real with the form's CSRF token.

Each case posts generated values (valid ones mixed with injection payloads, control characters,
NUL, lone surrogates sent as invalid UTF-8, very long strings) and checks: a status we expect with a
message a person can read, never a server error; a refused case leaves the store exactly as it was;
an accepted one adds exactly one revision and the page it leads to renders without active content.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.knowledge import KnowledgeBase
from tests.helpers import EDITOR_NAME, EDITOR_PASSWORD, csrf_token, login
from tests.hostile import (
    CLAIM,
    CLAIM_SPEC,
    ENTITY,
    ENTITY_SPEC,
    EVENT,
    EVENT_SPEC,
    SOURCE,
    SOURCE_SPEC,
    Fingerprint,
    active_content,
    assert_page_message,
    assert_unchanged,
    budget,
    count,
    field,
    fingerprint,
    form_body,
    form_fields,
    hostile_text,
    messages,
    path_segment,
)

# The search index now follows revisions in a background thread, whose whoosh writer draws random
# segment names while Hypothesis draws a case; that is the index's randomness, not the strategies'.
pytestmark = [pytest.mark.store, pytest.mark.filterwarnings("ignore:Do not use the `random` module inside strategies")]

CLAIM_FIELDS = form_fields(CLAIM_SPEC | {"action": field("save", "preview")})
SOURCE_FIELDS = form_fields(SOURCE_SPEC)
EVENT_FIELDS = form_fields(EVENT_SPEC)
ENTITY_FIELDS = form_fields(ENTITY_SPEC)

hostile_version = st.one_of(st.integers(-(10**12), 10**12).map(str), hostile_text)
hostile_slug = st.one_of(hostile_text, st.from_regex(r"[a-z0-9-]{1,30}", fullmatch=True))


class Editor:
    """One logged-in editor's client, posting raw urlencoded bodies with the session's CSRF token."""

    def __init__(self, app: Flask, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.client = app.test_client()
        assert login(self.client).status_code == 302
        self.token = csrf_token(self.client.get("/claims/new").text)

    def post(self, url: str, data: dict[str, Any]) -> Any:
        body = form_body({"csrf_token": self.token, **data})
        return self.client.post(url, data=body, content_type="application/x-www-form-urlencoded")

    def outcome(self, before: Fingerprint, response: Any, refused: set[int]) -> None:
        """Accepted: one revision (none if nothing changed) and a page that renders. Refused: nothing."""
        if response.status_code == 302:
            after = fingerprint(self.kb)
            assert after.revisions - before.revisions in (0, 1), (before, after)
            if after.revisions == before.revisions:
                assert after == before, "a save that made no revision changed the store"
            page = self.client.get(response.headers["Location"])
            assert page.status_code == 200, page.text[:500]
            assert not active_content(page.text)
            return
        if response.status_code == 200:  # a preview: the form again, nothing written
            assert not active_content(response.text)
        else:
            assert_page_message(response, refused)
        assert_unchanged(self.kb, before, f"{response.status_code} answer")

    def version(self, kind: str, slug: str) -> int:
        from webapp.editor import get_editor

        with self.client.application.app_context():
            values = getattr(get_editor(), f"{kind}_values")(slug)
        return int(values["version"])


@pytest.fixture
def editor(app: Flask, kb: KnowledgeBase, accounts: Any) -> Editor:
    return Editor(app, kb)


def _with_version(editor: Editor, kind: str, slug: str, data: dict[str, Any], version: str | None) -> dict[str, Any]:
    """The form's own version unless the case brings a hostile one."""
    return {**data, "version": version if version is not None else str(editor.version(kind, slug))}


def _new_claim(editor: Editor, draw: Any) -> None:
    before = fingerprint(editor.kb)
    editor.outcome(before, editor.post("/claims/new", draw(CLAIM_FIELDS)), {422})


def _edit(url: str, kind: str, slug: str, strategy: st.SearchStrategy[dict[str, Any]]) -> Any:
    def case(editor: Editor, draw: Any) -> None:
        before = fingerprint(editor.kb)
        data = _with_version(editor, kind, slug, draw(strategy), draw(st.one_of(st.none(), hostile_version)))
        editor.outcome(before, editor.post(url, data), {409, 422})

    return case


def _new_entity(editor: Editor, draw: Any) -> None:
    before = fingerprint(editor.kb)
    editor.outcome(before, editor.post("/entities/new", draw(ENTITY_FIELDS)), {422})


def _hostile_address(editor: Editor, draw: Any) -> None:
    """An address that names nothing is 404 with a sentence, for the form and for its POST."""
    slug, kind = draw(hostile_slug), draw(st.sampled_from(["claims", "sources", "events", "entities"]))
    before = fingerprint(editor.kb)
    url = f"/{kind}/{path_segment(slug)}/edit"
    page = editor.client.get(url)
    if page.status_code == 308:  # "//" in the path: the same address with the slashes merged
        assert page.headers["Location"].startswith("http://localhost/"), page.headers["Location"]
        return
    # A slug with a "/" in it may reach another route, one that takes no POST: 405, with its page.
    assert_page_message(page, {200, 404})
    editor.outcome(before, editor.post(url, {"text": slug, "name": slug, "headline": slug}), {404, 405, 409, 422})


def _withdraw(editor: Editor, draw: Any) -> None:
    """Withdrawing answers with a redirect and a flash saying what happened; refused, nothing changes."""
    kind, noun, slug = draw(
        st.sampled_from([("claims", "claim", CLAIM), ("sources", "source", SOURCE), ("events", "event", EVENT)])
    )
    reason = draw(st.one_of(st.none(), field("Duplicate (test)", "")))
    before = fingerprint(editor.kb)
    data = _with_version(editor, noun, slug, {"reason": reason}, draw(st.one_of(st.none(), hostile_version)))
    response = editor.post(f"/{kind}/{slug}/retract", data)
    assert response.status_code == 302
    flashes = " ".join(messages(editor.client.get(response.headers["Location"]).text).get("flash", []))
    after = fingerprint(editor.kb)
    if "Not withdrawn" in flashes:
        assert after == before, f"partial write by a refused withdrawal: {before} -> {after}"
    else:
        assert "Withdrawn" in flashes or "Nothing changed" in flashes, flashes
        assert after.revisions - before.revisions in (0, 1)


def _revert(editor: Editor, draw: Any) -> None:
    # Revision 1 is the seed: reverting it is allowed and would empty the store under the later cases.
    number = draw(st.one_of(st.just(0), st.integers(2, 40), st.integers(41, 10**30)))
    before = fingerprint(editor.kb)
    response = editor.post(f"/revisions/{number}/revert", {"reason": draw(st.one_of(st.none(), hostile_text))})
    editor.outcome(before, response, {404, 409, 422})


def _preview(editor: Editor, draw: Any) -> None:
    """The preview fragment renders any note without active content, or says it is too long."""
    before = fingerprint(editor.kb)
    response = editor.post("/editor/preview", {"note": draw(hostile_text)})
    assert response.status_code in (200, 422), response.status_code
    if response.status_code == 422:
        assert messages(response.text).get("field-error")
    assert not active_content(response.text), response.text[:500]
    assert_unchanged(editor.kb, before, "a preview")


FORMS = {
    "new claim": _new_claim,
    "edit claim": _edit(f"/claims/{CLAIM}/edit", "claim", CLAIM, CLAIM_FIELDS),
    "new source": _edit(f"/claims/{CLAIM}/sources/new", "claim", CLAIM, SOURCE_FIELDS),
    "edit source": _edit(f"/sources/{SOURCE}/edit", "source", SOURCE, SOURCE_FIELDS),
    "new evidence": _edit(f"/claims/{CLAIM}/evidence/new", "claim", CLAIM, EVENT_FIELDS),
    "edit evidence": _edit(f"/events/{EVENT}/edit", "event", EVENT, EVENT_FIELDS),
    "new entity": _new_entity,
    "edit entity": _edit(f"/entities/{ENTITY}/edit", "entity", ENTITY, ENTITY_FIELDS),
    "hostile address": _hostile_address,
    "withdraw": _withdraw,
    "revert": _revert,
    "preview": _preview,
}


@settings(max_examples=budget(4.0))
@given(form=st.sampled_from(sorted(FORMS)), data=st.data())
def test_every_editor_form(editor: Editor, form: str, data: st.DataObject) -> None:
    count("forms")
    FORMS[form](editor, data.draw)


@settings(max_examples=budget(0.12))
@given(
    name=field(EDITOR_NAME, "", extra=st.just(EDITOR_NAME.upper())),
    password=field(EDITOR_PASSWORD, "", extra=st.just(EDITOR_PASSWORD + " ")),
    next_url=st.one_of(st.none(), field("/claims", "//evil.example", "https://evil.example/")),
    address=st.integers(1, 2**24),
)
def test_login_form(
    app: Flask, kb: KnowledgeBase, accounts: Any, name: str, password: str, next_url: str | None, address: int
) -> None:
    """Logging in answers 302 (to a path on this site), 401 or 429, and never writes to the store."""
    count("forms")
    client = app.test_client()
    environ = {"REMOTE_ADDR": f"10.{address >> 16 & 255}.{address >> 8 & 255}.{address & 255}"}
    token = csrf_token(client.get("/login", environ_base=environ).text)
    before = fingerprint(kb)
    body = form_body({"csrf_token": token, "name": name, "password": password, "next": next_url})
    response = client.post("/login", data=body, content_type="application/x-www-form-urlencoded", environ_base=environ)
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/") and not response.headers["Location"].startswith("//")
    else:
        assert_page_message(response, {401, 429})
    assert_unchanged(kb, before, "a login")
