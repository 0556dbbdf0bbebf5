"""Source independence: which of a claim's sources share an origin, following ``prov:wasDerivedFrom``.

Four outlets repeating one scoop are one voice, not four. The rule, applied to the sources behind a
claim's support and, separately, behind its denial:

1. **Which sources count.** Support: the sources a claim appeared in (``schema:appearance``,
   ``schema:firstAppearance``), the sources of its quotes, and the sources of its evidence that
   *supports*, *resolves true* or *resolves partly*. Denial: the sources of evidence that *denies*,
   *disputes*, *resolves false* or *resolves partly* (a partial resolution bears on both sides).
   Withdrawn evidence does not count; *context* and *retracts* events are on neither side.
2. **The origin of a source** is where its derivation chain ends: follow ``prov:wasDerivedFrom``
   (whatever the ``ck:derivationKind``: a copy, a rewrite, a translation or a report) until a source
   that derives from nothing. A source that derives from nothing is its own origin.
3. **Several parents.** A source derived from two sources rests on both: it has the origins of each,
   and it is listed under each of them.
4. **Cycles.** Sources that derive from one another in a loop, with no way out of the loop, are
   together one origin (in graph terms: the terminal strongly connected components reachable from
   the source). It is named by its members in IRI order; the first stands for it in SPARQL.
5. **Counting.** "N sources, M independent origins": N distinct sources, M distinct origins.
   Support is **single-origin** when there is support and all of it traces back to one origin.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rdflib import URIRef

from claims.status import Stance

SUPPORTING_STANCES = frozenset({Stance.SUPPORTS, Stance.RESOLVES_TRUE, Stance.RESOLVES_PARTLY})
DENYING_STANCES = frozenset({Stance.DENIES, Stance.DISPUTES, Stance.RESOLVES_FALSE, Stance.RESOLVES_PARTLY})

# The search facet's values (kb.search), one per claim.
SINGLE_ORIGIN = "single-origin"
SEVERAL_ORIGINS = "several-origins"
NO_SUPPORT = "no-support"
SUPPORT_ORIGIN_LABELS = {
    SINGLE_ORIGIN: "Single-origin support",
    SEVERAL_ORIGINS: "Several independent origins",
    NO_SUPPORT: "No support recorded",
}

DerivedFrom = Mapping[URIRef, Iterable[URIRef]]  # source -> the sources it derives from


@dataclass(frozen=True)
class OriginGroup:
    """One independent origin and the claim's sources that trace back to it."""

    origin: tuple[URIRef, ...]  # the origin source; several only for a derivation loop (IRI order)
    sources: tuple[URIRef, ...]  # the claim's sources resting on it, in IRI order


@dataclass(frozen=True)
class Grouping:
    """A set of sources grouped by independent origin, largest group first."""

    sources: tuple[URIRef, ...]
    groups: tuple[OriginGroup, ...]

    @property
    def source_count(self) -> int:
        return len(self.sources)

    @property
    def origin_count(self) -> int:
        return len(self.groups)


@dataclass(frozen=True)
class Independence:
    """A claim's supporting and denying sources, each grouped by independent origin."""

    support: Grouping
    denial: Grouping

    @property
    def single_origin_support(self) -> bool:
        return self.support.origin_count == 1

    @property
    def support_origins(self) -> str:
        """The search facet value: single-origin, several-origins or no-support."""
        if not self.support.origin_count:
            return NO_SUPPORT
        return SINGLE_ORIGIN if self.single_origin_support else SEVERAL_ORIGINS


def _reachable(start: URIRef, derived_from: DerivedFrom) -> frozenset[URIRef]:
    """``start`` and every source it derives from, directly or through others."""
    seen = {start}
    frontier = [start]
    while frontier:
        node = frontier.pop()
        for parent in derived_from.get(node, ()):
            if parent not in seen:
                seen.add(parent)
                frontier.append(parent)
    return frozenset(seen)


def origins_of(source: URIRef, derived_from: DerivedFrom) -> set[tuple[URIRef, ...]]:
    """The independent origins of ``source`` (rules 2–4 of the module docstring)."""
    reach: dict[URIRef, frozenset[URIRef]] = {}

    def reachable(node: URIRef) -> frozenset[URIRef]:
        if node not in reach:
            reach[node] = _reachable(node, derived_from)
        return reach[node]

    origins = set()
    for node in reachable(source):
        # ``node`` is in a terminal component when everything it reaches reaches it back.
        component = reachable(node)
        if all(node in reachable(other) for other in component):
            origins.add(tuple(sorted(component, key=str)))
    return origins


def group_by_origin(sources: Iterable[URIRef], derived_from: DerivedFrom) -> Grouping:
    """``sources`` grouped by independent origin: the largest group first, then by origin IRI."""
    distinct = tuple(sorted(set(sources), key=str))
    members: dict[tuple[URIRef, ...], set[URIRef]] = {}
    for source in distinct:
        for origin in origins_of(source, derived_from):
            members.setdefault(origin, set()).add(source)
    groups = [OriginGroup(origin, tuple(sorted(found, key=str))) for origin, found in members.items()]
    groups.sort(key=lambda g: (-len(g.sources), [str(o) for o in g.origin]))
    return Grouping(distinct, tuple(groups))


def independence(support: Iterable[URIRef], denial: Iterable[URIRef], derived_from: DerivedFrom) -> Independence:
    """The claim's supporting and denying sources (rule 1 chooses them) grouped by origin."""
    return Independence(group_by_origin(support, derived_from), group_by_origin(denial, derived_from))


def sides_of(stance: Stance) -> tuple[bool, bool]:
    """(counts as support, counts as denial) for evidence with this stance."""
    return stance in SUPPORTING_STANCES, stance in DENYING_STANCES
