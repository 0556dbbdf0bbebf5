"""Claim pages list similar claims (from the matcher) and the same claim made elsewhere (ck:sameClaimAs)."""

from __future__ import annotations

from rdflib import RDF, Graph, Literal, URIRef

from claims.validation import check_shapes
from claims.vocab import CK, SCHEMA
from kb.knowledge import KnowledgeBase
from kb.write.repository import Change
from tests.conftest import AppFactory


def _section(html: str, heading_id: str) -> str:
    start = html.find(f'id="{heading_id}"')
    return html[start : html.find("</section>", start)] if start >= 0 else ""


def test_a_claim_page_lists_similar_claims_with_their_reasons(make_app: AppFactory, search_backend: str) -> None:
    client = make_app().test_client()
    html = client.get("/claims/us-shop-before-holidays").get_data(as_text=True)
    similar = _section(html, "similar")
    assert "Similar claims" in similar
    assert "/claims/us-shop-before-holidays" not in similar  # not itself
    assert "Shares" in similar and "score" in similar


def test_a_link_between_two_claims_shows_on_both_pages(make_app: AppFactory, search_backend: str) -> None:
    app = make_app()
    kb: KnowledgeBase = app.extensions["claimkb"]
    one, other = kb.iris.claim("us-shop-before-holidays"), kb.iris.claim("fbt-job-listings")
    # As the editor's link action will write it (phase 2): one triple, one revision with who and why.
    change = Change(added={(one, CK.sameClaimAs, other)}, changed={one, other})
    before = kb.repository.revision_count()
    kb.repository.apply(change, agent=kb.agent("alice"), reason="The same claim, made elsewhere")
    assert kb.repository.revision_count() == before + 1
    client = app.test_client()
    first = _section(client.get("/claims/us-shop-before-holidays").get_data(as_text=True), "same-claim")
    second = _section(client.get("/claims/fbt-job-listings").get_data(as_text=True), "same-claim")
    assert "/claims/fbt-job-listings" in first
    assert "/claims/us-shop-before-holidays" in second
    # a linked claim is not listed again among the similar ones
    similar = _section(client.get("/claims/fbt-job-listings").get_data(as_text=True), "similar")
    assert "/claims/us-shop-before-holidays" not in similar


def test_the_shapes_hold_the_link_and_the_language() -> None:
    claim, entity = URIRef("https://example.org/claims/a"), URIRef("https://example.org/entities/x")
    graph = Graph()
    for triple in [
        (claim, RDF.type, SCHEMA.Claim),
        (claim, CK.slug, Literal("a")),
        (claim, SCHEMA.text, Literal("A claim.")),
        (claim, CK.claimType, CK.statement),
        (claim, SCHEMA.author, entity),
        (entity, RDF.type, SCHEMA.Person),
        (entity, SCHEMA.name, Literal("X")),
        (entity, CK.slug, Literal("x")),
    ]:
        graph.add(triple)
    assert not check_shapes(graph, focus=[claim])
    graph.add((claim, SCHEMA.inLanguage, Literal("es-MX")))
    assert not check_shapes(graph, focus=[claim])
    bad = graph + Graph()
    bad.add((claim, CK.sameClaimAs, entity))
    bad.add((claim, SCHEMA.inLanguage, Literal("not a language tag")))
    messages = " ".join(v.message for v in check_shapes(bad, focus=[claim]))
    assert "ck:sameClaimAs" in messages and "BCP 47" in messages


def test_a_claim_language_is_in_the_claimreview_markup(make_app: AppFactory, search_backend: str) -> None:
    app = make_app()
    kb: KnowledgeBase = app.extensions["claimkb"]
    claim = kb.iris.claim("us-shop-before-holidays")
    change = Change(added={(claim, SCHEMA.inLanguage, Literal("en"))}, changed={claim})
    kb.repository.apply(change, agent=kb.agent("alice"), reason="Language recorded")
    html = app.test_client().get("/claims/us-shop-before-holidays").get_data(as_text=True)
    assert '"inLanguage": "en"' in html or '"inLanguage":"en"' in html
