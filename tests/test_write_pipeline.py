"""The one write pipeline (kb.write.pipeline) and the field declarations it reads (kb.write.fields)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from claims import concepts
from claims.model import Claim
from claims.status import Stance
from claims.vocab import CK, SCHEMA
from kb.errors import ValidationFailed
from kb.interchange.imports.records import Record, add_claim, add_event, share_entity
from kb.knowledge import KnowledgeBase
from kb.write import fields
from kb.write.editing import Editor
from kb.write.pipeline import Draft, Pipeline
from webapp.api.openapi import openapi_document

CLAIM = "fbt-job-listings"


def test_claim_types_come_from_the_concept_scheme_in_its_order() -> None:
    assert set(fields.CLAIM_TYPES) == set(concepts.claim_types())
    assert fields.CLAIM_TYPES[:2] == ("statement", "prediction")
    schema = openapi_document("/api")["components"]["schemas"]
    assert schema["ClaimInput"]["properties"]["claim_type"]["enum"] == list(fields.CLAIM_TYPES)


def test_the_api_document_is_the_declaration() -> None:
    schema = openapi_document("/api")["components"]["schemas"]
    for model in fields.BODIES:
        declared = schema[model.__name__]
        assert set(declared["properties"]) == set(model.model_fields), model
        required = {name for name, info in model.model_fields.items() if info.is_required()}
        assert set(declared.get("required", [])) == required, model
    assert schema["ClaimInput"]["properties"]["text"]["maxLength"] == 2000
    assert schema["EntityEdit"]["properties"]["version"]["minimum"] == 0
    # The form fields' RDF properties are the declared ones; a shape violation finds its field by them.
    assert fields.FIELD_OF_PATH["claims"]["author"] == "claimant"
    assert SCHEMA.author in fields.CLAIM_FIELDS and CK.slug not in fields.CLAIM_FIELDS


def test_a_declared_field_is_read_with_its_label_and_limit() -> None:
    submitted = fields.Submitted(fields.ClaimEdit, {"text": "x" * 2001, "claim_type": "gossip"})
    assert submitted.get("text") is None and submitted.get("claim_type") is None
    assert submitted.get("version") is None
    assert submitted.problems.fields == {
        "text": ["The claim is too long: 2,001 characters, at most 2,000."],
        "claim_type": ["The claim type must be one of: statement, prediction, rumour, denial, attribution."],
        "version": ["An edit must say which version it started from (the version field)."],
    }
    with pytest.raises(KeyError):
        submitted.get("undeclared")


def test_an_edit_keeps_what_its_form_does_not_decide(kb: KnowledgeBase) -> None:
    editor = Editor(kb)
    claim = kb.iris.claim(CLAIM)
    foreign = (claim, RDFS.seeAlso, URIRef("https://example.org/elsewhere"))
    extra = Graph()
    extra.add(foreign)
    assert kb.load_graph(extra, agent="tester", reason="A link the form has no field for") is not None
    values = editor.claim_values(CLAIM)
    before = kb.repository.describe([claim])
    info = editor.edit_claim(CLAIM, {**values, "text": "Reworded by the test."}, agent=kb.agent("tester"))
    assert info is not None
    after = kb.repository.describe([claim])
    assert foreign in after
    changed = {(p, o) for _, p, o in set(after) ^ set(before) if p != CK.version}
    assert {p for p, _ in changed} == {SCHEMA.text}


def test_shape_violations_are_mapped_to_fields(kb: KnowledgeBase) -> None:
    pipeline = Pipeline(kb)
    claim = kb.iris.claim(CLAIM)
    current = kb.repository.describe([claim])
    model = Claim.from_graph(current, claim)
    model.text = "x" * 2001  # beyond the shape's limit, past the form's reader
    draft = Draft(claims={claim})
    draft.put(model, over=current, controlled=fields.CLAIM_FIELDS)
    with pytest.raises(ValidationFailed) as refused:
        pipeline.prepare(draft)
    assert set(refused.value.details["fields"]) == {"text"}


def test_marking_predictions_due_goes_through_the_pipeline(kb: KnowledgeBase) -> None:
    editor = Editor(kb)
    agent = kb.agent("tester")
    soon = (kb.today() + timedelta(days=3)).isoformat()
    iri, _ = editor.create_claim(
        {"text": "Example Org will open a shop.", "claim_type": "prediction", "deadline": soon, "claimant": "axios"},
        agent=agent,
    )
    assert kb.mark_due_predictions() is None  # nothing past its deadline yet
    kb.today = lambda: date.fromisoformat(soon) + timedelta(days=1)  # type: ignore[method-assign]
    info = kb.mark_due_predictions()
    assert info is not None and iri in info.changed
    assert (iri, CK.status, CK.due) in kb.repository.describe([iri])
    assert kb.mark_due_predictions() is None  # derived again, nothing moves


def test_imported_records_are_made_by_the_model(kb: KnowledgeBase) -> None:
    iris = kb.iris
    record = Record(number=1, claim=iris.claim("test-record"))
    speaker = share_entity(record, iris, "Example Speaker", kind="Person")
    claim = add_claim(record, slug="test-record", text="Something was said.", claimant=speaker)
    add_event(record, iris.event("test-record-verdict"), when=date(2020, 1, 2), stance=Stance.DENIES, name="Denied")
    assert (claim.iri, CK.evidence, iris.event("test-record-verdict")) in record.own
    expected = claim.to_graph(Graph())
    assert set(expected) <= record.own
    assert (speaker, RDF.type, SCHEMA.Person) in record.shared[speaker]
    assert (speaker, SCHEMA.name, Literal("Example Speaker")) in record.shared[speaker]


def test_a_field_needing_only_its_declaration_reaches_the_model() -> None:
    claim = Claim(
        iri=URIRef("http://localhost:5000/claims/x"), slug="x", text="T", claim_type="statement", claimant=URIRef("")
    )
    submitted = fields.Submitted(fields.ClaimFields, {"name": "  Short name  ", "note": "A *note*."})
    submitted.get("note")  # read by the editor itself: left as the editor set it
    claim.note = "kept"
    submitted.fill(claim, fields.ClaimFields)
    assert claim.name == "Short name" and claim.note == "kept" and claim.text is None

    class WithAudience(fields.ClaimFields):
        audience: Annotated[str | None, fields.Text("The audience", limit=20, path=SCHEMA.audience)] = None

    # A declared field the model has no attribute for fails loudly instead of being dropped.
    with pytest.raises(AttributeError, match="audience"):
        fields.Submitted(WithAudience, {"audience": "voters"}).fill(claim, WithAudience)


def test_a_change_through_the_model_leaves_other_stored_triples_as_they_are(kb: KnowledgeBase) -> None:
    claim = kb.iris.claim(CLAIM)
    stored = Graph()
    stored.add((claim, SCHEMA.text, Literal("Worded in English.", lang="en")))
    stored.add((claim, SCHEMA.appearance, kb.iris.source("a")))
    model = Claim.from_graph(stored, claim)
    model.appearances.append(kb.iris.source("b"))
    draft = Draft()
    draft.put(model, over=stored)
    after = draft.after[claim]
    assert (claim, SCHEMA.text, Literal("Worded in English.", lang="en")) in after
    assert (claim, SCHEMA.text, Literal("Worded in English.")) not in after
    assert {o for o in after.objects(claim, SCHEMA.appearance)} == {kb.iris.source("a"), kb.iris.source("b")}
    draft = Draft()
    draft.put(model, over=stored, controlled=[SCHEMA.text])  # a form decides the text: its value alone
    assert set(draft.after[claim].objects(claim, SCHEMA.text)) == {Literal("Worded in English.")}
