"""In a real headless browser (Debian's chromium): an admin adds an editor, the editor sets a password
from the one-time link and logs in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import browser_page
from tests.live_server import serve

ADMIN, ADMIN_PASSWORD = "browser-admin", "made-up admin password"


@pytest.fixture
def base_url(make_app: Any) -> Iterator[str]:
    app = make_app(TESTING=False)
    app.extensions["claimkb_accounts"].add(ADMIN, "admin", ADMIN_PASSWORD)
    with serve(app) as url:
        yield url


def test_an_admin_adds_an_editor_who_then_logs_in(base_url: str) -> None:
    from playwright.sync_api import expect

    with browser_page(base_url) as page:
        page.goto("/login")
        page.get_by_label("Name").fill(ADMIN)
        page.get_by_label("Password").fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("link", name="Accounts").click()
        page.get_by_label("Name").fill("rosa")
        page.get_by_label("Role", exact=True).select_option("editor")
        page.get_by_role("button", name="Add and make a password link").click()
        expect(page.get_by_role("heading", name="rosa is added")).to_be_visible()
        link = page.get_by_label("One-time password link").input_value()
        page.goto("/admin/users")
        expect(page.locator("#user-rosa .state")).to_have_text("waiting for a password")

    with browser_page(base_url) as page:  # the editor, in a browser of her own
        page.goto(link)
        page.get_by_label("New password").fill("rosa's own made-up password")
        page.get_by_label("The same again").fill("rosa's own made-up password")
        page.get_by_role("button", name="Set the password").click()
        expect(page.get_by_text("Your password is set")).to_be_visible()
        page.get_by_label("Name").fill("rosa")
        page.get_by_label("Password").fill("rosa's own made-up password")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_text("Welcome, rosa")).to_be_visible()
        expect(page.get_by_role("button", name="Log out rosa")).to_be_visible()
        expect(page.get_by_role("link", name="Accounts")).to_have_count(0)
        page.goto(link)
        expect(page.get_by_text("expired or was already used")).to_be_visible()
