"""Reverting a revision: its exact inverse, written as a new revision through the write pipeline.

A revert is refused, naming them, when later revisions changed the same properties of the same
resources, or when it would leave later data pointing at something it takes away (the shapes,
checked on what it writes and on what points at it): it never silently merges.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rdflib import Graph, Literal, URIRef

from claims.validation import Violation
from kb import queries
from kb.errors import KBError, NotFound
from kb.write import fields
from kb.write.fields import Submitted
from kb.write.pipeline import Draft, Pipeline, refuse_with
from kb.write.repository import BOOKKEEPING, RevisionInfo

# The kinds of resource that carry a version (their parts, such as a quote's selector, do not).
VERSIONED = {"claims", "sources", "events", "entities", "quotes"}


def revert(
    pipeline: Pipeline, label: Callable[[URIRef], str], number: int, data: Mapping[str, Any], *, agent: URIRef
) -> RevisionInfo:
    """Undo revision ``number`` as a new revision; refused if later revisions changed the same things."""
    repo, iris = pipeline.repo, pipeline.iris
    if number < 1 or number > repo.revision_count():
        raise NotFound(f"There is no revision {number}.")
    f = Submitted(fields.Revert, data)
    reason = f.get("reason")
    f.problems.raise_if_any()
    if repo.store.ask(queries.IN_GRAPH, {"g": repo.log_graph, "s": iris.revision(number)}):
        # Its private part (a draft's triples, a state, an assignment) is not in the public record
        # a revert inverts: the workflow's own steps undo it (unpublish, return to draft, reassign).
        raise KBError(
            f"Revision {number} is part of the newsroom's workflow (unpublished work, publishing, "
            "unpublishing or an assignment); undo it with the workflow's steps on the claim's page or the "
            "desk, not with a revert.",
            status=409,
            title="Not revertible",
        )
    added, removed = repo.revision_triples(number)
    if not added and not removed:
        raise KBError(f"Revision {number} changed no triples; there is nothing to revert.")
    touched = {(s, p) for s, p, _ in added | removed}
    later: set[int] = set()
    for s, p in touched:
        rows = repo.store.select(queries.LATER_REVISIONS_TOUCHING, {"after": Literal(number), "s": s, "p": p})
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
    # What points at the reverted nodes is checked too: the revert must not leave it dangling.
    referrers = {
        URIRef(str(row["s"]))
        for subject in subjects
        for row in repo.store.select(queries.REFERRERS, {"o": subject})
        if isinstance(row["s"], URIRef)
    } - subjects
    before = repo.describe(subjects | referrers, editorial=True)
    after = Graph()
    for triple in before:
        if triple not in added and triple[1] not in BOOKKEEPING:
            after.add(triple)
    for triple in removed:
        after.add(triple)
    # What the revert takes away must not be looked up in the store, where it still is.
    context = Graph()
    for triple in pipeline.context_types(after):
        if triple[0] not in subjects:
            context.add(triple)
    referring = Graph()
    changed = {s for s in subjects if (iris.kind_and_slug(str(s)) or ("", ""))[0] in VERSIONED}
    draft = Draft(
        after={s: Graph() for s in subjects},
        expected=repo.versions(changed),
        changed=changed,
        focus=referrers,
        beside=referring,
        context=context,
        before=before,
    )
    for s, p, o in after:
        # The referrers are checked as they stand, beside the reverted nodes, and not written.
        (draft.after[s] if s in subjects else referring).add((s, p, o))  # type: ignore[index]

    def inconsistent(violations: list[Violation]) -> str:
        named = "; ".join(f"{label(URIRef(v.focus))}: {v.message}" for v in violations[:5])
        return f"Reverting revision {number} would leave the knowledge base inconsistent with later changes: {named}"

    info = pipeline.write(
        draft,
        agent=agent,
        reason=reason or f"Reverted revision {number}",
        refuse=refuse_with(inconsistent, status=409, title="Edit conflict"),
        revert_of=iris.revision(number),
    )
    assert info is not None
    return info
