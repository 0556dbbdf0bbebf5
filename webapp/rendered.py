"""Reader pages kept as rendered HTML until the next revision: a repeat view is a lookup, not a render.

A claim page read by someone not logged in depends on the knowledge base (its revision), the day (a
prediction falls due), the address the site is reached at (the ClaimReview markup's absolute links)
and, outside the store, on what the last link check found for its sources' addresses. The first is
checked by the ``RevisionCache`` (one counter lookup), the day and address are in the key, and the link
states the render read are kept beside the HTML and read again (one query, only for a page that shows
source addresses) before a kept page is served.

Logged-in editors get a fresh render every time: their pages carry CSRF tokens, their own workflow
and watchlist; so does a reader with a message waiting to be shown (a flash belongs to one response).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

from flask import current_app, g, request, session

from kb.knowledge import KnowledgeBase, PageCache
from kb.watch.links import Outcome
from webapp.links import link_states_current

# Rendered claim pages are 10-40 kB: a few hundred of the most read ones cost a few MB.
MAX_PAGES = 512

_KEY = "claimkb.rendered"


@dataclass(frozen=True)
class _Rendered:
    html: str
    link_states: dict[str, Outcome | None]  # what link_state() answered while rendering, by address


def _cache(kb: KnowledgeBase) -> PageCache:
    cache = current_app.extensions.get(_KEY)
    if cache is None:
        cache = current_app.extensions[_KEY] = kb.page_cache(MAX_PAGES)
    return cache


def cacheable() -> bool:
    """Whether this request's page is the same for every reader: no one logged in, no message waiting."""
    return g.get("user") is None and "_flashes" not in session


def rendered(kb: KnowledgeBase, key: Hashable, render: Callable[[], str]) -> str:
    """The page ``render()`` makes, kept until the next revision (or until a link check changes what the
    page says of its sources' addresses). Call it only when ``cacheable()``."""
    full_key = ("page", key, kb.today(), request.host_url, request.script_root)
    cache = _cache(kb)

    def compute() -> _Rendered:
        g.pop("claimkb_link_states", None)  # record only what this render reads
        html = render()
        return _Rendered(html, dict(g.get("claimkb_link_states", {})))

    found = cache.get(full_key, compute)
    if found.link_states and not link_states_current(found.link_states):
        revision = cache.revision()
        fresh = compute()
        cache.put(full_key, fresh, revision)
        return fresh.html
    return found.html
