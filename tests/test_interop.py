"""The pages that publish our rating scale, the crosswalk and the corrections policy."""

from __future__ import annotations

import html5lib
from flask.testing import FlaskClient

from claims import concepts, crosswalk

NS = {"h": "http://www.w3.org/1999/xhtml"}


def _text(element) -> str:  # type: ignore[no-untyped-def]
    return " ".join("".join(element.itertext()).split())


def test_rating_page_publishes_scale_and_crosswalk(client: FlaskClient) -> None:
    response = client.get("/about/rating")
    assert response.status_code == 200
    tree = html5lib.parse(response.get_data(as_text=True))
    rows = {row.get("id"): _text(row) for row in tree.findall(".//h:tr[@id]", NS)}
    for notation, status in concepts.statuses().items():
        row = rows[f"status-{notation}"]
        assert status.label in row
        assert (str(status.rating) if status.rating is not None else "none (no verdict yet)") in row
    tables = tree.findall(".//h:table", NS)
    assert len(tables) == 3
    liar_rows = [_text(r) for r in tables[1].findall(".//h:tbody/h:tr", NS)]
    assert len(liar_rows) == len(crosswalk.labels(crosswalk.LIAR_SCHEME)) == 6
    assert any(r.startswith("pants-fire") and "Resolved: false" in r and r.endswith("close") for r in liar_rows)
    averitec_rows = [_text(r) for r in tables[2].findall(".//h:tbody/h:tr", NS)]
    assert any(r.startswith("Not Enough Evidence") and "Unverified" in r for r in averitec_rows)


def test_corrections_page(client: FlaskClient) -> None:
    response = client.get("/about/corrections")
    assert response.status_code == 200
    tree = html5lib.parse(response.get_data(as_text=True))
    assert _text(tree.find(".//h:h1", NS)) == "Corrections policy"
    hrefs = {a.get("href") for a in tree.findall(".//h:main//h:a", NS)}
    assert {"/feeds/changes.atom", "/about/status", "/about/rating"} <= hrefs
