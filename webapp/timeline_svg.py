"""The claim's evidence timeline drawn as a dated strip, server-side SVG that needs no JavaScript."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

from kb.readmodel import ClaimPage

WIDTH, HEIGHT, PAD = 720, 120, 40
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
    """An SVG strip from the first dated point to today (or the page's date), one mark per event."""
    claim = page.claim
    dates = [item.event.when for item in page.timeline]
    if claim.claimed_on:
        dates.append(claim.claimed_on)
    if claim.deadline:
        dates.append(claim.deadline)
    if not dates:
        return Markup("")
    end = page.as_of or today
    start = min(dates)
    end = max(end, max(dates))
    span = max((end - start).days, 1)

    def x(day: date) -> float:
        return PAD + (WIDTH - 2 * PAD) * (day - start).days / span

    parts = [
        f'<svg class="timeline-svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="tl-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="tl-title">Timeline of the evidence from {start.isoformat()} to {end.isoformat()}</title>',
        f'<line class="axis" x1="{PAD}" y1="60" x2="{WIDTH - PAD}" y2="60"/>',
    ]
    for year in range(start.year, end.year + 1):
        tick = date(year, 1, 1)
        if start <= tick <= end:
            parts.append(f'<line class="tick" x1="{x(tick):.1f}" y1="54" x2="{x(tick):.1f}" y2="66"/>')
            parts.append(f'<text class="year" x="{x(tick):.1f}" y="84" text-anchor="middle">{year}</text>')
    if claim.claimed_on:
        cx = x(claim.claimed_on)
        parts.append(
            f'<path class="claimed" d="M{cx:.1f},60 l-6,-12 h12 z"><title>Claimed {claim.claimed_on}</title></path>'
        )
    if claim.deadline:
        dx = x(claim.deadline)
        parts.append(
            f'<line class="deadline" x1="{dx:.1f}" y1="30" x2="{dx:.1f}" y2="70"/>'
            f'<text class="deadline-label" x="{dx:.1f}" y="24" text-anchor="middle">deadline</text>'
        )
    previous = None
    for index, item in enumerate(page.timeline):
        cx = x(item.event.when)
        row = 60 if index % 2 == 0 else 44
        css = STANCE_CLASS.get(item.stance.notation, "context")
        label = escape(f"{item.event.when.isoformat()}: {item.stance.label} — {item.event.title or ''}")
        parts.append(f'<circle class="ev {css}" cx="{cx:.1f}" cy="{row}" r="7"><title>{label}</title></circle>')
        if item.status_after.notation != previous:
            parts.append(
                f'<text class="status-change" x="{cx:.1f}" y="{104 if index % 2 == 0 else 100 - 0}" '
                f'text-anchor="middle">{escape(item.status_after.label)}</text>'
            )
            previous = item.status_after.notation
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped
