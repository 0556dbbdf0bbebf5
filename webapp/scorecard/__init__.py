"""Article scorecards (a page, JSON, and a snippet other sites may frame) and quote drift.

This blueprint also sets the site's framing policy: no page may be shown in a frame on another
site (clickjacking), except the scorecard snippets, which exist to be framed.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for

from claims import concepts
from kb.read.scorecard import QuoteDrift, Scorecard, ScorecardRow, Scorecards
from webapp.extensions import get_kb
from webapp.slugs import checked_slug

bp = Blueprint("scorecard", __name__)

_EMBEDDABLE = {"scorecard.embed"}
_NO_FRAMING = "frame-ancestors 'none'"


def _scorecards() -> Scorecards:
    return Scorecards(get_kb())


@bp.after_app_request
def _framing_policy(response: Response) -> Response:
    if request.endpoint in _EMBEDDABLE:
        response.headers["Content-Security-Policy"] = "frame-ancestors *"
        response.headers.pop("X-Frame-Options", None)
        return response
    response.headers["X-Frame-Options"] = "DENY"
    policy = response.headers.get("Content-Security-Policy")
    if not policy:
        response.headers["Content-Security-Policy"] = _NO_FRAMING
    elif "frame-ancestors" not in policy:
        response.headers["Content-Security-Policy"] = f"{policy}; {_NO_FRAMING}"
    return response


@bp.app_template_global()
def quote_drifts(claim_slug: str) -> list[QuoteDrift]:
    """The drifting quotes of one claim, for its page."""
    return _scorecards().claim_drifts(claim_slug)


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


@bp.get("/scorecards")
def scorecards() -> str:
    return render_template("scorecard/scorecards.html", articles=_scorecards().tracked_articles())


@bp.get("/sources/<slug>/scorecard")
def scorecard(slug: str) -> Response | str:
    card = _scorecards().scorecard(checked_slug(slug))
    if _wants_json():
        response = jsonify(_as_json(card))
    else:
        response = current_app.make_response(
            render_template("scorecard/scorecard.html", card=card, statuses=concepts.statuses())
        )
    response.vary.add("Accept")
    return response


@bp.get("/sources/<slug>/scorecard.json")
def scorecard_json(slug: str) -> Response:
    return jsonify(_as_json(_scorecards().scorecard(checked_slug(slug))))


@bp.get("/sources/<slug>/scorecard/embed")
def embed(slug: str) -> str:
    card = _scorecards().scorecard(checked_slug(slug))
    return render_template("scorecard/embed.html", card=card, statuses=concepts.statuses())


@bp.get("/quote-drift")
def drift() -> str:
    return render_template("scorecard/drift.html", drifts=_scorecards().all_drifts())


def _as_json(card: Scorecard) -> dict[str, Any]:
    source = card.source
    return {
        "source": {
            "slug": source.slug,
            "headline": source.headline,
            "url": source.url,
            "publisher": card.publisher.name if card.publisher else None,
            "published": source.published.isoformat() if source.published else None,
            "page": url_for("pages.source", slug=source.slug, _external=True),
        },
        "summary": card.summary,
        "single_origin_claims": card.single_origin,
        "counts": {key: n for key, n in card.counts.items() if n},
        "claims": [
            {
                "position": number,
                "slug": row.claim.slug,
                "name": row.claim.name or row.claim.text,
                "text": row.claim.text,
                "status": row.status.notation,
                "status_label": row.status.label,
                "quotes": [
                    {"exact": q.exact, "prefix": q.prefix, "suffix": q.suffix, "start": q.start, "end": q.end}
                    for q in row.quotes
                ],
                "what_happened": {
                    "text": row.outcome.text,
                    "date": row.outcome.when.isoformat() if row.outcome.when else None,
                    "date_precision": row.outcome.precision if row.outcome.when else None,
                    "event": str(row.outcome.event.iri) if row.outcome.event else None,
                    "source": row.outcome.source.slug if row.outcome.source else None,
                },
                "drift": [
                    {
                        "original": d.drift.original.exact,
                        "original_source": d.original.slug,
                        "derived": d.drift.derived.exact,
                        "derived_source": d.derived.slug,
                        "removed": d.drift.removed,
                        "added": d.drift.added,
                    }
                    for d in row.drifts
                ],
                "support": _support_json(row),
                "page": url_for("pages.claim", slug=row.claim.slug, _external=True),
            }
            for number, row in enumerate(card.rows, start=1)
        ],
        "embed": url_for("scorecard.embed", slug=source.slug, _external=True),
    }


def _support_json(row: ScorecardRow) -> dict[str, Any] | None:
    if row.independence is None:
        return None
    support = row.independence.independence.support
    return {
        "sources": support.source_count,
        "origins": support.origin_count,
        "single_origin": row.single_origin,
        "origin_sources": [
            [name.slug or str(name.iri) for name in row.independence.origin_names(group)] for group in support.groups
        ],
    }
