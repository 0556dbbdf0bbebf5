"""Search: the results page with facets, highlights and paging, the same as JSON, and a SPARQL link."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from claims import concepts
from kb.search import FACETS, MAX_PER_PAGE, SearchQueryError, SearchRequest, SearchResult
from kb.search.sparql import search_as_sparql
from webapp.extensions import get_kb, get_search

bp = Blueprint("search", __name__)

PER_PAGE = 20
FACET_VALUES_SHOWN = 15  # of each facet, the most frequent (search/search.html shows as many)
FACET_TITLES = {
    "status": "Status",
    "type": "Claim type",
    "claimant": "Claimant",
    "publisher": "Publisher",
    "topic": "Topic",
    "year": "Year claimed",
    "support": "Support",
    "language": "Language",
}
PARAMS = ("q", *FACETS, "sort", "page")


def _int_arg(name: str, default: int, notices: list[str]) -> int:
    raw = request.args.get(name, "")
    if not raw:
        return default
    if raw.isdigit() and len(raw) < 7:
        return int(raw)
    notices.append(f"“{raw[:20]}” is not a {name} number; showing {name} {default}.")
    return default


def _search_request(per_page: int, facet_limit: int | None = None) -> tuple[SearchRequest, list[str]]:
    notices: list[str] = []
    filters = {facet: request.args.get(facet, "").strip() for facet in FACETS}
    search_request = SearchRequest(
        query=request.args.get("q", ""),
        filters={k: v for k, v in filters.items() if v},
        sort=request.args.get("sort", "relevance") or "relevance",
        page=max(1, _int_arg("page", 1, notices)),
        per_page=per_page,
        facet_limit=facet_limit,
    )
    return search_request, notices


def _run(per_page: int, facet_limit: int | None = None) -> tuple[SearchRequest, SearchResult]:
    search_request, notices = _search_request(per_page, facet_limit)
    result = get_search().search(search_request)
    result.notices[:0] = notices
    return search_request, result


def _sparql_url(filters: dict[str, str], result: SearchResult) -> str:
    text = search_as_sparql(get_kb().iris, filters, result.query_tree)
    base = url_for("sparql.endpoint") if "sparql.endpoint" in current_app.view_functions else "/sparql"
    return f"{base}?{urlencode({'query': text})}"


def search_url(endpoint: str = "search.search", **changes: Any) -> str:
    """This search with some parameters changed (None removes one); filters reset the page."""
    args = MultiDict({k: v for k, v in request.args.items() if k in PARAMS and v})
    if any(k in FACETS or k in ("q", "sort") for k in changes):
        args.pop("page", None)
    for key, value in changes.items():
        if value is None or value == "":
            args.pop(key, None)
        else:
            args[key] = str(value)
    values: dict[str, Any] = args.to_dict()
    return url_for(endpoint, **values)


@bp.app_template_global()
def search_link(**changes: Any) -> str:
    return search_url(**changes)


@bp.get("/search")
def search() -> tuple[str, int] | str:
    try:
        search_request, result = _run(PER_PAGE, FACET_VALUES_SHOWN)
    except SearchQueryError as error:
        return render_template(
            "search/search.html", error=error.message, result=None, query=request.args.get("q", "")[:300]
        ), error.status
    filters = result.filters
    return render_template(
        "search/search.html",
        error=None,
        result=result,
        query=request.args.get("q", ""),
        sort=result.sort,
        filters=filters,
        facet_titles=FACET_TITLES,
        statuses=concepts.statuses(),
        types=concepts.claim_types(),
        snippets=[Markup(hit.snippet_html) for hit in result.hits],  # noqa: S704 - escaped by kb.search
        sparql_url=_sparql_url(filters, result),
    )


@bp.get("/search.json")
def search_json() -> Response:
    per_page = min(MAX_PER_PAGE, max(1, _int_arg("per_page", PER_PAGE, [])))
    search_request, result = _run(per_page)
    filters = result.filters
    statuses, types = concepts.statuses(), concepts.claim_types()
    body = {
        "query": search_request.query,
        "parsed_query": result.parsed_query,
        "query_tree": result.query_tree,
        "filters": filters,
        "sort": result.sort,
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "pages": result.pages,
        "suggestion": result.suggestion,
        "corrected_from": result.corrected_from,
        "notices": result.notices,
        "results": [
            {
                "iri": hit.iri,
                "slug": hit.slug,
                "url": url_for("pages.claim", slug=hit.slug, _external=False),
                "name": hit.name,
                "text": hit.text,
                "status": hit.status,
                "status_label": statuses[hit.status].label if hit.status in statuses else hit.status,
                "type": hit.claim_type,
                "type_label": types[hit.claim_type].label if hit.claim_type in types else hit.claim_type,
                "claimant": hit.claimant,
                "claimant_name": hit.claimant_name,
                "claimed": hit.claimed.isoformat() if hit.claimed else None,
                "deadline": hit.deadline.isoformat() if hit.deadline else None,
                "score": hit.score,
                "snippet_html": hit.snippet_html,
                "support": hit.support_origins,
                "language": hit.language,
            }
            for hit in result.hits
        ],
        "facets": {
            facet: [
                {"value": c.value, "label": c.label, "count": c.count, "selected": filters.get(facet) == c.value}
                for c in counts
            ]
            for facet, counts in result.facets.items()
        },
        "sparql": search_as_sparql(get_kb().iris, filters, result.query_tree),
    }
    return jsonify(body)
