"""In a real headless browser: a newsroom's page on another origin frames the scorecard snippet, and
the browser refuses to frame the site's other pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from tests.browser import browser_page
from tests.live_server import serve

CARD = "/sources/techstory-tiktok-fulfilment-rewrite/scorecard"


@pytest.fixture
def site(make_app: Any) -> Iterator[str]:
    with serve(make_app(TESTING=False)) as base_url:
        yield base_url


def newsroom(site: str) -> Flask:
    """A made-up newsroom site on its own port (another origin) whose article frames two of our pages."""
    page = f"""<!doctype html><html lang="en"><head><title>Made-up newsroom</title></head><body>
      <iframe id="snippet" title="Scorecard" src="{site}{CARD}/embed" onload="this.dataset.loaded = 1"></iframe>
      <iframe id="page" title="Scorecard page" src="{site}{CARD}" onload="this.dataset.loaded = 1"></iframe>
    </body></html>"""
    app = Flask("newsroom")
    app.add_url_rule("/article", "article", lambda: page)
    return app


def test_only_the_snippet_can_be_framed_by_another_site(site: str) -> None:
    with serve(newsroom(site)) as other, browser_page() as tab:
        tab.goto(f"{other}/article")
        tab.wait_for_selector("#snippet[data-loaded]", state="attached")
        tab.wait_for_selector("#page[data-loaded]", state="attached")
        snippet = tab.frame_locator("#snippet")
        assert snippet.locator(".scorecard-row").count() == 12
        assert snippet.locator(".scorecard-summary").inner_text().startswith("12 claims: 5 supported")
        # The browser refused the framed page: the frame holds its error page, not ours.
        assert tab.frame_locator("#page").locator(".scorecard-summary").count() == 0
        assert not [f for f in tab.frames if f.url == f"{site}{CARD}"]
