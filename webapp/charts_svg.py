"""Charts of track records and statistics, as server-side SVG that needs no JavaScript.

In the style of the timeline strip (``webapp.timeline_svg``): the status colours of the site's
stylesheet (``fill-<status>``), small system-font labels, a ``<title>`` on every mark. Each chart
is an ``role="img"`` with a title and a description that says its numbers in words (the text
alternative), and the same numbers are in a table beside it on every page. Marks link to the
claims behind them where a page gives the links.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import count

from markupsafe import Markup, escape

from claims.track_record import Judgement

WIDTH = 720
LABEL_W = 200
BAR_H = 18
ROW_GAP = 10
PAD = 12
_ids = count(1)


@dataclass(frozen=True)
class Series:
    """One colour of a chart: a key (status notation, type...), its label and its CSS class."""

    key: str
    label: str
    css: str


@dataclass
class BarRow:
    """One stacked bar: a label, counts by series key, and where each count's claims are listed."""

    label: str
    counts: Mapping[str, int]
    links: Mapping[str, str] = field(default_factory=dict)
    label_link: str | None = None


def _chart_id(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


def _open(kind: str, width: float, height: float, title: str, desc: str) -> tuple[str, str]:
    chart = _chart_id(kind)
    head = (
        f'<svg class="chart-svg {kind}" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-labelledby="{chart}-title {chart}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart}-title">{escape(title)}</title><desc id="{chart}-desc">{escape(desc)}</desc>'
    )
    return head, chart


def _legend(series: Sequence[Series], present: set[str]) -> str:
    items = "".join(
        f'<li><span class="swatch {escape(s.css.replace("fill-", "fill-bg-"))}"></span>{escape(s.label)}</li>'
        for s in series
        if s.key in present
    )
    return f'<ul class="timeline-legend">{items}</ul>' if items else ""


def _linked(mark: str, href: str | None) -> str:
    return f'<a href="{escape(href)}">{mark}</a>' if href else mark


def describe_counts(counts: Mapping[str, int], series: Sequence[Series]) -> str:
    parts = [f"{counts[s.key]} {s.label.lower()}" for s in series if counts.get(s.key)]
    return ", ".join(parts) if parts else "none"


def stacked_bars(title: str, rows: Sequence[BarRow], series: Sequence[Series]) -> Markup:
    """Horizontal stacked bars, one per row, each as long as its total (the longest fills the width)."""
    if not rows:
        return Markup("")
    longest = max((sum(r.counts.values()) for r in rows), default=0) or 1
    height = PAD * 2 + len(rows) * (BAR_H + ROW_GAP)
    desc = "; ".join(f"{r.label}: {sum(r.counts.values())} ({describe_counts(r.counts, series)})" for r in rows)
    head, _ = _open("bars", WIDTH, height, title, desc)
    parts = [head]
    span = WIDTH - LABEL_W - PAD - 48
    present: set[str] = set()
    for index, row in enumerate(rows):
        y = PAD + index * (BAR_H + ROW_GAP)
        label = escape(row.label if len(row.label) <= 30 else row.label[:29] + "…")
        parts.append(
            _linked(
                f'<text class="row-label" x="{LABEL_W - 8}" y="{y + BAR_H - 5}" text-anchor="end">{label}</text>',
                row.label_link,
            )
        )
        x = float(LABEL_W)
        total = sum(row.counts.values())
        for s in series:
            n = row.counts.get(s.key, 0)
            if not n:
                continue
            present.add(s.key)
            width = span * n / longest
            mark = (
                f'<rect class="{escape(s.css)}" x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR_H}" '
                f'data-key="{escape(s.key)}" data-count="{n}"><title>{escape(row.label)}: {n} {escape(s.label.lower())}'
                f"</title></rect>"
            )
            parts.append(_linked(mark, row.links.get(s.key)))
            x += width
        parts.append(f'<text class="total" x="{x + 6:.1f}" y="{y + BAR_H - 5}" data-total="{total}">{total}</text>')
    parts.append("</svg>")
    return Markup("".join(parts) + _legend(series, present))  # noqa: S704 - every value is escaped above


@dataclass(frozen=True)
class RateRow:
    label: str
    judgement: Judgement


def rates_chart(title: str, rows: Sequence[RateRow], series: Sequence[Series]) -> Markup:
    """Each outcome's share of the resolved claims as a dot on 0–100 % with its Wilson interval as a bar.

    A row with too few resolved claims shows the words "too few to judge" instead of marks.
    """
    if not rows:
        return Markup("")
    colours = {s.key: s for s in series}
    line_h = 16
    heights = [(3 if not r.judgement.too_few and r.judgement.rates else 1) * line_h + ROW_GAP for r in rows]
    height = PAD * 2 + sum(heights) + (18 if any(r.judgement.rates for r in rows) else 0)
    descs = []
    for r in rows:
        j = r.judgement
        if j.too_few:
            descs.append(f"{r.label}: too few to judge ({j.resolved} resolved, {j.minimum} needed)")
        else:
            descs.append(
                f"{r.label}: "
                + ", ".join(
                    f"{colours[rate.status.value].label.lower()} {rate.share:.0%} "
                    f"(95% interval {rate.interval.low:.0%}–{rate.interval.high:.0%})"
                    for rate in j.rates
                )
                + f" of {j.resolved} resolved"
            )
    head, _ = _open("rates", WIDTH, height, title, "; ".join(descs))
    parts = [head]
    span = WIDTH - LABEL_W - PAD * 3

    def x(share: float) -> float:
        return LABEL_W + span * share

    judged = any(r.judgement.rates for r in rows)
    for tick in (0, 0.25, 0.5, 0.75, 1) if judged else ():
        parts.append(
            f'<line class="tick" x1="{x(tick):.1f}" y1="{PAD}" x2="{x(tick):.1f}" y2="{height - PAD - 14}"/>'
            f'<text class="axis-label" x="{x(tick):.1f}" y="{height - PAD}" text-anchor="middle">{tick:.0%}</text>'
        )
    y = PAD
    for row, row_h in zip(rows, heights, strict=True):
        j = row.judgement
        parts.append(
            f'<text class="row-label" x="{LABEL_W - 8}" y="{y + 12}" text-anchor="end">{escape(row.label)}</text>'
        )
        if j.too_few:
            parts.append(
                f'<text class="too-few" x="{LABEL_W + 4}" y="{y + 12}">Too few to judge: {j.resolved} resolved '
                f"(at least {j.minimum} needed)</text>"
            )
        for line, rate in enumerate(j.rates):
            cy = y + 8 + line * line_h
            s = colours[rate.status.value]
            parts.append(
                f'<g class="rate" data-key="{escape(s.key)}" data-count="{rate.count}" data-of="{rate.of}">'
                f'<line class="interval {escape(s.css.replace("fill-", "stroke-"))}" x1="{x(rate.interval.low):.1f}" '
                f'y1="{cy}" x2="{x(rate.interval.high):.1f}" y2="{cy}"/>'
                f'<circle class="{escape(s.css)}" cx="{x(rate.share):.1f}" cy="{cy}" r="5">'
                f"<title>{escape(s.label)}: {rate.count} of {rate.of} ({rate.share:.0%}; 95% interval "
                f"{rate.interval.low:.0%}–{rate.interval.high:.0%})</title></circle></g>"
            )
        y += row_h
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every value is escaped above


def month_columns(
    title: str,
    months: Sequence[str],
    values: Mapping[str, Mapping[str, int]],
    series: Sequence[Series],
    link: Callable[[str, str], str | None] | None = None,
) -> Markup:
    """Stacked columns, one per month (``YYYY-MM``), each split by series; a year label under January."""
    if not months:
        return Markup("")
    height = 180
    base_y = height - 34
    top = PAD
    tallest = max((sum(values.get(m, {}).values()) for m in months), default=0) or 1
    step = (WIDTH - 2 * PAD - 40) / len(months)
    col_w = min(36.0, max(1.0, step * 0.8))
    desc = "; ".join(
        f"{m}: {sum(values.get(m, {}).values())} ({describe_counts(values.get(m, {}), series)})"
        for m in months
        if sum(values.get(m, {}).values())
    )
    head, _ = _open("columns", WIDTH, height, title, desc or "No claims in this period.")
    parts = [head]
    parts.append(f'<line class="tick" x1="{PAD + 40}" y1="{base_y}" x2="{WIDTH - PAD}" y2="{base_y}"/>')
    parts.append(f'<text class="axis-label" x="{PAD + 34}" y="{top + 8}" text-anchor="end">{tallest}</text>')
    parts.append(f'<text class="axis-label" x="{PAD + 34}" y="{base_y}" text-anchor="end">0</text>')
    present: set[str] = set()
    label_every = max(1, len(months) // 12)
    for index, month in enumerate(months):
        x = PAD + 40 + index * step
        y = float(base_y)
        for s in series:
            n = values.get(month, {}).get(s.key, 0)
            if not n:
                continue
            present.add(s.key)
            h = (base_y - top) * n / tallest
            y -= h
            mark = (
                f'<rect class="{escape(s.css)}" x="{x:.1f}" y="{y:.1f}" width="{col_w:.1f}" height="{h:.1f}" '
                f'data-month="{month}" data-key="{escape(s.key)}" data-count="{n}">'
                f"<title>{month}: {n} {escape(s.label.lower())}</title></rect>"
            )
            parts.append(_linked(mark, link(month, s.key) if link else None))
        if index % label_every == 0 or month.endswith("-01"):
            parts.append(
                f'<text class="axis-label" x="{x + col_w / 2:.1f}" y="{base_y + 14}" text-anchor="middle">'
                f"{escape(month[2:] if len(months) > 6 else month)}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts) + _legend(series, present))  # noqa: S704 - every value is escaped above


PALETTE = 10


def category_series(keys: Sequence[tuple[str, str]]) -> list[Series]:
    """Series for categories without colours of their own (types, topics, languages): a cycled palette."""
    return [Series(key, label, f"fill-cat-{index % PALETTE}") for index, (key, label) in enumerate(keys)]
