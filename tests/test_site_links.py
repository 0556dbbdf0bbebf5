"""Our pages link our own resources by site path, so they work whatever host and port serve the site.

The knowledge base here has a base IRI on another host (``http://kb.example.org/``) than the one the
test reaches it at (a free loopback port): a link printed as an absolute IRI would lead away, dead.
Every link of the main pages (and of an evidence event's page, which shows its triples) that stays on
the site is followed over real HTTP and must answer 200.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import html5lib
import httpx
import pytest
from flask import Flask

from tests.live_server import serve
from webapp import create_app

BASE_IRI = "http://kb.example.org/"
CLAIM = "us-shop-before-holidays"

# Elements whose attribute a browser fetches or follows with GET.
LINKING = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp("elsewhere") / "data"
    app: Flask = create_app({"data_dir": str(data_dir), "store": "oxigraph", "base_iri": BASE_IRI, "TESTING": True})
    assert app.extensions["claimkb"].iris.base == BASE_IRI
    try:
        with serve(app) as url:
            yield url
    finally:
        app.extensions["claimkb"].close()


def links(url: str, html: bytes) -> list[str]:
    """Every address the page at ``url`` links to or loads, made absolute, without fragments."""
    root = html5lib.parse(html, namespaceHTMLElements=False)
    found = []
    for tag, attribute in LINKING.items():
        for element in root.iter(tag):
            value = (element.get(attribute) or "").strip()
            if value and not value.startswith(("#", "mailto:", "data:")):
                found.append(urljoin(url, value).split("#", 1)[0])
    return found


def first(found: list[str], pattern: str) -> str:
    matching = [link for link in found if re.search(pattern, urlsplit(link).path)]
    assert matching, f"no link matching {pattern}"
    return matching[0]


def test_every_internal_link_of_the_main_pages_answers(site: str) -> None:
    host = urlsplit(site).netloc
    with httpx.Client(timeout=30) as http:
        claim_page = http.get(f"{site}/claims/{CLAIM}")
        assert claim_page.status_code == 200
        on_claim = links(str(claim_page.url), claim_page.content)
        source = first(on_claim, r"^/sources/[^/.]+$")
        scorecard_source = first(links(site, http.get(f"{site}/scorecards").content), r"^/sources/[^/]+/scorecard$")
        pages = [
            f"{site}/",
            f"{site}/claims/{CLAIM}",
            f"{site}/claims/{CLAIM}/history",
            f"{site}/revisions/1",
            source,
            first(on_claim, r"^/entities/[^/.]+$"),
            first(on_claim, r"^/topics/[^/.]+$"),
            first(links(site, http.get(f"{site}/claims/{CLAIM}/history").content), r"^/events/[^/.]+$"),
            f"{site}/changes",
            f"{site}/scorecards",
            scorecard_source,
            f"{site}/search?q=tiktok",
        ]
        internal: dict[str, str] = {}  # link -> the first page it was found on
        for page in pages:
            response = http.get(page)
            assert response.status_code == 200, page
            found = links(page, response.content)
            # Nothing points at the base IRI's host: the site is not served there.
            assert not [link for link in found if urlsplit(link).netloc == urlsplit(BASE_IRI).netloc], page
            for link in found:
                if urlsplit(link).netloc == host:
                    internal.setdefault(link, page)
        # The pages that print our IRIs do link them: events, quotes and agents by their site path.
        assert any(urlsplit(link).path.startswith("/events/") for link in internal)
        assert any(urlsplit(link).path.startswith("/agents/") for link in internal)
        dead = {}
        for link, page in sorted(internal.items()):
            status = http.get(link).status_code
            if status != 200:
                dead[link] = (status, page)
        assert dead == {}, f"{len(dead)} of {len(internal)} internal links do not answer 200: {dead}"
