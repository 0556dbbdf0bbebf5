"""In a real headless browser: an editor types a reworded claim already recorded into the new-claim
form, sees it listed before anything is saved, and links the new claim to it as the same claim."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import browser_page
from tests.helpers import EDITOR_NAME, EDITOR_PASSWORD
from tests.live_server import serve

pytestmark = pytest.mark.store  # on the embedded store and again on a SPARQL server

EXISTING = "TikTok will launch its shopping service, TikTok Shop, in the US before the 2022 holiday season."


@pytest.fixture
def app(make_app: Any) -> Any:
    return make_app(TESTING=False, review_required="0")  # a small desk: the editor publishes alone


@pytest.fixture
def page(app: Any, accounts: Any) -> Iterator[Any]:
    with serve(app) as base_url, browser_page(base_url) as tab:
        yield tab


def test_editor_sees_the_recorded_claim_and_links_the_new_one(page: Any) -> None:
    from playwright.sync_api import expect

    page.goto("/login")
    page.get_by_label("Name").fill(EDITOR_NAME)
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text(f"Welcome, {EDITOR_NAME}")).to_be_visible()

    page.get_by_role("link", name="New claim").click()
    page.get_by_label("The claim, in neutral words").fill(
        "Before the 2022 holidays, TikTok will lanch TikTok Shop in the United States."
    )
    page.get_by_label("Claim type").select_option("prediction")
    page.get_by_label("…or add a new one: name").fill("Example Newsletter")
    page.get_by_label("Deadline (predictions)").fill("2022-12-25")
    page.get_by_role("button", name="Add the claim").click()

    matches = page.locator("section.likely-matches")
    expect(matches.get_by_role("heading", name="Recorded already?")).to_be_visible()
    expect(matches.get_by_role("link", name=EXISTING)).to_be_visible()
    expect(page.get_by_label("Language")).to_have_value("en")  # detected, editable
    matches.get_by_role("button", name="This is the same claim: link it").first.click()

    expect(page.get_by_text("Claim added")).to_be_visible()
    same = page.locator("section[aria-labelledby=same-claim]")
    expect(same.get_by_role("link", name="TikTok Shop will launch in the US before the 2022 holidays")).to_be_visible()
    # The new claim is a draft: the recorded claim's page names it once it is published.
    page.get_by_label("Why (recorded in the history)").fill("The same claim, from a newsletter")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".publication-state")).to_have_attribute("data-state", "published")
    same = page.locator("section[aria-labelledby=same-claim]")
    same.get_by_role("link", name="TikTok Shop will launch in the US before the 2022 holidays").click()
    expect(page.locator("h1.claim-text")).to_have_text(EXISTING)
    expect(page.locator("section[aria-labelledby=same-claim]").get_by_text("Before the 2022 holidays")).to_be_visible()
