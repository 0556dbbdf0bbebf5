"""The claim's evidence timeline drawn as a dated strip, server-side SVG that needs no JavaScript.

The strip is coloured by the status that held between events, so status changes show as colour
changes; each event is a dot coloured by its stance; the deadline of a prediction is a dashed line.
"""

from __future__ import annotations

from datetime import date, timedelta

from markupsafe import Markup, escape

from kb.read.pages import ClaimPage

WIDTH, HEIGHT, PAD = 720, 96, 24
AXIS_Y = 46
STANCE_CLASS = {
    "supports": "supports",
    "denies": "denies",
    "disputes": "disputes",
    "resolves-true": "resolves",
    "resolves-partly": "resolves",
    "resolves-false": "resolves",
    "retracts": "context",
    "context": "context",
}


def render(page: ClaimPage, today: date) -> Markup:
    """An SVG strip from the first dated point to a little after the last, one mark per event."""
    claim = page.claim
    dates = [item.event.when for item in page.timeline]
    if claim.claimed_on:
        dates.append(claim.claimed_on)
    if claim.deadline:
        dates.append(claim.deadline)
    if page.as_of:
        dates.append(page.as_of)
    if not dates:
        return Markup("")
    start, last = min(dates), max(dates)
    pad = timedelta(days=max(30, (last - start).days // 12))
    end = last + pad if date.max - last > pad else date.max  # a date near 9999-12-31 has no room after it
    span = max((end - start).days, 1)

    def x(day: date) -> float:
        return PAD + (WIDTH - 2 * PAD) * (day - start).days / span

    parts = [
        f'<svg class="timeline-svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="tl-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="tl-title">Evidence from {start.isoformat()} to {last.isoformat()}; '
        f"the strip's colour is the status at each time</title>",
        f'<rect class="band fill-unverified" x="{PAD}" y="{AXIS_Y - 4}" width="{WIDTH - 2 * PAD}" height="8"/>',
    ]
    # Status bands: from each event to the next, the status that followed from it.
    items = page.timeline
    for index, item in enumerate(items):
        begin = x(item.event.when)
        stop = x(items[index + 1].event.when) if index + 1 < len(items) else WIDTH - PAD
        if stop > begin:
            parts.append(
                f'<rect class="band fill-{item.status_after.notation}" x="{begin:.1f}" y="{AXIS_Y - 4}" '
                f'width="{stop - begin:.1f}" height="8"><title>{escape(item.status_after.label)} from '
                f"{item.event.when.isoformat()}</title></rect>"
            )
    for year in range(start.year + 1, end.year + 1):
        tick = x(date(year, 1, 1))
        parts.append(f'<line class="tick" x1="{tick:.1f}" y1="{AXIS_Y - 10}" x2="{tick:.1f}" y2="{AXIS_Y + 10}"/>')
        parts.append(f'<text class="year" x="{tick:.1f}" y="{AXIS_Y + 24}" text-anchor="middle">{year}</text>')
    if claim.claimed_on:
        cx = x(claim.claimed_on)
        parts.append(
            f'<path class="claimed" d="M{cx:.1f},{AXIS_Y - 8} l-6,-12 h12 z">'
            f"<title>Claimed {claim.claimed_on.isoformat()}</title></path>"
        )
    if claim.deadline:
        dx = x(claim.deadline)
        parts.append(
            f'<line class="deadline" x1="{dx:.1f}" y1="{AXIS_Y - 22}" x2="{dx:.1f}" y2="{AXIS_Y + 14}"/>'
            f'<text class="deadline-label" x="{dx:.1f}" y="{AXIS_Y - 26}" text-anchor="middle">deadline</text>'
        )
    for item in items:
        cx = x(item.event.when)
        css = STANCE_CLASS.get(item.stance.notation, "context")
        label = escape(f"{item.event.when.isoformat()}: {item.stance.label} — {item.event.title or ''}")
        parts.append(f'<circle class="ev {css}" cx="{cx:.1f}" cy="{AXIS_Y}" r="6"><title>{label}</title></circle>')
    parts.append("</svg>")
    legend = sorted({(i.status_after.notation, i.status_after.label) for i in items})
    legend_html = "".join(
        f'<li><span class="swatch fill-bg-{escape(n)}"></span>{escape(label)}</li>' for n, label in legend
    )
    return Markup("".join(parts) + f'<ul class="timeline-legend">{legend_html}</ul>')  # noqa: S704 - escaped above
