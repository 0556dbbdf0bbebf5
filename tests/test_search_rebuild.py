"""A full rebuild of the search index: its quick paths give what the general ones give."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.namespace import PROV
from whoosh.analysis import StandardAnalyzer

from bench.synthetic import synthetic_knowledge_base
from claims.vocab import SCHEMA
from kb.knowledge import KnowledgeBase
from kb.search import scan, tantivy_backend
from kb.search.analysis import QuickAnalysis
from kb.search.documents import ClaimDocument, DocumentBuilder
from kb.search.service import SearchService
from kb.search.whoosh_backend import _schema
from kb.store import OxigraphStore
from tests.helpers import search_snapshot

TRICKY = [
    "İstanbul café x.y.z a*b U.S.A. 3.5 co-op don't ÆØÅ Straße ﬁne",
    "the and a I of it's",
    "ASCII only: x.y.z a*b U.S.A. 3.5 ..a..b.. *.* _x_ co-op 1,000 e-mail user_name. End.",
    "Résumé naïve façade 42nd 1,000,000 e-mail user_name",
    "",
]


def _texts(documents: list[ClaimDocument]) -> list[str]:
    return [
        "\n".join([d.name, d.text, *d.quotes, d.note, *d.evidence] + [v.label for v in d.about]) for d in documents
    ] + TRICKY


def test_the_store_scan_builds_the_documents_the_queries_build(kb: KnowledgeBase, tmp_path: Path) -> None:
    """On the seed (every shape of claim) and on generated claims: the same documents either way."""
    synthetic = synthetic_knowledge_base(tmp_path / "synthetic", 150)
    try:
        for store in (kb.store, synthetic.store):
            assert isinstance(store, OxigraphStore)
            builder = DocumentBuilder(store)
            total, scanned = builder.stream()
            by_query = builder._build(None)
            assert {d.iri: d for d in scanned} == by_query
            assert total >= len(by_query) > 0
    finally:
        synthetic.close()


def test_a_second_reading_process_gives_the_same_documents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A large store on disk is read, and its documents built, by two processes, in the same order as
    one process builds them; a second process that fails leaves its work to this one."""
    synthetic = synthetic_knowledge_base(tmp_path / "synthetic", 60)
    try:
        store = synthetic.store
        assert isinstance(store, OxigraphStore) and store.path is not None
        before = {d.iri: d.support_origins for d in scan.scan_documents(store.native)[1]}
        # Sources copied from one another (generated data has none): the support facet's slow path.
        appearance, derived = ox.NamedNode(str(SCHEMA.appearance)), ox.NamedNode(str(PROV.wasDerivedFrom))
        sources = sorted({q.object.value for q in store.native.quads_for_pattern(None, appearance, None)})  # type: ignore[union-attr]
        for source in sources[1:]:
            store.native.add(ox.Quad(ox.NamedNode(source), derived, ox.NamedNode(sources[0])))
        alone = {d.iri: d for d in scan.scan_documents(store.native)[1]}
        assert alone == DocumentBuilder(store)._build(None)
        assert any(before[iri] != document.support_origins for iri, document in alone.items())
        monkeypatch.setattr(scan, "PARALLEL_FROM", 1)
        monkeypatch.setattr(scan, "BATCH", 7)  # the second process builds 2 of every 3 batches of 7 claims
        in_order = list(alone.values())
        assert list(scan.scan_documents(store.native, store.path)[1]) == in_order
        # Prepared for the index by both processes: what the index would make of each document here.
        prepared = list(scan.scan_documents(store.native, store.path, tantivy_backend.PREPARE)[1])
        assert prepared == [tantivy_backend.prepared_fields(document) for document in in_order]
        assert "second process failed" not in caplog.text
        assert list(scan.scan_documents(store.native, tmp_path / "no-store-here")[1]) == in_order
        assert "second process failed" in caplog.text
        assert len(alone) > 14
    finally:
        synthetic.close()


def test_quick_analysis_gives_the_whoosh_analysers_tokens(kb: KnowledgeBase) -> None:
    quick, content, words = QuickAnalysis(), _schema()["content"].analyzer, StandardAnalyzer(stoplist=None)

    def tokens(analyzer: object, text: str) -> str:
        return " ".join(token.text for token in analyzer(text))  # type: ignore[operator]

    for text in _texts(DocumentBuilder(kb.store).all_documents()):
        assert quick.english(text) == tokens(content, text)
        assert quick.words(text) == tokens(words, text)


@pytest.mark.usefixtures("search_backend")
def test_a_rebuild_answers_as_the_index_built_revision_by_revision(tmp_path: Path, search_backend: str) -> None:
    """An index that followed the seed's load revision by revision, then rebuilt: the same answers."""
    kb = KnowledgeBase.open(tmp_path / "kb", store_url="memory", base_iri="http://localhost:5000/")
    try:
        search = SearchService.open(kb, tmp_path / "index", backend=search_backend)
        kb.ensure_seed()
        search.wait()
        followed = search_snapshot(search)
        assert followed[3][1] > 0
        assert search.rebuild() == followed[3][1]
        assert search_snapshot(search) == followed
    finally:
        kb.close()
