"""History: what each revision changed, in words a reader can follow.

The public history reads only the public log. Editors' history of an unpublished claim
(``editorial=True``: a draft, a claim in review or unpublished) also reads the private log and the
private revision graphs (``kb.write.repository`` keeps there who, when, why and what of unpublished
work, and seals there the public record of a claim unpublished later); no public page calls it.

Reverting a revision is a write, in ``kb.write.revert``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, SKOS
from rdflib.term import Node

from claims import concepts
from claims.model import WIKIDATA_PREFIX, Claim
from claims.vocab import CK, CK_IRI, OA, SCHEMA
from kb import queries
from kb.errors import NotFound
from kb.knowledge import KnowledgeBase
from kb.read.pages import RevisionSummary
from kb.write.repository import Triple


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


class History:
    """Revisions of one knowledge base, as diffs."""

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

    def revision_diff(
        self, number: int, *, focus: set[URIRef] | None = None, limit: int | None = None, editorial: bool = False
    ) -> RevisionDiff:
        """Revision ``number`` as rows a reader can follow; only ``focus`` subjects, at most ``limit`` triples.

        ``editorial`` (editors' pages only): with what the private log and graphs record of it."""
        if editorial:
            row = self._editorial_info(number)
        else:
            rows = self.store.select(queries.REVISION_INFO, {"rev": self.iris.revision(number)})
            if not rows:
                raise NotFound(f"There is no revision {number}.")
            row = rows[0]
        summary = self.kb._revision_summary({**row, "rev": self.iris.revision(number)}, changes=not editorial)
        added, removed = self.repo.revision_triples(number)
        if editorial:
            more_added, more_removed = self._private_triples(number)
            added, removed = added | more_added, removed | more_removed
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

    def claim_history(self, slug: str, limit: int = 200, *, editorial: bool = False) -> list[RevisionDiff]:
        """The revisions that changed a claim, newest first, each showing what it did to the claim,
        its evidence and its quotes. ``editorial``: an unpublished claim's too, with its private record."""
        iri = self.iris.claim(slug)
        graph = self._require_claim(iri, editorial=editorial)
        claim = Claim.from_graph(graph, iri)
        focus = {iri, *claim.evidence, *claim.quotes}
        for event in claim.evidence:
            described = self.repo.describe([event], editorial=editorial)
            focus |= {q for q in described.objects(event, CK.quote) if isinstance(q, URIRef)}
        focus |= {URIRef(f"{q}/selector") for q in list(focus) if "/quotes/" in str(q)}
        if not editorial:
            return [self.revision_diff(r.number, focus=focus, limit=limit) for r in self.kb.history(iri)]
        return [self.revision_diff(n, focus=focus, limit=limit, editorial=True) for n in self._editorial_revisions(iri)]

    # --- editors' history of unpublished claims: the private log too ---------------------------------

    def _private_logs(self) -> tuple[URIRef, URIRef]:
        """The private log, and the sealed log (``ck:changed`` of a claim unpublished after it was public)."""
        return self.repo.log_graph, self.iris.editorial_graph("sealed")

    def _editorial_revisions(self, iri: URIRef) -> list[int]:
        """Numbers of the revisions that changed ``iri``, public or private, newest first."""
        numbers = {int(str(r["n"])) for r in self.store.select(queries.REVISIONS_CHANGING, {"resource": iri})}
        for log in self._private_logs():
            rows = self.store.select(queries.REVISIONS_CHANGING_IN_LOG, {"resource": iri, "log": log})
            numbers |= {int(str(r["n"])) for r in rows}
        return sorted(numbers, reverse=True)

    def _editorial_info(self, number: int) -> dict[str, Any]:
        """Who, when and why of revision ``number``: the private log's record over the public one's."""
        rev = self.iris.revision(number)
        found: dict[Node, Node] = {}
        for row in self.store.select(queries.REVISION_META, {"rev": rev}):
            found.setdefault(row["p"], row["o"])
        if not found:
            raise NotFound(f"There is no revision {number}.")
        for log in self._private_logs():
            for row in self.store.select(queries.GRAPH_TRIPLES, {"g": log, "s": rev}):
                found[row["p"]] = row["o"]  # the real reason (the public one may only say "editorial work")
        return {
            "n": found[CK.revisionNumber],
            "time": found[PROV.endedAtTime],
            "agent": found[PROV.wasAssociatedWith],
            "reason": found.get(CK.reason, Literal("")),
            "revertOf": found.get(CK.revertOf),
        }

    def _private_triples(self, number: int) -> tuple[set[Triple], set[Triple]]:
        """What revision ``number`` added and removed in private graphs (drafts, sealed public records)."""
        sealed = f"{self.iris.base}private/editorial/sealed/revisions/{number}"
        parts: dict[str, set[Triple]] = {"added": set(), "removed": set()}
        for part, triples in parts.items():
            for graph in (self.repo.private_revision_graph(number, part), URIRef(f"{sealed}/{part}")):
                rows = self.store.select(queries.GRAPH_TRIPLES, {"g": graph})
                triples |= {(r["s"], r["p"], r["o"]) for r in rows}
        return parts["added"], parts["removed"]

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

    def _require_claim(self, iri: URIRef, *, editorial: bool = False) -> Graph:
        graph = self.repo.describe([iri], editorial=editorial)
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
