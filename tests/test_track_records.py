"""Track records: every number equals a SPARQL count for the same question (on the seed and on an
imported LIAR slice), links to the claims behind it, follows the uncertainty rule and ``as_of``, and
the charts say the same numbers with text alternatives."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import URIRef

from claims.track_record import wilson_interval
from kb.interchange.imports.run import import_file
from kb.knowledge import KnowledgeBase
from tests import html
from tests.helpers import AppFactory
from tests.live_server import seeded_app
from tests.track_record_counts import (
    CLAIMANT_COUNT,
    CLAIMANT_PREDICTION_COUNT,
    PUBLISHER_COUNT,
    PUBLISHER_ORIGIN_COUNT,
    PUBLISHER_PREDICTION_COUNT,
    counts,
    resolved,
)

DATA = Path(__file__).parent / "data"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def liar_app(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The seed plus 300 PolitiFact statements of LIAR's validation set (tests/data/liar-valid-300.tsv)."""
    with seeded_app(seeded_template, tmp_path_factory.mktemp("liar") / "data") as app:
        kb: KnowledgeBase = app.extensions["claimkb"]
        report = import_file(kb, "liar", DATA / "liar-valid-300.tsv")
        assert report.imported == 300
        yield app


@pytest.fixture(scope="module")
def seed_app(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with seeded_app(seeded_template, tmp_path_factory.mktemp("seed") / "data") as app:
        yield app


def _check_outcomes(outcomes: dict[str, Any], by_status: dict[str, int]) -> None:
    n = resolved(by_status)
    assert outcomes["resolved"] == n
    assert outcomes["too_few_to_judge"] == (n < outcomes["minimum"])
    if outcomes["too_few_to_judge"]:
        assert outcomes["rates"] == []
        return
    for rate in outcomes["rates"]:
        assert rate["count"] == by_status[rate["status"]] and rate["of"] == n
        interval = wilson_interval(rate["count"], n)
        assert rate["interval_95"] == [round(interval.low, 4), round(interval.high, 4)]


def _check_against_sparql(kb: KnowledgeBase, record: dict[str, Any]) -> None:
    entity = record["entity"]["iri"]
    iri = URIRef(entity)
    groups = record["groups"]
    if record["role"] == "claimant":
        expected = {"all": counts(kb, CLAIMANT_COUNT, iri), "predictions": counts(kb, CLAIMANT_PREDICTION_COUNT, iri)}
    else:
        everything = counts(kb, PUBLISHER_COUNT, iri)
        origin = counts(kb, PUBLISHER_ORIGIN_COUNT, iri)
        expected = {
            "all": everything,
            "origin": origin,
            "repeated": {k: everything[k] - origin[k] for k in everything},
            "predictions": counts(kb, PUBLISHER_PREDICTION_COUNT, iri),
        }
    for key, by_status in expected.items():
        if key in ("origin", "repeated") and not sum(by_status.values()):
            assert key not in groups
            continue
        assert groups[key]["by_status"] == by_status, (entity, key)
        assert groups[key]["total"] == sum(by_status.values())
        _check_outcomes(groups[key]["outcomes"], by_status)


@pytest.mark.parametrize("data", ["seed", "liar"])
def test_every_number_of_every_track_record_equals_a_sparql_count(data: str, request: pytest.FixtureRequest) -> None:
    app: Flask = request.getfixturevalue(f"{data}_app")
    kb: KnowledgeBase = app.extensions["claimkb"]
    client = app.test_client()
    index = client.get("/track-records.json").get_json()
    claimants = {r["entity"]["slug"] for r in index["claimants"]}
    assert {"financial-times", "axios", "tiktok"} <= claimants
    if data == "liar":
        assert {"barack-obama", "donald-trump", "scott-walker"} <= claimants
    for record in index["claimants"] + index["publishers"]:
        _check_against_sparql(kb, record)
    # An entity's own record is the same record, for a sample of entities.
    for record in (index["claimants"] + index["publishers"])[:25]:
        own = client.get(f"/entities/{record['entity']['slug']}/track-record.json").get_json()
        assert record in own["records"]


def test_the_financial_times_and_axios_reports_turned_out_as_the_sources_say(seed_app: Flask) -> None:
    client = seed_app.test_client()
    records = {
        (r["entity"]["slug"], r["role"]): r
        for part in ("claimants", "publishers")
        for r in client.get("/track-records.json").get_json()[part]
    }

    def listed(record: dict[str, Any], group: str, status: str) -> set[str]:
        url = record["groups"][group]["claims"][status]
        doc = html.parse(client.get(urlsplit(url).path + "?" + urlsplit(url).query).data)
        return {a.get("href", "").rsplit("/", 1)[-1] for a in html.by_class(doc, "claim-link", "a")}

    ft = records[("financial-times", "publisher")]
    # FACTS.md, claims 7 and 8a: the TalkShopLive report came true only partly (a soft launch before
    # the 2022 holidays, the full launch in September 2023); the UK-trouble reports were borne out.
    assert ft["groups"]["all"]["total"] == 2
    assert listed(ft, "all", "resolved-partly") == {"us-shop-before-holidays"}
    assert listed(ft, "all", "supported") == {"uk-shop-struggling"}
    assert ft["groups"]["origin"]["total"] == 2 and "repeated" not in ft["groups"]
    assert ft["groups"]["all"]["outcomes"]["too_few_to_judge"]
    axios = records[("axios", "publisher")]
    # Claims 1, 5 and 6: the job listings were real, the fulfilment centres came partly (run by
    # third parties), and the spokesperson's "focus on existing markets" was overtaken.
    assert listed(axios, "all", "supported") == {"fbt-job-listings"}
    assert listed(axios, "all", "resolved-partly") == {"own-us-fulfilment-centres"}
    assert listed(axios, "all", "resolved-false") == {"tiktok-focus-existing-markets"}
    assert axios["groups"]["origin"]["total"] == 3
    # Ars Technica derives from the Axios scoop: the listings it carried, it repeated.
    ars = records[("ars-technica", "publisher")]
    assert listed(ars, "repeated", "supported") == {"fbt-job-listings"}
    assert ars["groups"]["origin"]["total"] == 3


def _numbers_and_links(doc: Any, selector_class: str) -> list[tuple[int, str]]:
    found = []
    for table in html.by_class(doc, selector_class, "table"):
        for cell in table.iter("td"):
            for a in cell.iter("a"):
                found.append((int(html.text(a)), a.get("href") or ""))
    return found


def _listed(client: FlaskClient, href: str) -> int:
    response = client.get(href)
    assert response.status_code == 200, href
    doc = html.parse(response.data)
    return len(html.by_class(doc, "claim-card", "li"))


@pytest.mark.parametrize(
    "page", ["/entities/financial-times", "/entities/axios", "/entities/techstory", "/track-records"]
)
def test_each_number_links_to_exactly_the_claims_behind_it(seed_app: Flask, page: str) -> None:
    client = seed_app.test_client()
    doc = html.parse(client.get(page).data)
    numbers = _numbers_and_links(doc, "record-table" if page.startswith("/entities") else "record-index")
    assert len(numbers) >= 6
    for number, href in numbers:
        assert _listed(client, href) == number, href


def test_too_few_to_judge_under_the_minimum_and_rates_with_intervals_above_it(liar_app: Flask) -> None:
    client = liar_app.test_client()
    records = {r["entity"]["slug"]: r for r in client.get("/track-records.json").get_json()["claimants"]}
    obama = records["barack-obama"]["groups"]["all"]["outcomes"]
    assert obama["resolved"] >= 5 and not obama["too_few_to_judge"] and len(obama["rates"]) == 3
    doc = html.parse(client.get("/entities/barack-obama").data)
    judgement = html.by_class(doc, "judgement", "td")[0]
    assert "Too few" not in html.text(judgement)
    true_rate = next(r for r in obama["rates"] if r["status"] == "resolved-true")
    low, high = (round(100 * v) for v in true_rate["interval_95"])
    assert f"({low}–{high}%)" in html.text(judgement)
    ft = html.parse(client.get("/entities/financial-times").data)
    assert "Too few to judge" in html.text(html.by_class(ft, "judgement", "td")[0])


def test_the_minimum_is_a_setting(make_app: AppFactory) -> None:
    client = make_app(track_record_min_resolved="2").test_client()
    axios = next(
        r for r in client.get("/track-records.json").get_json()["publishers"] if r["entity"]["slug"] == "axios"
    )
    outcomes = axios["groups"]["all"]["outcomes"]
    assert outcomes["minimum"] == 2 and not outcomes["too_few_to_judge"]
    assert {r["status"]: r["count"] for r in outcomes["rates"]} == {
        "resolved-true": 0,
        "resolved-partly": 1,
        "resolved-false": 1,
    }


@pytest.mark.parametrize("day", ["2022-06-30", "2022-11-01", "2023-06-01", "2030-01-01"])
def test_as_of_a_day_counts_each_claim_with_the_status_its_page_gives_for_that_day(seed_app: Flask, day: str) -> None:
    kb: KnowledgeBase = seed_app.extensions["claimkb"]
    client = seed_app.test_client()
    as_of = date.fromisoformat(day)
    index = client.get(f"/track-records.json?as_of={day}").get_json()
    assert index["as_of"] == day
    for record in index["claimants"]:
        expected: dict[str, int] = {}
        rows = kb.store.select(
            "SELECT ?e ?c ?slug ?made WHERE { ?c schema:author ?e ; ck:slug ?slug . ?c a schema:Claim "
            "OPTIONAL { ?c schema:datePublished ?made } }",
            {"e": URIRef(record["entity"]["iri"])},
        )
        for row in rows:
            made = row.get("made")
            if made is not None and made.toPython() > as_of:
                continue  # not made yet
            status = kb.claim_page(str(row["slug"]), as_of=as_of).status.notation
            expected[status] = expected.get(status, 0) + 1
        got = {k: v for k, v in record["groups"]["all"]["by_status"].items() if v}
        assert got == expected, (record["entity"]["slug"], day)


def test_as_of_on_an_entity_page_and_a_bad_date(seed_app: Flask) -> None:
    client = seed_app.test_client()
    before = client.get("/entities/financial-times/track-record.json?as_of=2022-06-30").get_json()
    publisher = next(r for r in before["records"] if r["role"] == "publisher")
    # On 30 June 2022 the UK-trouble report (17 June) was out and supported. The holiday prediction
    # has no known date (around 30 September 2022), so it is counted, with nothing yet known of it.
    assert publisher["groups"]["all"]["total"] == 2
    by_status = publisher["groups"]["all"]["by_status"]
    assert by_status["supported"] == 1 and by_status["unverified"] == 1
    # Before 17 June 2022 the UK report was not made: only the undated prediction is counted.
    earlier = client.get("/entities/financial-times/track-record.json?as_of=2022-06-01").get_json()
    assert next(r for r in earlier["records"] if r["role"] == "publisher")["groups"]["all"]["total"] == 1
    page = html.parse(client.get("/entities/financial-times?as_of=2022-06-30").data)
    assert "as known on" in html.text(html.by_class(page, "track-record", "section")[0]).lower()
    assert client.get("/track-records?as_of=yesterday").status_code == 400
    assert client.get("/entities/financial-times?as_of=2022-13-01").status_code == 400


def test_charts_carry_the_numbers_and_a_text_alternative(liar_app: Flask) -> None:
    client = liar_app.test_client()
    data = client.get("/entities/barack-obama/track-record.json").get_json()["records"][0]
    doc = html.parse(client.get("/entities/barack-obama").data)
    charts = [e for e in doc.iter(f"{SVG}svg")] or [e for e in doc.iter("svg")]
    charts = [c for c in charts if "chart-svg" in (c.get("class") or "")]
    assert len(charts) >= 2
    for chart in charts:
        assert chart.get("role") == "img"
        labelled = (chart.get("aria-labelledby") or "").split()
        texts = {e.get("id"): html.text(e) for e in chart.iter() if e.get("id")}
        assert len(labelled) == 2 and all(texts.get(i) for i in labelled)
    bars = next(c for c in charts if "bars" in c.get("class", ""))
    desc = next(e for e in bars.iter() if e.tag.endswith("desc"))
    assert f"Claims made: {data['groups']['all']['total']} (" in html.text(desc)
    # The first row of marks is "Claims made": their counts are the record's.
    rects = [r for r in bars.iter() if r.tag.endswith("rect") and r.get("data-count")]
    first_row_y = rects[0].get("y")
    drawn = {r.get("data-key"): int(r.get("data-count")) for r in rects if r.get("y") == first_row_y}
    assert drawn == {k: v for k, v in data["groups"]["all"]["by_status"].items() if v}
    rates = next(c for c in charts if "rates" in c.get("class", ""))
    marks = [g for g in rates.iter() if g.get("class") == "rate"]
    shown = {(g.get("data-key"), int(g.get("data-count")), int(g.get("data-of"))) for g in marks[:3]}
    outcomes = data["groups"]["all"]["outcomes"]
    assert shown == {(r["status"], r["count"], r["of"]) for r in outcomes["rates"]}
    assert re.search(
        r"resolved: true \d+% \(95% interval \d+%–\d+%\)",
        html.text(next(e for e in rates.iter() if e.tag.endswith("desc"))).lower(),
    )


def test_csv_has_the_numbers_of_the_json(seed_app: Flask) -> None:
    client = seed_app.test_client()
    data = client.get("/track-records.json").get_json()
    rows = list(csv.DictReader(io.StringIO(client.get("/track-records.csv").text)))
    for record in data["claimants"] + data["publishers"]:
        for key, group in record["groups"].items():
            mine = {
                r["status"]: int(r["count"])
                for r in rows
                if r["slug"] == record["entity"]["slug"] and r["role"] == record["role"] and r["group"] == key
            }
            assert mine == group["by_status"]
