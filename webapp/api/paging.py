"""The API's lists, a page at a time: a knowledge base of a million claims is not one answer."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, url_for

from kb.errors import KBError
from kb.search import MAX_RESULTS_DEPTH

API_PER_PAGE = 50
API_MAX_PER_PAGE = 100


def page_args() -> tuple[int, int]:
    """The request's ``page`` and ``per_page``, or a 400 saying what they may be.

    No page reaches past the search's result window (``MAX_RESULTS_DEPTH``), as the reader's
    listing does not: a client narrows the list with filters, or reads a dump.
    """
    numbers = []
    for name, default, most in (("page", 1, MAX_RESULTS_DEPTH), ("per_page", API_PER_PAGE, API_MAX_PER_PAGE)):
        value = request.args.get(name, str(default))
        if not value.isdigit() or not 1 <= int(value) <= most:
            raise KBError(f"{name} must be a whole number from 1 to {most}.", status=400)
        numbers.append(int(value))
    page, per_page = numbers
    if page * per_page > MAX_RESULTS_DEPTH:
        raise KBError(
            f"Lists are served up to item {MAX_RESULTS_DEPTH}; narrow them with filters "
            "(or read everything from a dump or the SPARQL endpoint).",
            status=400,
        )
    return page, per_page


def paged(key: str, items: list[dict[str, Any]], total: int, page: int, per_page: int) -> Response:
    """One page of a list with its counts, and the next and previous pages in a ``Link`` header (RFC 8288)."""
    pages = max(1, -(-total // per_page))
    response = jsonify({key: items, "total": total, "page": page, "per_page": per_page, "pages": pages})
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "page"}
    links = []
    if page < pages and (page + 1) * per_page <= MAX_RESULTS_DEPTH:
        links.append(f'<{url_for(str(request.endpoint), **args, page=page + 1)}>; rel="next"')
    if 1 < page <= pages:
        links.append(f'<{url_for(str(request.endpoint), **args, page=page - 1)}>; rel="prev"')
    if links:
        response.headers["Link"] = ", ".join(links)
    return response
