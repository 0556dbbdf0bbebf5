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

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from claims import schema_files
from claims.model import Iris
from claims.vocab import CK, OA, SCHEMA
from kb.knowledge import KnowledgeBase
from kb.store import OxigraphStore, Quad, from_ox

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


def _literal(text: str) -> str:
    """``text`` as an N-Triples string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _iri(term: URIRef | str) -> str:
    return f"<{term}>"


_DATE = f"^^<{XSD.date}>"


def _date(day: date) -> str:
    return f'"{day.isoformat()}"{_DATE}'


def synthetic_lines(claims: int, *, base: str = BASE, seed: int = 7) -> Iterator[str]:
    """The default-graph triples of a knowledge base with ``claims`` claims and its revision 1, as
    N-Triples lines (also N-Quads): written as text, without an rdflib term per value, so that a
    million claims (about 40 million lines) take minutes, not hours."""
    rng = random.Random(seed)
    iris = Iris(base)
    words = _Words(rng, _vocabulary(rng, invented=max(2_000, claims // 2)))
    entities = [_iri(iris.entity(f"entity-{i}")) for i in range(max(20, claims // 200))]
    publishers = entities[: max(10, len(entities) // 3)]
    topics = [_iri(iris.topic(f"topic-{i}")) for i in range(40)]
    sources = [_iri(iris.source(f"source-{i}")) for i in range(max(10, claims // 4))]
    statuses = [_iri(s) for s, _ in STATUSES]
    status_weights = [w for _, w in STATUSES]
    claim_types = [_iri(t) for t in CLAIM_TYPES]
    stances = [_iri(s) for s in STANCES]
    prediction = _iri(CK.prediction)
    start = date(2015, 1, 1)
    a, slug_p, name_p = _iri(RDF.type), _iri(CK.slug), _iri(SCHEMA.name)
    english = '"en"'

    def t(s: str, p: URIRef, o: str) -> str:
        return f"{s} {_iri(p)} {o} .\n"

    for index, entity in enumerate(entities):
        yield f"{entity} {a} {_iri(SCHEMA.Organization if index % 3 else SCHEMA.Person)} .\n"
        yield f"{entity} {slug_p} {_literal(f'entity-{index}')} .\n"
        yield f"{entity} {name_p} {_literal(words.sentence(1, 3).rstrip('.') + f' {index}')} .\n"
    for index, topic in enumerate(topics):
        yield t(topic, RDF.type, _iri(SKOS.Concept))
        yield t(topic, CK.slug, _literal(f"topic-{index}"))
        yield t(topic, SKOS.prefLabel, _literal(words.sentence(1, 2).rstrip(".") + f" {index}") + "@en")
    for index, source in enumerate(sources):
        yield t(source, RDF.type, _iri(SCHEMA.NewsArticle))
        yield t(source, CK.slug, _literal(f"source-{index}"))
        yield t(source, SCHEMA.headline, _literal(words.sentence(5, 12)))
        yield t(source, SCHEMA.publisher, rng.choice(publishers))
        yield t(source, SCHEMA.datePublished, _date(start + timedelta(days=rng.randrange(3650))))

    p_text, p_type, p_author, p_about = _iri(SCHEMA.text), _iri(CK.claimType), _iri(SCHEMA.author), _iri(SCHEMA.about)
    p_subject, p_published, p_language = _iri(DCTERMS.subject), _iri(SCHEMA.datePublished), _iri(SCHEMA.inLanguage)
    p_first, p_appearance, p_deadline, p_note = (
        _iri(SCHEMA.firstAppearance),
        _iri(SCHEMA.appearance),
        _iri(CK.deadline),
        _iri(CK.note),
    )
    p_quote, p_source, p_selector, p_exact = _iri(CK.quote), _iri(OA.hasSource), _iri(OA.hasSelector), _iri(OA.exact)
    p_evidence, p_date, p_stance, p_event_source = (
        _iri(CK.evidence),
        _iri(DCTERMS.date),
        _iri(CK.stance),
        _iri(CK.source),
    )
    p_status, p_version = _iri(CK.status), _iri(CK.version)
    c_claim, c_quote, c_specific = _iri(SCHEMA.Claim), _iri(CK.Quote), _iri(OA.SpecificResource)
    c_selector, c_event = _iri(OA.TextQuoteSelector), _iri(CK.EvidenceEvent)
    version_one = f'"1"^^<{XSD.integer}>'
    today = datetime.now(UTC).date()
    due = _iri(CK.due)
    settled = {due, *(_iri(CK[f"resolved-{how}"]) for how in ("true", "partly", "false"))}
    for index in range(claims):
        slug = f"claim-{index}"
        claim = _iri(iris.claim(slug))
        claimed = start + timedelta(days=rng.randrange(3650))
        claim_type = rng.choice(claim_types)
        lines = [
            f"{claim} {a} {c_claim} .\n",
            f"{claim} {slug_p} {_literal(slug)} .\n",
            f"{claim} {name_p} {_literal(words.sentence(5, 10, 0.15)[:75])} .\n",
            f"{claim} {p_text} {_literal(words.sentence(15, 40, 0.3))} .\n",
            f"{claim} {p_language} {english} .\n",
            f"{claim} {p_type} {claim_type} .\n",
            f"{claim} {p_author} {rng.choice(entities)} .\n",
        ]
        lines += [f"{claim} {p_about} {entity} .\n" for entity in rng.sample(entities, rng.randint(1, 3))]
        lines += [f"{claim} {p_subject} {topic} .\n" for topic in rng.sample(topics, rng.randint(1, 3))]
        lines.append(f"{claim} {p_published} {_date(claimed)} .\n")
        appeared = rng.sample(sources, rng.randint(1, 3))
        lines.append(f"{claim} {p_first} {appeared[0]} .\n")
        lines += [f"{claim} {p_appearance} {source} .\n" for source in appeared]
        deadline = claimed + timedelta(days=rng.randrange(30, 700)) if claim_type == prediction else None
        if deadline is not None:
            lines.append(f"{claim} {p_deadline} {_date(deadline)} .\n")
        if rng.random() < 0.5:
            note = " ".join(words.sentence(8, 20, 0.2) for _ in range(rng.randint(1, 3)))
            lines.append(f"{claim} {p_note} {_literal(note)} .\n")
        quote_iri = iris.quote(f"{slug}-q")
        selector, quote = _iri(f"{quote_iri}/selector"), _iri(quote_iri)
        lines += [
            f"{claim} {p_quote} {quote} .\n",
            f"{quote} {a} {c_quote} .\n",
            f"{quote} {a} {c_specific} .\n",
            f"{quote} {p_source} {appeared[0]} .\n",
            f"{quote} {p_selector} {selector} .\n",
            f"{selector} {a} {c_selector} .\n",
            f"{selector} {p_exact} {_literal(words.sentence(8, 20, 0.3))} .\n",
        ]
        for number in range(rng.randint(1, 3)):
            event = _iri(iris.event(f"{slug}-e{number}"))
            lines += [
                f"{claim} {p_evidence} {event} .\n",
                f"{event} {a} {c_event} .\n",
                f"{event} {p_date} {_date(claimed + timedelta(days=rng.randrange(400)))} .\n",
                f"{event} {p_stance} {rng.choice(stances)} .\n",
                f"{event} {name_p} {_literal(words.sentence(4, 9))} .\n",
                f"{event} {p_event_source} {rng.choice(sources)} .\n",
            ]
        status = rng.choices(statuses, weights=status_weights)[0]
        if deadline is not None and deadline < today and status not in settled:
            status = due  # as the product records a prediction past its deadline (mark_due_predictions)
        lines.append(f"{claim} {p_status} {status} .\n")
        lines.append(f"{claim} {p_version} {version_one} .\n")
        yield "".join(lines)

    # Revision 1 records the load, so that the revision log (and the search index) start from it.
    revision, agent = _iri(iris.revision(1)), _iri(iris.agent("synthetic"))
    ended = datetime.now(UTC).replace(microsecond=0).isoformat()
    yield t(revision, RDF.type, _iri(CK.Revision))
    yield t(revision, RDF.type, _iri(PROV.Activity))
    yield t(revision, CK.revisionNumber, f'"1"^^<{XSD.integer}>')
    yield t(revision, DCTERMS.identifier, _literal(uuid.UUID(int=rng.getrandbits(128)).hex))
    yield t(revision, PROV.wasAssociatedWith, agent)
    yield t(revision, PROV.endedAtTime, f'"{ended}"^^<{XSD.dateTime}>')
    yield t(revision, CK.reason, _literal(f"Synthetic knowledge base of {claims} claims"))
    yield t(agent, RDF.type, _iri(PROV.Agent))
    yield t(_iri(iris.knowledge_base), CK.revisionNumber, f'"1"^^<{XSD.integer}>')


def write_synthetic(path: Path, claims: int, *, base: str = BASE, seed: int = 7) -> int:
    """The synthetic knowledge base as an N-Quads file (what ``claimkb restore`` takes); returns its lines."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for chunk in synthetic_lines(claims, base=base, seed=seed):
            out.write(chunk)
            count += chunk.count("\n")
    return count


def rare_words(claims: int, *, seed: int = 7, count: int = 5) -> list[str]:
    """Words that occur in only a handful of the claims ``synthetic_lines(claims, seed=seed)`` writes: the
    tail of its Zipf-like vocabulary (a search for one of them is a search for a rare word)."""
    rng = random.Random(seed)
    return _vocabulary(rng, invented=max(2_000, claims // 2))[-count:]


def synthetic_quads(claims: int, *, base: str = BASE, seed: int = 7) -> Iterator[Quad]:
    """The same triples as rdflib quads (for benchmarks that build their store from terms)."""
    for chunk in synthetic_lines(claims, base=base, seed=seed):
        for quad in ox.parse(input=chunk.encode(), format=ox.RdfFormat.N_QUADS):
            yield (from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object), None)


def synthetic_knowledge_base(path: Path | None, claims: int, *, base: str = BASE, seed: int = 7) -> KnowledgeBase:
    """A knowledge base of ``claims`` synthetic claims, in an Oxigraph store at ``path`` (None: memory)."""
    store = OxigraphStore(path)
    data = "".join(synthetic_lines(claims, base=base, seed=seed)).encode()
    store.native.bulk_load(input=data, format=ox.RdfFormat.N_QUADS)
    store.flush()
    return KnowledgeBase(store, Iris(base))
