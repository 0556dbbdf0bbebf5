"""Synthetic knowledge bases for the benchmarks: N made-up claims shaped like the seed's.

Every claim has a claimant, entities it is about, topics, a first appearance and another
appearance, a quote with its selector and one to three dated evidence events, and a status derived by
the real rule (``claims.status.derive_status``). Everything is deterministic for a given N and seed,
made up (``example.org`` URLs, invented words), and yielded as quads so that it can be bulk-loaded.
The data is loaded as one "bulk import" revision, so the revision log and the search index follow it
as they follow any other write.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from claims.model import Iris
from claims.status import Stance, TimelineEntry, derive_status
from claims.vocab import CK, OA, SCHEMA

Quad = tuple[Node, Node, Node, URIRef | None]

TYPES = ("statement", "prediction", "rumour", "denial", "attribution")
TYPE_WEIGHTS = (50, 20, 10, 10, 10)
STANCES = (
    Stance.SUPPORTS,
    Stance.DENIES,
    Stance.DISPUTES,
    Stance.CONTEXT,
    Stance.RESOLVES_TRUE,
    Stance.RESOLVES_PARTLY,
    Stance.RESOLVES_FALSE,
)
STANCE_WEIGHTS = (40, 20, 8, 12, 8, 4, 8)
COMMON = (
    "shop launch market warehouse delivery price seller buyer platform app video creator brand store "
    "order payment shipping customs supply chain retail online growth plan office hiring team report "
    "revenue user country city holiday season partner program pilot service data policy court law "
    "ban deal merger share investor chief executive spokesperson statement interview leak memo"
).split()
SYLLABLES = "ka lo mi ne ru sa ti vo be da fe gu hi ja ko lu ma no pe qui ra se to ve wi xa yo zu".split()
BULK_AGENT = "bulk-import"


def made_up_words(rng: random.Random, count: int) -> list[str]:
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def sentence(rng: random.Random, vocabulary: list[str], words: int) -> str:
    picked = [rng.choice(COMMON) if rng.random() < 0.5 else rng.choice(vocabulary) for _ in range(words)]
    return " ".join(picked).capitalize() + "."


def day(value: date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


def generate(claims: int, base: str = "http://localhost:5000/", seed: int = 7) -> Iterator[Quad]:
    """The quads of a knowledge base of ``claims`` synthetic claims, with one bulk-import revision."""
    rng = random.Random(seed)
    iris = Iris(base)
    vocabulary = made_up_words(rng, 3000)
    n_entities = max(40, claims // 25)
    n_publishers = 40
    n_topics = 30
    n_sources = max(20, claims // 3)
    start = date(2015, 1, 1)

    def quad(s: Node, p: Node, o: Node) -> Quad:
        return (s, p, o, None)

    entities = [iris.entity(f"entity-{i}") for i in range(n_entities)]
    for i, entity in enumerate(entities):
        yield quad(entity, RDF.type, SCHEMA.Person if i % 3 else SCHEMA.Organization)
        yield quad(entity, CK.slug, Literal(f"entity-{i}"))
        yield quad(entity, SCHEMA.name, Literal(f"{rng.choice(vocabulary).title()} {rng.choice(vocabulary).title()}"))
        if i % 4 == 0:
            yield quad(entity, OWL.sameAs, URIRef(f"http://www.wikidata.org/entity/Q{900000000 + i}"))
    publishers = entities[:n_publishers]

    topics = [iris.topic(f"topic-{i}") for i in range(n_topics)]
    for i, topic in enumerate(topics):
        yield quad(topic, RDF.type, SKOS.Concept)
        yield quad(topic, CK.slug, Literal(f"topic-{i}"))
        yield quad(topic, SKOS.prefLabel, Literal(f"Topic {rng.choice(vocabulary)}", lang="en"))
        yield quad(topic, SKOS.inScheme, iris.topic(""))

    sources = [iris.source(f"source-{i}") for i in range(n_sources)]
    source_dates = []
    for i, source in enumerate(sources):
        published = start + timedelta(days=rng.randrange(3650))
        source_dates.append(published)
        yield quad(source, RDF.type, SCHEMA.NewsArticle)
        yield quad(source, CK.slug, Literal(f"source-{i}"))
        yield quad(source, SCHEMA.headline, Literal(sentence(rng, vocabulary, 8)))
        yield quad(source, SCHEMA.url, URIRef(f"https://news.example.org/{i}"))
        yield quad(source, SCHEMA.publisher, rng.choice(publishers))
        yield quad(source, SCHEMA.datePublished, day(published))
        if i and i % 5 == 0:
            yield quad(source, PROV.wasDerivedFrom, sources[rng.randrange(i)])

    changed = []
    for i in range(claims):
        slug = f"claim-{i}"
        claim = iris.claim(slug)
        changed.append(claim)
        claim_type = rng.choices(TYPES, TYPE_WEIGHTS)[0]
        first = rng.randrange(n_sources)
        claimed = source_dates[first]
        yield quad(claim, RDF.type, SCHEMA.Claim)
        yield quad(claim, CK.slug, Literal(slug))
        yield quad(claim, SCHEMA.name, Literal(sentence(rng, vocabulary, 6)))
        yield quad(claim, SCHEMA.text, Literal(sentence(rng, vocabulary, 24)))
        yield quad(claim, CK.claimType, CK[claim_type])
        yield quad(claim, SCHEMA.author, rng.choice(entities))
        for entity in rng.sample(entities, 2):
            yield quad(claim, SCHEMA.about, entity)
        for topic in rng.sample(topics, rng.randint(1, 3)):
            yield quad(claim, DCTERMS.subject, topic)
        yield quad(claim, SCHEMA.datePublished, day(claimed))
        yield quad(claim, SCHEMA.firstAppearance, sources[first])
        yield quad(claim, SCHEMA.appearance, sources[first])
        yield quad(claim, SCHEMA.appearance, rng.choice(sources))
        deadline = None
        if claim_type == "prediction":
            deadline = claimed + timedelta(days=rng.randrange(30, 900))
            yield quad(claim, CK.deadline, day(deadline))
        if i % 10 == 0:
            yield quad(claim, CK.note, Literal(sentence(rng, vocabulary, 30)))

        quote = iris.quote(f"{slug}-q")
        selector = URIRef(f"{quote}/selector")
        yield quad(claim, CK.quote, quote)
        yield quad(quote, RDF.type, CK.Quote)
        yield quad(quote, RDF.type, OA.SpecificResource)
        yield quad(quote, OA.hasSource, sources[first])
        yield quad(quote, OA.hasSelector, selector)
        yield quad(selector, RDF.type, OA.TextQuoteSelector)
        yield quad(selector, OA.exact, Literal(sentence(rng, vocabulary, 12)))
        yield quad(selector, OA.prefix, Literal(sentence(rng, vocabulary, 5)))
        yield quad(selector, OA.suffix, Literal(sentence(rng, vocabulary, 5)))

        timeline = []
        for e in range(rng.randint(1, 3)):
            event = iris.event(f"{slug}-e{e}")
            when = claimed + timedelta(days=rng.randrange(0, 700))
            stance = rng.choices(STANCES, STANCE_WEIGHTS)[0]
            timeline.append(TimelineEntry(when, stance))
            yield quad(claim, CK.evidence, event)
            yield quad(event, RDF.type, CK.EvidenceEvent)
            yield quad(event, DCTERMS.date, day(when))
            yield quad(event, CK.stance, stance.iri)
            yield quad(event, SCHEMA.name, Literal(sentence(rng, vocabulary, 6)))
            yield quad(event, CK.actor, rng.choice(entities))
            yield quad(event, CK.source, rng.choice(sources))
        status = derive_status(timeline, is_prediction=deadline is not None, deadline=deadline, today=date(2026, 1, 1))
        yield quad(claim, CK.status, status.iri)
        yield quad(claim, CK.version, Literal(1))

    yield from revision_quads(iris, changed)


def revision_quads(iris: Iris, changed: list[URIRef]) -> Iterator[Quad]:
    """Revision 1, recording the bulk import (who, when, why) as any write is recorded."""
    revision = iris.revision(1)
    agent = iris.agent(BULK_AGENT)
    when = datetime(2026, 1, 1, tzinfo=UTC).isoformat().replace("+00:00", "Z")
    yield (revision, RDF.type, CK.Revision, None)
    yield (revision, RDF.type, PROV.Activity, None)
    yield (revision, CK.revisionNumber, Literal(1), None)
    yield (revision, DCTERMS.identifier, Literal(f"bulk-{len(changed)}"), None)
    yield (revision, PROV.wasAssociatedWith, agent, None)
    yield (revision, PROV.endedAtTime, Literal(when, datatype=XSD.dateTime), None)
    yield (revision, CK.reason, Literal(f"Bulk import of {len(changed)} synthetic claims (benchmark)"), None)
    yield (agent, RDF.type, PROV.Agent, None)
    yield (agent, RDFS.label, Literal(BULK_AGENT), None)
    yield (iris.knowledge_base, CK.revisionNumber, Literal(1), None)
