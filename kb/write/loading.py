"""Reading RDF files into a change: parse, give blank nodes IRIs, derive statuses, validate shapes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF
from rdflib.util import guess_format

from claims.model import Claim, EvidenceEvent, Iris
from claims.validation import check_shapes
from claims.vocab import CK, SCHEMA
from kb import queries
from kb.errors import KBError, ValidationFailed
from kb.store import to_ox
from kb.write.repository import Change, Repository, diff

DATASET_FORMATS = {"trig", "nquads", "json-ld"}
FORMAT_BY_SUFFIX = {".jsonld": "json-ld", ".json": "json-ld", ".nq": "nquads", ".trig": "trig"}
MAX_FILE_BYTES = 200 * 1024 * 1024


def parse_file(path: Path, base: str, rdf_format: str | None = None) -> Dataset:
    """Parse an RDF file; the parser's own message (with its line) on failure."""
    if not path.is_file():
        raise KBError(f"{path}: no such file", status=404)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise KBError(f"{path}: larger than {MAX_FILE_BYTES // 2**20} MiB; split it or use bulk import")
    rdf_format = rdf_format or FORMAT_BY_SUFFIX.get(path.suffix) or guess_format(str(path)) or "turtle"
    dataset = Dataset()
    try:
        dataset.parse(data=path.read_bytes(), format=rdf_format, publicID=base)
    except Exception as error:  # noqa: BLE001 - every parser has its own exception types
        raise KBError(f"{path} is not valid {rdf_format}: {error}", title="Parse error") from error
    return dataset


def skolemize(graph: Graph, iris: Iris) -> Graph:
    """Replace blank nodes by IRIs under the base, so that every triple can be revised exactly."""
    return graph.skolemize(authority=iris.base.rstrip("/"), basepath="/.well-known/genid/")


def claims_touched(graph: Graph, repo: Repository) -> set[URIRef]:
    """The claims whose description or evidence ``graph`` adds to."""
    claims = {s for s in graph.subjects(RDF.type, SCHEMA.Claim) if isinstance(s, URIRef)}
    claims |= {s for s in graph.subjects(CK.evidence, None) if isinstance(s, URIRef)}
    events = {s for s in graph.subjects(RDF.type, CK.EvidenceEvent) if isinstance(s, URIRef)}
    for event in events:
        for row in repo.store.select(queries.CLAIMS_OF_EVENT, {"event": event}):
            claim = row["claim"]
            if isinstance(claim, URIRef):
                claims.add(claim)
    return claims


def with_derived_statuses(graph: Graph, claims: Iterable[URIRef], repo: Repository, today: date) -> Graph:
    """A copy of ``graph`` in which each claim's ``ck:status`` follows from its merged evidence."""
    result = Graph()
    for triple in graph:
        if triple[1] != CK.status:
            result.add(triple)
    for claim_iri in claims:
        merged = repo.describe([claim_iri]) + graph
        events = [e for e in merged.objects(claim_iri, CK.evidence) if isinstance(e, URIRef)]
        merged += repo.describe(events)
        merged += graph
        claim = Claim.from_graph(merged, claim_iri)
        status = claim.derive_status([EvidenceEvent.from_graph(merged, e) for e in events], today)
        result.add((claim_iri, CK.status, status.iri))
    return result


def context_types(graph: Graph, repo: Repository) -> Graph:
    """``rdf:type`` of the IRIs that ``graph`` points at but does not describe (for ``sh:class``)."""
    described = set(graph.subjects())
    context = Graph()
    for obj in set(graph.objects()):
        if isinstance(obj, URIRef) and obj not in described:
            for row in repo.store.select(queries.TYPES_OF, {"s": obj}):
                context.add((obj, RDF.type, row["t"]))
    return context


def check_iris(graph: Graph) -> None:
    """Refuse IRIs the store cannot hold: rdflib's parsers let some through (quotes, spaces, braces)."""
    seen: set[URIRef] = set()
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and term not in seen:
                seen.add(term)
                try:
                    to_ox(term)
                except ValueError as error:
                    raise KBError(
                        f"<{str(term)[:200]}> is not a valid IRI ({error}); nothing was written.", title="Parse error"
                    ) from error


def change_for_graph(graph: Graph, repo: Repository, today: date) -> Change:
    """The change that adds ``graph`` (with statuses derived), after checking it against the shapes.

    Raises ``KBError`` for an IRI the store cannot hold, and ``ValidationFailed`` with the shapes'
    messages, naming node and constraint.
    """
    check_iris(graph)
    claims = claims_touched(graph, repo)
    graph = with_derived_statuses(graph, claims, repo, today)
    subjects = {s for s in graph.subjects() if isinstance(s, URIRef)}
    current = repo.describe(subjects)
    # The nodes written are checked; what they merely point at is context (its types only).
    violations = check_shapes(graph + current + context_types(graph, repo), focus=subjects)
    if violations:
        raise ValidationFailed(
            f"{len(violations)} shape violation(s); nothing was written.\n"
            + "\n".join(f"  - {v}" for v in violations[:50]),
            details={"violations": [v.__dict__ for v in violations]},
        )
    # A loaded claim's derived status replaces the stored one.
    new_status = {(c, CK.status, o) for c, _, o in graph.triples((None, CK.status, None))}
    old_status = {t for t in current.triples((None, CK.status, None)) if t not in new_status}
    added, _ = diff(current, graph)
    slugged = {s for s in graph.subjects(CK.slug, None) if isinstance(s, URIRef)}
    touched = set(claims) | {s for s, _, _ in added if isinstance(s, URIRef) and s in slugged}
    return Change(added=added, removed=old_status, changed=touched).normalise()
