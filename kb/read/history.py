"""History: what each revision changed, in words a reader can follow, and reverting a revision.

A revert applies the exact inverse of a revision as a new revision. It is refused, naming them, when
later revisions changed the same properties of the same resources, or when it would leave later data
pointing at something it takes away: it never silently merges.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, SKOS
from rdflib.term import Node

from claims import concepts
from claims.model import WIKIDATA_PREFIX, Claim
from claims.validation import check_shapes
from claims.vocab import CK, CK_IRI, OA, SCHEMA
from kb import queries
from kb.errors import KBError, NotFound
from kb.knowledge import KnowledgeBase
from kb.read.pages import RevisionSummary
from kb.write.loading import context_types
from kb.write.repository import BOOKKEEPING, Change, RevisionInfo, Triple
from kb.write.submitted import MAX_REASON, Reader


@dataclass
class DiffRow:
    """One property of one resource as a revision changed it, in words a reader understands."""

    subject: URIRef
    subject_label: str
    property: str
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


@dataclass
class RevisionDiff:
    revision: RevisionSummary
    revert_of: int | None
    rows: list[DiffRow]
    total: int = 0  # triples the revision changed (among the focus, when one was given)
    shown: int = 0  # triples the rows show: fewer than ``total`` when the diff was cut short


def without(graph: Graph, subject: URIRef, predicates: Iterable[URIRef]) -> Graph:
    """A copy of ``graph`` without the given properties of ``subject`` (nor bookkeeping)."""
    drop = set(predicates) | BOOKKEEPING
    result = Graph()
    for s, p, o in graph:
        if not (s == subject and p in drop) and p not in BOOKKEEPING:
            result.add((s, p, o))
    return result


class History:
    """Revisions of one knowledge base, as diffs, and their reverts."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.repo = kb.repository
        self.iris = kb.iris
        self.store = kb.store

    def label(self, iri: Node) -> str:
        if isinstance(iri, Literal):
            return str(iri)
        text = str(iri)
        if text.startswith(CK_IRI):
            notation = text.removeprefix(CK_IRI)
            for scheme in (concepts.statuses(), concepts.stances(), concepts.claim_types()):
                if notation in scheme:
                    return scheme[notation].label
            return notation
        found = {row["p"]: str(row["label"]) for row in self.store.select(queries.LABEL_OF, {"s": iri})}
        for predicate in LABEL_PREFERENCE:
            if predicate in found:
                return shorten(found[predicate])
        if text.startswith(WIKIDATA_PREFIX):
            return "Wikidata " + text.removeprefix(WIKIDATA_PREFIX)
        kind_slug = self.iris.kind_and_slug(text)
        return kind_slug[1] if kind_slug else re.split(r"[#/]", text.rstrip("/#"))[-1] or text

    def revision_diff(self, number: int, *, focus: set[URIRef] | None = None, limit: int | None = None) -> RevisionDiff:
        """Revision ``number`` as rows a reader can follow; only ``focus`` subjects, at most ``limit`` triples."""
        rows = self.store.select(queries.REVISION_INFO, {"rev": self.iris.revision(number)})
        if not rows:
            raise NotFound(f"There is no revision {number}.")
        row = rows[0]
        summary = self.kb._revision_summary({**row, "rev": self.iris.revision(number)})
        added, removed = self.repo.revision_triples(number)
        if focus is not None:
            added = {t for t in added if t[0] in focus}
            removed = {t for t in removed if t[0] in focus}
        total = len(added) + len(removed)
        if limit is not None and total > limit:
            keep = set(sorted(removed | added)[:limit])
            added, removed = added & keep, removed & keep
        revert_of = row.get("revertOf")
        return RevisionDiff(
            revision=summary,
            revert_of=int(str(revert_of).rsplit("/", 1)[1]) if revert_of is not None else None,
            rows=self._diff_rows(added, removed),
            total=total,
            shown=len(added) + len(removed),
        )

    def claim_history(self, slug: str, limit: int = 200) -> list[RevisionDiff]:
        """The revisions that changed a claim, newest first, each showing what it did to the claim,
        its evidence and its quotes."""
        iri = self.iris.claim(slug)
        graph = self._require_claim(iri)
        claim = Claim.from_graph(graph, iri)
        focus = {iri, *claim.evidence, *claim.quotes}
        for event in claim.evidence:
            focus |= {q for q in self.repo.describe([event]).objects(event, CK.quote) if isinstance(q, URIRef)}
        focus |= {URIRef(f"{q}/selector") for q in list(focus) if "/quotes/" in str(q)}
        return [self.revision_diff(r.number, focus=focus, limit=limit) for r in self.kb.history(iri)]

    def _diff_rows(self, added: set[Triple], removed: set[Triple]) -> list[DiffRow]:
        rows: dict[tuple[Node, Node], DiffRow] = {}
        labels: dict[Node, str] = {}

        def label(term: Node) -> str:
            if term not in labels:
                labels[term] = self.label(term)
            return labels[term]

        for triples, side in ((removed, "removed"), (added, "added")):
            for s, p, o in sorted(triples):
                key = (s, p)
                if key not in rows:
                    rows[key] = DiffRow(subject=s, subject_label=label(s), property=_property_label(p))  # type: ignore[arg-type]
                getattr(rows[key], side).append(label(o))
        return sorted(rows.values(), key=lambda r: (r.subject_label, r.property))

    def revert(self, number: int, data: Mapping[str, Any], *, agent: URIRef) -> RevisionInfo:
        """Undo revision ``number`` as a new revision; refused if later revisions changed the same things."""
        if number < 1 or number > self.repo.revision_count():
            raise NotFound(f"There is no revision {number}.")
        r = Reader(data)
        reason = r.text("reason", limit=MAX_REASON, label="The reason")
        r.problems.raise_if_any()
        added, removed = self.repo.revision_triples(number)
        if not added and not removed:
            raise KBError(f"Revision {number} changed no triples; there is nothing to revert.")
        touched = {(s, p) for s, p, _ in added | removed}
        later: set[int] = set()
        for s, p in touched:
            rows = self.store.select(queries.LATER_REVISIONS_TOUCHING, {"after": Literal(number), "s": s, "p": p})
            later |= {int(str(row["n"])) for row in rows}
        if later:
            numbers = ", ".join(str(n) for n in sorted(later))
            raise KBError(
                f"Revision {number} cannot be reverted on its own: later revision(s) {numbers} changed the same "
                "things. Revert those first (newest first), or edit by hand.",
                status=409,
                title="Edit conflict",
                details={"later_revisions": sorted(later)},
            )
        subjects = {s for s, _, _ in added | removed if isinstance(s, URIRef)}
        self._check_revert_leaves_valid(subjects, added, removed, number)
        changed = {s for s in subjects if self._versioned(s)}
        change = Change(
            added=set(removed), removed=set(added), changed=changed, expected_versions=self.repo.versions(changed)
        )
        info = self.repo.apply(
            change,
            agent=agent,
            reason=reason or f"Reverted revision {number}",
            revert_of=self.iris.revision(number),
        )
        assert info is not None
        return info

    def _check_revert_leaves_valid(
        self, subjects: set[URIRef], added: set[Triple], removed: set[Triple], number: int
    ) -> None:
        """Refuse a revert that would leave later data pointing at something it takes away."""
        referrers = {
            URIRef(str(row["s"]))
            for subject in subjects
            for row in self.store.select(queries.REFERRERS, {"o": subject})
            if isinstance(row["s"], URIRef)
        } - subjects
        after = self.repo.describe(subjects | referrers)
        for triple in added:
            after.remove(triple)
        for triple in removed:
            after.add(triple)
        after = without(after, URIRef(""), [])
        focus = subjects | referrers
        # What the revert takes away must not be looked up in the store, where it still is.
        context = Graph()
        for triple in context_types(after, self.repo):
            if triple[0] not in subjects:
                context.add(triple)
        violations = check_shapes(after + context, focus=focus)
        if violations:
            raise KBError(
                f"Reverting revision {number} would leave the knowledge base inconsistent with later changes: "
                + "; ".join(f"{self.label(URIRef(v.focus))}: {v.message}" for v in violations[:5]),
                status=409,
                title="Edit conflict",
                details={"violations": [v.__dict__ for v in violations]},
            )

    def _versioned(self, iri: URIRef) -> bool:
        kind_slug = self.iris.kind_and_slug(str(iri))
        return bool(kind_slug) and kind_slug[0] in {"claims", "sources", "events", "entities", "quotes"}  # type: ignore[index]

    def _require_claim(self, iri: URIRef) -> Graph:
        graph = self.repo.describe([iri])
        if (iri, RDF.type, SCHEMA.Claim) not in graph:
            raise NotFound(f"There is no claim at {iri}.")
        return graph


LABEL_PREFERENCE = (SCHEMA.name, SKOS.prefLabel, SCHEMA.headline, OA.exact, SCHEMA.text)


def shorten(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


PROPERTY_LABELS = {
    RDF.type: "kind",
    SCHEMA.text: "text",
    SCHEMA.name: "name",
    SCHEMA.headline: "headline",
    SCHEMA.url: "address",
    SCHEMA.publisher: "publisher",
    SCHEMA.datePublished: "date",
    SCHEMA.author: "claimant",
    SCHEMA.about: "about",
    SCHEMA.appearance: "appeared in",
    SCHEMA.firstAppearance: "first appeared in",
    DCTERMS.subject: "topic",
    DCTERMS.date: "date",
    CK.claimType: "claim type",
    CK.deadline: "deadline",
    CK.note: "note",
    CK.status: "status",
    CK.stance: "stance",
    CK.actor: "by whom",
    CK.source: "source",
    CK.quote: "quote",
    CK.evidence: "evidence",
    CK.retracted: "withdrawn",
    CK.slug: "slug",
    CK.datePrecision: "date precision",
    CK.derivationKind: "derivation",
    PROV.wasDerivedFrom: "derived from",
    OWL.sameAs: "Wikidata",
    OA.exact: "quoted words",
    OA.prefix: "words before",
    OA.suffix: "words after",
    OA.hasSource: "quoted from",
    OA.hasSelector: "selector",
    SKOS.prefLabel: "label",
}


def _property_label(predicate: URIRef) -> str:
    if predicate in PROPERTY_LABELS:
        return PROPERTY_LABELS[predicate]
    text = str(predicate)
    return re.split(r"[#/]", text)[-1] or text


def diff_json(revision: RevisionDiff) -> dict[str, Any]:
    return {
        "total": revision.total,
        "shown": revision.shown,
        "number": revision.revision.number,
        "time": revision.revision.time.isoformat(),
        "agent": revision.revision.agent_name,
        "reason": revision.revision.reason,
        "changes": [
            {
                "subject": str(r.subject),
                "label": r.subject_label,
                "property": r.property,
                "removed": r.removed,
                "added": r.added,
            }
            for r in revision.rows
        ],
    }


def revision_json(revision: RevisionDiff) -> dict[str, Any]:
    """A revision and its changes, as the API returns it."""
    return {**diff_json(revision), "revert_of": revision.revert_of}
