"""Synthetic knowledge bases for benchmarks: realistic claim graphs of any size, loaded in bulk.

Every claim has the shape of a seed claim (docs/data-model.md): a name, a neutral text, a claim
type, a claimant, entities it is about, topics, a date, sources with publishers, a quote with its
selector, evidence events and a derived status. Words follow a Zipf-like distribution over a
vocabulary taken from the seed text plus invented words, and a few set phrases recur, so that
common words, rare words and common phrases all exist. All of it is made up (example IRIs under
the base, no real URLs); it is for measuring, never for reading.

    from bench.synthetic import synthetic_knowledge_base
    kb = synthetic_knowledge_base(Path("/tmp/kb"), claims=10_000)   # a KnowledgeBase, revision 1

The same ``seed`` gives the same graph.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from claims import schema_files
from claims.model import Iris
from claims.vocab import CK, OA, SCHEMA
from kb.knowledge import KnowledgeBase
from kb.store import OxigraphStore, Quad

BASE = "http://localhost:5000/"

STATUSES = [
    (CK.supported, 30),
    (CK.unverified, 20),
    (CK.disputed, 12),
    (CK.denied, 8),
    (CK["resolved-true"], 12),
    (CK["resolved-partly"], 8),
    (CK["resolved-false"], 7),
    (CK.due, 3),
]
CLAIM_TYPES = [CK.statement, CK.prediction, CK.rumour, CK.denial, CK.attribution]
STANCES = [CK.supports, CK.denies, CK.disputes, CK["resolves-true"], CK.context]
# Set phrases that recur in many texts, as they do in news about one subject.
PHRASES = [
    "tiktok shop",
    "before the holidays",
    "fulfilment centres",
    "live shopping",
    "according to people familiar with the matter",
    "the company said in a statement",
]
SYLLABLES = [c + v for c in "bdklmnrstvz" for v in "aeiou"]


def _vocabulary(rng: random.Random, invented: int) -> list[str]:
    seed_text = schema_files.SEED.read_text(encoding="utf-8").lower()
    words = sorted(set(re.findall(r"[a-z]{3,}", seed_text)))
    rng.shuffle(words)
    made = {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(invented)}
    return words + sorted(made - set(words))


class _Words:
    """Draws words with a Zipf-like frequency: the k-th word about 1/k as often as the first."""

    def __init__(self, rng: random.Random, vocabulary: list[str]) -> None:
        self.rng = rng
        self.vocabulary = vocabulary
        self.weights = list(accumulate(1.0 / (rank + 1) for rank in range(len(vocabulary))))

    def sentence(self, low: int, high: int, phrase_chance: float = 0.0) -> str:
        count = self.rng.randint(low, high)
        words = self.rng.choices(self.vocabulary, cum_weights=self.weights, k=count)
        if phrase_chance and self.rng.random() < phrase_chance:
            words.insert(self.rng.randrange(len(words) + 1), self.rng.choice(PHRASES))
        text = " ".join(words)
        return text[:1].upper() + text[1:] + "."


def synthetic_quads(claims: int, *, base: str = BASE, seed: int = 7) -> Iterator[Quad]:
    """The default-graph quads of a knowledge base with ``claims`` claims, and its revision 1."""
    rng = random.Random(seed)
    iris = Iris(base)
    words = _Words(rng, _vocabulary(rng, invented=max(2_000, claims // 2)))
    entities = [iris.entity(f"entity-{i}") for i in range(max(20, claims // 200))]
    publishers = entities[: max(10, len(entities) // 3)]
    topics = [iris.topic(f"topic-{i}") for i in range(40)]
    sources = [iris.source(f"source-{i}") for i in range(max(10, claims // 4))]
    statuses, status_weights = zip(*STATUSES, strict=True)
    start = date(2015, 1, 1)

    def q(s: URIRef, p: URIRef, o: object) -> Quad:
        return (s, p, o, None)  # type: ignore[return-value]

    for index, entity in enumerate(entities):
        yield q(entity, RDF.type, SCHEMA.Organization if index % 3 else SCHEMA.Person)
        yield q(entity, CK.slug, Literal(f"entity-{index}"))
        yield q(entity, SCHEMA.name, Literal(words.sentence(1, 3).rstrip(".") + f" {index}"))
    for index, topic in enumerate(topics):
        yield q(topic, RDF.type, SKOS.Concept)
        yield q(topic, CK.slug, Literal(f"topic-{index}"))
        yield q(topic, SKOS.prefLabel, Literal(words.sentence(1, 2).rstrip(".") + f" {index}", lang="en"))
    for index, source in enumerate(sources):
        yield q(source, RDF.type, SCHEMA.NewsArticle)
        yield q(source, CK.slug, Literal(f"source-{index}"))
        yield q(source, SCHEMA.headline, Literal(words.sentence(5, 12)))
        yield q(source, SCHEMA.publisher, rng.choice(publishers))
        yield q(source, SCHEMA.datePublished, Literal(start + timedelta(days=rng.randrange(3650)), datatype=XSD.date))

    for index in range(claims):
        slug = f"claim-{index}"
        claim = iris.claim(slug)
        claimed = start + timedelta(days=rng.randrange(3650))
        claim_type = rng.choice(CLAIM_TYPES)
        yield q(claim, RDF.type, SCHEMA.Claim)
        yield q(claim, CK.slug, Literal(slug))
        yield q(claim, SCHEMA.name, Literal(words.sentence(5, 10, 0.15)[:75]))
        yield q(claim, SCHEMA.text, Literal(words.sentence(15, 40, 0.3)))
        yield q(claim, CK.claimType, claim_type)
        yield q(claim, SCHEMA.author, rng.choice(entities))
        for entity in rng.sample(entities, rng.randint(1, 3)):
            yield q(claim, SCHEMA.about, entity)
        for topic in rng.sample(topics, rng.randint(1, 3)):
            yield q(claim, DCTERMS.subject, topic)
        yield q(claim, SCHEMA.datePublished, Literal(claimed, datatype=XSD.date))
        appeared = rng.sample(sources, rng.randint(1, 3))
        yield q(claim, SCHEMA.firstAppearance, appeared[0])
        for source in appeared:
            yield q(claim, SCHEMA.appearance, source)
        if claim_type == CK.prediction:
            yield q(claim, CK.deadline, Literal(claimed + timedelta(days=rng.randrange(30, 700)), datatype=XSD.date))
        if rng.random() < 0.5:
            yield q(claim, CK.note, Literal(" ".join(words.sentence(8, 20, 0.2) for _ in range(rng.randint(1, 3)))))
        quote = iris.quote(f"{slug}-q")
        selector = URIRef(f"{quote}/selector")
        yield q(claim, CK.quote, quote)
        yield q(quote, RDF.type, CK.Quote)
        yield q(quote, RDF.type, OA.SpecificResource)
        yield q(quote, OA.hasSource, appeared[0])
        yield q(quote, OA.hasSelector, selector)
        yield q(selector, RDF.type, OA.TextQuoteSelector)
        yield q(selector, OA.exact, Literal(words.sentence(8, 20, 0.3)))
        for number in range(rng.randint(1, 3)):
            event = iris.event(f"{slug}-e{number}")
            yield q(claim, CK.evidence, event)
            yield q(event, RDF.type, CK.EvidenceEvent)
            yield q(event, DCTERMS.date, Literal(claimed + timedelta(days=rng.randrange(400)), datatype=XSD.date))
            yield q(event, CK.stance, rng.choice(STANCES))
            yield q(event, SCHEMA.name, Literal(words.sentence(4, 9)))
            yield q(event, CK.source, rng.choice(sources))
        yield q(claim, CK.status, rng.choices(statuses, weights=status_weights)[0])
        yield q(claim, CK.version, Literal(1))

    # Revision 1 records the load, so that the revision log (and the search index) start from it.
    revision, agent = iris.revision(1), iris.agent("synthetic")
    yield q(revision, RDF.type, CK.Revision)
    yield q(revision, RDF.type, PROV.Activity)
    yield q(revision, CK.revisionNumber, Literal(1))
    yield q(revision, DCTERMS.identifier, Literal(uuid.UUID(int=rng.getrandbits(128)).hex))
    yield q(revision, PROV.wasAssociatedWith, agent)
    yield q(revision, PROV.endedAtTime, Literal(datetime.now(UTC).replace(microsecond=0)))
    yield q(revision, CK.reason, Literal(f"Synthetic knowledge base of {claims} claims"))
    yield q(agent, RDF.type, PROV.Agent)
    yield q(iris.knowledge_base, CK.revisionNumber, Literal(1))


def synthetic_knowledge_base(path: Path | None, claims: int, *, base: str = BASE, seed: int = 7) -> KnowledgeBase:
    """A knowledge base of ``claims`` synthetic claims, in an Oxigraph store at ``path`` (None: memory)."""
    store = OxigraphStore(path)
    store.bulk_load(synthetic_quads(claims, base=base, seed=seed))
    return KnowledgeBase(store, Iris(base))
