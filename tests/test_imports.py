"""Imports of LIAR, AVeriTeC and ClaimReview files made for these tests, malformed rows included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL

from claims.vocab import CK, SCHEMA
from commands import main
from kb import queries
from kb.errors import KBError
from kb.interchange.imports.run import import_file
from kb.knowledge import KnowledgeBase

pytestmark = pytest.mark.store  # on the embedded store and again on a SPARQL server

DATA = Path(__file__).parent / "data"


def _quad_count(kb: KnowledgeBase) -> int:
    return sum(1 for _ in kb.store.quads())


def _status(kb: KnowledgeBase, slug: str) -> str:
    return kb.claim_page(slug).status.notation


def test_liar_rows_become_claims_with_verdicts(kb: KnowledgeBase) -> None:
    before = kb.repository.revision_count()
    report = import_file(kb, "liar", DATA / "liar-sample.tsv")
    assert (report.records, report.imported, report.skipped) == (8, 4, 4)
    assert [(p.unit, p.number) for p in report.problems] == [("line", 4), ("line", 5), ("line", 6), ("line", 7)]
    assert "unknown label 'correct'" in report.problems[0].message
    assert "14 tab-separated columns" in report.problems[1].message
    assert kb.repository.revision_count() == before + 1

    # The crosswalk maps each label: mostly-true -> resolved-true, pants-fire -> resolved-false, ...
    assert _status(kb, "liar-9001") == "resolved-true"
    assert _status(kb, "liar-9002") == "resolved-false"
    assert _status(kb, "liar-9003") == "resolved-partly"
    assert _status(kb, "liar-9007") == "resolved-true"
    page = kb.claim_page("liar-9001")
    assert page.claim.text == "Says the example county has twelve bridges."
    assert page.claim.claimed_on is None  # LIAR has no dates; none is invented
    assert page.claimant is not None and page.claimant.name == "Jane Example" and page.claimant.kind == "Person"
    assert sorted(t.label for t in page.topics) == ["Infrastructure", "Transportation"]
    (verdict,) = page.timeline
    assert verdict.stance.notation == "resolves-true"
    assert verdict.actor is not None and verdict.actor.name == "PolitiFact"
    assert verdict.source is not None and verdict.source.slug == "liar-dataset"
    assert verdict.event.when.isoformat() == "2017-04-23"
    assert "no date" in (verdict.event.note or "")
    # Nothing of the skipped rows was written, not even in part.
    for slug in ("liar-9004", "liar-9005", "liar-9006"):
        assert not kb.store.ask(queries.EXISTS, {"s": kb.iris.claim(slug)})
        assert not kb.store.ask(queries.EXISTS, {"s": kb.iris.event(f"{slug}-verdict")})


def test_every_imported_claim_is_in_the_revision_by_the_import_agent(kb: KnowledgeBase) -> None:
    import_file(kb, "liar", DATA / "liar-sample.tsv")
    (revision,) = kb.recent_changes(1)
    assert revision.agent == kb.iris.agent("import-liar")
    assert "LIAR" in revision.reason and "liar-sample.tsv" in revision.reason
    changed = {iri for iri, _, _ in revision.changed}
    assert {kb.iris.claim(s) for s in ("liar-9001", "liar-9002", "liar-9003", "liar-9007")} <= changed


def test_reimport_changes_nothing(kb: KnowledgeBase) -> None:
    for name, path in (
        ("liar", "liar-sample.tsv"),
        ("averitec", "averitec-sample.json"),
        ("claimreview", "claimreview-sample.json"),
    ):
        import_file(kb, name, DATA / path)
        revisions, quads = kb.repository.revision_count(), _quad_count(kb)
        again = import_file(kb, name, DATA / path)
        assert again.imported == 0 and again.unchanged > 0 and again.revisions == []
        assert (kb.repository.revision_count(), _quad_count(kb)) == (revisions, quads)


def test_existing_entity_keeps_its_name(kb: KnowledgeBase, tmp_path: Path) -> None:
    # The seed knows "Meta"; a LIAR speaker "meta" must link to it, not give it a second name.
    meta = kb.iris.entity("meta")
    names = list(kb.repository.describe([meta]).objects(meta, SCHEMA.name))
    row = ["9200.json", "false", "Says a made-up thing.", "tests", "meta", "", "", "", "0", "0", "0", "0", "0", ""]
    (tmp_path / "meta.tsv").write_text("\t".join(row) + "\n")
    report = import_file(kb, "liar", tmp_path / "meta.tsv")
    assert report.imported == 1
    assert list(kb.repository.describe([meta]).objects(meta, SCHEMA.name)) == names
    assert kb.claim_page("liar-9200").claimant.iri == meta  # type: ignore[union-attr]


def test_averitec_records_become_claims_with_evidence(kb: KnowledgeBase) -> None:
    report = import_file(kb, "averitec", DATA / "averitec-sample.json")
    assert (report.imported, report.skipped) == (3, 5)
    assert [p.number for p in report.problems] == [4, 5, 6, 7, 8]
    assert "31-10-2020" in report.problems[0].message
    claims = {c.text: c for c in kb.claims()}
    schools = kb.claim_page(claims["The example town built three new schools in 2020."].slug)
    assert schools.status.notation == "resolved-true"
    assert schools.claim.claimed_on.isoformat() == "2020-09-14"  # type: ignore[union-attr]
    assert schools.claimant.name == "Mayor Example"  # type: ignore[union-attr]
    assert schools.first_appearance.url == "https://news.example.org/mayor-speech"  # type: ignore[union-attr]
    stances = sorted(item.stance.notation for item in schools.timeline)
    assert stances == ["context", "resolves-true"]  # one answer has a source URL, one has none
    verdict = next(i for i in schools.timeline if i.stance.notation == "resolves-true")
    assert verdict.event.when.isoformat() == "2020-10-02"  # the archived fact-check's snapshot day
    assert verdict.source.url.endswith("factcheck.example.org/schools")  # type: ignore[union-attr]
    assert "made up for this test" in (verdict.event.note or "")
    answer = next(i for i in schools.timeline if i.stance.notation == "context")
    assert answer.source.url == "https://records.example.org/schools-2020"  # type: ignore[union-attr]
    assert "Three, according" in (answer.event.note or "")

    bridge = kb.claim_page(claims["A video shows the example bridge collapsing last week."].slug)
    assert bridge.status.notation == "resolved-false"
    assert bridge.claimant.name == "Unattributed"  # type: ignore[union-attr]
    # No snapshot date for the article: the verdict is dated on the claim's date, and says so.
    verdict = next(i for i in bridge.timeline if i.stance.notation == "resolves-false")
    assert verdict.event.when.isoformat() == "2020-11-03"
    festival = kb.claim_page(claims["The example festival drew a million visitors."].slug)
    assert festival.status.notation == "unverified"


def test_claimreview_feed_imports_with_ratings_mapped(kb: KnowledgeBase) -> None:
    report = import_file(kb, "claimreview", DATA / "claimreview-sample.json")
    assert report.imported == 2
    assert [(p.number, p.message.split(" (")[0]) for p in report.problems] == [
        (3, "no url"),
        (4, "the rating 'Spicy' matches none of our statuses and has no ratingValue"),
        (5, "no datePublished"),
        (6, "not a ClaimReview"),
    ]
    claims = {c.text: c for c in kb.claims()}
    harbour = kb.claim_page(claims["The example harbour hosted 500 ships in one day"].slug)
    assert harbour.status.notation == "resolved-false"  # "Pants on Fire!" through the crosswalk
    assert harbour.claimant.name == "Harbour Master Example" and harbour.claimant.kind == "Person"  # type: ignore[union-attr]
    assert harbour.claimant.wikidata == "Q4115189"  # type: ignore[union-attr]
    assert harbour.claim.claimed_on.isoformat() == "2021-02-28"  # type: ignore[union-attr]
    assert harbour.first_appearance.headline == "A made-up post about the harbour"  # type: ignore[union-attr]
    (verdict,) = harbour.timeline
    assert verdict.actor.name == "Example Fact Check"  # type: ignore[union-attr]
    assert verdict.source.url == "https://factcheck.example.org/reviews/harbour-ships"  # type: ignore[union-attr]
    assert verdict.source.headline == "Fact check: did the example harbour host 500 ships?"  # type: ignore[union-attr]
    assert verdict.event.when.isoformat() == "2021-03-04"
    park = kb.claim_page(claims["The example park has 10,000 trees"].slug)
    assert park.status.notation == "resolved-true"  # 9 on a 0-10 scale is 4.6 of 5: nearest is 5
    claimant = kb.iris.entity("harbour-master-example")
    assert (claimant, OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q4115189")) in kb.repository.describe(
        [claimant]
    )


def test_duplicate_records_in_one_file_are_reported(kb: KnowledgeBase, tmp_path: Path) -> None:
    items = json.loads((DATA / "averitec-sample.json").read_text())[:1] * 2
    (tmp_path / "twice.json").write_text(json.dumps(items))
    report = import_file(kb, "averitec", tmp_path / "twice.json")
    assert report.imported == 1
    assert [p.number for p in report.problems] == [2]
    assert "same claim as record 1" in report.problems[0].message


def test_record_that_breaks_the_shapes_is_skipped_and_its_batch_written(kb: KnowledgeBase, tmp_path: Path) -> None:
    # A row whose claim already exists with another text would give it two texts: a shape says one.
    rows = [
        ["9301.json", "true", "Says one made-up thing.", "tests", "jane-example", "", "", "", *"00000", ""],
        ["9302.json", "false", "Says another made-up thing.", "tests", "jane-example", "", "", "", *"00000", ""],
    ]
    (tmp_path / "first.tsv").write_text("\n".join("\t".join(r) for r in rows) + "\n")
    import_file(kb, "liar", tmp_path / "first.tsv")
    rows[0][2] = "Says the same id with a different statement."
    rows.append(
        ["9303.json", "half-true", "Says a third made-up thing.", "tests", "jane-example", "", "", "", *"00000", ""]
    )
    (tmp_path / "second.tsv").write_text("\n".join("\t".join(r) for r in rows) + "\n")
    report = import_file(kb, "liar", tmp_path / "second.tsv", batch_size=10)
    assert report.imported == 1 and report.unchanged == 1
    assert [p.number for p in report.problems] == [1]
    assert "text" in report.problems[0].message
    assert kb.claim_page("liar-9301").claim.text == "Says one made-up thing."
    assert _status(kb, "liar-9303") == "resolved-partly"


def test_batches_make_one_revision_each(kb: KnowledgeBase) -> None:
    before = kb.repository.revision_count()
    report = import_file(kb, "liar", DATA / "liar-sample.tsv", batch_size=2)
    assert report.imported == 4 and len(report.revisions) == 2
    assert kb.repository.revision_count() == before + 2


@pytest.mark.parametrize(
    ("fmt", "content", "message"),
    [
        ("averitec", "{not json", "not a JSON file"),
        ("averitec", '{"claim": "x"}', "expected a JSON list"),
        ("claimreview", "[1, 2", "not a JSON file"),
    ],
)
def test_unreadable_file_is_refused_whole(
    kb: KnowledgeBase, tmp_path: Path, fmt: str, content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    revisions = kb.repository.revision_count()
    with pytest.raises(KBError, match=message):
        import_file(kb, fmt, path)
    assert kb.repository.revision_count() == revisions


def test_cli_import_reports_rows_and_progress(tmp_path: Path) -> None:
    from click.testing import CliRunner

    runner = CliRunner()
    data_dir = tmp_path / "kb"
    result = runner.invoke(
        main, ["import", "--format", "liar", str(DATA / "liar-sample.tsv"), "--data-dir", str(data_dir)]
    )
    assert result.exit_code == 0, result.output
    assert "4 claims imported" in result.stdout and "4 skipped" in result.stdout
    assert "liar-sample.tsv: line 4: unknown label 'correct'" in result.stderr
    again = runner.invoke(
        main, ["import", "--format", "liar", str(DATA / "liar-sample.tsv"), "--data-dir", str(data_dir)]
    )
    assert "0 claims imported, 4 already held" in again.stdout
    missing = runner.invoke(
        main, ["import", "--format", "liar", str(tmp_path / "nope.tsv"), "--data-dir", str(data_dir)]
    )
    assert missing.exit_code != 0 and "no such file" in missing.output
    wrong = runner.invoke(
        main, ["import", "--format", "csv", str(DATA / "liar-sample.tsv"), "--data-dir", str(data_dir)]
    )
    assert wrong.exit_code == 2


def test_imported_claims_show_on_the_site(client, kb: KnowledgeBase) -> None:  # type: ignore[no-untyped-def]
    import_file(kb, "liar", DATA / "liar-sample.tsv")
    response = client.get("/claims/liar-9002")
    assert response.status_code == 200
    assert "moon is made of cheese" in response.get_data(as_text=True)
    described = kb.repository.describe([kb.iris.claim("liar-9002")])
    assert (kb.iris.claim("liar-9002"), DCTERMS.subject, kb.iris.topic("science")) in described
    assert (kb.iris.claim("liar-9002"), CK.status, CK["resolved-false"]) in kb.repository.describe(
        [kb.iris.claim("liar-9002")]
    )
    assert Literal("Says the moon is made of cheese, according to a made-up test record.") in set(
        kb.repository.describe([kb.iris.claim("liar-9002")]).objects()
    )


def test_single_claimreview_document_and_graph(kb: KnowledgeBase, tmp_path: Path) -> None:
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://factcheck.example.org/reviews/one",
        "claimReviewed": "The example lake froze in July",
        "author": {"@type": "Organization", "name": "Example Fact Check"},
        "datePublished": "2022-08-01",
        "reviewRating": {"@type": "Rating", "alternateName": "Half True"},
    }
    (tmp_path / "one.json").write_text(json.dumps(review))
    assert import_file(kb, "claimreview", tmp_path / "one.json").imported == 1
    second = dict(
        review, url="https://factcheck.example.org/reviews/two", claimReviewed="The example hill is 9 km high"
    )
    (tmp_path / "graph.json").write_text(json.dumps({"@context": "https://schema.org", "@graph": [review, second]}))
    report = import_file(kb, "claimreview", tmp_path / "graph.json")
    assert (report.imported, report.unchanged) == (1, 1)
    texts = {c.text: c.status.notation for c in kb.claims()}
    assert texts["The example lake froze in July"] == "resolved-partly"  # LIAR's "half-true" label, by its prefLabel
    assert texts["The example hill is 9 km high"] == "resolved-partly"
