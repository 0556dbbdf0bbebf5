"""The slug part of our addresses (``/claims/<slug>``), checked once for every blueprint."""

from __future__ import annotations

from claims.model import SLUG_RE
from kb.errors import NotFound

MAX_SLUG = 200


def checked_slug(slug: str) -> str:
    """``slug`` if it can name something here, else a 404 with the site's message (the same page or
    JSON as any other 404), before any query is made with it."""
    if not SLUG_RE.match(slug) or len(slug) > MAX_SLUG:
        raise NotFound("That address does not name anything here.")
    return slug
