"""Track records: how each claimant's claims and each publisher's reports turned out.

Current records are read from SPARQL aggregates (``kb.queries.TRACK_*_COUNTS``) and cached until
the next revision. A record *as of* a day D applies the status rule (``claims.status``) to the
evidence dated up to D, as the claim pages do with ``?as_of=D``: claims made after D are left out,
claims without a date are kept. The rules for judging (too few, Wilson intervals) and for telling a
publisher's own reports from its repeats are in ``claims.track_record``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from rdflib import Literal, URIRef

from claims import concepts
from claims.scorecard import summary_line
from claims.status import Stance, Status, TimelineEntry, derive_status
from claims.track_record import ORIGIN, REPEATED, REPORT_ROLES, Judgement, judge, repeating, report_role
from claims.vocab import CK_IRI
from kb import queries
from kb.errors import NotFound
from kb.knowledge import KnowledgeBase
from kb.read.pages import ClaimSummary
from kb.store import ValueRow

CLAIMANT = "claimant"
PUBLISHER = "publisher"
ROLES = (CLAIMANT, PUBLISHER)
PREDICTION = "prediction"


@dataclass(frozen=True)
class Named:
    iri: URIRef
    slug: str
    name: str


@dataclass
class Tally:
    """Claims counted by status (every status present, zeros included)."""

    counts: dict[Status, int] = field(default_factory=lambda: {s: 0 for s in Status})

    def add(self, status: Status, n: int = 1) -> None:
        self.counts[status] = self.counts.get(status, 0) + n

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def by_notation(self) -> dict[str, int]:
        return {s.value: self.counts.get(s, 0) for s in Status}

    @property
    def summary(self) -> str:
        """ "2 claims: 1 supported, 1 resolved partly", as on the scorecards."""
        return summary_line(s for s, n in self.counts.items() for _ in range(n))


@dataclass
class TrackRecord:
    """One entity's record in one role (as a claimant, or as a publisher)."""

    entity: Named
    role: str
    minimum: int
    as_of: date | None = None
    claims: Tally = field(default_factory=Tally)
    predictions: Tally = field(default_factory=Tally)
    reports: dict[str, Tally] = field(default_factory=dict)  # publishers: "origin" / "repeated"

    @property
    def judgement(self) -> Judgement:
        return judge(self.claims.counts, self.minimum)

    @property
    def prediction_judgement(self) -> Judgement:
        return judge(self.predictions.counts, self.minimum)

    def report_judgement(self, report: str) -> Judgement:
        return judge(self.reports.get(report, Tally()).counts, self.minimum)


@dataclass(frozen=True)
class TrackedClaim:
    """A claim behind a record's numbers: its summary, type and (for a publisher) its report role."""

    summary: ClaimSummary
    status: Status
    claim_type: str
    report: str | None = None


# Rows here are plain strings (``Store.select_values``): at 10k claims and more, building an rdflib
# term for every value cost as much as the query itself.


def _status(value: str | None) -> Status:
    return Status.from_iri(value) if value else Status.UNVERIFIED


def _notation(value: str | None) -> str:
    return value.removeprefix(CK_IRI) if value else ""


def _date(value: str | None) -> date | None:
    """An ``xsd:date``'s lexical form as a date (a time zone, if any, left aside); None for anything else."""
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _summary(row: ValueRow, status: Status) -> ClaimSummary:
    """``pages.summary_from_row`` for a row of plain strings."""
    text = row.get("text", "")
    type_key = _notation(row.get("type"))
    return ClaimSummary(
        iri=URIRef(row["claim"]),
        slug=row.get("slug", ""),
        name=row.get("name") or text,
        text=text,
        status=concepts.status(status),
        claim_type=concepts.claim_types().get(type_key) if type_key else None,
        claimant=URIRef(row["claimant"]) if row.get("claimant") else None,
        claimant_name=row.get("claimantName") or None,
        claimed_on=_date(row.get("claimed")),
        deadline=_date(row.get("deadline")),
    )


class TrackRecords:
    def __init__(self, kb: KnowledgeBase, minimum: int = 5) -> None:
        self.kb = kb
        self.minimum = minimum

    # --- one entity ---------------------------------------------------------------------------

    def entity(self, slug: str) -> Named:
        iri = self.kb.iris.entity(slug)
        rows = self.kb.store.select_values(queries.LABEL_OF, {"s": iri})
        names = [r["label"] for r in rows if r["p"].endswith("name")]
        if not names:
            raise NotFound(f"There is no entity called “{slug}”.")
        return Named(iri, slug, min(names))

    def records_of(self, slug: str, as_of: date | None = None) -> list[TrackRecord]:
        """The entity's records as a claimant and as a publisher (those it has), for its page."""
        return [r for r in (self.record(slug, role, as_of) for role in ROLES) if r.claims.total]

    def record(self, slug: str, role: str, as_of: date | None = None) -> TrackRecord:
        if role not in ROLES:
            raise NotFound(f"“{role}” is not a track record; use claimant or publisher.")
        key = ("track-record", slug, role, as_of, self.minimum, self.kb.today())
        return self.kb.cache.get(key, lambda: self._record(slug, role, as_of))

    def _record(self, slug: str, role: str, as_of: date | None) -> TrackRecord:
        entity = self.entity(slug)
        record = TrackRecord(entity, role, self.minimum, as_of)
        if role == CLAIMANT and as_of is None:
            # The current record of a claimant is one aggregate.
            for row in self.kb.store.select_values(queries.TRACK_CLAIMANT_COUNTS, {"claimant": entity.iri}):
                _count(record, _status(row["status"]), _notation(row["type"]), int(row["n"]))
            return record
        if role == PUBLISHER and as_of is None:
            # A publisher's from its claims' statuses, with the (few) repeated ones moved out of
            # "reported first".
            counted = Counter(
                (row["status"], row["type"])
                for row in {str(row["claim"]): row for row in self._publisher_rows(entity.iri)}.values()
                if row.get("status")
            )
            for (status, claim_type), n in counted.items():
                _count(record, _status(status), _notation(claim_type), n, ORIGIN)
            _move_repeated({str(entity.iri): record}, self._repeated_rows())
            return record
        for claim in self.claims(slug, role, as_of):
            _count(record, claim.status, claim.claim_type, 1, claim.report)
        return record

    def claims(self, slug: str, role: str, as_of: date | None = None) -> list[TrackedClaim]:
        """Every claim counted in the entity's record in ``role``, with its status then."""
        if role not in ROLES:
            raise NotFound(f"“{role}” is not a track record; use claimant or publisher.")
        key = ("track-claims", slug, role, as_of, self.kb.today())
        return self.kb.cache.get(key, lambda: self._claims(slug, role, as_of))

    def _claims(self, slug: str, role: str, as_of: date | None) -> list[TrackedClaim]:
        entity = self.entity(slug)
        if role == CLAIMANT:
            rows = self.kb.store.select_values(queries.TRACK_CLAIMANT_CLAIMS, {"claimant": entity.iri})
            reports: dict[str, str | None] = {str(r["claim"]): None for r in rows}
        else:
            rows = self._publisher_rows(entity.iri)
            repeated = self._repeated()
            reports = {
                str(r["claim"]): REPEATED if (str(entity.iri), str(r["claim"])) in repeated else ORIGIN for r in rows
            }
        statuses = None
        if as_of is not None:
            query = queries.TRACK_CLAIMANT_EVENTS_UNTIL if role == CLAIMANT else queries.TRACK_PUBLISHER_EVENTS_UNTIL
            events = self.kb.store.select_values(query, {role: entity.iri, "asOf": Literal(as_of)})
            statuses = statuses_as_of(rows, events, as_of)
        seen: dict[str, TrackedClaim] = {}
        for row in rows:
            iri = str(row["claim"])
            if iri in seen or (statuses is not None and iri not in statuses):
                continue
            status = statuses[iri] if statuses is not None else _status(row.get("status"))
            summary = _summary(row, status)
            seen[iri] = TrackedClaim(summary, status, _notation(row.get("type")), reports.get(iri))
        return sorted(seen.values(), key=lambda c: (c.summary.claimed_on or date.min, c.summary.slug), reverse=True)

    def _publisher_rows(self, publisher: URIRef) -> list[ValueRow]:
        """The claims of one publisher (a claim found both ways twice)."""
        return [
            row
            for query in queries.TRACK_PUBLISHER_CLAIMS_OF.values()
            for row in self.kb.store.select_values(query, {"publisher": publisher})
        ]

    def claims_behind(
        self,
        slug: str,
        role: str,
        *,
        status: str | None = None,
        claim_type: str | None = None,
        report: str | None = None,
        resolved: bool = False,
        as_of: date | None = None,
    ) -> list[TrackedClaim]:
        """The claims behind one number of a record (the filters combine)."""
        found = self.claims(slug, role, as_of)
        if status:
            found = [c for c in found if c.status.value == status]
        if resolved:
            found = [c for c in found if c.status.value.startswith("resolved")]
        if claim_type:
            found = [c for c in found if c.claim_type == claim_type]
        if report:
            found = [c for c in found if c.report == report]
        return found

    def _repeated(self) -> set[tuple[str, str]]:
        """(publisher, claim) pairs where every one of the publisher's sources carrying the claim repeats it.

        Cached until the next revision. Only a claim carried by a source and by one it derives from
        can be repeated, so the derivation pairs (few) are read first, then only those claims.
        """
        return self.kb.cache.get(("track-repeated",), self._compute_repeated)

    def _compute_repeated(self) -> set[tuple[str, str]]:
        upstream: dict[str, set[str]] = defaultdict(set)
        for row in self.kb.store.select_values(queries.TRACK_DERIVATION_PAIRS):
            upstream[str(row["down"])].add(str(row["up"]))
        if not upstream:
            return set()
        carried: dict[str, set[str]] = {}
        for source in sorted(set(upstream) | {up for ups in upstream.values() for up in ups}):
            rows = self.kb.store.select_values(queries.TRACK_CLAIMS_CARRIED_BY, {"source": URIRef(source)})
            carried[source] = {str(r["claim"]) for r in rows}
        candidates = {
            claim for down, ups in upstream.items() for claim in carried[down] if any(claim in carried[u] for u in ups)
        }
        repeated: set[tuple[str, str]] = set()
        for claim in sorted(candidates):
            rows = self.kb.store.select_values(queries.TRACK_CARRIERS_OF, {"claim": URIRef(claim)})
            repeats = repeating({str(r["source"]) for r in rows}, upstream)
            by_publisher: dict[str, list[bool]] = defaultdict(list)
            for row in rows:
                if row.get("publisher") is not None:
                    by_publisher[str(row["publisher"])].append(str(row["source"]) in repeats)
            repeated |= {
                (publisher, claim) for publisher, flags in by_publisher.items() if report_role(flags) == REPEATED
            }
        return repeated

    def _repeated_rows(self) -> dict[tuple[str, str], tuple[Status, str]]:
        """The repeated (publisher, claim) pairs with the claim's current status and type (cached)."""
        return self.kb.cache.get(("track-repeated-rows",), self._compute_repeated_rows)

    def _compute_repeated_rows(self) -> dict[tuple[str, str], tuple[Status, str]]:
        repeated = self._repeated()
        if not repeated:
            return {}
        claims = {claim for _, claim in repeated}
        found: dict[tuple[str, str], tuple[Status, str]] = {}
        info = {
            str(r["claim"]): (_status(r.get("status")), _notation(r.get("type")))
            for claim in sorted(claims)
            for r in self.kb.store.select_values(queries.TRACK_CLAIM_STATUS, {"claim": URIRef(claim)})
        }
        for pair in repeated:
            if pair[1] in info:
                found[pair] = info[pair[1]]
        return found

    # --- every entity -------------------------------------------------------------------------

    def all_records(self, as_of: date | None = None) -> tuple[list[TrackRecord], list[TrackRecord]]:
        """(claimants, publishers): every record, most resolved claims first, then most claims."""
        key = ("track-records", as_of, self.minimum, self.kb.today())
        return self.kb.cache.get(key, lambda: self._all_records(as_of))

    def _all_records(self, as_of: date | None) -> tuple[list[TrackRecord], list[TrackRecord]]:
        names = {
            str(r["entity"]): Named(URIRef(str(r["entity"])), str(r["slug"]), str(r["name"]))
            for r in self.kb.store.select_values(queries.TRACK_ENTITY_NAMES)
        }
        claimants: dict[str, TrackRecord] = {}
        publishers: dict[str, TrackRecord] = {}

        def record_of(records: dict[str, TrackRecord], iri: str, role: str) -> TrackRecord | None:
            if iri not in records:
                if iri not in names:
                    return None
                records[iri] = TrackRecord(names[iri], role, self.minimum, as_of)
            return records[iri]

        if as_of is None:
            for row in self.kb.store.select_values(queries.TRACK_CLAIMANT_COUNTS):
                record = record_of(claimants, str(row["claimant"]), CLAIMANT)
                if record:
                    _count(record, _status(row["status"]), _notation(row["type"]), int(row["n"]))
            repeated_rows = self._repeated_rows()
            for row in self.kb.store.select_values(queries.TRACK_PUBLISHER_COUNTS):
                record = record_of(publishers, str(row["publisher"]), PUBLISHER)
                if record:
                    n = int(row["n"])
                    status, claim_type = _status(row["status"]), _notation(row["type"])
                    # Every claim counts as reported first, but those found repeated (few) below.
                    _count(record, status, claim_type, n, ORIGIN)
            _move_repeated(publishers, repeated_rows)
        else:
            claim_rows = self.kb.store.select_values(queries.TRACK_ALL_CLAIMS)
            events = self.kb.store.select_values(queries.TRACK_EVENTS_UNTIL, {"asOf": Literal(as_of)})
            statuses = statuses_as_of(claim_rows, events, as_of)
            for row in claim_rows:
                iri = str(row["claim"])
                if iri in statuses:
                    record = record_of(claimants, str(row["claimant"]), CLAIMANT)
                    if record:
                        _count(record, statuses[iri], _notation(row["type"]), 1)
            repeated = self._repeated()
            types = {str(row["claim"]): _notation(row["type"]) for row in claim_rows}
            for row in self.kb.store.select_values(queries.TRACK_PUBLISHER_PAIRS):
                publisher, claim = str(row["publisher"]), str(row["claim"])
                if claim in statuses:
                    record = record_of(publishers, publisher, PUBLISHER)
                    if record:
                        report = REPEATED if (publisher, claim) in repeated else ORIGIN
                        _count(record, statuses[claim], types[claim], 1, report)

        def order(records: Iterable[TrackRecord]) -> list[TrackRecord]:
            return sorted(records, key=lambda r: (-r.judgement.resolved, -r.claims.total, r.entity.name.lower()))

        return order(claimants.values()), order(publishers.values())


def _count(record: TrackRecord, status: Status, claim_type: str, n: int, report: str | None = None) -> None:
    record.claims.add(status, n)
    if claim_type == PREDICTION:
        record.predictions.add(status, n)
    if report in REPORT_ROLES:
        record.reports.setdefault(report, Tally()).add(status, n)
    elif record.role == PUBLISHER and report is not None:
        raise ValueError(f"Unknown report role {report!r}")


def _move_repeated(records: Mapping[str, TrackRecord], repeated: Mapping[tuple[str, str], tuple[Status, str]]) -> None:
    """Move the repeated claims of these publishers' records from "reported first" to "repeated"."""
    for (publisher, _claim), (status, _claim_type) in repeated.items():
        record = records.get(publisher)
        if record and ORIGIN in record.reports:
            record.reports[ORIGIN].add(status, -1)
            record.reports.setdefault(REPEATED, Tally()).add(status, 1)
    for record in records.values():
        if ORIGIN in record.reports and not record.reports[ORIGIN].total:
            del record.reports[ORIGIN]


def statuses_as_of(
    claim_rows: Iterable[Mapping[str, str]], event_rows: Iterable[Mapping[str, str]], as_of: date
) -> dict[str, Status]:
    """The status of each claim on ``as_of`` by the status rule; claims made after that day left out.

    ``event_rows`` are the claims' evidence dated up to ``as_of``, withdrawn evidence left out.
    """
    events: dict[str, dict[str, TimelineEntry]] = defaultdict(dict)
    for row in event_rows:
        when = _date(row.get("date"))
        try:
            stance = Stance(_notation(row.get("stance")))
        except ValueError:
            continue
        if when is not None:
            events[str(row["claim"])][str(row.get("event", len(events[str(row["claim"])])))] = TimelineEntry(
                when, stance
            )
    statuses: dict[str, Status] = {}
    for row in claim_rows:
        iri = str(row["claim"])
        claimed = _date(row.get("claimed"))
        if iri in statuses or (claimed is not None and claimed > as_of):
            continue
        statuses[iri] = derive_status(
            events.get(iri, {}).values(),
            is_prediction=_notation(row.get("type")) == PREDICTION,
            deadline=_date(row.get("deadline")),
            today=as_of,
        )
    return statuses


def status_labels() -> dict[str, str]:
    return {key: concept.label for key, concept in concepts.statuses().items()}
