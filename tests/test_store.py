"""The stores and the revisioned write path: persistence, atomicity, no duplicates, conflicts.

Tests taking ``empty_store`` run on the store of the pass (embedded, or a real SPARQL server).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from claims.model import Iris
from claims.vocab import CK, SCHEMA
from kb import queries
from kb.errors import ConflictError, KBError
from kb.store import OxigraphStore, Store, StoreError
from kb.write.repository import Change, Repository

pytestmark = pytest.mark.store  # on the embedded store and again on a SPARQL server

IRIS = Iris("http://localhost:5000/")
CLAIM = IRIS.claim("test-claim")
AGENT = IRIS.agent("tester")


def count_quads(store: Store) -> int:
    return sum(1 for _ in store.quads())


def new_claim_change(text: str = "A claim made for this test.") -> Change:
    return Change(
        added={(CLAIM, RDF.type, SCHEMA.Claim), (CLAIM, SCHEMA.text, Literal(text))},
        changed={CLAIM},
        expected_versions={CLAIM: 0},
    )


def test_a_write_survives_closing_and_reopening(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "store")
    Repository(store, IRIS).apply(new_claim_change(), agent=AGENT, reason="first")
    store.close()
    reopened = OxigraphStore(tmp_path / "store")
    repo = Repository(reopened, IRIS)
    assert repo.revision_count() == 1
    assert (CLAIM, SCHEMA.text, Literal("A claim made for this test.")) in repo.describe([CLAIM])
    reopened.close()


def test_revision_records_who_when_why_and_the_exact_triples(empty_store: Store) -> None:
    store = empty_store
    repo = Repository(store, IRIS)
    info = repo.apply(new_claim_change(), agent=AGENT, reason="because")
    assert info is not None and info.number == 1
    added, removed = repo.revision_triples(1)
    assert added == {(CLAIM, RDF.type, SCHEMA.Claim), (CLAIM, SCHEMA.text, Literal("A claim made for this test."))}
    assert removed == set()
    rows = store.select(queries.REVISIONS_OF, {"resource": CLAIM})
    assert [(str(r["reason"]), r["agent"]) for r in rows] == [("because", AGENT)]


def test_an_empty_change_writes_nothing(empty_store: Store) -> None:
    store = empty_store
    repo = Repository(store, IRIS)
    assert repo.apply(Change(), agent=AGENT, reason="nothing") is None
    assert store.is_empty()


def test_a_stale_version_is_refused_and_nothing_is_written(empty_store: Store) -> None:
    store = empty_store
    repo = Repository(store, IRIS)
    repo.apply(new_claim_change(), agent=AGENT, reason="first")
    before = count_quads(store)
    stale = Change(added={(CLAIM, SCHEMA.name, Literal("late"))}, changed={CLAIM}, expected_versions={CLAIM: 0})
    with pytest.raises(ConflictError) as caught:
        repo.apply(stale, agent=AGENT, reason="stale")
    assert caught.value.status == 409
    assert caught.value.stale == {CLAIM: (0, 1)}
    assert count_quads(store) == before
    assert repo.revision_count() == 1


def test_a_failed_write_leaves_nothing_behind(empty_store: Store) -> None:
    store = empty_store
    repo = Repository(store, IRIS)
    bad_iri = URIRef("http://localhost:5000/claims/has space")
    change = Change(added={(CLAIM, SCHEMA.text, Literal("ok")), (bad_iri, RDF.type, SCHEMA.Claim)}, changed={CLAIM})
    with pytest.raises(KBError):
        repo.apply(change, agent=AGENT, reason="bad")
    assert store.is_empty()


def test_versions_rise_with_each_revision(empty_store: Store) -> None:
    store = empty_store
    repo = Repository(store, IRIS)
    repo.apply(new_claim_change(), agent=AGENT, reason="first")
    edit = Change(
        added={(CLAIM, SCHEMA.text, Literal("Edited."))},
        removed={(CLAIM, SCHEMA.text, Literal("A claim made for this test."))},
        changed={CLAIM},
        expected_versions={CLAIM: 1},
    )
    repo.apply(edit, agent=AGENT, reason="edit")
    assert repo.versions([CLAIM]) == {CLAIM: 2}
    assert repo.revision_count() == 2
    assert set(repo.describe([CLAIM]).objects(CLAIM, SCHEMA.text)) == {Literal("Edited.")}
    # the version is bookkeeping, not part of the revision's triples
    added, removed = repo.revision_triples(2)
    assert all(p != CK.version for _, p, _ in added | removed)


def test_values_are_bound_not_formatted(empty_store: Store) -> None:
    store = empty_store
    repo = Repository(store, IRIS)
    hostile = 'x" } ; DROP ALL ; INSERT DATA { <a> <b> "c'
    repo.apply(new_claim_change(hostile), agent=AGENT, reason="hostile text is data")
    rows = store.select("SELECT ?s ?text WHERE { ?s schema:text ?text }", {"text": Literal(hostile)})
    assert [r["s"] for r in rows] == [CLAIM]


def test_a_second_writer_cannot_open_the_same_store(tmp_path: Path) -> None:
    first = OxigraphStore(tmp_path / "store")
    with pytest.raises(StoreError):
        OxigraphStore(tmp_path / "store")
    first.close()


def test_subjects_of_reads_the_default_graph_only(empty_store: Store) -> None:
    # The claims of an evidence event, as the write path asks for them: not the revision's graphs.
    store = empty_store
    event = IRIS.event("test-event")
    other = IRIS.claim("other-claim")
    change = new_claim_change()
    change.added |= {(CLAIM, CK.evidence, event), (other, CK.evidence, event), (other, SCHEMA.text, Literal("x"))}
    Repository(store, IRIS).apply(change, agent=AGENT, reason="with evidence")
    assert sorted(store.subjects_of(CK.evidence, event)) == sorted([CLAIM, other])
    assert store.subjects_of(CK.evidence, IRIS.event("no-such-event")) == []
    assert store.subjects_of(SCHEMA.text, Literal("x")) == [other]
