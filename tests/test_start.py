"""Starting over an existing knowledge base: nothing rebuilt or rescanned that a file on disk keeps."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from rdflib import Literal
from rdflib.namespace import RDF

from claims.vocab import CK, SCHEMA
from kb import queries
from kb.knowledge import KnowledgeBase
from kb.search import SearchRequest
from kb.search.service import SearchService, index_dir
from kb.write.repository import Change
from tests.helpers import AppFactory


@pytest.mark.usefixtures("search_backend")
def test_start_keeps_an_up_to_date_index_and_rebuilds_a_missing_one(
    make_app: AppFactory, tmp_path: Path, search_backend: str
) -> None:
    app: Flask = make_app()
    data_dir = Path(app.config["DATA_DIR"])
    search: SearchService = app.extensions["claimkb.search"]
    total = search.search(SearchRequest()).total
    app.extensions.pop("claimkb").close()
    rebuilt: list[int] = []
    original = SearchService.rebuild

    def counting(self: SearchService, progress: object = None) -> int:
        rebuilt.append(1)
        return original(self, progress)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SearchService, "rebuild", counting)
        again = make_app(data_dir=data_dir)
        assert not rebuilt, "an up-to-date index was rebuilt on start"
        assert again.extensions["claimkb.search"].search(SearchRequest()).total == total
        again.extensions.pop("claimkb").close()
        shutil.rmtree(index_dir(data_dir, search_backend))
        third = make_app(data_dir=data_dir)
        assert rebuilt == [1]
        assert third.extensions["claimkb.search"].search(SearchRequest()).total == total


def test_due_predictions_are_checked_once_a_day_and_after_each_new_revision(kb: KnowledgeBase, tmp_path: Path) -> None:
    checks: list[tuple[date, object]] = []
    original = kb.mark_due_predictions

    def counting(since: tuple[date, int] | None = None) -> object:
        checks.append((kb.today(), since))
        return original(since)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kb, "mark_due_predictions", counting)
        kb.mark_due_predictions_on_start(tmp_path)
        kb.mark_due_predictions_on_start(tmp_path)
        assert len(checks) == 1, "a second start the same day, over the same store, checked again"
        assert checks[0][1] is None, "the first check (no record of an earlier one) looks at every prediction"
        claim = kb.iris.claim("us-shop-before-holidays")
        change = Change(added={(claim, SCHEMA.name, Literal("Renamed"))}, removed=set(), changed={claim})  # type: ignore[arg-type]
        assert kb.repository.apply(change, agent=kb.agent("tester"), reason="A new revision") is not None
        kb.mark_due_predictions_on_start(tmp_path)
        assert len(checks) == 2
        today = kb.today()
        patch.setattr(kb, "today", lambda: today + timedelta(days=1))
        kb.mark_due_predictions_on_start(tmp_path)
        assert len(checks) == 3
        assert all(since is not None for _, since in checks[1:]), "a later start scanned every prediction"


def test_a_later_start_marks_what_fell_due_since_without_scanning(kb: KnowledgeBase, tmp_path: Path) -> None:
    today = kb.today()
    soon = kb.iris.claim("made-up-soon")  # its deadline tomorrow: due from the day after
    written = kb.iris.claim("made-up-written")  # written past its deadline by a raw change, status not derived
    triples = set()
    for iri, deadline in ((soon, today + timedelta(days=1)), (written, today - timedelta(days=30))):
        triples |= {
            (iri, RDF.type, SCHEMA.Claim),
            (iri, CK.slug, Literal(str(iri).rsplit("/", 1)[1])),
            (iri, SCHEMA.text, Literal("A made-up prediction.")),
            (iri, CK.claimType, CK.prediction),
            (iri, CK.deadline, Literal(deadline)),
            (iri, CK.status, CK.unverified),
            (iri, SCHEMA.author, kb.iris.entity("tiktok")),
        }
    kb.mark_due_predictions_on_start(tmp_path)  # the first check, recorded
    tester = kb.agent("tester")
    for iri in (soon, written):  # each in its own revision, checked after the first
        change = Change(added={t for t in triples if t[0] == iri}, removed=set(), changed={iri})
        assert kb.repository.apply(change, agent=tester, reason="A made-up prediction") is not None
        if iri == soon:
            kb.mark_due_predictions_on_start(tmp_path)
    scans = []
    original = kb.store.select

    def watching(query: str, bindings: object = None) -> object:
        if query == queries.PREDICTIONS_TO_MARK_DUE and not (bindings and "claim" in bindings):  # type: ignore[operator]
            scans.append(query)
        return original(query, bindings)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kb.store, "select", watching)
        patch.setattr(kb, "today", lambda: today + timedelta(days=3))
        info = kb.mark_due_predictions_on_start(tmp_path)
    assert not scans, "a later start scanned every prediction"
    assert info is not None and {soon, written} <= set(info.changed)
    for iri in (soon, written):
        assert (iri, CK.status, CK.due) in kb.repository.describe([iri])
