"""Loading RDF files: parse errors and shape violations are refused whole; loading twice adds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.errors import KBError, ValidationFailed
from kb.knowledge import KnowledgeBase

pytestmark = pytest.mark.store  # on the embedded store and again on a SPARQL server

PREFIXES = """
@prefix ck: <https://w3id.org/claimkb/vocab#> .
@prefix schema: <http://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

VALID = (
    PREFIXES
    + """
<entities/example-org> a schema:Organization ; ck:slug "example-org" ; schema:name "Example Org" .
<claims/made-up> a schema:Claim ; ck:slug "made-up" ; schema:text "A claim made up for this test." ;
    ck:claimType ck:statement ; schema:author <entities/example-org> ; ck:evidence <events/made-up-1> .
<events/made-up-1> a ck:EvidenceEvent ; dcterms:date "2022-10-11"^^xsd:date ; ck:stance ck:denies .
"""
)


def quad_count(kb: KnowledgeBase) -> int:
    return sum(1 for _ in kb.store.quads())


@pytest.fixture
def empty_kb(tmp_path: Path, store_url: str | None) -> KnowledgeBase:
    kb = KnowledgeBase.open(tmp_path / "data", store_url=store_url, base_iri="http://localhost:5000/")
    yield kb
    kb.close()


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_load_derives_status_and_records_a_revision(empty_kb: KnowledgeBase, tmp_path: Path) -> None:
    info = empty_kb.load_file(write(tmp_path, "ok.ttl", VALID))
    assert info is not None and info.number == 1
    assert [c.status.notation for c in empty_kb.claims()] == ["denied"]
    assert empty_kb.iris.claim("made-up") in info.changed


def test_loading_the_same_file_twice_adds_nothing(empty_kb: KnowledgeBase, tmp_path: Path) -> None:
    path = write(tmp_path, "ok.ttl", VALID)
    empty_kb.load_file(path)
    before = quad_count(empty_kb)
    assert empty_kb.load_file(path) is None
    assert quad_count(empty_kb) == before
    assert empty_kb.repository.revision_count() == 1


def test_a_malformed_file_is_refused_with_the_parsers_line(empty_kb: KnowledgeBase, tmp_path: Path) -> None:
    broken = VALID.replace('"A claim made up for this test." ;', '"A claim made up for this test ;')
    with pytest.raises(KBError) as caught:
        empty_kb.load_file(write(tmp_path, "broken.ttl", broken))
    assert "line" in caught.value.message.lower()
    assert empty_kb.store.is_empty()


def test_a_shape_violation_is_refused_with_node_and_constraint(empty_kb: KnowledgeBase, tmp_path: Path) -> None:
    no_text = VALID.replace('schema:text "A claim made up for this test." ;', "")
    with pytest.raises(ValidationFailed) as caught:
        empty_kb.load_file(write(tmp_path, "invalid.ttl", no_text))
    violations = caught.value.details["violations"]
    assert any(v["focus"].endswith("/claims/made-up") and v["path"] == "text" for v in violations)
    assert "MinCount" in caught.value.message
    assert empty_kb.store.is_empty()


def test_a_prediction_without_deadline_is_refused(empty_kb: KnowledgeBase, tmp_path: Path) -> None:
    prediction = VALID.replace("ck:claimType ck:statement", "ck:claimType ck:prediction")
    with pytest.raises(ValidationFailed):
        empty_kb.load_file(write(tmp_path, "prediction.ttl", prediction))
    assert empty_kb.store.is_empty()


def test_one_bad_node_among_good_ones_writes_nothing(empty_kb: KnowledgeBase, tmp_path: Path) -> None:
    bad_entity = VALID + '<entities/nameless> a schema:Organization ; ck:slug "nameless" .\n'
    with pytest.raises(ValidationFailed):
        empty_kb.load_file(write(tmp_path, "mixed.ttl", bad_entity))
    assert empty_kb.store.is_empty()


def test_blank_nodes_get_iris(empty_kb: KnowledgeBase, tmp_path: Path) -> None:
    with_blank = VALID.replace("ck:evidence <events/made-up-1> .", 'ck:note [ schema:name "x" ] .')
    with_blank = with_blank.replace(
        '<events/made-up-1> a ck:EvidenceEvent ; dcterms:date "2022-10-11"^^xsd:date ; ck:stance ck:denies .', ""
    )
    with pytest.raises(ValidationFailed):  # a note must be text, and the shapes say so
        empty_kb.load_file(write(tmp_path, "blank.ttl", with_blank))


def test_a_dump_with_named_graphs_is_not_loaded_as_a_file(empty_kb: KnowledgeBase, tmp_path: Path) -> None:
    trig = "<http://example.org/g> { <http://example.org/s> <http://example.org/p> <http://example.org/o> . }"
    with pytest.raises(KBError) as caught:
        empty_kb.load_file(write(tmp_path, "dump.trig", trig))
    assert "named graphs" in caught.value.message
    assert empty_kb.store.is_empty()


def test_a_missing_file_is_a_clear_error(empty_kb: KnowledgeBase, tmp_path: Path) -> None:
    with pytest.raises(KBError) as caught:
        empty_kb.load_file(tmp_path / "nope.ttl")
    assert "no such file" in caught.value.message
