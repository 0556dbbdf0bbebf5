"""A claim's neighbourhood walked by pattern lookups holds exactly what the CONSTRUCT query gives.

On the seeded knowledge base, with every path of the query made to hold something (media with a
review and an article, evidence quotes with sources and selectors, a claim naming it the same claim,
entities and topics with more than the page shows, a literal where a node is expected), and on
synthetic claims, in a real embedded Oxigraph store.
"""

from __future__ import annotations

from typing import Any

from rdflib import OWL, RDF, SKOS, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from bench.synthetic import synthetic_quads
from claims.vocab import CK, OA, SCHEMA
from kb import queries
from kb.read.neighbourhood import claim_neighbourhood, walk
from kb.store import OxigraphStore

EX = "https://example.org/extra/"


def extra_paths(claim: URIRef) -> Graph:
    """A triple on every path of the query from ``claim``, and some just off them."""
    g = Graph()
    n = URIRef
    media, review, article, publisher = n(EX + "media"), n(EX + "review"), n(EX + "article"), n(EX + "article-pub")
    g.add((claim, CK.media, media))
    g.add((media, SCHEMA.review, review))
    g.add((review, SCHEMA.name, Literal("A review")))
    g.add((media, SCHEMA.associatedArticle, article))
    g.add((article, SCHEMA.headline, Literal("An article")))
    g.add((article, SCHEMA.publisher, publisher))  # not among the people the page names
    g.add((publisher, SCHEMA.name, Literal("Not shown")))
    event, quote, selector, source, owner = (
        n(EX + "event"),
        n(EX + "quote"),
        BNode("sel1"),
        n(EX + "quote-source"),
        n(EX + "owner"),
    )
    g.add((claim, CK.evidence, event))
    g.add((claim, CK.evidence, Literal("not a node")))
    g.add((event, CK.quote, quote))
    g.add((quote, OA.hasSelector, selector))
    g.add((selector, OA.exact, Literal("the words")))
    g.add((quote, OA.hasSource, source))
    g.add((source, SCHEMA.publisher, owner))  # an evidence quote's source's publisher: not named
    g.add((owner, SCHEMA.name, Literal("Not shown either")))
    actor = n(EX + "actor")
    g.add((event, CK.actor, actor))
    g.add((actor, SCHEMA.name, Literal("An actor")))
    g.add((actor, OWL.sameAs, n("https://www.wikidata.org/wiki/Q1")))
    g.add((actor, SCHEMA.description, Literal("left out: not a predicate the page shows")))
    g.add((n(EX + "twin"), CK.sameClaimAs, claim))
    topic = n(EX + "topic")
    g.add((claim, DCTERMS.subject, topic))
    g.add((topic, SKOS.prefLabel, Literal("A topic")))
    g.add((topic, RDF.type, SKOS.Concept))
    g.add((topic, SKOS.broader, n(EX + "broader")))  # left out
    return g


def same_triples(store: OxigraphStore, claim: URIRef) -> None:
    walked = set(walk(store, claim))
    constructed = set(store.construct(queries.CLAIM_NEIGHBOURHOOD, {"claim": claim}))
    assert walked == constructed, (claim, walked ^ constructed)


def test_every_seeded_claim_with_every_path_filled(kb: Any) -> None:
    store = OxigraphStore(None)  # the seed's quads in an embedded store, whatever this pass's store is
    store.bulk_load(kb.store.quads())
    claims = [s.iri for s in kb.claims()]
    assert len(claims) >= 5
    before = walk(store, claims[0])
    store.bulk_load((s, p, o, None) for s, p, o in extra_paths(claims[0]))
    for claim in claims:
        same_triples(store, claim)
    walked = walk(store, claims[0])
    assert (URIRef(EX + "twin"), CK.sameClaimAs, claims[0]) in walked
    assert (URIRef(EX + "actor"), SCHEMA.description, None) not in walked
    assert (URIRef(EX + "article"), SCHEMA.headline, Literal("An article")) in walked
    assert (URIRef(EX + "owner"), None, None) not in walked
    assert (None, OA.exact, Literal("the words")) in walked
    assert len(walked) == len(before) + 20  # the 24 added but the 4 just off the paths


def test_synthetic_claims_and_a_claim_not_recorded() -> None:
    store = OxigraphStore(None)
    store.bulk_load(synthetic_quads(60))
    claims = [s for s in store.subjects_of(RDF.type, SCHEMA.Claim) if isinstance(s, URIRef)]
    assert len(claims) == 60
    for claim in claims:
        same_triples(store, claim)
    missing = URIRef(str(claims[0]) + "-not-recorded")
    assert len(claim_neighbourhood(store, missing)) == 0
    same_triples(store, missing)
