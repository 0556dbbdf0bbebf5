"""Exports: the ClaimReview DataFeed (and its round trip into a fresh knowledge base) and the CSV claim table."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner
from flask import Flask

from commands import main
from kb.interchange import exports
from kb.interchange.imports.run import import_file
from kb.knowledge import KnowledgeBase

DATA = Path(__file__).parent / "data"


def test_datafeed_lists_every_claim_with_a_verdict(client, kb: KnowledgeBase) -> None:  # type: ignore[no-untyped-def]
    import_file(kb, "averitec", DATA / "averitec-sample.json")  # adds one unverified claim
    response = client.get("/claimreview.json")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    feed = response.get_json()
    assert feed["@type"] == "DataFeed" and feed["@context"] == "https://schema.org"
    reviews = [item for element in feed["dataFeedElement"] for item in element["item"]]
    rated = {c.iri for c in kb.claims() if c.status.rating is not None}
    assert {r["url"] for r in reviews} == {str(i) for i in rated}
    assert len(rated) < len(kb.claims())  # the unverified one is left out
    assert all(r["@type"] == "ClaimReview" and "ratingValue" in r["reviewRating"] for r in reviews)
    assert all(e["dateCreated"] <= e["dateModified"] for e in feed["dataFeedElement"])


def test_round_trip_into_a_fresh_knowledge_base(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source: Flask = make_app()
    source_kb = source.extensions["claimkb"]
    import_file(source_kb, "liar", DATA / "liar-sample.tsv")
    feed = exports.claimreview_feed(source_kb, publisher="Example Checks")
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed))

    target: Flask = make_app(seed="0")
    target_kb = target.extensions["claimkb"]
    assert target_kb.claims() == []
    report = import_file(target_kb, "claimreview", path)
    assert report.skipped == 0

    def verdicts(kb: KnowledgeBase) -> set[tuple[str, str]]:
        return {(c.text, c.status.notation) for c in kb.claims() if c.status.rating is not None}

    assert verdicts(target_kb) == verdicts(source_kb)
    assert len(verdicts(target_kb)) == len(feed["dataFeedElement"]) >= 15
    # Claimants and their Wikidata links travel too.
    claimants = {(c.text, c.claimant_name) for c in source_kb.claims()}
    assert {(c.text, c.claimant_name) for c in target_kb.claims()} <= claimants
    # And a second import of the same feed changes nothing.
    revisions = target_kb.repository.revision_count()
    assert import_file(target_kb, "claimreview", path).imported == 0
    assert target_kb.repository.revision_count() == revisions


def test_csv_has_one_row_per_claim(client, kb: KnowledgeBase) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/claims.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    claims = {str(c.iri): c for c in kb.claims()}
    assert {r["iri"] for r in rows} == set(claims) and len(rows) == len(claims)
    assert list(rows[0]) == list(exports.CSV_COLUMNS)
    for row in rows:
        claim = claims[row["iri"]]
        assert row["text"] == claim.text
        assert row["claimant"] == claim.claimant_name
        assert row["status"] == claim.status.notation
        assert row["type"] == claim.claim_type.notation  # type: ignore[union-attr]
        assert row["claimed_on"] == (claim.claimed_on.isoformat() if claim.claimed_on else "")
        assert row["first_recorded"] <= row["last_changed"]
        page = kb.claim_page(claim.slug)
        sources = {s.iri for s in page.appearances}
        sources |= {page.first_appearance.iri} if page.first_appearance else set()
        sources |= {q.source for q, _ in page.quotes} | {i.event.source for i in page.timeline if i.event.source}
        assert int(row["source_count"]) == len(sources)


def test_cli_exports(tmp_path: Path) -> None:
    runner = CliRunner()
    data_dir = str(tmp_path / "kb")
    assert runner.invoke(main, ["init", "--data-dir", data_dir]).exit_code == 0
    out = tmp_path / "feed.json"
    result = runner.invoke(main, ["export-claimreview", "--data-dir", data_dir, "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(out.read_text())["dataFeedElement"]) == 12
    result = runner.invoke(main, ["export-csv", "--data-dir", data_dir])
    assert result.exit_code == 0
    assert len(list(csv.DictReader(io.StringIO(result.stdout)))) == 12


def test_feed_reviews_are_the_pages_reviews(app: Flask) -> None:
    # The feed reads every claim with two bulk queries; it must say exactly what each page says.
    import extruct

    kb = app.extensions["claimkb"]
    import_file(kb, "claimreview", DATA / "claimreview-sample.json")  # a Person claimant with Wikidata
    client = app.test_client()
    feed = exports.claimreview_feed(kb, publisher="claimkb")
    reviews = [element["item"][0] for element in feed["dataFeedElement"]]
    assert len(reviews) == len(kb.claims()) == 14
    for review in reviews:
        slug = review["url"].rsplit("/", 1)[1]
        html = client.get(f"/claims/{slug}").get_data(as_text=True)
        (on_page,) = extruct.extract(html, syntaxes=["json-ld"], uniform=False)["json-ld"]
        del on_page["@context"]
        assert review == on_page, slug
