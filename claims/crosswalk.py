"""Other fact-checkers' verdicts mapped onto our statuses, by reading the SKOS crosswalk triples.

``claims/crosswalk.ttl`` holds the LIAR and AVeriTeC labels as SKOS concepts with
``skos:exactMatch`` or ``skos:closeMatch`` to a status; our own statuses carry their ClaimReview
labels and 1-5 ratings in ``claims/schemes.ttl``. Nothing here repeats those mappings in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from claims import schema_files
from claims.status import Stance, Status
from claims.vocab import CK, CK_IRI

CKX = Namespace("https://w3id.org/claimkb/crosswalk#")
LIAR_SCHEME = CKX.LiarScheme
AVERITEC_SCHEME = CKX.AveritecScheme

# The stance of a verdict event that gives a claim this status under the status rule
# (claims.status.derive_status). "unverified" and "due" are the absence of a verdict.
VERDICT_STANCE: dict[Status, Stance] = {
    Status.RESOLVED_TRUE: Stance.RESOLVES_TRUE,
    Status.RESOLVED_PARTLY: Stance.RESOLVES_PARTLY,
    Status.RESOLVED_FALSE: Stance.RESOLVES_FALSE,
    Status.SUPPORTED: Stance.SUPPORTS,
    Status.DENIED: Stance.DENIES,
    Status.DISPUTED: Stance.DISPUTES,
}


@dataclass(frozen=True)
class ExternalLabel:
    """One verdict label of another fact-checker or data set, and the status it maps onto."""

    iri: URIRef
    scheme: URIRef
    notation: str
    label: str
    definition: str
    status: Status
    exact: bool  # skos:exactMatch (same meaning) rather than skos:closeMatch (nearest)


@cache
def _graph() -> Graph:
    graph = Graph()
    for triple in schema_files.crosswalk():
        graph.add(triple)
    for triple in schema_files.schemes():
        graph.add(triple)
    return graph


def _status_of(graph: Graph, concept: URIRef) -> tuple[Status, bool] | None:
    for predicate, exact in ((SKOS.exactMatch, True), (SKOS.closeMatch, False)):
        for target in graph.objects(concept, predicate):
            if str(target).startswith(CK_IRI) and (target, SKOS.inScheme, CK.StatusScheme) in graph:
                return Status.from_iri(str(target)), exact
    return None


@cache
def labels(scheme: URIRef) -> dict[str, ExternalLabel]:
    """The labels of ``scheme`` by their notation (the exact string in the data set)."""
    graph = _graph()
    found: dict[str, ExternalLabel] = {}
    for concept in graph.subjects(SKOS.inScheme, scheme):
        if not isinstance(concept, URIRef):
            continue
        match = _status_of(graph, concept)
        notation = graph.value(concept, SKOS.notation)
        if match is None or notation is None:
            continue
        found[str(notation)] = ExternalLabel(
            iri=concept,
            scheme=scheme,
            notation=str(notation),
            label=str(graph.value(concept, SKOS.prefLabel) or notation),
            definition=str(graph.value(concept, SKOS.definition) or ""),
            status=match[0],
            exact=match[1],
        )
    return found


def status_for(scheme: URIRef, notation: str) -> Status | None:
    """The status a data set's label maps onto; ``None`` for a label the crosswalk does not know."""
    label = labels(scheme).get(notation)
    return label.status if label else None


def _key(text: str) -> str:
    return " ".join(text.replace("-", " ").replace("!", " ").split()).casefold()


@cache
def _rating_labels() -> dict[str, Status]:
    """Every label a ClaimReview's ``alternateName`` may carry, folded, with its status.

    Our own statuses' labels and ClaimReview labels first; then the other schemes' labels.
    """
    graph = _graph()
    table: dict[str, Status] = {}
    for status in Status:
        for predicate in (SKOS.prefLabel, CK.ratingLabel):
            for value in graph.objects(status.iri, predicate):
                table.setdefault(_key(str(value)), status)
    for scheme in (LIAR_SCHEME, AVERITEC_SCHEME):
        for concept in graph.subjects(SKOS.inScheme, scheme):
            match = _status_of(graph, concept)  # type: ignore[arg-type]
            if match is None:
                continue
            for predicate in (SKOS.prefLabel, SKOS.altLabel, SKOS.notation):
                for value in graph.objects(concept, predicate):
                    table.setdefault(_key(str(value)), match[0])
    return table


def status_for_rating_label(text: str) -> Status | None:
    """The status a ClaimReview ``alternateName`` names, matched without regard to case or hyphens."""
    return _rating_labels().get(_key(text))


def status_for_rating_value(value: float, best: float = 5, worst: float = 1) -> Status | None:
    """The status whose published 1-5 rating is nearest ``value`` on the reviewer's own scale.

    Where two statuses share a rating (3: disputed and resolved as partly true), the resolution
    wins, since a review with a number is a verdict.
    """
    if best == worst:
        return None
    scaled = 1 + 4 * (value - worst) / (best - worst)
    if not 1 <= scaled <= 5:
        return None
    graph = _graph()
    candidates = []
    for status in Status:
        rating = graph.value(status.iri, CK.ratingValue)
        if isinstance(rating, Literal):
            resolution = status.value.startswith("resolved")
            candidates.append((abs(int(rating.toPython()) - scaled), not resolution, status))
    return min(candidates)[2] if candidates else None
