"""Talking to the rest of the ecosystem: ClaimReview JSON-LD, the DataFeed and CSV exports, Atom feeds,
and the pages that publish our rating scale and corrections policy."""

from __future__ import annotations

import io
import json
from typing import Any

from flask import Blueprint, Flask, Response, current_app, render_template, url_for
from markupsafe import Markup
from rdflib import URIRef

from claims import concepts, crosswalk
from kb.interchange import exports
from kb.read import feeds
from kb.read.pages import ClaimPage
from webapp.extensions import get_kb
from webapp.filters import page_link
from webapp.slugs import checked_slug

bp = Blueprint("interop", __name__)

ATOM = "application/atom+xml"


def _publisher() -> str:
    return str(current_app.config["CLAIMKB"].get("publisher_name") or "claimkb")


def claimreview_script(page: ClaimPage) -> Markup:
    """The ``<script type="application/ld+json">`` of a claim page's ClaimReview (for its head)."""
    kb = get_kb()
    review = exports.claim_review_for(kb, page.claim.slug, publisher=_publisher())
    return _jsonld_script(review)


def _jsonld_script(document: dict[str, Any]) -> Markup:
    # "<", ">" and "&" escaped so that no text in the claim can close the script element.
    text = json.dumps(document, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">\n{text}\n</script>')  # noqa: S704 - escaped above


def mediareview_scripts(page: ClaimPage) -> Markup:
    """One ``<script type="application/ld+json">`` per MediaReview of the claim's assessed media."""
    reviews = exports.media_reviews_for(get_kb(), page.claim.slug, publisher=_publisher())
    return Markup("\n").join(_jsonld_script(review) for review in reviews)


def _external_link(iri: URIRef) -> str | None:
    link = page_link(iri)
    return url_for("pages.home", _external=True).rstrip("/") + link if link else None


# The feeds of one claim, entity or topic: the folder of their address and the page they follow.
SCOPED_FEEDS = {
    "claim": ("claims", "pages.claim"),
    "entity": ("entities", "pages.entity"),
    "topic": ("topics", "pages.topic"),
}


def feed(kind: str, slug: str | None = None) -> Response:
    """The Atom feed of the site's changes (``kind`` "site") or of one claim, entity or topic's."""
    if slug is None:
        self_url, page_url = url_for("interop.changes_feed", _external=True), url_for("pages.home", _external=True)
    else:
        slug = checked_slug(slug)
        self_url = url_for(f"interop.{kind}_feed", slug=slug, _external=True)
        page_url = url_for(SCOPED_FEEDS[kind][1], slug=slug, _external=True)
    body = feeds.atom(
        get_kb(),
        feeds.FeedScope(kind, slug),
        self_url=self_url,
        page_url=page_url,
        publisher=_publisher(),
        link_for=_external_link,
    )
    return Response(body, mimetype=ATOM)


bp.add_url_rule("/feeds/changes.atom", "changes_feed", feed, defaults={"kind": "site"}, methods=["GET"])
for _kind, (_folder, _page) in SCOPED_FEEDS.items():
    bp.add_url_rule(f"/feeds/{_folder}/<slug>.atom", f"{_kind}_feed", feed, defaults={"kind": _kind}, methods=["GET"])


@bp.get("/claimreview.json")
def claimreview_feed() -> Response:
    feed = exports.claimreview_feed(get_kb(), publisher=_publisher())
    return Response(json.dumps(feed, ensure_ascii=False), mimetype="application/ld+json")


@bp.get("/claims.csv")
def claims_csv() -> Response:
    buffer = io.StringIO()
    exports.write_claims_csv(get_kb(), buffer)
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="claims.csv"'},
    )


@bp.get("/about/rating")
def rating_scale() -> str:
    return render_template(
        "interop/rating.html",
        statuses=concepts.statuses(),
        schemes=[
            ("LIAR (PolitiFact)", crosswalk.labels(crosswalk.LIAR_SCHEME)),
            ("AVeriTeC", crosswalk.labels(crosswalk.AVERITEC_SCHEME)),
        ],
        publisher=_publisher(),
    )


@bp.get("/about/corrections")
def corrections() -> str:
    return render_template("interop/corrections.html", publisher=_publisher())


def init_app(app: Flask) -> None:
    app.jinja_env.globals["claimreview_script"] = claimreview_script
    app.jinja_env.globals["mediareview_scripts"] = mediareview_scripts


@bp.record_once
def _register(state: Any) -> None:
    init_app(state.app)
