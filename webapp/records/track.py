"""Track records: ``/track-records`` (every claimant and publisher), each entity's record on its page
and as CSV and JSON, and the lists of claims behind every number. All take ``?as_of=``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Response, jsonify, render_template, request, url_for
from markupsafe import Markup

from claims import concepts
from claims.status import Status
from claims.track_record import REPORT_LABELS, REPORT_ROLES, Judgement
from kb.read.track_records import CLAIMANT, PUBLISHER, ROLES, Tally, TrackRecord, TrackRecords
from webapp.charts_svg import BarRow, RateRow, rates_chart, stacked_bars
from webapp.extensions import get_kb
from webapp.records import bp
from webapp.records.common import as_of_arg, csv_response, minimum, slug_arg, status_series

ROLE_LABELS = {CLAIMANT: "Claims made", PUBLISHER: "Claims reported"}
PAGE_SIZE = 50
CSV_COLUMNS = (
    "entity",
    "slug",
    "role",
    "group",
    "status",
    "count",
    "resolved",
    "judged",
    "share",
    "interval_low",
    "interval_high",
    "as_of",
)


def _records() -> TrackRecords:
    return TrackRecords(get_kb(), minimum())


def claims_url(record: TrackRecord, **filters: Any) -> str:
    """The list of the claims behind one number of ``record``."""
    args = {k: v for k, v in filters.items() if v}
    if record.as_of:
        args["as_of"] = record.as_of.isoformat()
    return url_for("records.claims_behind", slug=record.entity.slug, role=record.role, **args)


@dataclass
class Group:
    """One row of a record: all its claims, its predictions, or (publishers) its own reports or repeats."""

    key: str
    label: str
    tally: Tally
    judgement: Judgement
    filters: dict[str, str]


def groups(record: TrackRecord) -> list[Group]:
    found = [Group("all", ROLE_LABELS[record.role], record.claims, record.judgement, {})]
    if record.role == PUBLISHER:
        for report in REPORT_ROLES:
            if report in record.reports:
                found.append(
                    Group(
                        report,
                        REPORT_LABELS[report],
                        record.reports[report],
                        record.report_judgement(report),
                        {"report": report},
                    )
                )
    found.append(
        Group("predictions", "Predictions", record.predictions, record.prediction_judgement, {"type": "prediction"})
    )
    return found


def charts(record: TrackRecord) -> dict[str, Markup]:
    series = status_series()
    rows = [
        BarRow(
            g.label,
            g.tally.by_notation(),
            {key: claims_url(record, status=key, **g.filters) for key in g.tally.by_notation()},
        )
        for g in groups(record)
        if g.tally.total
    ]
    who = record.entity.name
    noun = "made" if record.role == CLAIMANT else "reported"
    when = f" as known on {record.as_of.isoformat()}" if record.as_of else ""
    rate_rows = [RateRow(g.label, g.judgement) for g in groups(record) if g.tally.total]
    return {
        "bars": stacked_bars(f"Claims {noun} by {who}, by status{when}", rows, series),
        "rates": rates_chart(
            f"How the resolved claims {noun} by {who} turned out{when}, with 95% intervals", rate_rows, series
        ),
    }


def _judgement_json(judgement: Judgement) -> dict[str, Any]:
    return {
        "resolved": judgement.resolved,
        "minimum": judgement.minimum,
        "too_few_to_judge": judgement.too_few,
        "counts": {s.value: n for s, n in judgement.counts.items()},
        "rates": [
            {
                "status": rate.status.value,
                "count": rate.count,
                "of": rate.of,
                "share": round(rate.share, 4),
                "interval_95": [round(rate.interval.low, 4), round(rate.interval.high, 4)],
            }
            for rate in judgement.rates
        ],
    }


def record_json(record: TrackRecord) -> dict[str, Any]:
    return {
        "entity": {"iri": str(record.entity.iri), "slug": record.entity.slug, "name": record.entity.name},
        "role": record.role,
        "as_of": record.as_of.isoformat() if record.as_of else None,
        "groups": {
            g.key: {
                "label": g.label,
                "total": g.tally.total,
                "by_status": g.tally.by_notation(),
                "claims": {
                    key: url_for(
                        "records.claims_behind",
                        slug=record.entity.slug,
                        role=record.role,
                        status=key,
                        _external=True,
                        **g.filters,
                        **({"as_of": record.as_of.isoformat()} if record.as_of else {}),
                    )
                    for key, n in g.tally.by_notation().items()
                    if n
                },
                "outcomes": _judgement_json(g.judgement),
            }
            for g in groups(record)
        },
    }


def csv_rows(records: list[TrackRecord]) -> list[dict[str, Any]]:
    rows = []
    for record in records:
        for g in groups(record):
            rates = {rate.status: rate for rate in g.judgement.rates}
            for status in Status:
                rate = rates.get(status)
                rows.append(
                    {
                        "entity": record.entity.name,
                        "slug": record.entity.slug,
                        "role": record.role,
                        "group": g.key,
                        "status": status.value,
                        "count": g.tally.counts.get(status, 0),
                        "resolved": g.judgement.resolved,
                        "judged": "no" if g.judgement.too_few else "yes",
                        "share": f"{rate.share:.4f}" if rate else "",
                        "interval_low": f"{rate.interval.low:.4f}" if rate else "",
                        "interval_high": f"{rate.interval.high:.4f}" if rate else "",
                        "as_of": record.as_of.isoformat() if record.as_of else "",
                    }
                )
    return rows


# --- the index ----------------------------------------------------------------------------------


def _page_arg() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


@bp.get("/track-records")
def index() -> str:
    as_of = as_of_arg()
    claimants, publishers = _records().all_records(as_of)
    page = _page_arg()
    shown = {
        role: records[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        for role, records in ((CLAIMANT, claimants), (PUBLISHER, publishers))
    }
    series = status_series()
    chart = {
        role: stacked_bars(
            f"{'Claimants' if role == CLAIMANT else 'Publishers'} by status of their claims"
            + (f", as known on {as_of.isoformat()}" if as_of else "")
            + f" (page {page})",
            [
                BarRow(
                    r.entity.name,
                    r.claims.by_notation(),
                    {key: claims_url(r, status=key) for key in r.claims.by_notation()},
                    label_link=url_for("pages.entity", slug=r.entity.slug),
                )
                for r in shown[role][:20]
            ],
            series,
        )
        for role in ROLES
    }
    return render_template(
        "records/track_records.html",
        claimants=shown[CLAIMANT],
        publishers=shown[PUBLISHER],
        totals={CLAIMANT: len(claimants), PUBLISHER: len(publishers)},
        page=page,
        pages=max(1, -(-max(len(claimants), len(publishers)) // PAGE_SIZE)),
        chart=chart,
        as_of=as_of,
        minimum=minimum(),
        statuses=concepts.statuses(),
        claims_url=claims_url,
        groups=groups,
        report_labels=REPORT_LABELS,
    )


@bp.get("/track-records.json")
def index_json() -> Response:
    as_of = as_of_arg()
    claimants, publishers = _records().all_records(as_of)
    return jsonify(
        {
            "as_of": as_of.isoformat() if as_of else None,
            "minimum_resolved": minimum(),
            "claimants": [record_json(r) for r in claimants],
            "publishers": [record_json(r) for r in publishers],
        }
    )


@bp.get("/track-records.csv")
def index_csv() -> Response:
    claimants, publishers = _records().all_records(as_of_arg())
    return csv_response(CSV_COLUMNS, csv_rows(claimants + publishers), "track-records.csv")


# --- one entity ---------------------------------------------------------------------------------


@bp.app_template_global()
def entity_track_records(slug: str) -> dict[str, Any]:
    """The entity's records for its page (``pages/entity.html`` includes ``records/_entity.html``)."""
    as_of = as_of_arg()
    records = _records().records_of(slug, as_of)
    return {
        "records": records,
        "charts": {r.role: charts(r) for r in records},
        "as_of": as_of,
        "slug": slug,
        "statuses": concepts.statuses(),
        "claims_url": claims_url,
        "groups": groups,
    }


@bp.get("/entities/<slug>/track-record.json")
def entity_json(slug: str) -> Response:
    as_of = as_of_arg()
    records = _records().records_of(slug_arg(slug), as_of)
    return jsonify({"as_of": as_of.isoformat() if as_of else None, "records": [record_json(r) for r in records]})


@bp.get("/entities/<slug>/track-record.csv")
def entity_csv(slug: str) -> Response:
    records = _records().records_of(slug_arg(slug), as_of_arg())
    return csv_response(CSV_COLUMNS, csv_rows(records), f"{slug}-track-record.csv")


@bp.get("/entities/<slug>/track-record/<role>/claims")
def claims_behind(slug: str, role: str) -> str:
    as_of = as_of_arg()
    records = _records()
    record = records.record(slug_arg(slug), role, as_of)
    status = request.args.get("status") or None
    claim_type = request.args.get("type") or None
    report = request.args.get("report") or None
    if status and status not in concepts.statuses():
        status = None
    if claim_type and claim_type not in concepts.claim_types():
        claim_type = None
    if report and report not in REPORT_ROLES:
        report = None
    found = records.claims_behind(slug, role, status=status, claim_type=claim_type, report=report, as_of=as_of)
    described = [
        ROLE_LABELS[role] + " by " + record.entity.name
        if role == CLAIMANT
        else "Claims reported by " + record.entity.name
    ]
    if report:
        described.append(REPORT_LABELS[report].lower())
    if claim_type:
        described.append(concepts.claim_types()[claim_type].label.lower() + "s")
    if status:
        described.append(concepts.statuses()[status].label.lower())
    return render_template(
        "records/claims_behind.html",
        record=record,
        claims=[c.summary for c in found],
        title=", ".join(described),
        as_of=as_of,
        date=date,
    )
