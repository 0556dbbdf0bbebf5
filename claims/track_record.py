"""Track records as pure rules: how a claimant's claims, or a publisher's reports, turned out.

- **Outcomes.** A claim is *resolved* when its status is resolved true, resolved partly or resolved
  false; the other statuses (supported, denied, disputed, unverified, due) are not outcomes.
- **Too few to judge.** With fewer than ``minimum`` resolved claims a record gives no rates: only
  the counts, and the words "too few to judge" (the minimum is the setting
  ``CLAIMKB_TRACK_RECORD_MIN_RESOLVED``).
- **Rates** are shares of the resolved claims, each with a 95 % Wilson score interval, which stays
  inside 0–1 and is honest for small counts (unlike the normal approximation).
- **Origin or repeat.** A publisher *originated* a claim when at least one of its sources that
  carries the claim (where it appeared, or is quoted from) does not derive — through
  ``prov:wasDerivedFrom``, any number of steps — from another source carrying the same claim; when
  every one of its sources carrying the claim derives from such a source, the publisher *repeated*
  it. A source in a derivation loop with the upstream source does not count as repeating it (as in
  ``claims.independence``, a loop is one origin).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from claims.status import Status

RESOLVED = (Status.RESOLVED_TRUE, Status.RESOLVED_PARTLY, Status.RESOLVED_FALSE)
ORIGIN = "origin"
REPEATED = "repeated"
REPORT_ROLES = (ORIGIN, REPEATED)
REPORT_LABELS = {ORIGIN: "Reported first", REPEATED: "Repeated from another source"}

Z_95 = 1.959963984540054  # the normal quantile of a two-sided 95 % interval


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> Interval:
    """The Wilson score interval of ``successes`` out of ``trials`` (95 % by default)."""
    if trials <= 0:
        raise ValueError("A rate needs at least one trial.")
    if not 0 <= successes <= trials:
        raise ValueError("Successes must be between 0 and the number of trials.")
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / (1 + z2 / trials)
    return Interval(max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class Rate:
    """One outcome's share of the resolved claims, with its interval."""

    status: Status
    count: int
    of: int
    interval: Interval

    @property
    def share(self) -> float:
        return self.count / self.of


@dataclass(frozen=True)
class Judgement:
    """The resolved claims of a record: their counts, and rates when there are enough to judge."""

    counts: Mapping[Status, int]  # resolved true / partly / false
    minimum: int

    @property
    def resolved(self) -> int:
        return sum(self.counts.values())

    @property
    def too_few(self) -> bool:
        return self.resolved < self.minimum

    @property
    def rates(self) -> list[Rate]:
        """One rate per outcome; empty when there are too few resolved claims to judge."""
        if self.too_few or not self.resolved:
            return []
        n = self.resolved
        return [Rate(s, self.counts.get(s, 0), n, wilson_interval(self.counts.get(s, 0), n)) for s in RESOLVED]


def judge(statuses: Mapping[Status, int], minimum: int) -> Judgement:
    """The judgement on a record whose claims have these status counts."""
    if minimum < 1:
        raise ValueError("The minimum number of resolved claims is at least 1.")
    return Judgement({s: int(statuses.get(s, 0)) for s in RESOLVED}, minimum)


def repeating(carriers: Iterable[str], upstream: Mapping[str, set[str]]) -> set[str]:
    """Those of a claim's ``carriers`` (the sources carrying it) that repeat another carrier.

    ``upstream`` maps a source to every source it derives from, any number of steps. A carrier
    repeats when it derives from another carrier that does not derive back from it (a loop is one
    origin).
    """
    found = set(carriers)
    return {
        source
        for source in found
        if any(up in found and source not in upstream.get(up, set()) for up in upstream.get(source, set()) - {source})
    }


def report_role(repeats_upstream: Iterable[bool]) -> str:
    """A publisher's role for one claim, from whether each of its sources carrying it repeats an upstream one."""
    return REPEATED if all(repeats_upstream) else ORIGIN
