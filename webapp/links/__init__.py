"""Link rot: what the last ``claimkb check-links`` found for each source's address, on the source
and claim pages (the archived copy offered when the original is gone) and the broken-links report."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, current_app, g, render_template

from kb.watch.links import LinkChecks, Outcome, source_addresses
from webapp.extensions import get_accounts, get_kb

bp = Blueprint("links", __name__)


def get_link_checks() -> LinkChecks:
    found = current_app.extensions.get("claimkb_link_checks")
    if found is None:
        found = current_app.extensions["claimkb_link_checks"] = LinkChecks(get_accounts())
    return found


def link_state(url: str | None) -> Outcome | None:
    """The last check's outcome for ``url`` (None: never checked); read once per request and address."""
    if not url:
        return None
    cache = g.setdefault("claimkb_link_states", {})
    if url not in cache:
        cache[url] = get_link_checks().get(url)
    return cache[url]


def prefetch_link_states(urls: Iterable[str | None]) -> None:
    """Read the last checks of every address a page will show in one query, before it renders
    (``link_state`` then finds them instead of asking once per address)."""
    cache = g.setdefault("claimkb_link_states", {})
    wanted = {url for url in urls if url and url not in cache}
    if wanted:
        found = get_link_checks().many(wanted)
        cache.update({url: found.get(url) for url in wanted})


def link_states_current(states: Mapping[str, Outcome | None]) -> bool:
    """Whether the last checks of these addresses still say what ``states`` (what ``link_state`` read
    for a kept page) says: one query, so that a page kept until the next revision does not outlive a
    link check (the checks are not revisions)."""
    now = get_link_checks().many(states)
    return all(now.get(url) == outcome for url, outcome in states.items())


def checked_on(outcome: Outcome) -> str:
    return datetime.fromtimestamp(outcome.checked_at, UTC).date().isoformat()


@bp.app_context_processor
def _template_globals() -> dict[str, Any]:
    return {"link_state": link_state, "checked_on": checked_on}


@bp.get("/reports/broken-links")
def report() -> str:
    """Every source whose address was found gone, moved or failing at its last check."""
    checks = get_link_checks()
    broken = {o.url: o for o in checks.broken()}
    rows = []
    for source in source_addresses(get_kb()):
        outcome = broken.get(source.url)
        if outcome is not None:
            rows.append((source.slug, source.headline, outcome, source.archived))
    order = {"gone": 0, "moved": 1, "failed": 2, "blocked": 3}
    rows.sort(key=lambda r: (order.get(r[2].state, 9), r[1]))
    last = checks.last_checked()
    return render_template(
        "links/report.html",
        rows=rows,
        last=datetime.fromtimestamp(last, UTC).strftime("%Y-%m-%d %H:%M UTC") if last else None,
    )
