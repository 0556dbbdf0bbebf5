"""The editor's pages: logging in, the forms (happy paths and bad input), CSRF, conflicts, history, revert."""

from __future__ import annotations

from typing import Any

import html5lib
import pytest
from flask.testing import FlaskClient

from kb.knowledge import KnowledgeBase
from tests.helpers import EDITOR_NAME, EDITOR_PASSWORD, csrf_token, login

pytestmark = pytest.mark.store  # on the embedded store and again on a SPARQL server

CLAIM = "fbt-job-listings"  # a seed claim


# --- helpers: HTML through a parser, and the state of the store ------------------------------------


def parse(html: str) -> Any:
    return html5lib.parse(html, namespaceHTMLElements=False)


def field_errors(html: str) -> dict[str, list[str]]:
    """Messages shown inside each field's box, by the field's name."""
    found: dict[str, list[str]] = {}
    for div in parse(html).iter("div"):
        if "field" not in (div.get("class") or "").split():
            continue
        controls = [el for el in div.iter() if el.tag in ("input", "select", "textarea") and el.get("name")]
        messages = [p.text or "" for p in div.iter("p") if "field-error" in (p.get("class") or "")]
        if controls and messages:
            found.setdefault(controls[0].get("name"), []).extend(messages)
    return found


def has_field(html: str, name: str) -> bool:
    return any(el.get("name") == name and el.tag in ("input", "textarea", "select") for el in parse(html).iter())


def field_value(html: str, name: str) -> Any:
    for el in parse(html).iter():
        if el.get("name") != name or el.tag not in ("input", "textarea", "select"):
            continue
        if el.tag == "textarea":
            return el.text or ""
        if el.tag == "select":
            return [o.get("value") for o in el.iter("option") if o.get("selected") is not None]
        return el.get("value")
    raise AssertionError(f"no field {name}")


def texts(html: str, tag: str, cls: str | None = None) -> list[str]:
    return [
        "".join(el.itertext()).strip()
        for el in parse(html).iter(tag)
        if cls is None or cls in (el.get("class") or "").split()
    ]


def links(html: str) -> dict[str, str]:
    return {"".join(a.itertext()).strip(): a.get("href") for a in parse(html).iter("a")}


def snapshot(kb: KnowledgeBase) -> tuple[int, set]:
    return kb.repository.revision_count(), set(kb.store.quads())


def post_form(client: FlaskClient, url: str, data: dict[str, Any]) -> Any:
    page = client.get(url)
    assert page.status_code == 200, page.text
    form = {"csrf_token": csrf_token(page.text)}
    if "version" not in data and has_field(page.text, "version"):
        form["version"] = field_value(page.text, "version")
    form.update(data)
    return client.post(url, data=form)


def claim_version(client: FlaskClient, slug: str = CLAIM) -> int:
    return int(client.get(f"/api/claims/{slug}").json["version"])


# --- logging in ---------------------------------------------------------------------------------------


def test_login_sets_a_safe_session_cookie_and_logout_ends_it(client: FlaskClient, accounts: Any) -> None:
    response = login(client)
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    home = client.get("/")
    assert any(f"Log out {EDITOR_NAME}" in t for t in texts(home.text, "button"))
    client.post("/logout", data={"csrf_token": csrf_token(home.text)})
    assert client.get("/claims/new").status_code == 302


def test_session_cookie_is_secure_over_https(app: Any, accounts: Any) -> None:
    client = app.test_client()
    page = client.get("/login", base_url="https://localhost")
    response = client.post(
        "/login",
        base_url="https://localhost",
        data={"csrf_token": csrf_token(page.text), "name": EDITOR_NAME, "password": EDITOR_PASSWORD},
    )
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]


def test_secure_cookies_can_be_forced_behind_a_tls_proxy(make_app: Any) -> None:
    app = make_app(secure_cookies="1")
    app.extensions["claimkb_accounts"].add(EDITOR_NAME, "editor", EDITOR_PASSWORD)
    response = login(app.test_client())
    assert response.status_code == 302 and "Secure" in response.headers["Set-Cookie"]


def test_wrong_password_is_refused(client: FlaskClient, accounts: Any) -> None:
    response = login(client, password="not the password")
    assert response.status_code == 401
    assert "do not match" in " ".join(texts(response.text, "p", "form-errors"))
    assert client.get("/claims/new").status_code == 302


def test_repeated_failed_logins_are_slowed_down_per_account(client: FlaskClient, accounts: Any) -> None:
    for _ in range(5):
        assert login(client, password="wrong guess").status_code == 401
    refused = login(client)  # even the right password waits now
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Too many failed logins" in refused.text
    assert client.get("/claims/new").status_code == 302


def test_repeated_failed_logins_are_slowed_down_per_address(app: Any, accounts: Any) -> None:
    client = app.test_client()
    for n in range(30):
        assert login(client, name=f"nobody-{n}", password="guess").status_code == 401
    assert login(client).status_code == 429


def test_disabled_editor_cannot_log_in_and_is_logged_out(app: Any, accounts: Any) -> None:
    client = app.test_client()
    assert login(client).status_code == 302
    accounts.disable(EDITOR_NAME)
    assert client.get("/claims/new").status_code == 302  # the open session no longer counts
    other = app.test_client()
    assert login(other).status_code == 401
    assert other.get("/claims/new").status_code == 302


def test_login_redirects_only_within_the_site(client: FlaskClient, accounts: Any) -> None:
    page = client.get("/login?next=https://evil.example.org/")
    response = client.post(
        "/login",
        data={
            "csrf_token": csrf_token(page.text),
            "name": EDITOR_NAME,
            "password": EDITOR_PASSWORD,
            "next": "https://evil.example.org/",
        },
    )
    assert response.headers["Location"] == "/"


# --- readers and CSRF -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/claims/new",
        f"/claims/{CLAIM}/edit",
        f"/claims/{CLAIM}/sources/new",
        f"/claims/{CLAIM}/evidence/new",
        "/entities/new",
        "/entities/tiktok/edit",
        "/sources/axios-scoop-2022-10-11/edit",
    ],
)
def test_readers_cannot_reach_editor_pages(client: FlaskClient, kb: KnowledgeBase, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    before = snapshot(kb)
    assert client.post(url, data={"text": "x"}).status_code == 403
    assert client.post("/revisions/1/revert", data={}).status_code == 403
    assert snapshot(kb) == before


def test_readers_see_no_edit_links(client: FlaskClient, editor_client: FlaskClient) -> None:
    page = client.get(f"/claims/{CLAIM}").text
    assert "Edit" not in links(page) and "Add evidence" not in links(page)
    page = editor_client.get(f"/claims/{CLAIM}").text
    found = links(page)
    assert found["Edit"] == f"/claims/{CLAIM}/edit"
    assert found["Add evidence"] == f"/claims/{CLAIM}/evidence/new"
    assert found["Add source"] == f"/claims/{CLAIM}/sources/new"
    assert links(editor_client.get("/sources/axios-scoop-2022-10-11").text)["Edit"] == (
        "/sources/axios-scoop-2022-10-11/edit"
    )
    assert links(editor_client.get("/entities/tiktok").text)["Edit"] == "/entities/tiktok/edit"
    assert links(editor_client.get("/entities").text)["Add a person or organisation"] == "/entities/new"


def test_post_without_or_with_a_wrong_csrf_token_is_refused(editor_client: FlaskClient, kb: KnowledgeBase) -> None:
    before = snapshot(kb)
    data = {"text": "Example Org sells hats.", "claim_type": "statement", "claimant": "tiktok"}
    missing = editor_client.post("/claims/new", data=data)
    assert missing.status_code == 400
    assert "CSRF" in " ".join(texts(missing.text, "p", "error-message"))
    wrong = editor_client.post("/claims/new", data={**data, "csrf_token": "forged"})
    assert wrong.status_code == 400
    assert editor_client.post("/login", data={"name": EDITOR_NAME, "password": EDITOR_PASSWORD}).status_code == 400
    assert snapshot(kb) == before


# --- new claim ------------------------------------------------------------------------------------


def test_new_claim_happy_path(editor_client: FlaskClient, kb: KnowledgeBase) -> None:
    count = kb.repository.revision_count()
    response = post_form(
        editor_client,
        "/claims/new",
        {
            "text": "Example Org will sell hats on the moon.",
            "name": "Hats on the moon",
            "claim_type": "prediction",
            "new_claimant_name": "Example Org",
            "new_claimant_kind": "Organization",
            "claimed_on": "2024-01-02",
            "deadline": "2030-01-01",
            "about": ["tiktok"],
            "topics": ["e-commerce"],
            "note": "Made up for a test, **bold**.",
        },
    )
    assert response.status_code == 302
    slug = response.headers["Location"].rsplit("/", 1)[1]
    page = editor_client.get(response.headers["Location"])
    assert "Claim added" in " ".join(texts(page.text, "p", "flash"))
    assert texts(page.text, "h1", "claim-text") == ["Example Org will sell hats on the moon."]
    assert "Example Org" in links(page.text)
    assert "bold" in texts(page.text, "strong")
    assert kb.repository.revision_count() == count + 1
    assert editor_client.get("/entities/example-org").status_code == 200
    assert slug == "hats-on-the-moon"


NEW_CLAIM = {"text": "Example Org sells hats.", "claim_type": "statement", "claimant": "tiktok"}


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"text": ""}, "text", "required"),
        ({"claimed_on": "2024-13-45"}, "claimed_on", "date like"),
        ({"text": "x" * 2001}, "text", "too long"),
        ({"note": "Hello <script>alert(1)</script>"}, "note", "not allowed"),
        ({"claimant": "no-such-entity"}, "claimant", "no person or organisation"),
        ({"claim_type": "prediction"}, "deadline", "needs a deadline"),
        ({"claim_type": "gossip"}, "claim_type", "must be one of"),
    ],
)
def test_new_claim_bad_input_is_shown_by_its_field_and_nothing_is_written(
    editor_client: FlaskClient, kb: KnowledgeBase, change: dict, field: str, words: str
) -> None:
    before = snapshot(kb)
    data = {**NEW_CLAIM, **change}
    response = post_form(editor_client, "/claims/new", data)
    assert response.status_code == 422
    errors = field_errors(response.text)
    assert any(words in message for message in errors.get(field, [])), errors
    if field in ("text", "note", "claimed_on"):
        assert field_value(response.text, field) == data[field]  # what was typed is kept
    assert snapshot(kb) == before


def test_preview_renders_the_note_and_writes_nothing(editor_client: FlaskClient, kb: KnowledgeBase) -> None:
    before = snapshot(kb)
    response = post_form(editor_client, "/claims/new", {**NEW_CLAIM, "note": "Some *emphasis*", "action": "preview"})
    assert response.status_code == 200
    assert "emphasis" in texts(response.text, "em")
    assert field_value(response.text, "note") == "Some *emphasis*"
    page = editor_client.get("/claims/new")
    fragment = editor_client.post(
        "/editor/preview", data={"csrf_token": csrf_token(page.text), "note": "**x** <script>bad()</script>"}
    )
    assert "x" in texts(fragment.text, "strong") and not list(parse(fragment.text).iter("script"))
    assert snapshot(kb) == before


# --- edit claim -----------------------------------------------------------------------------------


def test_edit_claim_happy_path_and_history_shows_the_diff(editor_client: FlaskClient, kb: KnowledgeBase) -> None:
    url = f"/claims/{CLAIM}/edit"
    page = editor_client.get(url)
    old_text = field_value(page.text, "text")
    data = {k: field_value(page.text, k) for k in ("text", "name", "claim_type", "claimant", "claimed_on", "note")}
    about = [el.get("value") for el in parse(page.text).iter("input") if el.get("name") == "about"]
    data.update(about=[v for v in about if v], topics=field_value(page.text, "topics"))
    data["claim_type"] = data["claim_type"][0]
    data["text"] = "Reworded for a test: " + old_text
    data["reason"] = "Clearer wording"
    response = post_form(editor_client, url, data)
    assert response.status_code == 302
    claim_page = editor_client.get(f"/claims/{CLAIM}")
    assert texts(claim_page.text, "h1", "claim-text") == [data["text"]]
    history = editor_client.get(f"/claims/{CLAIM}/history")
    reasons = texts(history.text, "p", "reason")
    assert reasons[0] == "Clearer wording"
    first = parse(history.text).find(".//table")
    cells = ["".join(td.itertext()) for td in first.iter("td")]
    assert "text" in cells and old_text in cells and data["text"] in cells


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"claim_type": ""}, "claim_type", "required"),
        ({"deadline": "31/12/2025"}, "deadline", "date like"),
        ({"note": "<img src=x onerror=alert(1)>"}, "note", "not allowed"),
        ({"name": "n" * 121}, "name", "too long"),
        ({"claim_type": "prediction", "deadline": "2020-01-01"}, "reason", "say why"),
    ],
)
def test_edit_claim_bad_input_writes_nothing(
    editor_client: FlaskClient, kb: KnowledgeBase, change: dict, field: str, words: str
) -> None:
    before = snapshot(kb)
    data = {"text": "Some text.", "claim_type": "statement", "claimant": "axios", **change}
    response = post_form(editor_client, f"/claims/{CLAIM}/edit", data)
    assert response.status_code == 422
    assert any(words in m for m in field_errors(response.text).get(field, [])), field_errors(response.text)
    assert snapshot(kb) == before


def test_two_editors_editing_one_claim_one_wins_the_other_sees_the_conflict(
    app: Any, editor_client: FlaskClient, accounts: Any, kb: KnowledgeBase
) -> None:
    accounts.add("second-editor", "editor", EDITOR_PASSWORD)
    other = app.test_client()
    assert login(other, "second-editor").status_code == 302
    url = f"/claims/{CLAIM}/edit"
    first_page, second_page = editor_client.get(url), other.get(url)
    base = {"claim_type": "statement", "claimant": "axios", "version": field_value(first_page.text, "version")}
    won = editor_client.post(url, data={**base, "csrf_token": csrf_token(first_page.text), "text": "First wording."})
    assert won.status_code == 302
    count = kb.repository.revision_count()
    lost = other.post(url, data={**base, "csrf_token": csrf_token(second_page.text), "text": "Second wording."})
    assert lost.status_code == 409
    alert = " ".join(texts(lost.text, "div", "conflict"))
    assert "someone else saved a newer version" in alert.lower()
    assert "First wording." in alert  # what changed meanwhile
    assert field_value(lost.text, "text") == "Second wording."  # the loser's text is not lost
    assert kb.repository.revision_count() == count
    assert texts(other.get(f"/claims/{CLAIM}").text, "h1", "claim-text") == ["First wording."]


def test_retracting_a_claim_keeps_it_in_the_history(editor_client: FlaskClient, kb: KnowledgeBase) -> None:
    page = editor_client.get(f"/claims/{CLAIM}/edit")
    token = csrf_token(page.text)
    version = field_value(page.text, "version")
    refused = editor_client.post(f"/claims/{CLAIM}/retract", data={"csrf_token": token, "version": version})
    assert refused.status_code == 302
    assert CLAIM in {c.slug for c in kb.claims()}
    done = editor_client.post(
        f"/claims/{CLAIM}/retract", data={"csrf_token": token, "version": version, "reason": "Duplicate (test)"}
    )
    assert done.status_code == 302
    assert CLAIM not in {c.slug for c in kb.claims()}
    assert "withdrawn" in " ".join(texts(editor_client.get(f"/claims/{CLAIM}").text, "p", "kicker"))
    assert "Duplicate (test)" in texts(editor_client.get(f"/claims/{CLAIM}/history").text, "p", "reason")


# --- sources --------------------------------------------------------------------------------------


def test_add_source_with_a_quote(editor_client: FlaskClient, kb: KnowledgeBase) -> None:
    response = post_form(
        editor_client,
        f"/claims/{CLAIM}/sources/new",
        {
            "headline": "Example report on the listings",
            "url": "https://example.org/report",
            "publisher": "axios",
            "published": "2022-10-13",
            "derived_from": "axios-scoop-2022-10-11",
            "derivation_kind": "report",
            "quote_exact": "job listings",
        },
    )
    assert response.status_code == 302
    page = editor_client.get(f"/claims/{CLAIM}").text
    assert "Example report on the listings" in links(page)
    assert "job listings" in texts(page, "mark")
    source = editor_client.get("/sources/example-report-on-the-listings").text
    assert "https://example.org/report" in links(source)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"headline": ""}, "headline", "required"),
        ({"url": "javascript:alert(1)"}, "url", "http:// or https://"),
        ({"published": "yesterday"}, "published", "date like"),
        ({"quote_exact": "q" * 1001}, "quote_exact", "too long"),
        ({"note": "<script>x</script>"}, "note", "not allowed"),
        ({"derived_from": "no-such-source"}, "derived_from", "no source"),
    ],
)
def test_add_source_bad_input_writes_nothing(
    editor_client: FlaskClient, kb: KnowledgeBase, change: dict, field: str, words: str
) -> None:
    before = snapshot(kb)
    data = {"headline": "A headline", "url": "https://example.org/a", **change}
    response = post_form(editor_client, f"/claims/{CLAIM}/sources/new", data)
    assert response.status_code == 422
    assert any(words in m for m in field_errors(response.text).get(field, [])), field_errors(response.text)
    assert field_value(response.text, "headline") == data["headline"]
    assert snapshot(kb) == before


def test_edit_source(editor_client: FlaskClient) -> None:
    url = "/sources/axios-scoop-2022-10-11/edit"
    page = editor_client.get(url).text
    data = {"headline": "Edited headline (test)", "kind": "NewsArticle", "publisher": "axios"}
    data["published"] = field_value(page, "published")
    assert post_form(editor_client, url, data).status_code == 302
    assert texts(editor_client.get("/sources/axios-scoop-2022-10-11").text, "h1") == ["Edited headline (test)"]
    bad = post_form(editor_client, url, {**data, "url": "ftp://example.org/x"})
    assert bad.status_code == 422 and "url" in field_errors(bad.text)
    page = editor_client.get(url).text
    withdrawn = editor_client.post(
        "/sources/axios-scoop-2022-10-11/retract",
        data={"csrf_token": csrf_token(page), "version": field_value(page, "version"), "reason": "Test withdrawal"},
    )
    assert withdrawn.status_code == 302
    history = editor_client.get("/changes").text
    assert "Test withdrawal" in texts(history, "p", "reason")


# --- evidence -------------------------------------------------------------------------------------


def test_add_evidence_changes_the_status_with_a_reason(editor_client: FlaskClient, kb: KnowledgeBase) -> None:
    created = post_form(editor_client, "/claims/new", {**NEW_CLAIM, "text": "Example Org will open a test shop."})
    slug = created.headers["Location"].rsplit("/", 1)[1]
    response = post_form(
        editor_client,
        f"/claims/{slug}/evidence/new",
        {
            "date": "2024-05-06",
            "stance": "denies",
            "title": "Example Org denies it",
            "actor": "tiktok",
            "source": "axios-scoop-2022-10-11",
            "quote_exact": "job listings",
            "note": "A made-up denial for a test.",
            "reason": "Denial reported",
        },
    )
    assert response.status_code == 302
    page = editor_client.get(f"/claims/{slug}").text
    assert "Example Org denies it" in texts(page, "h3", "event-title")
    claim = parse(page).find(".//article")
    assert claim.get("data-status") == "denied"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"stance": ""}, "stance", "required"),
        ({"date": "2024-02-30"}, "date", "date like"),
        ({"reason": ""}, "reason", "say why"),
        ({"note": "n" * 20001}, "note", "too long"),
        ({"source": "no-such-source"}, "source", "no source"),
        ({"note": "<script>alert(1)</script>"}, "note", "not allowed"),
    ],
)
def test_add_evidence_bad_input_writes_nothing(
    editor_client: FlaskClient, kb: KnowledgeBase, change: dict, field: str, words: str
) -> None:
    before = snapshot(kb)
    data = {"date": "2024-05-06", "stance": "resolves-false", "reason": "Test", **change}
    response = post_form(editor_client, f"/claims/{CLAIM}/evidence/new", data)
    assert response.status_code == 422
    assert any(words in m for m in field_errors(response.text).get(field, [])), field_errors(response.text)
    assert field_value(response.text, "date") == data["date"]
    assert snapshot(kb) == before


def test_edit_and_withdraw_evidence(editor_client: FlaskClient, kb: KnowledgeBase) -> None:
    event = "axios-reports-fbt-listings"
    page = editor_client.get(f"/events/{event}/edit").text
    data = {"date": field_value(page, "date"), "stance": "supports", "title": "Edited title (test)"}
    assert post_form(editor_client, f"/events/{event}/edit", data).status_code == 302
    assert "Edited title (test)" in texts(editor_client.get(f"/claims/{CLAIM}").text, "h3", "event-title")
    page = editor_client.get(f"/events/{event}/edit").text
    response = editor_client.post(
        f"/events/{event}/retract",
        data={"csrf_token": csrf_token(page), "version": field_value(page, "version"), "reason": "Test withdrawal"},
    )
    assert response.status_code == 302
    items = [
        li for li in parse(editor_client.get(f"/claims/{CLAIM}").text).iter("li") if "event" in (li.get("class") or "")
    ]
    assert any("retracted" in li.get("class") for li in items)


# --- entities -------------------------------------------------------------------------------------


def test_new_and_edited_entity_with_wikidata(editor_client: FlaskClient) -> None:
    response = post_form(
        editor_client, "/entities/new", {"name": "Example Person", "kind": "Person", "wikidata": "Q4115189"}
    )
    assert response.status_code == 302
    page = editor_client.get("/entities/example-person").text
    assert links(page)["Q4115189"] == "https://www.wikidata.org/wiki/Q4115189"
    edited = post_form(
        editor_client,
        "/entities/example-person/edit",
        {"name": "Example Person", "kind": "Person", "wikidata": "https://www.wikidata.org/wiki/Q42"},
    )
    assert edited.status_code == 302
    assert "Q42" in links(editor_client.get("/entities/example-person").text)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"name": ""}, "name", "required"),
        ({"wikidata": "X12"}, "wikidata", "looks like"),
        ({"name": "n" * 121}, "name", "too long"),
        ({"kind": "Robot"}, "kind", "must be one of"),
        ({"note": "<iframe src=x></iframe>"}, "note", "not allowed"),
    ],
)
def test_new_entity_bad_input_writes_nothing(
    editor_client: FlaskClient, kb: KnowledgeBase, change: dict, field: str, words: str
) -> None:
    before = snapshot(kb)
    response = post_form(editor_client, "/entities/new", {"name": "Example Org", "kind": "Organization", **change})
    assert response.status_code == 422
    assert any(words in m for m in field_errors(response.text).get(field, [])), field_errors(response.text)
    assert snapshot(kb) == before


# --- history and revert ---------------------------------------------------------------------------


def test_revert_restores_exactly_the_earlier_triples(editor_client: FlaskClient, kb: KnowledgeBase) -> None:
    claim = kb.iris.claim(CLAIM)
    before = {t for t in kb.repository.describe([claim]) if "version" not in str(t[1])}
    page = editor_client.get(f"/claims/{CLAIM}/edit").text
    data = {"text": "Changed for a test.", "claim_type": "statement", "claimant": "tiktok", "reason": "Test edit"}
    assert post_form(editor_client, f"/claims/{CLAIM}/edit", data).status_code == 302
    number = kb.repository.revision_count()
    changes = editor_client.get("/changes").text
    assert "Test edit" in texts(changes, "p", "reason")
    response = editor_client.post(
        f"/revisions/{number}/revert", data={"csrf_token": csrf_token(page), "reason": "Undo the test edit"}
    )
    assert response.status_code == 302
    after = {t for t in kb.repository.describe([claim]) if "version" not in str(t[1])}
    assert after == before
    revert_page = editor_client.get(response.headers["Location"]).text
    assert f"revision {number}" in " ".join(texts(revert_page, "p", "reason"))


def test_revert_that_conflicts_with_later_changes_is_refused(editor_client: FlaskClient, kb: KnowledgeBase) -> None:
    for text in ("First change.", "Second change."):
        data = {"text": text, "claim_type": "statement", "claimant": "tiktok"}
        assert post_form(editor_client, f"/claims/{CLAIM}/edit", data).status_code == 302
    first = kb.repository.revision_count() - 1
    before = snapshot(kb)
    page = editor_client.get(f"/revisions/{first}").text
    response = editor_client.post(f"/revisions/{first}/revert", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 409
    assert "later revision" in " ".join(texts(response.text, "p", "flash"))
    assert snapshot(kb) == before
