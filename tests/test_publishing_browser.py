"""In a real headless browser: one claim from draft, through review by a second editor, to published."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import browser_page
from tests.live_server import serve

pytestmark = pytest.mark.store  # on the embedded store and again on a SPARQL server

EDITORS = {"alice": "alice's made-up password", "bob": "bob's made-up password"}
TEXT = "Example Org will open a wombat shop in 2031."


@pytest.fixture
def site(make_app: Any) -> Iterator[tuple[str, Any]]:
    app = make_app(TESTING=False)
    for name, password in EDITORS.items():
        app.extensions["claimkb_accounts"].add(name, "editor", password)
    with serve(app) as base_url, browser_page(base_url) as tab:
        yield base_url, tab


def _log_in(page: Any, name: str) -> None:
    page.goto("/login")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(EDITORS[name])
    page.get_by_role("button", name="Log in").click()


def test_a_claim_goes_from_draft_through_review_to_published(site: tuple[str, Any]) -> None:
    from playwright.sync_api import expect

    _base, page = site
    _log_in(page, "alice")
    page.get_by_role("link", name="New claim").click()
    page.get_by_label("The claim, in neutral words").fill(TEXT)
    page.get_by_label("Claim type").select_option("statement")
    page.get_by_label("…or add a new one: name").fill("Example Org")
    page.get_by_role("button", name="Add the claim").click()
    expect(page.get_by_text("Claim added as a draft")).to_be_visible()
    expect(page.locator(".publication-state")).to_have_text("draft")
    claim_url = page.url

    page.get_by_label("Why (recorded in the history)").fill("Ready for a second look")
    page.get_by_role("button", name="Send for review").click()
    expect(page.locator(".publication-state")).to_have_text("in review")
    expect(page.get_by_role("button", name="Approve and publish")).to_have_count(0)  # not her own
    page.get_by_role("button", name="Log out alice").click()

    response = page.goto(claim_url)  # a reader: nothing there yet
    assert response is not None and response.status == 404

    _log_in(page, "bob")
    page.get_by_role("link", name="Desk").click()
    row = page.locator("table.desk-claims tr", has_text=TEXT)
    expect(row.locator(".state")).to_contain_text("in review (sent by alice)")
    row.get_by_role("link", name=TEXT).click()
    page.get_by_label("Why (recorded in the history)").fill("Checked the source")
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.locator(".publication-state")).to_have_text("published")
    page.get_by_role("button", name="Log out bob").click()

    page.goto(claim_url)
    expect(page.locator("h1.claim-text")).to_have_text(TEXT)
    expect(page.locator(".workflow")).to_have_count(0)
    page.get_by_role("link", name="Full history, with every change").click()
    expect(page.locator("p.reason")).to_have_count(1)
    expect(page.locator("p.reason").first).to_have_text("Checked the source")
