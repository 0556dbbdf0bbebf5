"""Template filters and globals: dates, Markdown, links to our own pages for our own IRIs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, url_for

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


def link_for(iri: Any) -> str:
    """The page of one of our IRIs (claims, sources, entities, topics), else the IRI itself if it is a
    web address, else an empty link."""
    kind_slug = get_kb().iris.kind_and_slug(str(iri))
    if kind_slug:
        kind, slug = kind_slug
        endpoint = {
            "claims": "pages.claim",
            "sources": "pages.source",
            "entities": "pages.entity",
            "topics": "pages.topic",
        }.get(kind)
        if endpoint:
            return url_for(endpoint, slug=slug)
    return web_href(iri) or ""


def init_app(app: Flask) -> None:
    app.jinja_env.filters["human_date"] = human_date
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.globals["link_for"] = link_for
    app.jinja_env.globals["web_href"] = web_href
    app.jinja_env.globals["has_endpoint"] = lambda name: name in app.view_functions
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
