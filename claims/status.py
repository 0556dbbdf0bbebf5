"""The status rule: where a claim stands, derived from its dated evidence timeline."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from rdflib import URIRef

from claims.vocab import CK, CK_IRI


class Stance(StrEnum):
    """How an evidence event bears on a claim (the ``ck:StanceScheme`` concepts, by notation)."""

    SUPPORTS = "supports"
    DENIES = "denies"
    DISPUTES = "disputes"
    RESOLVES_TRUE = "resolves-true"
    RESOLVES_PARTLY = "resolves-partly"
    RESOLVES_FALSE = "resolves-false"
    RETRACTS = "retracts"
    CONTEXT = "context"

    @property
    def iri(self) -> URIRef:
        return CK[self.value]

    @property
    def is_resolution(self) -> bool:
        return self in _RESOLUTIONS


class Status(StrEnum):
    """Where a claim stands (the ``ck:StatusScheme`` concepts, by notation)."""

    UNVERIFIED = "unverified"
    SUPPORTED = "supported"
    DISPUTED = "disputed"
    DENIED = "denied"
    DUE = "due"
    RESOLVED_TRUE = "resolved-true"
    RESOLVED_PARTLY = "resolved-partly"
    RESOLVED_FALSE = "resolved-false"

    @property
    def iri(self) -> URIRef:
        return CK[self.value]

    @classmethod
    def from_iri(cls, iri: str) -> Status:
        return cls(str(iri).removeprefix(CK_IRI))


_RESOLUTIONS = {Stance.RESOLVES_TRUE, Stance.RESOLVES_PARTLY, Stance.RESOLVES_FALSE}
_RESOLVED = {
    Stance.RESOLVES_TRUE: Status.RESOLVED_TRUE,
    Stance.RESOLVES_PARTLY: Status.RESOLVED_PARTLY,
    Stance.RESOLVES_FALSE: Status.RESOLVED_FALSE,
}


@dataclass(frozen=True)
class TimelineEntry:
    """What the rule needs to know of one evidence event."""

    when: date
    stance: Stance
    retracted: bool = False


def derive_status(
    events: Iterable[TimelineEntry],
    *,
    is_prediction: bool = False,
    deadline: date | None = None,
    today: date,
) -> Status:
    """Derive a claim's status from its evidence timeline, as known on ``today``.

    The rule, applied in order:

    1. Events dated after ``today`` are not known yet, and retracted events no longer count;
       ``context`` and ``retracts`` events never change the status by themselves.
    2. **The latest resolution wins**: if any event resolves the claim (true, partly or false),
       the status is that of the resolution with the latest date — it overrides earlier support,
       denial or dispute. Two resolutions on the same day: the more cautious one wins
       (partly over true or false), so that a tie never overstates.
    3. Otherwise, **a prediction past its deadline is due**: ``today`` is after the deadline and
       nothing has resolved it.
    4. Otherwise, a ``disputes`` event, or support and denial together, make it **disputed**;
       support alone makes it **supported**, denial alone **denied**.
    5. Otherwise it is **unverified**.

    ``today`` is a required argument so that "what was known on date D" is the same function
    called with ``today=D`` and the events known by then.
    """
    known = [e for e in events if e.when <= today and not e.retracted]
    resolutions = [e for e in known if e.stance.is_resolution]
    if resolutions:
        caution = {Stance.RESOLVES_PARTLY: 0, Stance.RESOLVES_FALSE: 1, Stance.RESOLVES_TRUE: 2}
        latest = min(resolutions, key=lambda e: (-e.when.toordinal(), caution[e.stance]))
        return _RESOLVED[latest.stance]
    if is_prediction and deadline is not None and today > deadline:
        return Status.DUE
    stances = {e.stance for e in known}
    supported = Stance.SUPPORTS in stances
    denied = Stance.DENIES in stances
    if Stance.DISPUTES in stances or (supported and denied):
        return Status.DISPUTED
    if supported:
        return Status.SUPPORTED
    if denied:
        return Status.DENIED
    return Status.UNVERIFIED
