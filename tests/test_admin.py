"""Account administration through the real app: real logins, real CSRF tokens read from the forms.

An admin adds an editor (who sets a password from a one-time link), disables and enables them,
changes roles, resets a password and revokes tokens; each change is in the audit log. Others cannot.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.accounts import Accounts
from tests import html
from tests.helpers import csrf_token, login

ADMIN, ADMIN_PASSWORD = "test-admin", "made-up admin password"


@pytest.fixture
def admin(app: Flask) -> FlaskClient:
    app.extensions["claimkb_accounts"].add(ADMIN, "admin", ADMIN_PASSWORD)
    client = app.test_client()
    assert login(client, ADMIN, ADMIN_PASSWORD).status_code == 302
    return client


def _accounts(app: Flask) -> Accounts:
    return app.extensions["claimkb_accounts"]  # type: ignore[no-any-return]


def _post(client: FlaskClient, path: str, **data: str) -> Any:
    token = csrf_token(client.get("/admin/users").text)
    return client.post(path, data={"csrf_token": token, **data})


def _link(page: str) -> str:
    found = re.search(r'value="(http://localhost/account/password/[^"]+)"', page)
    assert found, "the page shows the one-time link"
    return urlsplit(found.group(1)).path


def _set_password(client: FlaskClient, path: str, password: str, confirm: str | None = None) -> Any:
    form = client.get(path)
    assert form.status_code == 200 and form.headers["Referrer-Policy"] == "no-referrer"
    return client.post(
        path, data={"csrf_token": csrf_token(form.text), "password": password, "confirm": confirm or password}
    )


def test_an_admin_adds_an_editor_who_sets_a_password_from_a_one_time_link(app: Flask, admin: FlaskClient) -> None:
    added = _post(admin, "/admin/users", name="newbie", role="editor")
    assert added.status_code == 200 and "newbie is added" in added.text
    link = _link(added.text)
    newbie = app.test_client()
    assert login(newbie, "newbie", "anything at all 123").status_code == 401, "no password until the link is used"
    form = newbie.get(link)
    assert (
        newbie.post(link, data={"password": "newbie's own password", "confirm": "newbie's own password"}).status_code
        == 400
    )
    assert _set_password(newbie, link, "newbie's own password", "something else!!").status_code == 422
    assert _set_password(newbie, link, "short").status_code == 422
    done = _set_password(newbie, link, "newbie's own password")
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    assert newbie.get(link).status_code == 410, "the link works once"
    assert login(newbie, "newbie", "newbie's own password").status_code == 302
    assert "Log out newbie" in newbie.get("/").text
    assert form.status_code == 200


def test_disable_enable_role_reset_and_revoke(app: Flask, admin: FlaskClient, accounts: Any) -> None:
    from tests.helpers import EDITOR_NAME, EDITOR_PASSWORD

    editor = app.test_client()
    assert login(editor, EDITOR_NAME, EDITOR_PASSWORD).status_code == 302
    assert editor.get("/admin/users").status_code == 403, "editors do not manage accounts"
    token = _accounts(app).create_token(EDITOR_NAME)

    assert _post(admin, f"/admin/users/{EDITOR_NAME}/disable").status_code == 302
    assert "Log out" not in editor.get("/").text, "a disabled editor's session ends at once"
    assert login(editor, EDITOR_NAME, EDITOR_PASSWORD).status_code == 401
    assert _accounts(app).user_for_token(token) is None
    assert _post(admin, f"/admin/users/{EDITOR_NAME}/enable").status_code == 302
    assert login(editor, EDITOR_NAME, EDITOR_PASSWORD).status_code == 302

    assert _post(admin, f"/admin/users/{EDITOR_NAME}/role", role="admin").status_code == 302
    assert editor.get("/admin/users").status_code == 200, "the new admin may now"
    assert _post(admin, f"/admin/users/{EDITOR_NAME}/role", role="editor").status_code == 302

    assert _accounts(app).user_for_token(token) is not None
    assert _post(admin, f"/admin/users/{EDITOR_NAME}/revoke-tokens").status_code == 302
    assert _accounts(app).user_for_token(token) is None

    reset = _post(admin, f"/admin/users/{EDITOR_NAME}/password-link")
    assert reset.status_code == 200 and reset.headers["Cache-Control"] == "no-store"
    assert _set_password(app.test_client(), _link(reset.text), "a brand new password").status_code == 302
    assert "Log out" not in editor.get("/").text, "setting a password ends the old sessions"
    assert login(editor, EDITOR_NAME, EDITOR_PASSWORD).status_code == 401
    assert login(editor, EDITOR_NAME, "a brand new password").status_code == 302

    audit = html.parse(admin.get("/admin/audit").data)
    rows = [[html.text(td) for td in tr.findall("td")] for tr in audit.findall(".//table[@class='audit']/tbody/tr")]
    done = {(row[1], row[2], row[3]) for row in rows}
    for action in ("disable", "enable", "role", "token-revoke", "password-link"):
        assert (ADMIN, action, EDITOR_NAME) in done, action
    assert (EDITOR_NAME, "password-set", EDITOR_NAME) in done


def test_forms_without_the_csrf_token_change_nothing(app: Flask, admin: FlaskClient, accounts: Any) -> None:
    from tests.helpers import EDITOR_NAME

    assert admin.post("/admin/users", data={"name": "sneaky", "role": "admin"}).status_code == 400
    assert admin.post(f"/admin/users/{EDITOR_NAME}/disable").status_code == 400
    assert admin.post(f"/admin/users/{EDITOR_NAME}/role", data={"role": "admin"}).status_code == 400
    assert _accounts(app).get("sneaky") is None
    user = _accounts(app).get(EDITOR_NAME)
    assert user is not None and not user.disabled and user.role == "editor"


def test_the_last_admin_stays_and_bad_input_gets_a_message(app: Flask, admin: FlaskClient) -> None:
    demoted = _post(admin, f"/admin/users/{ADMIN}/role", role="editor")
    assert demoted.status_code == 409 and "last active admin" in demoted.text
    assert _post(admin, f"/admin/users/{ADMIN}/disable").status_code == 409
    bad = _post(admin, "/admin/users", name="Bad Name!", role="editor")
    assert bad.status_code == 400 and "2 to 40 characters" in bad.text
    assert _post(admin, "/admin/users", name=ADMIN, role="editor").status_code == 409
    assert _post(admin, "/admin/users/nobody/disable").status_code == 404
    assert _post(admin, f"/admin/users/{ADMIN}/explode").status_code == 404
    assert _accounts(app).get(ADMIN).is_admin  # type: ignore[union-attr]


def test_visitors_are_sent_to_log_in(client: FlaskClient) -> None:
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/account/password/not-a-real-link").status_code == 410


def test_health_reports_the_revision_and_the_index_lag(client: FlaskClient, app: Flask) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    report = response.get_json()
    revision = app.extensions["claimkb"].repository.revision_count()
    assert report["status"] == "ok" and report["revision"] == revision >= 1
    assert report["search_lag"] == 0 and report["search_revision"] == revision


def test_behind_a_trusted_proxy_failed_logins_count_per_real_client(make_app: Any) -> None:
    app = make_app(trusted_proxies="1")
    app.extensions["claimkb_accounts"].add("proxied", "editor", "a made-up password")
    for _ in range(2):
        client = app.test_client()
        page = client.get("/login", headers={"X-Forwarded-For": "203.0.113.7"})
        client.post(
            "/login",
            data={"csrf_token": csrf_token(page.text), "name": "proxied", "password": "wrong password!"},
            headers={"X-Forwarded-For": "203.0.113.7"},
        )
    with app.extensions["claimkb_accounts"].engine.connect() as db:
        from sqlalchemy import text

        keys = set(db.execute(text("SELECT key FROM login_failures")).scalars())
    assert keys == {"account:proxied", "address:203.0.113.7"}
