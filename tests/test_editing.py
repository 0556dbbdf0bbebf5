"""The editing operations themselves (kb.write.editing), shared by the forms and the API."""

from __future__ import annotations

import threading

import pytest
from rdflib import Literal

from claims.vocab import CK
from kb.errors import ConflictError, KBError, ValidationFailed
from kb.knowledge import KnowledgeBase
from kb.write.editing import Editor

pytestmark = pytest.mark.store  # on the embedded store and again on a SPARQL server

CLAIM = "fbt-job-listings"


@pytest.fixture
def editor(kb: KnowledgeBase) -> Editor:
    return Editor(kb)


def public(kb: KnowledgeBase) -> set:
    return set(kb.store.quads())


def test_concurrent_saves_from_one_version_one_wins(editor: Editor, kb: KnowledgeBase) -> None:
    version = editor.claim_values(CLAIM)["version"]
    agent = kb.iris.agent("test")
    outcomes: list[str] = []
    barrier = threading.Barrier(6)

    def save(n: int) -> None:
        data = {"text": f"Text {n}.", "claim_type": "statement", "claimant": "axios", "version": str(version)}
        barrier.wait()
        try:
            editor.edit_claim(CLAIM, data, agent=agent)
            outcomes.append(f"won {n}")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=save, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [o for o in outcomes if o.startswith("won")]
    assert len(winners) == 1 and outcomes.count("conflict") == 5
    assert editor.claim_values(CLAIM)["text"] == f"Text {winners[0].split()[1]}."


def test_status_is_rederived_when_evidence_changes(editor: Editor, kb: KnowledgeBase) -> None:
    agent = kb.iris.agent("test")
    iri, _ = editor.create_claim(
        {
            "text": "Example Org will ship by 2020.",
            "claim_type": "prediction",
            "deadline": "2020-06-01",
            "claimant": "tiktok",
        },
        agent=agent,
    )
    slug = iri.rsplit("/", 1)[1]
    assert editor.claim_values(slug)["status"] == "due"
    version = editor.claim_values(slug)["version"]
    event, _ = editor.add_event(
        slug, {"date": "2020-05-01", "stance": "resolves-true", "version": version, "reason": "Shipped"}, agent=agent
    )
    assert editor.claim_values(slug)["status"] == "resolved-true"
    event_slug = event.rsplit("/", 1)[1]
    with pytest.raises(ValidationFailed) as refused:
        editor.retract("events", event_slug, {"version": 1}, agent=agent)
    assert "reason" in refused.value.details["fields"]
    editor.retract("events", event_slug, {"version": 1, "reason": "Report was wrong"}, agent=agent)
    assert editor.claim_values(slug)["status"] == "due"
    assert (event, CK.retracted, Literal(True)) in kb.repository.describe([event])


def test_a_shape_violation_maps_to_its_field_and_writes_nothing(editor: Editor, kb: KnowledgeBase) -> None:
    before = public(kb)
    with pytest.raises(ValidationFailed) as refused:
        editor.create_entity({"name": "Example", "kind": "Person", "wikidata": "Q0"}, agent=kb.iris.agent("t"))
    assert refused.value.details["fields"]["wikidata"]
    assert public(kb) == before


def test_revert_refuses_to_leave_later_evidence_pointing_at_nothing(editor: Editor, kb: KnowledgeBase) -> None:
    agent = kb.iris.agent("test")
    source, info = editor.add_source(
        {"headline": "Example source", "version": editor.claim_values(CLAIM)["version"]}, agent=agent, claim_slug=CLAIM
    )
    editor.add_event(
        CLAIM,
        {
            "date": "2024-01-01",
            "stance": "context",
            "source": source.rsplit("/", 1)[1],
            "version": editor.claim_values(CLAIM)["version"],
        },
        agent=agent,
    )
    before = public(kb)
    with pytest.raises(KBError) as refused:
        editor.revert(info.number, {}, agent=agent)
    assert refused.value.status == 409
    assert public(kb) == before


def test_empty_edit_writes_no_revision(editor: Editor, kb: KnowledgeBase) -> None:
    values = editor.claim_values(CLAIM)
    count = kb.repository.revision_count()
    assert editor.edit_claim(CLAIM, values, agent=kb.iris.agent("test")) is None
    assert kb.repository.revision_count() == count
