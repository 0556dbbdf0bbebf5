"""Every claim's search document from the embedded store in one pass per predicate: a full rebuild.

The named queries of ``kb.search.documents`` join a claim's fields in Oxigraph, one optional pattern
after another, and each answer becomes rdflib terms; at a million claims that took hours. Here each
predicate a document needs is read once over the store's predicate index (``SELECT ?s ?o`` of that
predicate, default graph only, as the queries read it), as plain strings, and the joins are
dictionary look-ups in Python. The store's own cost of decoding each term (a few microseconds per
term, almost all of it RocksDB: the same store in memory decodes them seven times faster) is the
largest part; building the documents and what the index makes of them (tokens, matching form, JSON)
the other half. So on a large store on disk the work is split with a second process
(``python -m kb.search.scan``, the store opened read-only), on the other core:

- each reads half of the predicates; this one hands its half over (pickled) and drops it, so the
  values are held once, as before;
- the second builds every document, in batches in the order of the claims, and prepares two batches
  of every three for the index (``prepare``: ``TantivyIndex.prepare``); this one prepares the third
  and feeds the index's writer (whose thread runs here), so both cores stay busy to the end.

The documents are the same as the queries build (a test compares them on generated data), in the same
order whichever process built them; a store that is not the embedded one (a SPARQL server) keeps the
queries.
"""

from __future__ import annotations

import importlib
import logging
import pickle
import queue
import sys
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
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
from kb.child import Child
from kb.language import detect_or_default
from kb.read import independence
from kb.search.documents import ClaimDocument, Linked

log = logging.getLogger(__name__)

_XSD_DATE = str(XSD.date)
_XSD_BOOLEAN = str(XSD.boolean)
_TRUE = ("true", "1")
# From this many claims on, a second process reads and builds beside this one (starting it costs ~0.3 s).
PARALLEL_FROM = 5_000
BATCH = 500  # claims per batch of documents


def _prepared_there(number: int) -> bool:
    """Whether the second process also prepares batch ``number`` for the index: two of every three
    (this process prepares the third, reads every batch back and feeds the index's writer)."""
    return number % 3 != 0


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


def _pairs(store: ox.Store, predicate: str) -> Iterator[tuple[Any, Any]]:
    """(subject, value) of each triple of ``predicate`` in the default graph, in the store's order.

    A query rather than ``quads_for_pattern``: a quad decodes its predicate again each time (one
    more string looked up in the store per triple), a solution only the two terms asked for; a fifth
    less time. The predicate is one of our own constants above, never input, and a full IRI."""
    if not predicate.startswith(("http://", "https://")) or any(c in predicate for c in '<>"{}|^`\\ '):
        raise ValueError(f"not a predicate to read: {predicate!r}")
    return store.query(f"SELECT ?s ?o WHERE {{ ?s <{predicate}> ?o }}")  # type: ignore[return-value]


# Each subject (and each resource a link names) is kept once however many values name it (sys.intern):
# an IRI is read again for every quad it is in, and a million claims' keys would take gigabytes.


def _many(store: ox.Store, predicate: str) -> dict[str, list[str]]:
    """Every value of each subject, in the store's order, as plain strings."""
    values: dict[str, list[str]] = defaultdict(list)
    for subject, value in _pairs(store, predicate):
        values[intern(subject.value)].append(value.value)
    return dict(values)


def _links(store: ox.Store, predicate: str) -> dict[str, list[str]]:
    """``_many`` of a predicate whose values are resources (each kept once too)."""
    values: dict[str, list[str]] = defaultdict(list)
    for subject, value in _pairs(store, predicate):
        values[intern(subject.value)].append(intern(value.value))
    return dict(values)


def _first(store: ox.Store, predicate: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for subject, value in _pairs(store, predicate):
        values.setdefault(intern(subject.value), value.value)
    return values


def _date_values(store: ox.Store, predicate: str) -> dict[str, date]:
    """The first ``xsd:date`` (or other date-typed value) of each subject, as rdflib reads it."""
    values: dict[str, date] = {}
    for subject_term, term in _pairs(store, predicate):
        subject = subject_term.value
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
    for subject, term in _pairs(store, predicate):
        if isinstance(term, ox.Literal) and term.value.lower() in _TRUE:
            found.add(subject.value)
    return found


_READERS = {"many": _many, "links": _links, "first": _first, "dates": _date_values, "true": _true_subjects}


def read(store: ox.Store, what: tuple[tuple[str, URIRef, str], ...]) -> dict[str, Any]:
    """The values of each predicate of ``what``, by its name."""
    return {name: _READERS[how](store, str(predicate)) for name, predicate, how in what}


class _Helper:
    """The second process (``python -m kb.search.scan``): reads ``_THERE`` from the store on disk (opened
    read-only) while this process reads ``_HERE``; given those, builds every claim's document, batch
    after batch in the claims' order, and prepares two batches of every three for the index.

    So this process holds only its half of the values, and only until it has handed them over. If the
    helper fails at any step, this process reads everything again and builds the rest itself (slower,
    never wrong)."""

    def __init__(self, path: Path, prepare: str | None) -> None:
        self.child = Child("kb.search.scan", str(path), prepare or "")

    def _failed(self, doing: str) -> None:
        errors = self.child.stop()
        log.warning("search rebuild: the second process failed while %s (%s); doing it here", doing, errors)

    def send(self, claims: list[str], values: dict[str, Any], size: int) -> bool:
        """Hand it the claims and the values this process read, to build its batches of ``size``
        claims; False if it cannot."""
        if self.child.send((claims, values, size), last=True):
            return True
        self._failed("taking the values")
        return False

    def batch(self) -> tuple[bool, list[Any]] | None:
        """Its next batch: (whether prepared, the documents); None if it failed (then it is stopped)."""
        found = self.child.receive()
        if not (isinstance(found, tuple) and len(found) == 2 and isinstance(found[1], list)):
            self._failed("building documents")
            return None
        return bool(found[0]), found[1]

    def close(self) -> None:
        """Stop it if it still runs (all its output read, or this process failed)."""
        self.child.stop()


def _start_helper(path: Path | None, claims: int, prepare: str | None) -> _Helper | None:
    if path is None or claims < PARALLEL_FROM:
        return None
    try:
        return _Helper(path, prepare)
    except OSError as error:  # no interpreter to start (an embedded Python): do it all here
        log.warning("search rebuild: no second process (%s); reading and building here", error)
        return None


def _preparer(name: str | None) -> Callable[[ClaimDocument], Any] | None:
    """The function named ``module:function`` (one of ours) that prepares a document for an index."""
    if not name:
        return None
    module, _, function = name.partition(":")
    if not module.startswith("kb.search."):
        raise ValueError(f"not a search index's preparation: {name!r}")
    return getattr(importlib.import_module(module), function)


def _build_batch(
    claims: list[str], one: Callable[[str], ClaimDocument | None], prepare: Callable[[ClaimDocument], Any] | None
) -> list[Any]:
    documents = [document for document in map(one, claims) if document is not None]
    return [prepare(document) for document in documents] if prepare is not None else documents


def _batches(
    claims: list[str],
    local: Callable[[], Callable[[str], ClaimDocument | None]],
    prepare: Callable[[ClaimDocument], Any] | None,
    helper: _Helper | None,
    size: int,
) -> Iterator[Any]:
    """Every document in the order of ``claims``, prepared if asked: the helper's batches while it
    works, then (or without one) built here by what ``local`` gives."""
    one = None
    try:
        for start in range(0, len(claims), size):
            found = helper.batch() if helper is not None else None
            if found is not None:
                prepared, documents = found
                yield from documents if prepared or prepare is None else map(prepare, documents)
                continue
            helper = None
            one = one or local()
            yield from _build_batch(claims[start : start + size], one, prepare)
    finally:
        if helper is not None:
            helper.close()


def _supports(stance: str, known: dict[str, bool] = {}) -> bool:  # noqa: B006 - a cache on purpose
    """Whether evidence with this stance counts as support (``claims.independence.sides_of``)."""
    if stance not in known:
        try:
            known[stance] = sides_of(Stance(stance.removeprefix(CK_IRI)))[0]
        except ValueError:  # not one of our stances: on neither side
            known[stance] = False
    return known[stance]


def scan_documents(store: ox.Store, path: Path | None = None, prepare: str | None = None) -> tuple[int, Iterator[Any]]:
    """How many claims there are (retracted ones too), and every current, unretracted claim's document
    (as ``DocumentBuilder._build(None)``) in the order of the store's claims, built as they are taken:
    only the fields are held at once. Iterate to the end (or close the iterator): it stops the helper.

    ``path`` is where the store is on disk, if it is: a large one is read, and its documents built, by
    two processes. ``prepare`` names a function (``module:function``) that the documents are passed
    through before they are handed out: what an index makes of each, done by both processes too."""
    found = store.query(f"SELECT ?s WHERE {{ ?s <{RDF.type}> <{SCHEMA.Claim}> }}")
    claims = list(dict.fromkeys(intern(solution[0].value) for solution in found))  # type: ignore[union-attr]
    helper = _start_helper(path, len(claims), prepare)
    size = BATCH
    try:
        values = read(store, _HERE)
        if helper is not None and not helper.send(claims, values, size):
            helper = None
    except BaseException:
        if helper is not None:
            helper.close()
        raise
    if helper is not None:
        del values  # the helper builds from them; read again only if it fails

        def everything() -> Callable[[str], ClaimDocument | None]:
            return _builder(read(store, _HERE) | read(store, _THERE))

        return len(claims), _batches(claims, everything, _preparer(prepare), helper, size)
    one = _builder(values | read(store, _THERE))
    return len(claims), _batches(claims, lambda: one, _preparer(prepare), None, size)


def _builder(values: dict[str, Any]) -> Callable[[str], ClaimDocument | None]:
    """What builds a claim's document from the values read (``None``: retracted, or not a claim)."""
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

    return one


def _serve(path: str, prepare_name: str) -> None:
    """The second process (``_Helper``): reads ``_THERE``; given the claims and ``_HERE``, pickles every
    claim's document to its output, batch after batch, two batches of three prepared for the index."""
    out = sys.stdout.buffer
    store = ox.Store.read_only(path)
    values = read(store, _THERE)
    del store
    try:
        claims, here, size = pickle.load(sys.stdin.buffer)  # noqa: S301 - from our parent, through its own pipe
    except EOFError:
        return  # the parent builds them itself
    values.update(here)
    del here
    one, prepare = _builder(values), _preparer(prepare_name)
    # Written by a thread, so that this one builds the next batch while the parent reads this one.
    pending: queue.Queue[bytes | None] = queue.Queue(maxsize=2)
    broken: list[OSError] = []

    def write() -> None:
        while (data := pending.get()) is not None:
            if not broken:
                try:
                    out.write(data)
                    out.flush()
                except OSError as error:  # the parent stopped reading: keep taking batches until told to stop
                    broken.append(error)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        for number, start in enumerate(range(0, len(claims), size)):
            if broken:
                break
            documents = _build_batch(claims[start : start + size], one, None)
            prepared = prepare is not None and _prepared_there(number)
            batch = (prepared, [prepare(d) for d in documents] if prepare is not None and prepared else documents)
            pending.put(pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
    finally:
        pending.put(None)
        writer.join()


if __name__ == "__main__":
    _serve(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "")
