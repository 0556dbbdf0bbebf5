"""Every claim's search document from the embedded store in one pass per predicate: a full rebuild.

The named queries of ``kb.search.documents`` join a claim's fields in Oxigraph, one optional pattern
after another, and each answer becomes rdflib terms; at a million claims that took hours. Here each
predicate a document needs is read once over the store's predicate index (``quads_for_pattern``,
default graph only, as the queries read it), as plain strings, and the joins are dictionary look-ups
in Python. What remains is the store's own cost of decoding each term (a few microseconds per quad).

The documents are the same as the queries build (a test compares them on generated data); a store
that is not the embedded one (a SPARQL server) keeps the queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from claims.vocab import CK, CK_IRI, OA, SCHEMA
from kb.language import detect_or_default
from kb.read import independence
from kb.search.documents import ClaimDocument, Linked

_DEFAULT = ox.DefaultGraph()
_XSD_DATE = str(XSD.date)
_XSD_BOOLEAN = str(XSD.boolean)
_TRUE = ("true", "1")

# The single-valued fields of a claim a document shows (a value per claim; the first one found kept).
_CLAIM_FIELDS = {
    "text": SCHEMA.text,
    "language": SCHEMA.inLanguage,
    "type": CK.claimType,
    "status": CK.status,
}


def _pairs(store: ox.Store, predicate: URIRef) -> Iterator[tuple[str, str]]:
    """(subject, object) of every default-graph quad with ``predicate``, as plain strings."""
    for quad in store.quads_for_pattern(None, ox.NamedNode(str(predicate)), None, _DEFAULT):
        yield quad.subject.value, quad.object.value  # type: ignore[union-attr]  # no RDF-star triples here


def _many(store: ox.Store, predicate: URIRef) -> dict[str, list[str]]:
    values: dict[str, list[str]] = defaultdict(list)
    for subject, value in _pairs(store, predicate):
        values[subject].append(value)
    return values


def _first(store: ox.Store, predicate: URIRef) -> dict[str, str]:
    values: dict[str, str] = {}
    for subject, value in _pairs(store, predicate):
        values.setdefault(subject, value)
    return values


def _date_values(store: ox.Store, predicate: URIRef) -> dict[str, date]:
    """The first ``xsd:date`` (or other date-typed value) of each subject, as rdflib reads it."""
    values: dict[str, date] = {}
    for quad in store.quads_for_pattern(None, ox.NamedNode(str(predicate)), None, _DEFAULT):
        subject, term = quad.subject.value, quad.object  # type: ignore[union-attr]
        if subject in values or not isinstance(term, ox.Literal):
            continue
        if term.datatype.value == _XSD_DATE:
            try:
                values[subject] = date.fromisoformat(term.value)
                continue
            except ValueError:
                pass
        python = Literal(term.value, datatype=URIRef(term.datatype.value)).toPython()
        if isinstance(python, date):
            values[subject] = python
    return values


def _true_subjects(store: ox.Store, predicate: URIRef) -> set[str]:
    """Subjects with ``predicate`` true (``ck:retracted true``)."""
    found = set()
    for quad in store.quads_for_pattern(None, ox.NamedNode(str(predicate)), None, _DEFAULT):
        term = quad.object
        if isinstance(term, ox.Literal) and term.value.lower() in _TRUE:
            found.add(quad.subject.value)  # type: ignore[union-attr]
    return found


def scan_documents(store: ox.Store) -> tuple[int, Iterator[ClaimDocument]]:
    """How many claims there are (retracted ones too), and every current, unretracted claim's document
    (as ``DocumentBuilder._build(None)``), built as they are read: only the fields are held at once."""
    is_a, claim_class = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(SCHEMA.Claim))
    found = store.quads_for_pattern(None, is_a, claim_class, _DEFAULT)
    claims = [quad.subject.value for quad in found]  # type: ignore[union-attr]
    slugs = _first(store, CK.slug)
    fields = {name: _first(store, predicate) for name, predicate in _CLAIM_FIELDS.items()}
    names = _many(store, SCHEMA.name)
    notes = _many(store, CK.note)
    claimed = _date_values(store, SCHEMA.datePublished)
    deadlines = _date_values(store, CK.deadline)
    retracted = _true_subjects(store, CK.retracted)
    # Quotes and evidence
    quote_of = _many(store, CK.quote)
    selector_of = _many(store, OA.hasSelector)
    exact_of = _many(store, OA.exact)
    source_of_quote = _many(store, OA.hasSource)
    evidence = _many(store, CK.evidence)
    # Who and what is linked
    authors = _many(store, SCHEMA.author)
    about = _many(store, SCHEMA.about)
    actors = _many(store, CK.actor)
    appearance = _many(store, SCHEMA.appearance)
    first_appearance = _many(store, SCHEMA.firstAppearance)
    publisher_of = _many(store, SCHEMA.publisher)
    subjects = _many(store, DCTERMS.subject)
    pref_labels = _many(store, SKOS.prefLabel)
    event_source = _many(store, CK.source)
    stance = _many(store, CK.stance)
    links: dict[URIRef, set[URIRef]] = defaultdict(set)
    for source, parent in _pairs(store, PROV.wasDerivedFrom):
        links[URIRef(source)].add(URIRef(parent))
    all_slugs = _many(store, CK.slug)

    def linked(agents: set[str], labels: dict[str, list[str]]) -> list[Linked]:
        found = set()
        for agent in agents:
            for slug in all_slugs.get(agent, ()):
                for label in labels.get(agent) or [slug]:
                    found.add(Linked(slug, label, agent))
        return sorted(found)

    def exacts(quotes: set[str]) -> set[str]:
        return {e for q in quotes for s in selector_of.get(q, ()) for e in exact_of.get(s, ())}

    def build() -> Iterator[ClaimDocument]:
        for claim in claims:
            document = one(claim)
            if document is not None:
                yield document

    def one(claim: str) -> ClaimDocument | None:
        if claim not in slugs or claim in retracted:
            return None
        events = evidence.get(claim, [])
        own_quotes = set(quote_of.get(claim, ()))
        event_quotes = {q for e in events for q in quote_of.get(e, ())}
        sources = set(appearance.get(claim, ())) | set(first_appearance.get(claim, ()))
        quoted_sources = {s for q in own_quotes for s in source_of_quote.get(q, ())}
        rows: list[dict[str, str]] = [{"source": s, "role": "appearance"} for s in sources]
        rows += [{"source": s, "role": "quote"} for s in quoted_sources]
        for event in events:
            if event not in retracted:
                rows += [
                    {"source": s, "role": "evidence", "stance": t}
                    for s in event_source.get(event, ())
                    for t in stance.get(event, ())
                ]
        text = fields["text"].get(claim, "")
        name_values = names.get(claim)
        language = fields["language"].get(claim)
        document = ClaimDocument(
            iri=claim,
            slug=slugs[claim],
            name=name_values[0] if name_values else text,
            text=text,
            status=fields["status"].get(claim, CK_IRI + "unverified").removeprefix(CK_IRI),
            claim_type=fields["type"].get(claim, CK_IRI + "statement").removeprefix(CK_IRI),
            claimed=claimed.get(claim),
            deadline=deadlines.get(claim),
            note="\n\n".join(sorted(set(notes.get(claim, ())))),
            quotes=sorted(exacts(own_quotes | event_quotes)),
            evidence=sorted({v for e in events for v in (*names.get(e, ()), *notes.get(e, ()))}),
            about=linked(set(about.get(claim, ())) | {a for e in events for a in actors.get(e, ())}, names),
            publishers=linked({p for s in sources | quoted_sources for p in publisher_of.get(s, ())}, names),
            topics=linked(set(subjects.get(claim, ())), pref_labels),
            language=language or detect_or_default(text),
        )
        claimants = linked(set(authors.get(claim, ())), names)
        document.claimant = claimants[0] if claimants else None
        document.support_origins = independence.from_rows(rows, links).support_origins  # type: ignore[arg-type]
        return document

    claims = list(dict.fromkeys(claims))
    return len(claims), build()
