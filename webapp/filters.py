"""Template filters and globals: dates, Markdown, links to our own pages for our own IRIs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, request

from kb.interchange import linked_data
from webapp.extensions import get_kb
from webapp.markdown_render import render_markdown

MONTHS = "January February March April May June July August September October November December".split()


def human_date(value: date | datetime | None, precision: str = "day") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value.day} {MONTHS[value.month - 1]} {value.year}, {value:%H:%M} UTC"
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return f"{MONTHS[value.month - 1]} {value.year}"
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def web_href(iri: Any) -> str | None:
    """An IRI fit for a link's href: only http(s), which a browser fetches; never javascript:, data:...

    Any text can be an IRI (a SPARQL result, a loaded file), so every IRI shown as a link passes here.
    ``urlsplit`` drops tabs and line breaks and leading blanks as browsers do before reading the scheme.
    """
    value = str(iri)
    return value if urlsplit(value).scheme.lower() in ("http", "https") else None


# Our kinds of resource that have a page of their own; the others (events, quotes, revisions,
# agents) are served by the linked-data view at their own path.
PAGE_ENDPOINTS = {
    "claims": "pages.claim",
    "sources": "pages.source",
    "entities": "pages.entity",
    "topics": "pages.topic",
}


def page_link(iri: Any) -> str | None:
    """The page of one of our claims, sources, entities or topics, else None."""
    kind_slug = get_kb().iris.kind_and_slug(str(iri))
    if kind_slug and kind_slug[0] in PAGE_ENDPOINTS:
        # The route's prefix is built once per request (a listing links 50 claims and claimants: a
        # route build each cost ~30 µs); imported here, as webapp.pages imports this module's users.
        from webapp.pages import slug_href

        return slug_href(PAGE_ENDPOINTS[kind_slug[0]], kind_slug[1])
    return None


def site_path(iri: Any) -> str | None:
    """The path on this site of one of our resources, whatever host and port serve it.

    Our IRIs are under the base IRI (``http://localhost:5000/events/x``); the site may be reached at
    another address (``PORT=8080 make run``, a proxy), so pages link by path (``/events/x``), never by
    the IRI. None for anything not ours. Absolute IRIs stay in RDF, JSON-LD and SPARQL results.
    """
    kb = get_kb()
    value = str(iri)
    kind_slug = kb.iris.kind_and_slug(value)
    if not kind_slug or kind_slug[0] not in linked_data.KINDS:
        return None
    return page_link(value) or f"{request.script_root}/{value[len(kb.iris.base) :]}"


def link_for(iri: Any) -> str:
    """A link for any IRI: the site path of ours, else (for an IRI not under our base IRI, where the
    site may not be served) the IRI itself if it is a web address, else an empty link."""
    path = site_path(iri)
    if path is not None:
        return path
    return "" if str(iri).startswith(get_kb().iris.base) else web_href(iri) or ""


def init_app(app: Flask) -> None:
    app.jinja_env.filters["human_date"] = human_date
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.globals["link_for"] = link_for
    app.jinja_env.filters["site_path"] = site_path
    app.jinja_env.globals["web_href"] = web_href
    app.jinja_env.globals["has_endpoint"] = lambda name: name in app.view_functions
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
