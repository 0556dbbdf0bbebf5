"""Every claim's search document from the embedded store in one pass per predicate: a full rebuild.

The named queries of ``kb.search.documents`` join a claim's fields in Oxigraph, one optional pattern
after another, and each answer becomes rdflib terms; at a million claims that took hours. Here each
predicate a document needs is read once over the store's predicate index (``quads_for_pattern``,
default graph only, as the queries read it), as plain strings, and the joins are dictionary look-ups
in Python. What remains is the store's own cost of decoding each term (a few microseconds per quad,
most of a rebuild's time): so on a large store on disk, half of the predicates are read by a second
process (``python -m kb.search.scan``, the store opened read-only), on the other core, while this one
reads the rest; its values come back pickled, which costs a small fraction of reading them.

The documents are the same as the queries build (a test compares them on generated data); a store
that is not the embedded one (a SPARQL server) keeps the queries.
"""

from __future__ import annotations

import logging
import pickle
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from sys import intern
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from claims.independence import NO_SUPPORT, SEVERAL_ORIGINS, SINGLE_ORIGIN, sides_of
from claims.status import Stance
from claims.vocab import CK, CK_IRI, OA, SCHEMA
from kb.language import detect_or_default
from kb.read import independence
from kb.search.documents import ClaimDocument, Linked

log = logging.getLogger(__name__)

_DEFAULT = ox.DefaultGraph()
_XSD_DATE = str(XSD.date)
_XSD_BOOLEAN = str(XSD.boolean)
_TRUE = ("true", "1")
# From this many claims on, a second process reads half of the predicates (starting it costs ~0.3 s).
PARALLEL_FROM = 5_000

# What the scan reads: (name, predicate, how). Each name is read by one process; "many" is every value
# of a subject, "links" every value when they are resources (IRIs), "first" the first value, "dates"
# the first date, "true" the subjects where it is true. Split in two of about the same number of
# quads (per claim: 16 and 13 in generated data; the other process also starts Python and pickles).
_HERE = (
    ("slug", CK.slug, "many"),
    ("text", SCHEMA.text, "first"),
    ("language", SCHEMA.inLanguage, "first"),
    ("type", CK.claimType, "first"),
    ("status", CK.status, "first"),
    ("name", SCHEMA.name, "many"),
    ("note", CK.note, "many"),
    ("claimed", SCHEMA.datePublished, "dates"),
    ("deadline", CK.deadline, "dates"),
    ("retracted", CK.retracted, "true"),
    ("quote", CK.quote, "links"),
    ("selector", OA.hasSelector, "links"),
    ("exact", OA.exact, "many"),
    ("quote_source", OA.hasSource, "links"),
    ("first_appearance", SCHEMA.firstAppearance, "links"),
)
_THERE = (
    ("evidence", CK.evidence, "links"),
    ("author", SCHEMA.author, "links"),
    ("about", SCHEMA.about, "links"),
    ("actor", CK.actor, "links"),
    ("appearance", SCHEMA.appearance, "links"),
    ("publisher", SCHEMA.publisher, "links"),
    ("subject", DCTERMS.subject, "links"),
    ("pref_label", SKOS.prefLabel, "many"),
    ("event_source", CK.source, "links"),
    ("stance", CK.stance, "links"),
    ("derived_from", PROV.wasDerivedFrom, "links"),
)


def _quads(store: ox.Store, predicate: str) -> Iterator[ox.Quad]:
    return store.quads_for_pattern(None, ox.NamedNode(predicate), None, _DEFAULT)


# Each subject (and each resource a link names) is kept once however many values name it (sys.intern):
# an IRI is read again for every quad it is in, and a million claims' keys would take gigabytes.


def _many(store: ox.Store, predicate: str) -> dict[str, list[str]]:
    """Every value of each subject, in the store's order, as plain strings."""
    values: dict[str, list[str]] = defaultdict(list)
    for quad in _quads(store, predicate):
        values[intern(quad.subject.value)].append(quad.object.value)  # type: ignore[union-attr]  # no RDF-star
    return dict(values)


def _links(store: ox.Store, predicate: str) -> dict[str, list[str]]:
    """``_many`` of a predicate whose values are resources (each kept once too)."""
    values: dict[str, list[str]] = defaultdict(list)
    for quad in _quads(store, predicate):
        values[intern(quad.subject.value)].append(intern(quad.object.value))  # type: ignore[union-attr]
    return dict(values)


def _first(store: ox.Store, predicate: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for quad in _quads(store, predicate):
        values.setdefault(intern(quad.subject.value), quad.object.value)  # type: ignore[union-attr]
    return values


def _date_values(store: ox.Store, predicate: str) -> dict[str, date]:
    """The first ``xsd:date`` (or other date-typed value) of each subject, as rdflib reads it."""
    values: dict[str, date] = {}
    for quad in _quads(store, predicate):
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


def _true_subjects(store: ox.Store, predicate: str) -> set[str]:
    """Subjects with ``predicate`` true (``ck:retracted true``)."""
    found = set()
    for quad in _quads(store, predicate):
        term = quad.object
        if isinstance(term, ox.Literal) and term.value.lower() in _TRUE:
            found.add(quad.subject.value)  # type: ignore[union-attr]
    return found


_READERS = {"many": _many, "links": _links, "first": _first, "dates": _date_values, "true": _true_subjects}


def read(store: ox.Store, what: tuple[tuple[str, URIRef, str], ...]) -> dict[str, Any]:
    """The values of each predicate of ``what``, by its name."""
    return {name: _READERS[how](store, str(predicate)) for name, predicate, how in what}


class _Helper:
    """The second process reading ``_THERE`` from the store on disk (opened read-only)."""

    def __init__(self, path: Path) -> None:
        # Its errors go to a file, not a pipe: a pipe nobody reads until the values are in could fill up.
        self.errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
            [sys.executable, "-m", "kb.search.scan", str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self.errors,
        )

    def result(self) -> dict[str, Any] | None:
        """What it read, or None if it failed (then this process reads it: slower, never wrong)."""
        try:
            # Our own child's output through a pipe only we hold: nothing untrusted is unpickled.
            values = pickle.load(self.process.stdout)  # type: ignore[arg-type]  # noqa: S301
        except (EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):  # cut short
            values = None
        if self.process.wait() != 0 or not isinstance(values, dict):
            self.errors.seek(0)
            errors = self.errors.read()[-500:].decode(errors="replace")
            log.warning("search rebuild: the reading process failed (%s); reading here", errors)
            return None
        return values

    def close(self) -> None:
        """Stop it if it still runs (this process failed while reading), and close its pipes."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.errors.close()


def _read_all(store: ox.Store, path: Path | None, claims: int) -> dict[str, Any]:
    helper = None
    if path is not None and claims >= PARALLEL_FROM:
        try:
            helper = _Helper(path)
        except OSError as error:  # no interpreter to start (an embedded Python): read it all here
            log.warning("search rebuild: no second reading process (%s); reading here", error)
    try:
        values = read(store, _HERE)
        there = helper.result() if helper is not None else None
    finally:
        if helper is not None:
            helper.close()
    values.update(there if there is not None else read(store, _THERE))
    return values


def _supports(stance: str, known: dict[str, bool] = {}) -> bool:  # noqa: B006 - a cache on purpose
    """Whether evidence with this stance counts as support (``claims.independence.sides_of``)."""
    if stance not in known:
        try:
            known[stance] = sides_of(Stance(stance.removeprefix(CK_IRI)))[0]
        except ValueError:  # not one of our stances: on neither side
            known[stance] = False
    return known[stance]


def scan_documents(store: ox.Store, path: Path | None = None) -> tuple[int, Iterator[ClaimDocument]]:
    """How many claims there are (retracted ones too), and every current, unretracted claim's document
    (as ``DocumentBuilder._build(None)``), built as they are read: only the fields are held at once.

    ``path`` is where the store is on disk, if it is: a large one is read by two processes."""
    is_a, claim_class = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(SCHEMA.Claim))
    found = store.quads_for_pattern(None, is_a, claim_class, _DEFAULT)
    claims = list(dict.fromkeys(intern(quad.subject.value) for quad in found))  # type: ignore[union-attr]
    values = _read_all(store, path, len(claims))
    all_slugs: dict[str, list[str]] = values["slug"]
    slugs = {subject: found[0] for subject, found in all_slugs.items()}
    names, notes, pref_labels = values["name"], values["note"], values["pref_label"]
    claimed, deadlines, retracted = values["claimed"], values["deadline"], values["retracted"]
    quote_of, selector_of, exact_of = values["quote"], values["selector"], values["exact"]
    source_of_quote, evidence = values["quote_source"], values["evidence"]
    authors, about, actors = values["author"], values["about"], values["actor"]
    appearance, first_appearance = values["appearance"], values["first_appearance"]
    publisher_of, subjects = values["publisher"], values["subject"]
    event_source, stance = values["event_source"], values["stance"]
    texts, languages, types, statuses = values["text"], values["language"], values["type"], values["status"]
    links: dict[URIRef, set[URIRef]] = defaultdict(set)
    for source, parents in values["derived_from"].items():
        links[URIRef(source)].update(URIRef(parent) for parent in parents)
    derived = set(values["derived_from"])

    # What an agent shows as, by (agent, which labels): many claims link to one agent.
    known: dict[tuple[str, int], tuple[Linked, ...]] = {}

    def linked(agents: set[str], labels: dict[str, list[str]]) -> list[Linked]:
        found: set[Linked] = set()
        for agent in agents:
            key = (agent, id(labels))
            shown = known.get(key)
            if shown is None:
                slugs_of = all_slugs.get(agent, ())
                shown = known[key] = tuple(
                    Linked(slug, label, agent) for slug in slugs_of for label in labels.get(agent) or [slug]
                )
            found.update(shown)
        return sorted(found)

    def exacts(quotes: set[str]) -> set[str]:
        return {e for q in quotes for s in selector_of.get(q, ()) for e in exact_of.get(s, ())}

    def build() -> Iterator[ClaimDocument]:
        for claim in claims:
            document = one(claim)
            if document is not None:
                yield document

    def support_origins(events: list[str], sources: set[str]) -> str:
        """``independence.from_rows(rows, links).support_origins``, without its work when no source
        of support derives from another (then each is its own origin)."""
        rows: list[dict[str, str]] = [{"source": s, "role": "appearance"} for s in sources]
        support = set(sources)
        for event in events:
            if event not in retracted:
                for source in event_source.get(event, ()):
                    for value in stance.get(event, ()):
                        rows.append({"source": source, "role": "evidence", "stance": value})
                        if _supports(value):
                            support.add(source)
        if not derived.isdisjoint(support):
            return independence.from_rows(rows, links).support_origins  # type: ignore[arg-type]
        return NO_SUPPORT if not support else SINGLE_ORIGIN if len(support) == 1 else SEVERAL_ORIGINS

    def one(claim: str) -> ClaimDocument | None:
        if claim not in slugs or claim in retracted:
            return None
        events = evidence.get(claim, [])
        own_quotes = set(quote_of.get(claim, ()))
        event_quotes = {q for e in events for q in quote_of.get(e, ())}
        sources = set(appearance.get(claim, ())) | set(first_appearance.get(claim, ()))
        quoted_sources = {s for q in own_quotes for s in source_of_quote.get(q, ())}
        text = texts.get(claim, "")
        name_values = names.get(claim)
        language = languages.get(claim)
        document = ClaimDocument(
            iri=claim,
            slug=slugs[claim],
            name=name_values[0] if name_values else text,
            text=text,
            status=statuses.get(claim, CK_IRI + "unverified").removeprefix(CK_IRI),
            claim_type=types.get(claim, CK_IRI + "statement").removeprefix(CK_IRI),
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
        document.support_origins = support_origins(events, sources | quoted_sources)
        return document

    return len(claims), build()


if __name__ == "__main__":
    # The second reading process (``_Helper``): its half of the predicates, pickled to its output.
    pickle.dump(read(ox.Store.read_only(sys.argv[1]), _THERE), sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
