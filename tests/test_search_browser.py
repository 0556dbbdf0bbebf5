"""In a real headless browser: a reader searches from the header with a typo, narrows by a facet
and reaches the claim in one click."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import browser_page
from tests.live_server import serve


@pytest.fixture
def page(make_app: Any) -> Iterator[Any]:
    with serve(make_app(TESTING=False)) as base_url, browser_page(base_url) as tab:
        yield tab


def test_a_reader_finds_a_claim_by_a_misspelt_word(page: Any) -> None:
    from playwright.sync_api import expect

    page.goto("/")
    page.get_by_role("searchbox", name="Search claims").fill("hollidays")
    page.get_by_role("searchbox", name="Search claims").press("Enter")
    expect(page.locator(".did-you-mean")).to_contain_text("Showing results for")
    first = page.locator(".result-link").first
    expect(first).to_have_text("TikTok Shop will launch in the US before the 2022 holidays")
    expect(page.locator(".snippet mark").first).to_be_visible()

    page.goto("/search?q=tiktok")
    total = int(page.locator(".result-count").inner_text().split()[0])
    page.locator("section[data-facet=type] a", has_text="Prediction").click()
    expect(page.locator(".active-filters")).to_contain_text("Claim type: Prediction")
    narrowed = int(page.locator(".result-count").inner_text().split()[0])
    assert 0 < narrowed < total

    page.locator(".result-link").first.click()
    expect(page).to_have_url(page.url.split("/claims/")[0] + "/claims/us-shop-before-holidays")
    expect(page.locator("h1")).to_contain_text("before the 2022 holiday season")
