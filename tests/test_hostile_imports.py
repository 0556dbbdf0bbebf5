"""Hostile files through every import entry point: ``claimkb import`` (LIAR, AVeriTeC, ClaimReview)
and ``claimkb load`` (RDF in Turtle, N-Triples, RDF/XML, JSON-LD).

Each case writes one record (or one RDF document) whose fields are valid or hostile, or bytes that
are no such file at all, and imports it as the commands do. The outcome is a report or a
``KBError`` with a message, never another exception; a refused record or file leaves the store as it
was; an imported one adds exactly one revision and its claim page renders without active content.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from claims.vocab import CK, SCHEMA
from kb.errors import KBError
from kb.interchange.imports.run import import_file
from kb.knowledge import KnowledgeBase
from tests.hostile import (
    PAYLOADS,
    active_content,
    assert_unchanged,
    budget,
    count,
    field,
    fingerprint,
    hostile_text,
    json_values,
)

# The search index now follows revisions in a background thread, whose whoosh writer draws random
# segment names while Hypothesis draws a case; that is the index's randomness, not the strategies'.
pytestmark = [pytest.mark.store, pytest.mark.filterwarnings("ignore:Do not use the `random` module inside strategies")]

LIAR_LABELS = ("true", "mostly-true", "half-true", "barely-true", "false", "pants-fire")
AVERITEC_LABELS = ("Supported", "Refuted", "Not Enough Evidence", "Conflicting Evidence/Cherrypicking")


def _json_field(*valid: Any) -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from(valid), hostile_text, json_values)


liar_rows = st.builds(
    lambda cells: "\t".join(cells) + "\n",
    st.tuples(
        field("9101.json", "9102.json"),
        field(*LIAR_LABELS),
        field("Says the example county has twelve bridges (made up)."),
        field("transportation,infrastructure", ""),
        field("jane-example"),
        field("County commissioner", ""),
        field("Exampleland", ""),
        field("independent", ""),
        *[st.just("0")] * 5,
        field("a made-up meeting", ""),
    ),
)
averitec_items = st.fixed_dictionaries(
    {
        "claim": _json_field("The example town built three schools (made up)."),
        "label": _json_field(*AVERITEC_LABELS),
        "claim_date": _json_field("14-09-2020", "31-12-2019"),
    },
    optional={
        "speaker": _json_field("Mayor Example"),
        "original_claim_url": _json_field("https://news.example.org/speech"),
        "fact_checking_article": _json_field(
            "https://web.archive.org/web/20201002120000/https://factcheck.example.org/schools"
        ),
        "justification": _json_field("Made up for a test."),
        "questions": st.one_of(
            json_values,
            st.lists(
                st.fixed_dictionaries(
                    {
                        "question": _json_field("How many?"),
                        "answers": st.lists(
                            st.fixed_dictionaries(
                                {"answer": _json_field("Three."), "source_url": _json_field("https://example.org/a")}
                            ),
                            max_size=2,
                        ),
                    }
                ),
                max_size=2,
            ),
        ),
    },
).map(lambda item: [item])
claimreviews = st.fixed_dictionaries(
    {
        "@type": _json_field("ClaimReview"),
        "url": _json_field("https://factcheck.example.org/reviews/1", "https://factcheck.example.org/reviews/2"),
        "claimReviewed": _json_field("The example harbour hosted 500 ships (made up)"),
        "author": st.one_of(st.fixed_dictionaries({"name": _json_field("Example Fact Check")}), json_values),
        "datePublished": _json_field("2021-03-04"),
        "reviewRating": st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "alternateName": _json_field("False", "Pants on Fire!", "Mostly true"),
                    "ratingValue": _json_field(1, 3, 5),
                    "bestRating": _json_field(5),
                    "worstRating": _json_field(1),
                    "ratingExplanation": _json_field("Made up."),
                },
            ),
            json_values,
        ),
    },
    optional={
        "name": _json_field("Fact check (made up)"),
        "itemReviewed": st.fixed_dictionaries(
            {},
            optional={
                "text": _json_field("Made-up claim text."),
                "datePublished": _json_field("2021-02-28"),
                "author": st.fixed_dictionaries(
                    {"name": _json_field("Harbour Master Example")},
                    optional={"sameAs": _json_field("https://www.wikidata.org/wiki/Q4115189")},
                ),
                "firstAppearance": st.fixed_dictionaries(
                    {"url": _json_field("https://social.example.org/post/1")},
                    optional={"headline": _json_field("A made-up post")},
                ),
            },
        ),
    },
)


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _json(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True).encode("ascii")


FILES = {
    "liar": st.one_of(liar_rows.map(_encode), st.binary(max_size=300)),
    "averitec": st.one_of(averitec_items.map(_json), json_values.map(_json), st.binary(max_size=300)),
    "claimreview": st.one_of(claimreviews.map(_json), json_values.map(_json), st.binary(max_size=300)),
}
SUFFIX = {"liar": ".tsv", "averitec": ".json", "claimreview": ".json"}


def _check_imported(client: FlaskClient, kb: KnowledgeBase, before: Any, imported: bool, what: str) -> None:
    if not imported:
        assert_unchanged(kb, before, what)
        return
    after = fingerprint(kb)
    assert after.revisions == before.revisions + 1, f"{what}: {before} -> {after}"
    (revision,) = kb.recent_changes(1)
    for iri, kind, _label in revision.changed:
        if kind == "claims":
            page = client.get("/claims/" + str(iri).rsplit("/", 1)[1])
            assert page.status_code == 200, page.text[:300]
            assert not active_content(page.text), active_content(page.text)


@settings(max_examples=budget(0.6))
@given(format_name=st.sampled_from(sorted(FILES)), data=st.data())
def test_import_formats(
    client: FlaskClient, kb: KnowledgeBase, tmp_path: Path, format_name: str, data: st.DataObject
) -> None:
    """One record per file: imported whole, or skipped with a reason, never written in part."""
    count("imports")
    path = tmp_path / f"hostile{SUFFIX[format_name]}"
    path.write_bytes(data.draw(FILES[format_name], label="file"))
    before = fingerprint(kb)
    try:
        report = import_file(kb, format_name, path)
    except KBError as error:
        assert error.message.strip()
        assert_unchanged(kb, before, f"a refused {format_name} file")
        return
    for problem in report.problems:
        assert problem.message.strip()
    assert report.imported + report.unchanged + report.skipped == report.records
    _check_imported(client, kb, before, report.imported > 0, f"a {format_name} import")


RDF_FORMATS = {"turtle": ".ttl", "nt": ".nt", "xml": ".rdf", "json-ld": ".jsonld"}


def _claim_graph(text: Any, note: Any, url: Any, when: Any) -> Graph:
    """A claim with a source, its literals and IRIs as generated (made up for these tests)."""
    graph = Graph()
    claim = URIRef("http://localhost:5000/claims/hostile-load")
    source = URIRef("http://localhost:5000/sources/hostile-load-source")
    graph.add((claim, RDF.type, SCHEMA.Claim))
    graph.add((claim, CK.slug, Literal("hostile-load")))
    graph.add((claim, SCHEMA.text, Literal(text)))
    graph.add((claim, SCHEMA.author, URIRef("http://localhost:5000/entities/tiktok")))
    graph.add((claim, CK.claimType, CK.statement))
    graph.add((claim, CK.note, Literal(note)))
    graph.add((claim, SCHEMA.datePublished, Literal(when, datatype=XSD.date)))
    graph.add((claim, SCHEMA.appearance, source))
    graph.add((source, RDF.type, SCHEMA.NewsArticle))
    graph.add((source, CK.slug, Literal("hostile-load-source")))
    graph.add((source, SCHEMA.headline, Literal(text)))
    graph.add((source, SCHEMA.url, URIRef(url)))
    return graph


def _serialized(graph: Graph, fmt: str) -> tuple[bytes, str]:
    """The graph in ``fmt``; what rdflib cannot write (a lone surrogate, a broken IRI) goes in raw."""
    try:
        return graph.serialize(format=fmt, encoding="utf-8"), fmt
    except Exception:  # noqa: BLE001 - rdflib's serialisers raise plain Exception for a bad IRI
        return _splice(0, " ".join(str(o) for o in graph.objects())), "turtle"


rdf_documents = st.one_of(
    st.builds(
        _serialized,
        st.builds(
            _claim_graph,
            text=field("A made-up claim loaded from a file."),
            note=field("A *made-up* note."),
            url=field("https://example.org/a", extra=st.sampled_from(["javascript:alert(1)", "file:///etc/passwd"])),
            when=field("2022-10-11", "9999-12-31"),
        ),
        st.sampled_from(sorted(RDF_FORMATS)),
    ),
    st.builds(
        lambda at, bad, fmt: (_splice(at, bad), fmt),
        st.integers(0, 400),
        st.one_of(st.sampled_from(PAYLOADS), hostile_text),
        st.just("turtle"),
    ),
    st.tuples(st.binary(max_size=300), st.sampled_from(sorted(RDF_FORMATS))),
)


def _splice(at: int, bad: str) -> bytes:
    text = _claim_graph("A made-up claim.", "A note.", "https://example.org/a", "2022-10-11").serialize(format="turtle")
    return (text[:at] + bad + text[at:]).encode("utf-8", "surrogatepass")


@settings(max_examples=budget(0.2))
@given(document=rdf_documents)
def test_load_rdf_files(client: FlaskClient, kb: KnowledgeBase, tmp_path: Path, document: tuple[bytes, str]) -> None:
    """``claimkb load``: a file is one revision, or refused with the parser's or the shapes' message."""
    count("imports")
    body, fmt = document
    path = tmp_path / f"hostile{RDF_FORMATS[fmt]}"
    path.write_bytes(body)
    before = fingerprint(kb)
    try:
        revision = kb.load_file(path)
    except KBError as error:
        assert error.message.strip()
        assert_unchanged(kb, before, "a refused RDF file")
        return
    _check_imported(client, kb, before, revision is not None, "an RDF load")
