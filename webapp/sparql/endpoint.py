"""``/sparql``: the SPARQL 1.1 Protocol endpoint, and the query page people use in a browser."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, render_template, request, url_for

from kb.errors import KBError
from kb.interchange import linked_data
from kb.sparql import formats
from kb.sparql.description import service_description
from kb.sparql.examples import EXAMPLES
from kb.sparql.formats import Format
from kb.sparql.safety import CheckedQuery
from kb.sparql.table import TABLE_FORMAT, table
from webapp.extensions import get_kb
from webapp.filters import site_path
from webapp.sparql import bp, get_service
from webapp.sparql.negotiation import HTML, choose
from webapp.sparql.protocol import ProtocolError, QueryRequest, read_request

TRUNCATED_HEADER = "X-Claimkb-Truncated"


@bp.after_request
def _cross_origin_and_vary(response: Response) -> Response:
    """The endpoint is public and read-only: web clients elsewhere (YASGUI…) may call it."""
    if request.endpoint == "sparql.endpoint":
        response.vary.add("Accept")  # the page, results and service description share one address
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST"
        response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
        response.headers["Access-Control-Expose-Headers"] = TRUNCATED_HEADER
    return response


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response | tuple[str, int] | str:
    browser = choose(formats.RESULT_FORMATS, html="last") == HTML
    try:
        sent = read_request(request)
    except ProtocolError as error:
        return _error(error, browser, None)
    if sent.query is None:
        if request.method == "POST":
            return _error(ProtocolError("The request has no query."), browser, None)
        return _without_query()
    try:
        service = get_service()
        checked = service.check(
            sent.query, default_graph_uris=sent.default_graph_uris, named_graph_uris=sent.named_graph_uris
        )
    except KBError as error:
        return _error(error, browser, sent)
    offered = formats.GRAPH_FORMATS if checked.returns_graph else formats.RESULT_FORMATS
    if sent.format and sent.format != "html":
        fmt = formats.by_name(sent.format, offered)
        if fmt is None:
            names = ", ".join(f.name for f in offered)
            unknown = ProtocolError(f"“{sent.format}” is not a format for this query; use one of: {names}.")
            return _error(unknown, browser, sent)
        return _results(checked, fmt, sent, browser)
    choice = HTML if sent.format == "html" else choose(offered, html="last")
    if choice == HTML:
        return _page(sent, checked)
    if choice is None:
        types = ", ".join(f.media_type for f in offered)
        unacceptable = ProtocolError(
            f"None of the accepted media types can be produced; this query gives {types}.",
            status=406,
            title="Not acceptable",
        )
        return _error(unacceptable, browser, sent)
    assert isinstance(choice, Format)
    return _results(checked, choice, sent, browser)


def _results(checked: CheckedQuery, fmt: Format, sent: QueryRequest, browser: bool) -> Response | tuple[str, int]:
    try:
        outcome = get_service().run(checked, fmt.name, client=_client())
    except KBError as error:
        return _error(error, browser, sent)
    response = Response(outcome.body, content_type=formats.content_type(fmt))
    response.headers["Vary"] = "Accept"
    if outcome.truncated:
        response.headers[TRUNCATED_HEADER] = "true"
    if sent.download:
        response.headers["Content-Disposition"] = f'attachment; filename="results.{fmt.suffix}"'
    return response


def _without_query() -> Response | str:
    choice = choose(formats.GRAPH_FORMATS, html="first")
    if choice == HTML or choice is None:
        return _render(None, None)
    assert isinstance(choice, Format)
    limits = get_service().limits
    graph = service_description(
        url_for("sparql.endpoint", _external=True),
        timeout=limits.timeout,
        max_rows=limits.max_rows,
        void=_void_url(),
    )
    response = Response(linked_data.serialize(graph, choice), content_type=formats.content_type(choice))
    response.headers["Vary"] = "Accept"
    return response


def _void_url() -> str | None:
    """The VoID description of the data set, when the site has one (webapp.records)."""
    if "records.well_known_void" not in current_app.view_functions:
        return None
    return url_for("records.well_known_void", _external=True)


def _page(sent: QueryRequest, checked: CheckedQuery) -> tuple[str, int] | str:
    try:
        outcome = get_service().run(checked, TABLE_FORMAT[checked.kind], client=_client())
    except KBError as error:
        return _render(sent, None, error=error), error.status
    return _render(sent, checked, result=table(outcome, checked.kind))


def _render(sent: QueryRequest | None, checked: CheckedQuery | None, **context: Any) -> str:
    kb = get_kb()
    service = get_service()
    query = sent.query if sent else None
    offered = formats.GRAPH_FORMATS if checked and checked.returns_graph else formats.RESULT_FORMATS
    dataset: dict[str, Any] = {}
    if sent and sent.default_graph_uris:
        dataset["default-graph-uri"] = list(sent.default_graph_uris)
    if sent and sent.named_graph_uris:
        dataset["named-graph-uri"] = list(sent.named_graph_uris)
    return render_template(
        "sparql/endpoint.html",
        query=query if query is not None else EXAMPLES[0].text(kb.iris.base),
        ran=query is not None,
        checked=checked,
        examples=[(e, e.text(kb.iris.base)) for e in EXAMPLES],
        downloads=[(f, url_for("sparql.endpoint", query=query, format=f.name, download=1, **dataset)) for f in offered]
        if query
        else [],
        permalink=url_for("sparql.endpoint", query=query, _external=True, **dataset) if query else None,
        limits=service.limits,
        time_limited=service.time_limited,
        local_link=local_link,
        **context,
    )


def _error(error: KBError, browser: bool, sent: QueryRequest | None) -> Response | tuple[str, int]:
    if browser:
        try:
            page = _render(sent, None, error=error)
        except KBError:
            page = render_template("error.html", status=error.status, title=error.title, message=error.message)
        response = Response(page, status=error.status, content_type="text/html; charset=utf-8")
    else:
        response = Response(
            f"{error.title}: {error.message}\n", status=error.status, content_type="text/plain; charset=utf-8"
        )
    retry_after = error.details.get("retry_after")
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _client() -> str:
    return request.remote_addr or "unknown"


def local_link(iri: str) -> str | None:
    """The address on this site of one of our IRIs (or of a vocabulary term), else None."""
    if iri.startswith(linked_data.VOCABULARY_IRI):
        return url_for("sparql.vocabulary") + iri[len(linked_data.VOCABULARY_IRI) - 1 :]
    return site_path(iri)
