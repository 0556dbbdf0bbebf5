"""What an editor's watchlist shows: what changed on what they follow, and which predictions come due.

Changes come from the revision log, through the same scoped queries as the public Atom feeds of a
claim, an entity (a claim by or about it) or a topic (``kb.read.feeds``); predictions from the
knowledge base's list of predictions with a deadline, narrowed to the claims followed directly,
by or about a followed entity, or on a followed topic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from rdflib import URIRef

from kb import queries
from kb.errors import NotFound
from kb.knowledge import KnowledgeBase
from kb.read import pages
from kb.read.feeds import FeedScope, revisions
from kb.read.pages import ClaimSummary, RevisionSummary
from kb.watch.watchlists import Follow

MAX_CHANGES = 50


@dataclass(frozen=True)
class Followed:
    kind: str
    slug: str
    label: str | None  # None: no longer recorded (withdrawn or never existed)


@dataclass
class Change:
    revision: RevisionSummary
    about: list[Followed] = field(default_factory=list)  # the followed items it touched


@dataclass
class DuePrediction:
    claim: ClaimSummary
    days_left: int  # negative: the deadline has passed
    because: list[Followed] = field(default_factory=list)


@dataclass
class WatchView:
    followed: list[Followed]
    changes: list[Change]
    due: list[DuePrediction]
    days: int


def label_of(kb: KnowledgeBase, kind: str, slug: str) -> str | None:
    try:
        if kind == "claim":
            claim = kb.claim_page(slug).claim
            return claim.name or claim.text
        if kind == "entity":
            return kb.entity_page(slug).entity.name
        if kind == "topic":
            return dict(kb.topics()).get(slug)
    except NotFound:
        return None
    return None


def watch_view(kb: KnowledgeBase, follows: list[Follow], days: int) -> WatchView:
    followed = [Followed(f.kind, f.slug, label_of(kb, f.kind, f.slug)) for f in follows]
    known = [f for f in followed if f.label is not None]
    return WatchView(followed=followed, changes=changes(kb, known), due=due_predictions(kb, known, days), days=days)


def changes(kb: KnowledgeBase, followed: list[Followed]) -> list[Change]:
    """The latest revisions touching anything followed, newest first, each once."""
    by_number: dict[int, Change] = {}
    for item in followed:
        try:
            _title, found = revisions(kb, FeedScope(item.kind, item.slug))
        except NotFound:
            continue
        for revision in found:
            by_number.setdefault(revision.number, Change(revision)).about.append(item)
    return [by_number[n] for n in sorted(by_number, reverse=True)[:MAX_CHANGES]]


def watched_claims(kb: KnowledgeBase, followed: list[Followed]) -> dict[URIRef, list[Followed]]:
    """Each claim followed directly, by or about a followed entity, or on a followed topic."""
    claims: dict[URIRef, list[Followed]] = {}
    for item in followed:
        if item.kind == "claim":
            found = [kb.iris.claim(item.slug)]
        elif item.kind == "entity":
            entity = {"entity": kb.iris.entity(item.slug)}
            found = [
                URIRef(str(r["claim"]))
                for role in ("by", "about")
                for r in kb.store.select(queries.CLAIMS_OF_ENTITY[role], entity)
            ]
        else:
            rows = kb.store.select(queries.CLAIMS_IN_TOPIC, {"topic": kb.iris.topic(item.slug)})
            found = [URIRef(str(r["claim"])) for r in rows]
        for iri in found:
            claims.setdefault(iri, []).append(item)
    return claims


def due_predictions(kb: KnowledgeBase, followed: list[Followed], days: int) -> list[DuePrediction]:
    """Unresolved predictions among the watched claims whose deadline is within ``days`` days or past."""
    if not followed:
        return []
    watched = watched_claims(kb, followed)
    today = kb.today()
    horizon = today + timedelta(days=days)
    result = []
    for claim in open_predictions(kb):
        if claim.iri in watched and claim.deadline is not None and claim.deadline <= horizon:
            result.append(DuePrediction(claim, (claim.deadline - today).days, watched[claim.iri]))
    return sorted(result, key=lambda d: (d.claim.deadline or date.min, d.claim.slug))


def open_predictions(kb: KnowledgeBase) -> list[ClaimSummary]:
    """Every unresolved prediction with a deadline, nearest first (cached until the next revision).

    Read from the store rather than ``kb.predictions()``, which counts a prediction past its deadline
    as overdue only once it has been marked due: a reminder must not miss one in between."""

    def compute() -> list[ClaimSummary]:
        summaries = [pages.summary_from_row(r) for r in kb.store.select(queries.PREDICTIONS_WITH_DEADLINE)]
        return [s for s in summaries if s.deadline is not None and not s.status.notation.startswith("resolved")]

    return kb.cache.get(("open predictions",), compute)
