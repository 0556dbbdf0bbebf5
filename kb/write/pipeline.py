"""The one write pipeline: whatever a writer builds becomes one checked revision.

Every writer — the editor's forms and the JSON API (``editing``), suggestions, ``claimkb load``,
the importers, reverts and marking predictions due — builds the resources it writes
(``claims.model`` objects, whose ``to_graph`` alone makes their triples, or a parsed graph) into a
``Draft``: the whole description each written node will have. ``Pipeline.write`` then, always in
this order: derives the status of every claim the draft touches from its evidence as it will be,
checks the SHACL shapes on the written nodes, maps violations to form fields (or lists them, or
lets the writer word them), diffs against the store and applies one revision through
``Repository.apply``. ``Pipeline.prepare`` stops before applying (an importer splitting a batch
that breaks the shapes tries halves with it).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from claims.model import Claim, EvidenceEvent, Into
from claims.validation import Violation, check_shapes
from claims.vocab import CK, SCHEMA
from kb import queries
from kb.errors import ConflictError, KBError, ValidationFailed
from kb.store import new_graph
from kb.write.fields import FIELD_OF_PATH, MAX_REASON
from kb.write.repository import BOOKKEEPING, Change, Repository, RevisionInfo, Triple, diff
from kb.write.submitted import invalid

if TYPE_CHECKING:
    from kb.knowledge import KnowledgeBase


class Model(Protocol):
    """A ``claims.model`` resource: it knows its IRI and makes its own triples."""

    iri: URIRef

    def to_graph(self, graph: Into) -> Into: ...


# How a refusal for broken shapes is worded: by form field (the default), as a list, or by the writer.
Refusal = Callable[[list[Violation]], Exception]

STATUS_NEEDS_REASON = "This change moves the claim's status; say why (it is recorded in the history)."


@dataclass
class Draft:
    """What one write will make the knowledge base hold: each written node's whole description.

    ``claims`` are the claims whose status follows anew from their evidence; ``expected`` the
    versions the writer started from (a stale one is a conflict); ``changed`` the resources whose
    version the revision raises (``None``: every resource of ours it writes; a function: those it
    names among the triples added). Every written node is checked against the shapes (a batch
    import's: every node its records describe); ``focus`` adds nodes checked though not written
    (what a revert would leave pointing at nothing), as ``beside`` describes them; what they merely
    point at is not checked. ``context``, when given, replaces the types of the nodes pointed at
    that are looked up in the store.
    """

    after: dict[URIRef, Graph] = field(default_factory=dict)
    claims: set[URIRef] = field(default_factory=set)
    expected: dict[URIRef, int] = field(default_factory=dict)
    changed: set[URIRef] | Callable[[set[Triple]], set[URIRef]] | None = None
    focus: set[URIRef] = field(default_factory=set)
    beside: Graph | None = None  # descriptions checked with the written ones, not written
    context: Graph | None = None
    before: Graph | None = None  # the written nodes' current descriptions, when the writer has them
    private: set[URIRef] = field(default_factory=set)  # new nodes written unpublished (a draft claim)

    def put(self, resource: Model | Graph, *, over: Graph | None = None, controlled: Iterable[URIRef] = ()) -> None:
        """Write ``resource`` (a model object, or a graph of whole descriptions).

        ``over`` is the resource's current description. Only what the model object changes is
        changed there: a triple it no longer makes goes, a triple it newly makes comes, and every
        other stored triple stays exactly as stored (one the model does not carry, or carries in
        other words, such as a language-tagged text). A ``controlled`` property of the resource
        (one its form decides) takes the model's values alone.
        """
        # Plain sets of triples: far cheaper to fill and compare than rdflib graphs.
        made: set[Triple] = set(resource) if isinstance(resource, Graph) else resource.to_graph(set())
        triples = made
        if over is not None and not isinstance(resource, Graph):
            iri = resource.iri
            was: set[Triple] = type(resource).from_graph(over, iri).to_graph(set())  # type: ignore[attr-defined]
            drop = set(controlled)
            triples = set()
            for triple in over:
                if triple[1] in BOOKKEEPING or (triple[0] == iri and triple[1] in drop):
                    continue
                if triple in was and triple not in made:
                    continue
                triples.add(triple)
            for triple in made:
                if triple not in was or (triple[0] == iri and triple[1] in drop):
                    triples.add(triple)
        for triple in triples:
            if isinstance(triple[0], URIRef):
                self.after.setdefault(triple[0], new_graph()).add(triple)

    def touch(self, iri: URIRef, description: Graph) -> Graph:
        """``iri``'s description in the draft, starting from ``description`` if it has none yet."""
        if iri not in self.after:
            self.after[iri] = new_graph()
            for triple in description.triples((iri, None, None)):
                if triple[1] not in BOOKKEEPING:
                    self.after[iri].add(triple)
        return self.after[iri]

    def triples(self) -> set[Triple]:
        """Every triple the draft's descriptions hold: what the store will hold of the written nodes
        (a plain set: a bulk write's tens of thousands of triples are checked and diffed as one,
        never copied into one more graph)."""
        combined: set[Triple] = set()
        for description in self.after.values():
            combined.update(description)
        return combined


@contextmanager
def bulk_write() -> Iterator[None]:
    """Python's cycle collector paused while a bulk write (a loaded file, an import batch) builds its
    tens of thousands of term objects: each collection walks every object alive, and at 37k triples
    the collections took a quarter of the load's CPU. What the write leaves behind is collected
    once the collector runs again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def shape_report(violations: list[Violation]) -> ValidationFailed:
    """The violations listed with node, property and constraint (for files and imports)."""
    return ValidationFailed(
        f"{len(violations)} shape violation(s); nothing was written.\n"
        + "\n".join(f"  - {v}" for v in violations[:50]),
        details={"violations": [v.__dict__ for v in violations]},
    )


class Pipeline:
    """Derive statuses, check shapes, diff and apply: the write path of one knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.repo: Repository = kb.repository
        self.iris = kb.iris

    # --- building drafts from graphs -------------------------------------------------------------

    def additions(self, graph: Graph, *, before: Graph | None = None, claims: set[URIRef] | None = None) -> Draft:
        """A draft adding ``graph`` to what the store holds (a loaded file, an import batch).

        Every claim it describes, or adds evidence to, and every claim of an evidence event it
        describes (or ``claims``, when the writer knows them), has its status derived anew; what
        it says about a claim's status is ignored. The revision raises the version of those
        claims and of each node with a slug in ``graph`` that it adds to.
        """
        # One pass over the graph, each triple filed under its subject (not one lookup per subject).
        by_subject: dict[URIRef, list[Triple]] = {}
        for triple in graph:
            if isinstance(triple[0], URIRef):
                by_subject.setdefault(triple[0], []).append(triple)
        current = before if before is not None else self.repo.describe(by_subject, editorial=True)
        touched = self.claims_touched(graph) if claims is None else set(claims)
        slugged = {s for s in graph.subjects(CK.slug, None) if isinstance(s, URIRef)}

        def changed(added: set[Triple]) -> set[URIRef]:
            return touched | {s for s, _, _ in added if isinstance(s, URIRef) and s in slugged}

        draft = Draft(before=current, changed=changed, claims=touched)
        status = CK.status
        for subject, triples in by_subject.items():
            add = draft.touch(subject, current).add
            for triple in triples:
                if triple[1] != status:
                    add(triple)
        return draft

    def claims_touched(self, graph: Graph) -> set[URIRef]:
        """The claims whose description or evidence ``graph`` adds to."""
        claims = {s for s in graph.subjects(RDF.type, SCHEMA.Claim) if isinstance(s, URIRef)}
        claims |= {s for s in graph.subjects(CK.evidence, None) if isinstance(s, URIRef)}
        events = {s for s in graph.subjects(RDF.type, CK.EvidenceEvent) if isinstance(s, URIRef)}
        # The unpublished graph asked once for the batch, not once per event (it is usually empty).
        private = bool(events) and self.repo.store.ask(queries.IN_GRAPH, {"g": self.repo.unpublished_graph})
        for event in events:
            claims |= self.claims_of_event(event, private=private)
        return claims

    def claims_of_event(self, event: URIRef, *, private: bool = True) -> set[URIRef]:
        """The claims whose evidence ``event`` is; ``private``: in the unpublished graph too, when
        the published data names none."""
        found = self.repo.store.subjects_of(CK.evidence, event)
        if not found and private:
            rows = self.repo.store.select(
                queries.CLAIMS_OF_EVENT_IN_GRAPH, {"event": event, "u": self.repo.unpublished_graph}
            )
            found = [row["claim"] for row in rows]
        return {URIRef(str(claim)) for claim in found if isinstance(claim, URIRef)}

    # --- the pipeline ----------------------------------------------------------------------------

    def prepare(
        self,
        draft: Draft,
        *,
        refuse: Refusal | None = None,
        status_needs_reason: bool = False,
        reason: str | None = None,
    ) -> Change:
        """The checked change that makes the store hold ``draft``; raises instead when it may not."""
        status_moved = self.derive_statuses(draft)
        after = draft.triples()
        subjects = set(draft.after)
        self.check_shapes(draft, after, subjects, refuse or self.by_field)
        if status_moved and status_needs_reason and not reason:
            raise invalid({"reason": [STATUS_NEEDS_REASON]})
        if draft.before is None:
            before = self.repo.describe(subjects, editorial=True)
        else:  # the writer's graph may describe more than the written nodes
            before = new_graph()
            for subject in subjects:
                for triple in draft.before.triples((subject, None, None)):
                    before.add(triple)
        added, removed = diff(before, after)
        return Change(
            added=added,
            removed=removed,
            changed=self._changed(draft, added),
            expected_versions=dict(draft.expected),
            private=set(draft.private),
        ).normalise()

    def write(
        self,
        draft: Draft,
        *,
        agent: URIRef,
        reason: str | None,
        default_reason: Callable[[], str] | str = "",
        refuse: Refusal | None = None,
        status_needs_reason: bool = False,
        extra: Iterable[Triple] = (),
        revert_of: URIRef | None = None,
    ) -> RevisionInfo | None:
        """Prepare ``draft`` and apply it as one revision; ``None`` when it changes nothing.

        ``extra`` are triples written beside the change when it is not empty (an agent's label).
        A stale version is a ``ConflictError`` naming the revisions saved meanwhile.
        """
        change = self.prepare(draft, refuse=refuse, status_needs_reason=status_needs_reason, reason=reason)
        if not reason:
            reason = default_reason() if callable(default_reason) else default_reason
        return self.commit(change, agent=agent, reason=reason[:MAX_REASON], extra=extra, revert_of=revert_of)

    def commit(
        self,
        change: Change,
        *,
        agent: URIRef,
        reason: str,
        extra: Iterable[Triple] = (),
        revert_of: URIRef | None = None,
    ) -> RevisionInfo | None:
        """Apply a prepared change as one revision (``extra`` beside it, when it changes anything)."""
        if change.added or change.removed:
            change.added |= set(extra)
        try:
            return self.repo.apply(change, agent=agent, reason=reason, revert_of=revert_of)
        except ConflictError as error:
            raise self._explain_conflict(error) from error

    def derive_statuses(self, draft: Draft) -> bool:
        """Set each of the draft's claims' ``ck:status`` from its evidence as the draft leaves it.

        True when a status moves (from one it had, or to anything but unverified).
        """
        moved = False
        today = self.kb.today()
        for claim_iri in sorted(draft.claims):
            if claim_iri in draft.after:
                graph = draft.after[claim_iri]
            else:
                current = self.repo.describe([claim_iri], editorial=True)
                if draft.before is not None:
                    draft.before += current
                graph = draft.touch(claim_iri, current)
            claim = Claim.from_graph(graph, claim_iri)
            # The events the draft does not describe, read in one graph rather than one graph each.
            stored = self.repo.describe(
                e
                for e in claim.evidence
                if e not in draft.after and (draft.before is None or (e, None, None) not in draft.before)
            )
            events = [
                EvidenceEvent.from_graph(self._description(draft, e) if (e, None, None) not in stored else stored, e)
                for e in claim.evidence
            ]
            status = claim.derive_status(events, today).iri
            old = set(graph.objects(claim_iri, CK.status))
            if old != {status}:
                moved = moved or bool(old) or status != CK.unverified
                graph.remove((claim_iri, CK.status, None))
                graph.add((claim_iri, CK.status, status))
        return moved

    def _description(self, draft: Draft, iri: URIRef) -> Graph:
        if iri in draft.after:
            return draft.after[iri]
        if draft.before is not None and (iri, None, None) in draft.before:
            return draft.before
        return self.repo.describe([iri], editorial=True)

    def check_shapes(self, draft: Draft, after: set[Triple], subjects: set[URIRef], refuse: Refusal) -> None:
        # The nodes written are checked; what they merely point at is context (its types only).
        context = draft.context if draft.context is not None else self.context_types(after)
        beside = [context] if draft.beside is None else [draft.beside, context]
        violations = check_shapes(after, focus=subjects | draft.focus, beside=beside)
        if violations:
            raise refuse(violations)

    def context_types(self, graph: Graph | set[Triple]) -> Graph:
        """``rdf:type`` of the IRIs that ``graph`` points at but does not describe (for ``sh:class``)."""
        described = {s for s, _, _ in graph}
        context = new_graph()
        pointed = {obj for _, _, obj in graph if isinstance(obj, URIRef) and obj not in described}
        for obj, kinds in self.repo.types_of(pointed).items():
            for kind in kinds:
                context.add((obj, RDF.type, kind))
        return context

    def by_field(self, violations: list[Violation]) -> ValidationFailed:
        """Each violation's message under the form field its node and property belong to."""
        fields: dict[str, list[str]] = {}
        for violation in violations:
            kind_slug = self.iris.kind_and_slug(violation.focus)
            kind = kind_slug[0] if kind_slug else ""
            name = FIELD_OF_PATH.get(kind, {}).get(violation.path or "", "__all__")
            fields.setdefault(name, []).append(violation.message)
        return invalid(fields)

    def _changed(self, draft: Draft, added: set[Triple]) -> set[URIRef]:
        if draft.changed is None:
            # Our resources, not their parts (a quote's selector is versioned with the quote).
            return {s for s in draft.after if "/" not in (self.iris.kind_and_slug(str(s)) or ("", "/"))[1]}
        if callable(draft.changed):
            return draft.changed(added)
        return set(draft.changed)

    def _explain_conflict(self, error: ConflictError) -> ConflictError:
        """Add to the conflict the revisions saved meanwhile, so the editor sees what changed."""
        from kb.read.history import History, diff_json

        history = History(self.kb)
        meanwhile = []
        for iri, (was, now) in error.stale.items():
            for revision in self.kb.history(iri)[: max(now - was, 0)]:
                meanwhile.append(revision.number)
        error.details["meanwhile"] = [
            diff_json(history.revision_diff(n, limit=200)) for n in sorted(set(meanwhile), reverse=True)[:10]
        ]
        return error


def refuse_with(message: Callable[[list[Violation]], str], **kwargs: object) -> Refusal:
    """A refusal worded by the writer (a revert's 409), the violations in its details."""

    def refusal(violations: list[Violation]) -> Exception:
        return KBError(message(violations), details={"violations": [v.__dict__ for v in violations]}, **kwargs)  # type: ignore[arg-type]

    return refusal
