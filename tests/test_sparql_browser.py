"""The SPARQL page in a real browser (Debian's chromium through Playwright): editor, run, results."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser import CHROMIUM, browser_page
from tests.live_server import serve
from tests.pass_store import seeded_app_on_pass

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (make install-test)")


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory, seeded_template: Path) -> Iterator[str]:
    with seeded_app_on_pass(seeded_template, tmp_path_factory.mktemp("browser") / "data") as app, serve(app) as base:
        yield base


@pytest.fixture
def page(url: str) -> Iterator[Page]:
    with browser_page() as tab:
        yield tab


def test_editor_highlights_and_runs_an_example(page: Page, url: str) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{url}/sparql")
    editor = page.locator(".CodeMirror")
    editor.wait_for()
    assert page.locator(".CodeMirror .cm-keyword").count() > 0  # SELECT, WHERE… highlighted
    assert all(r.startswith(url) for r in requests), "everything is served from our own site"
    page.get_by_role("link", name="Sources derived from the Axios scoop").click()
    page.locator(".result-table").wait_for()
    rows = page.locator(".result-table tbody tr")
    assert rows.count() == 5
    page.locator(".result-table a[href='/sources/techstory-tiktok-fulfilment-rewrite']").first.click()
    assert page.url == f"{url}/sources/techstory-tiktok-fulfilment-rewrite"


def test_typing_a_query_in_the_editor_and_submitting(page: Page, url: str) -> None:
    page.goto(f"{url}/sparql")
    page.locator(".CodeMirror").wait_for()
    page.evaluate("document.querySelector('.CodeMirror').CodeMirror.setValue('ASK { ?s ?p ?o }')")
    page.get_by_role("button", name="Run query").click()
    page.locator(".boolean").wait_for()
    assert "true" in page.locator(".boolean").inner_text()
    assert "query=ASK" in page.url


def test_the_page_works_without_javascript(url: str) -> None:
    with browser_page(java_script_enabled=False) as page:
        page.goto(f"{url}/sparql")
        assert page.locator(".CodeMirror").count() == 0
        page.locator("textarea#query").fill("SELECT ?s WHERE { ?s a <http://schema.org/Claim> }")
        page.get_by_role("button", name="Run query").click()
        page.locator(".result-table").wait_for()
        assert page.locator(".result-table tbody tr").count() == 12
