"""An article's scorecard, as pure rules: the order of its claims, what settled each, the summary line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from claims.model import EvidenceEvent
from claims.status import Stance, Status

# Which events can have decided each status (the status rule in claims.status, read backwards).
_DECIDING: dict[Status, frozenset[Stance]] = {
    Status.RESOLVED_TRUE: frozenset({Stance.RESOLVES_TRUE}),
    Status.RESOLVED_PARTLY: frozenset({Stance.RESOLVES_PARTLY}),
    Status.RESOLVED_FALSE: frozenset({Stance.RESOLVES_FALSE}),
    Status.SUPPORTED: frozenset({Stance.SUPPORTS}),
    Status.DENIED: frozenset({Stance.DENIES}),
    Status.DISPUTED: frozenset({Stance.SUPPORTS, Stance.DENIES, Stance.DISPUTES}),
}


def decisive_event(events: Iterable[EvidenceEvent], status: Status) -> EvidenceEvent | None:
    """The latest counted event whose stance led to ``status``; ``None`` for unverified and due.

    ``events`` are those known when ``status`` was derived; withdrawn ones never decide anything.
    """
    stances = _DECIDING.get(status)
    if not stances:
        return None
    deciding = [e for e in events if e.stance in stances and not e.retracted]
    return max(deciding, key=lambda e: (e.when, str(e.iri)), default=None)


@dataclass(frozen=True)
class Placed:
    """Where a claim stands in an article: the offsets of its quotes there, and when it was recorded."""

    key: str  # the claim's slug: the last tie-breaker
    starts: tuple[int, ...] = ()  # oa:start of each of its quotes in the article that has one
    first_recorded: int | None = None  # the revision that first quoted it from the article


def article_order(placed: Iterable[Placed]) -> list[str]:
    """Claims in the order the article makes them: by their first quote's place in the text;
    claims without a known place follow, in the order they were recorded."""

    def key(p: Placed) -> tuple[int, int, str]:
        if p.starts:
            return (0, min(p.starts), p.key)
        return (1, p.first_recorded if p.first_recorded is not None else 1 << 62, p.key)

    return [p.key for p in sorted(placed, key=key)]


def summary_line(statuses: Iterable[Status]) -> str:
    """ "12 claims: 5 supported, 3 disputed, …": the most frequent status first, ties in the rule's order."""
    counts = Counter(statuses)
    total = sum(counts.values())
    if not total:
        return "No claims tracked."
    order = list(Status)
    parts = sorted(counts.items(), key=lambda item: (-item[1], order.index(item[0])))
    described = ", ".join(f"{n} {status.value.replace('-', ' ')}" for status, n in parts)
    return f"{total} claim{'s' if total != 1 else ''}: {described}"
