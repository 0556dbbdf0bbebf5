"""The concept schemes as Python values: labels, plain-language definitions and the rating crosswalk."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rdflib import Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SKOS

from claims import schema_files
from claims.status import Stance, Status
from claims.vocab import CK, CK_IRI


@dataclass(frozen=True)
class Concept:
    iri: URIRef
    notation: str
    label: str
    definition: str
    note: str | None = None
    rating: int | None = None  # the 1-5 ClaimReview rating (statuses only)
    rating_label: str | None = None  # the ClaimReview alternateName (statuses only)
    claimskg: str | None = None  # ClaimsKG's TRUE / FALSE / MIXTURE / OTHER (statuses only)


@cache
def _scheme(scheme: URIRef) -> dict[str, Concept]:
    graph = schema_files.schemes()
    concepts: dict[str, Concept] = {}
    for iri in graph.subjects(SKOS.inScheme, scheme):
        if (iri, RDF.type, SKOS.Concept) not in graph or not isinstance(iri, URIRef):
            continue
        notation = str(graph.value(iri, SKOS.notation) or str(iri).removeprefix(CK_IRI))
        rating = graph.value(iri, CK.ratingValue)
        concepts[notation] = Concept(
            iri=iri,
            notation=notation,
            label=str(graph.value(iri, SKOS.prefLabel) or notation),
            definition=str(graph.value(iri, SKOS.definition) or ""),
            note=_opt(graph.value(iri, SKOS.note)),
            rating=int(rating.toPython()) if isinstance(rating, Literal) else None,
            rating_label=_opt(graph.value(iri, CK.ratingLabel)),
            claimskg=_opt(graph.value(iri, CK.claimsKGLabel)),
        )
    return concepts


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def statuses() -> dict[str, Concept]:
    """The status concepts in the rule's order of display."""
    scheme = _scheme(CK.StatusScheme)
    return {s.value: scheme[s.value] for s in Status if s.value in scheme}


def status(value: Status | str) -> Concept:
    return statuses()[str(value)]


def stances() -> dict[str, Concept]:
    scheme = _scheme(CK.StanceScheme)
    return {s.value: scheme[s.value] for s in Stance if s.value in scheme}


def claim_types() -> dict[str, Concept]:
    return dict(sorted(_scheme(CK.ClaimTypeScheme).items()))


@cache
def claim_type_notations() -> tuple[str, ...]:
    """The claim types' notations in the order the scheme's ordered collection gives them."""
    graph = schema_files.schemes()
    types = claim_types()
    for collection in graph.subjects(RDF.type, SKOS.OrderedCollection):
        members = graph.value(collection, SKOS.memberList)
        if members is None:
            continue
        notations = tuple(str(m).removeprefix(CK_IRI) for m in Collection(graph, members))
        if set(notations) == set(types):
            return notations
    return tuple(types)
