"""End to end in a real headless browser: an editor logs in, adds a claim with a source and evidence,
publishes it, and sees it on the public claim page and in its history."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import browser_page
from tests.helpers import EDITOR_NAME, EDITOR_PASSWORD
from tests.live_server import serve

pytestmark = pytest.mark.store  # on the embedded store and again on a SPARQL server


@pytest.fixture
def app(make_app: Any) -> Any:
    return make_app(TESTING=False, review_required="0")  # one editor publishes alone here


@pytest.fixture
def page(app: Any, accounts: Any) -> Iterator[Any]:
    with serve(app) as base_url, browser_page(base_url) as tab:
        yield tab


def test_editor_adds_a_claim_with_source_and_evidence(page: Any) -> None:
    from playwright.sync_api import expect

    page.goto("/")
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Name").fill(EDITOR_NAME)
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text(f"Welcome, {EDITOR_NAME}")).to_be_visible()

    page.get_by_role("link", name="New claim").click()
    page.get_by_label("The claim, in neutral words").fill("Example Org will open a test shop in 2031.")
    page.get_by_label("Short name").fill("Example Org's test shop")
    page.get_by_label("Claim type").select_option("prediction")
    # The claimant picker, by keyboard only: type, Down to the option, Enter picks it (no submit).
    claimant = page.get_by_role("combobox", name="Pick a person or organisation")
    claimant.press_sequentially("TikT")
    expect(claimant).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("option", name="TikTok · Organisation")).to_be_visible()
    claimant.press("ArrowDown")
    expect(claimant).to_have_attribute("aria-activedescendant", "f-claimant-option-0")
    expect(page.get_by_role("option", name="TikTok · Organisation")).to_have_attribute("aria-selected", "true")
    claimant.press("Enter")
    expect(claimant).to_have_value("tiktok")
    expect(claimant).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#f-claimant-now")).to_have_text("TikTok · Organisation")
    about = page.get_by_role("combobox", name="About 1")
    about.press_sequentially("axi")
    expect(page.get_by_role("option", name="Axios · Organisation")).to_be_visible()
    about.press("ArrowDown")
    about.press("Escape")  # closes the list, keeps what was typed
    expect(about).to_have_attribute("aria-expanded", "false")
    expect(about).to_have_value("axi")
    about.press("ArrowDown")
    about.press("Enter")
    expect(about).to_have_value("axios")
    page.get_by_role("button", name="Add another").click()  # a third About picker, focused
    third = page.get_by_role("combobox", name="About 3")
    expect(third).to_be_focused()
    third.press_sequentially("amaz")
    expect(page.get_by_role("option", name="Amazon · Organisation")).to_be_visible()
    third.press("ArrowDown")
    third.press("Enter")
    expect(third).to_have_value("amazon")
    page.get_by_label("Date first claimed").fill("2024-03-04")
    page.get_by_label("Deadline (predictions)").fill("2031-12-31")
    page.get_by_label("Note (Markdown)").fill("Made up for a **browser test**.")
    page.get_by_role("button", name="Preview the note").click()
    expect(page.locator(".preview strong")).to_have_text("browser test")
    page.get_by_role("button", name="Add the claim").click()
    expect(page.get_by_text("Claim added")).to_be_visible()
    expect(page.locator("h1.claim-text")).to_have_text("Example Org will open a test shop in 2031.")
    expect(page.locator("article.claim").get_by_role("link", name="TikTok").first).to_be_visible()
    expect(page.locator("article.claim").get_by_role("link", name="Amazon").first).to_be_visible()
    claim_url = page.url

    page.get_by_role("link", name="Add source", exact=True).click()
    page.get_by_label("Headline or title").fill("Example Org plans a test shop")
    page.get_by_label("Web address").fill("https://example.org/test-shop")
    page.get_by_label("Date published").fill("2024-03-04")
    page.get_by_label("Exact words").fill("a test shop in 2031")
    page.get_by_role("button", name="Add the source").click()
    expect(page.get_by_text("Source added")).to_be_visible()

    page.get_by_role("link", name="Add evidence", exact=True).click()
    page.get_by_label("When it happened").fill("2024-06-01")
    page.get_by_label("How it bears on the claim").select_option("denies")
    page.get_by_label("Short title").fill("Example Org denies the plan")
    source = page.get_by_role("combobox", name="Source", exact=True)
    source.press_sequentially("plans a test")
    expect(page.get_by_role("option", name="Example Org plans a test shop")).to_be_visible()
    source.press("ArrowDown")
    source.press("Enter")
    expect(source).to_have_value("example-org-plans-a-test-shop")
    page.get_by_label("Why this change?").fill("Denial reported")
    page.get_by_role("button", name="Add the evidence").click()
    expect(page.get_by_text("Evidence added")).to_be_visible()

    # A new claim is a draft until published (review by a second editor is off for this app).
    expect(page.locator(".publication-state")).to_have_text("draft")
    page.get_by_label("Why (recorded in the history)").fill("Checked and ready")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".publication-state")).to_have_text("published")

    # The public page, as a reader sees it.
    page.get_by_role("button", name=f"Log out {EDITOR_NAME}").click()
    page.goto(claim_url)
    expect(page.locator("article.claim")).to_have_attribute("data-status", "denied")
    expect(page.locator(".quote mark")).to_have_text("a test shop in 2031")
    expect(page.locator(".event-title")).to_have_text("Example Org denies the plan")
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)

    page.get_by_role("link", name="Full history, with every change").click()
    # Its public history starts when it was published, whole: the draft's revisions stay private.
    expect(page.locator("p.reason")).to_have_count(1)
    expect(page.locator("p.reason").first).to_have_text("Checked and ready")
    expect(page.locator("table.diff").first.get_by_text("Example Org denies the plan").first).to_be_visible()


def test_editor_turns_a_pasted_article_into_a_claim(page: Any) -> None:
    from playwright.sync_api import expect

    from tests.test_suggestions import ARTICLE

    page.goto("/login")
    page.get_by_label("Name").fill(EDITOR_NAME)
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Suggest claims").click()
    page.get_by_label("Headline").fill("Northwind Ferries to go electric")
    page.get_by_label("Web address").fill("https://example.org/news/northwind")
    page.get_by_label("…or a new publisher's name").fill("Example Harbour Gazette")
    page.get_by_label("Date published").fill("2025-06-02")
    page.get_by_label("The article's text").fill(ARTICLE)
    page.get_by_role("button", name="Suggest claims").click()
    first = page.locator("li.suggestion").first
    expect(first.locator("mark")).to_have_text(ARTICLE.split("\n\n")[1].split(". ")[0] + ".")
    first.get_by_label("Keep as a claim").check()
    first.get_by_label("The claim, in neutral words").fill("Northwind Ferries will add three electric boats by 2028.")
    page.get_by_role("button", name="Add the ticked claims").click()
    expect(page.get_by_text("Added 1 claim quoted from this article as drafts")).to_be_visible()
    page.locator(".flash").get_by_role("link", name="desk").click()  # a draft: reviewed from the desk
    page.get_by_role("link", name="Northwind Ferries will add three electric boats by 2028.").first.click()
    expect(page.locator(".quote mark")).to_have_text(ARTICLE.split("\n\n")[1].split(". ")[0] + ".")
