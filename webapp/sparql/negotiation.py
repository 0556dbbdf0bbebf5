"""Choosing a representation from the request's Accept header (werkzeug parses it)."""

from __future__ import annotations

from collections.abc import Iterable

from flask import request

from kb.sparql.formats import Format, media_offers

HTML = "text/html"


def choose(formats: Iterable[Format], *, html: str | None = None) -> Format | str | None:
    """The best of ``formats`` for this request, or ``HTML`` when a page is preferred.

    ``html`` is "first" (a page wins ties and ``*/*``: for addresses people open in browsers),
    "last" (data wins ties: for the query endpoint, which machines call), or None (no page).
    Without an Accept header the first of ``formats`` is chosen; ``None`` when nothing fits.
    """
    formats = tuple(formats)
    offers: dict[str, Format | str] = dict(media_offers(formats))
    if html == "first":
        offers = {HTML: HTML, "application/xhtml+xml": HTML, **offers}
    elif html == "last":
        offers.update({HTML: HTML, "application/xhtml+xml": HTML})
    if not request.accept_mimetypes:
        return HTML if html == "first" else formats[0]
    best = request.accept_mimetypes.best_match(list(offers))
    return offers[best] if best else None
