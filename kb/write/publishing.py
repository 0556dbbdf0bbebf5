"""The newsroom's workflow: publication states, review by a second editor, assignments, the desk.

A claim is a draft, in review, published or unpublished. Only a published claim is in the public
default graph; the others (with the evidence, quotes and selectors they own) live in the private
graph ``{base}private/editorial/unpublished``, which no public reader sees (``kb.write.repository`` routes
the triples; the public SPARQL endpoint and dumps leave private graphs out). So a transition to
or from *published* moves the claim's triples between the two graphs, as one revision with who and
why; the revision's public record of a publish shows the claim appearing whole, never its drafts.

Assignments (assignee, due date) and who asked for a review are editorial data kept in the private
graph ``{base}private/editorial/desk`` whatever the claim's state: they are not in dumps or the public
endpoint, and each change to them is a revision like any other.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from claims.vocab import CK, SCHEMA
from kb import queries
from kb.errors import KBError, NotFound, ValidationFailed
from kb.read import pages
from kb.read.pages import ClaimPage
from kb.write.fields import MAX_REASON
from kb.write.repository import BOOKKEEPING, OWNING_PREDICATES, Change, RevisionInfo, Triple

if TYPE_CHECKING:
    from kb.knowledge import KnowledgeBase

MAX_BULK = 500  # claims one bulk change may touch
COMING_DUE_DAYS = 7  # an assignment due within this many days is "coming due" on the desk


class State(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in-review"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"

    @property
    def label(self) -> str:
        return {"in-review": "in review"}.get(self.value, self.value)


STATE_IRI = {State.DRAFT: CK.draft, State.IN_REVIEW: CK.inReview, State.UNPUBLISHED: CK.unpublished}
STATE_OF_IRI = {iri: state for state, iri in STATE_IRI.items()}


def _state_of(term: object) -> State:
    """The state a stored ``ck:publicationState`` names (a value we do not know: a draft, the safe side)."""
    return STATE_OF_IRI.get(URIRef(str(term)), State.DRAFT)


@dataclass(frozen=True)
class Action:
    name: str
    label: str  # the button
    sources: frozenset[State]
    target: State


ACTIONS = {
    a.name: a
    for a in (
        Action("submit", "Send for review", frozenset({State.DRAFT, State.UNPUBLISHED}), State.IN_REVIEW),
        Action("return", "Return to draft", frozenset({State.IN_REVIEW}), State.DRAFT),
        Action("approve", "Approve and publish", frozenset({State.IN_REVIEW}), State.PUBLISHED),
        Action("publish", "Publish", frozenset({State.DRAFT, State.IN_REVIEW, State.UNPUBLISHED}), State.PUBLISHED),
        Action("unpublish", "Unpublish", frozenset({State.PUBLISHED}), State.UNPUBLISHED),
        Action("reopen", "Reopen as draft", frozenset({State.UNPUBLISHED}), State.DRAFT),
    )
}


@dataclass
class DeskItem:
    """One claim as the desk shows it."""

    iri: URIRef
    slug: str
    title: str
    state: State
    assignee: str | None = None
    due: date | None = None
    review_requested_by: str | None = None
    topics: list[str] = field(default_factory=list)
    language: str | None = None
    text: str = ""


class Publishing:
    """Transitions, assignments and the desk's view of one knowledge base."""

    def __init__(self, kb: KnowledgeBase, *, review_required: bool = True) -> None:
        self.kb = kb
        self.repo = kb.repository
        self.iris = kb.iris
        self.review_required = review_required

    # --- reading ----------------------------------------------------------------------------------

    def state(self, iri: URIRef) -> State:
        """The claim's state; ``NotFound`` when there is no such claim, published or not."""
        graph = self.repo.describe([iri], editorial=True)
        if (iri, CK.publicationState, None) in graph:
            return _state_of(graph.value(iri, CK.publicationState))
        if (iri, SCHEMA.text, None) in graph or (iri, SCHEMA.name, None) in graph:
            return State.PUBLISHED
        raise NotFound(f"There is no claim called “{iri.rsplit('/', 1)[-1]}”.")

    def actions(self, state: State, *, agent: URIRef, requested_by: URIRef | None) -> list[Action]:
        """What ``agent`` may do to a claim in ``state`` (for the buttons)."""
        result = []
        for action in ACTIONS.values():
            if state not in action.sources:
                continue
            if action.name == "publish" and self.review_required:
                continue
            if action.name == "approve" and (not self.review_required or requested_by == agent):
                continue
            result.append(action)
        return result

    def bundle(self, claim: URIRef) -> Graph:
        """The claim's description with every node it owns (evidence, quotes, selectors), wherever kept."""
        graph = Graph()
        frontier, seen = {claim}, set()
        while frontier:
            described = self.repo.describe(frontier, editorial=True)
            seen |= frontier
            for s, p, o in described:
                if p in BOOKKEEPING or p in _DESK:
                    continue
                graph.add((s, p, o))
            frontier = {
                o
                for s, p, o in described
                if p in OWNING_PREDICATES and isinstance(o, URIRef) and o not in seen and isinstance(s, URIRef)
            }
        return graph

    def editorial_claim_page(self, slug: str) -> tuple[ClaimPage, State]:
        """The page of an unpublished claim, for editors: its own triples and the public nodes it names."""
        iri = self.iris.claim(slug)
        state = self.state(iri)
        graph = self.bundle(iri)
        named = {o for o in graph.objects() if isinstance(o, URIRef) and o.startswith(self.iris.base)}
        around = self.repo.describe(named)
        publishers = {o for o in around.objects(None, SCHEMA.publisher) if isinstance(o, URIRef)}
        return pages.claim_page(graph + around + self.repo.describe(publishers), iri, self.kb.today()), state

    def desk(self) -> list[DeskItem]:
        """Every unpublished claim and every claim with an assignment or a pending review request."""
        items: dict[URIRef, DeskItem] = {}
        states = {
            URIRef(str(r["claim"])): _state_of(r["state"])
            for r in self.kb.store.select(queries.UNPUBLISHED_CLAIMS, {"u": self.repo.unpublished_graph})
        }
        desk_rows = self.kb.store.select(queries.DESK_ROWS, {"d": self.repo.desk_graph})
        claims = set(states) | {URIRef(str(r["claim"])) for r in desk_rows}
        for claim in sorted(claims):
            description = self.repo.describe([claim], editorial=True)
            title = str(description.value(claim, SCHEMA.name) or description.value(claim, SCHEMA.text) or claim)
            topics = sorted(str(t).rsplit("/", 1)[-1] for t in description.objects(claim, _SUBJECT))
            language = description.value(claim, SCHEMA.inLanguage)
            items[claim] = DeskItem(
                iri=claim,
                slug=claim.rsplit("/", 1)[-1],
                title=title,
                state=states.get(claim, State.PUBLISHED),
                topics=topics,
                language=str(language).split("-")[0].lower() if language else None,
                text=str(description.value(claim, SCHEMA.text) or ""),
            )
        for row in desk_rows:
            item = items.get(URIRef(str(row["claim"])))
            if item is None:
                continue
            if row["p"] == CK.assignee:
                item.assignee = str(row["o"]).rsplit("/", 1)[-1]
            elif row["p"] == CK.assignmentDue:
                item.due = date.fromisoformat(str(row["o"]))
            elif row["p"] == CK.reviewRequestedBy:
                item.review_requested_by = str(row["o"]).rsplit("/", 1)[-1]
        return sorted(items.values(), key=lambda i: (i.due or date.max, i.title))

    # --- writing ----------------------------------------------------------------------------------

    def transition(
        self, slugs: Iterable[str], action_name: str, *, agent: URIRef, reason: str | None
    ) -> RevisionInfo | None:
        """Apply ``action_name`` to every claim of ``slugs`` as one revision, or refuse all of them."""
        action = ACTIONS.get(action_name)
        if action is None:
            raise ValidationFailed(
                f"“{action_name}” is not a step of the workflow.", details={"fields": {"action": ["Unknown action."]}}
            )
        reason = _reason(reason)
        claims = self._claims(slugs)
        if action.name == "publish" and self.review_required:
            raise KBError(
                "Publishing needs a second editor's approval here: send the claim for review instead.",
                status=403,
                title="Review required",
            )
        change = Change()
        for claim in claims:
            state = self.state(claim)
            if state not in action.sources:
                allowed = " or ".join(sorted(s.label for s in action.sources))
                raise KBError(
                    f"“{claim.rsplit('/', 1)[-1]}” is {state.label}: “{action.label}” applies to a claim that is "
                    f"{allowed}. Nothing was changed.",
                    status=409,
                    title="Not in that state",
                )
            desk = self.repo.describe([claim], editorial=True)
            requested = desk.value(claim, CK.reviewRequestedBy)
            if action.name == "approve" and self.review_required and requested == agent:
                raise KBError(
                    f"You sent “{claim.rsplit('/', 1)[-1]}” for review; another editor must approve it. "
                    "Nothing was changed.",
                    status=403,
                    title="Self-approval refused",
                )
            self._add_transition(change, claim, state, action.target, agent, requested)
        change.changed |= set(claims)
        if action.target is State.PUBLISHED:
            change.public_reason = reason  # the reason for publishing is part of the public record
        return self.repo.apply(change, agent=agent, reason=reason)

    def _add_transition(
        self, change: Change, claim: URIRef, state: State, target: State, agent: URIRef, requested: object
    ) -> None:
        if requested is not None:
            change.removed.add((claim, CK.reviewRequestedBy, requested))  # type: ignore[arg-type]
        if target is State.IN_REVIEW:
            change.added.add((claim, CK.reviewRequestedBy, agent))
        if state is not State.PUBLISHED and target is not State.PUBLISHED:
            change.removed.add((claim, CK.publicationState, STATE_IRI[state]))
            change.added.add((claim, CK.publicationState, STATE_IRI[target]))
            return
        # To or from published: the claim's whole bundle moves between the graphs.
        bundle = self.bundle(claim)
        subjects = {s for s in bundle.subjects() if isinstance(s, URIRef)}
        triples: set[Triple] = {t for t in bundle if t[1] != CK.publicationState}
        versions = self.repo.versions(subjects)
        change.changed |= {s for s, v in versions.items() if v}
        change.removed |= set(bundle)
        change.added |= triples
        if target is State.PUBLISHED:
            change.public |= subjects
        else:
            change.private |= subjects
            change.added.add((claim, CK.publicationState, STATE_IRI[target]))

    def assign(
        self,
        slugs: Iterable[str],
        *,
        assignee: str | None,
        due: str | None,
        editors: Collection[str],
        agent: URIRef,
        reason: str | None,
    ) -> RevisionInfo | None:
        """Assign every claim of ``slugs`` to ``assignee`` (None: unassign) due on ``due``, as one revision."""
        problems: dict[str, list[str]] = {}
        if assignee and assignee not in editors:
            problems["assignee"] = [f"“{assignee}” is not an active editor."]
        due_date = None
        if due:
            try:
                due_date = date.fromisoformat(due)
            except ValueError:
                problems["due"] = ["The due date must look like 2026-12-31."]
        if due_date and not assignee:
            problems.setdefault("due", []).append("A due date needs an assignee.")
        if problems:
            raise ValidationFailed("Nothing was assigned.", details={"fields": problems})
        claims = self._claims(slugs)
        reason = _reason(reason)
        change = Change(changed=set(claims))
        for claim in claims:
            self.state(claim)
            current = self.repo.describe([claim], editorial=True)
            for predicate in (CK.assignee, CK.assignmentDue):
                for value in current.objects(claim, predicate):
                    change.removed.add((claim, predicate, value))
            if assignee:
                change.added.add((claim, CK.assignee, self.iris.agent(assignee)))
            if due_date:
                change.added.add((claim, CK.assignmentDue, Literal(due_date.isoformat(), datatype=XSD.date)))
        return self.repo.apply(change, agent=agent, reason=reason)

    def _claims(self, slugs: Iterable[str]) -> list[URIRef]:
        claims = list(dict.fromkeys(self.iris.claim(s) for s in slugs if s))
        if not claims:
            raise ValidationFailed("Choose at least one claim.", details={"fields": {"claims": ["Choose a claim."]}})
        if len(claims) > MAX_BULK:
            raise ValidationFailed(
                f"At most {MAX_BULK} claims at once.", details={"fields": {"claims": [f"At most {MAX_BULK}."]}}
            )
        for claim in claims:
            self.state(claim)  # NotFound for an unknown claim: nothing is written
        return claims


_DESK = frozenset({CK.assignee, CK.assignmentDue, CK.reviewRequestedBy})
_SUBJECT = URIRef("http://purl.org/dc/terms/subject")


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Say why (it is recorded in the history).", details={"fields": {"reason": ["Say why."]}})
    return reason[:MAX_REASON]


def group_desk(items: list[DeskItem], today: date, editors: Iterable[str]) -> dict[str, dict[str, list[DeskItem]]]:
    """Per editor: assigned, waiting for their review (sent by another), coming due (within a week), overdue."""
    editors = sorted(set(editors) | {i.assignee for i in items if i.assignee})
    soon = today + timedelta(days=COMING_DUE_DAYS)
    groups: dict[str, dict[str, list[DeskItem]]] = {}
    for editor in editors:
        mine = [i for i in items if i.assignee == editor]
        groups[editor] = {
            "assigned": mine,
            "review": [i for i in items if i.state is State.IN_REVIEW and i.review_requested_by != editor],
            "coming due": [i for i in mine if i.due and today <= i.due <= soon],
            "overdue": [i for i in mine if i.due and i.due < today and i.state is not State.PUBLISHED],
        }
    return groups


def draft_triples(claim: URIRef) -> set[Triple]:
    """What marks a new claim as a draft (the editor's form writes it unless told to publish)."""
    return {(claim, CK.publicationState, CK.draft)}
