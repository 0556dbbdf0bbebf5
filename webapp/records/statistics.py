"""``/statistics``: claims per month by status, type, topic and language, predictions coming due and
the most-checked claimants; each chart with its numbers as CSV and JSON and the SPARQL query that
reproduces it (a link to the query page, prefilled)."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, jsonify, render_template, request, url_for
from markupsafe import Markup

from kb.read.statistics import BASES, BarChart, MonthChart, Statistics
from webapp.charts_svg import BarRow, Series, category_series, month_columns, stacked_bars
from webapp.extensions import get_kb
from webapp.records import bp
from webapp.records.common import csv_response, status_series


def _basis() -> str:
    basis = request.args.get("basis", "recorded")
    if basis not in BASES:
        abort(400, "basis is “recorded” (when we recorded the claim) or “claimed” (when it was made).")
    return basis


def _series(chart: MonthChart | BarChart) -> list[Series]:
    if chart.id.endswith("-by-status") or isinstance(chart, BarChart):
        keys = {c.key for c in chart.categories}
        return [s for s in status_series() if s.key in keys]
    if chart.id.endswith("-by-language"):
        # "not recorded" is grey, whatever the palette gives the languages.
        found = category_series([(c.key, c.label) for c in chart.categories if c.key != "not recorded"])
        return found + [Series("not recorded", "Not recorded", "fill-unverified")]
    return category_series([(c.key, c.label) for c in chart.categories])


def svg(chart: MonthChart | BarChart) -> Markup:
    if isinstance(chart, BarChart):
        rows = [
            BarRow(who.label, counts, label_link=url_for("pages.entity", slug=who.key) + "#track-record")
            for who, counts in chart.rows_
        ]
        return stacked_bars(chart.title, rows, _series(chart))
    return month_columns(chart.title, chart.months, chart.values, _series(chart))


def sparql_url(chart: MonthChart | BarChart) -> str:
    return url_for("sparql.endpoint", query=chart.sparql)


def chart_json(chart: MonthChart | BarChart) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": chart.id,
        "title": chart.title,
        "categories": [{"key": c.key, "label": c.label} for c in chart.categories],
        "rows": chart.rows(),
        "sparql": chart.sparql,
        "sparql_url": url_for("sparql.endpoint", query=chart.sparql, _external=True),
    }
    if isinstance(chart, MonthChart):
        found["outside_months"] = chart.outside
    return found


def _chart(chart_id: str) -> MonthChart | BarChart:
    for basis in BASES:
        for chart in Statistics(get_kb()).charts(basis):
            if chart.id == chart_id:
                return chart
    abort(404, f"There is no chart called “{chart_id}”.")


@bp.get("/statistics")
def statistics() -> str:
    basis = _basis()
    charts = Statistics(get_kb()).charts(basis)
    return render_template(
        "records/statistics.html",
        charts=[(chart, svg(chart)) for chart in charts],
        basis=basis,
        bases=BASES,
        sparql_url=sparql_url,
    )


@bp.get("/statistics.json")
def statistics_json() -> Response:
    basis = _basis()
    return jsonify({"basis": basis, "charts": [chart_json(c) for c in Statistics(get_kb()).charts(basis)]})


@bp.get("/statistics/<chart_id>.json")
def chart_json_view(chart_id: str) -> Response:
    return jsonify(chart_json(_chart(chart_id)))


@bp.get("/statistics/<chart_id>.csv")
def chart_csv(chart_id: str) -> Response:
    chart = _chart(chart_id)
    rows = chart.rows()
    columns = (
        list(rows[0])
        if rows
        else (
            ["claimant", "slug", "status", "claims"]
            if isinstance(chart, BarChart)
            else ["month", "key", "label", "claims"]
        )
    )
    return csv_response(columns, rows, f"{chart.id}.csv")
