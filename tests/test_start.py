"""Starting over an existing knowledge base: nothing rebuilt or rescanned that a file on disk keeps."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from rdflib import Literal

from claims.vocab import SCHEMA
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
    checks: list[date] = []
    original = kb.mark_due_predictions

    def counting() -> object:
        checks.append(kb.today())
        return original()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kb, "mark_due_predictions", counting)
        kb.mark_due_predictions_on_start(tmp_path)
        kb.mark_due_predictions_on_start(tmp_path)
        assert len(checks) == 1, "a second start the same day, over the same store, checked again"
        claim = kb.iris.claim("us-shop-before-holidays")
        change = Change(added={(claim, SCHEMA.name, Literal("Renamed"))}, removed=set(), changed={claim})  # type: ignore[arg-type]
        assert kb.repository.apply(change, agent=kb.agent("tester"), reason="A new revision") is not None
        kb.mark_due_predictions_on_start(tmp_path)
        assert len(checks) == 2
        today = kb.today()
        patch.setattr(kb, "today", lambda: today + timedelta(days=1))
        kb.mark_due_predictions_on_start(tmp_path)
        assert len(checks) == 3
