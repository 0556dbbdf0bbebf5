"""Reading a SPARQL 1.1 Protocol query request: GET, POST urlencoded, POST application/sparql-query."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from flask import Request

from kb.errors import KBError

READ_ONLY = "This endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD, CLEAR, DROP…) are refused."


class ProtocolError(KBError):
    status = 400
    title = "Bad SPARQL request"


@dataclass(frozen=True)
class QueryRequest:
    query: str | None  # None: no query was sent (the page, or the service description)
    default_graph_uris: tuple[str, ...]
    named_graph_uris: tuple[str, ...]
    format: str | None  # the ``format`` (or ``output``) parameter, a fallback for Accept
    download: bool


def read_request(request: Request) -> QueryRequest:
    """The query and dataset of a protocol request; ``ProtocolError`` for anything malformed."""
    params = _decode_pairs(request.query_string, "the URL")
    if request.method == "POST":
        media_type = request.mimetype
        charset = (request.mimetype_params.get("charset") or "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise ProtocolError(f"Send the request in UTF-8, not {charset}.")
        if media_type == "application/x-www-form-urlencoded":
            params += _decode_pairs(request.get_data(cache=True), "the request body")
        elif media_type == "application/sparql-query":
            if _values(params, "query"):
                raise ProtocolError("Send the query either in the body or as a query parameter, not both.")
            params.append(("query", _decode(request.get_data(cache=True), "the query")))
        elif media_type == "application/sparql-update":
            raise ProtocolError(READ_ONLY, status=403, title="Read-only endpoint")
        else:
            raise ProtocolError(
                "POST a query as application/x-www-form-urlencoded (query=…) or as application/sparql-query, "
                f"not as {media_type or 'a body without a Content-Type'}.",
                status=415,
                title="Unsupported media type",
            )
    if _values(params, "update") or _values(params, "using-graph-uri") or _values(params, "using-named-graph-uri"):
        raise ProtocolError(READ_ONLY, status=403, title="Read-only endpoint")
    queries = _values(params, "query")
    if len(queries) > 1:
        raise ProtocolError("Send one query per request (there were several “query” parameters).")
    formats = _values(params, "format") or _values(params, "output")
    return QueryRequest(
        query=queries[0] if queries else None,
        default_graph_uris=tuple(_values(params, "default-graph-uri")),
        named_graph_uris=tuple(_values(params, "named-graph-uri")),
        format=formats[0] if formats else None,
        download=bool(_values(params, "download")),
    )


def _values(pairs: list[tuple[str, str]], name: str) -> list[str]:
    return [v for k, v in pairs if k == name]


def _decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(f"{what[0].upper()}{what[1:]} is not valid UTF-8 ({error.reason}).") from error


def _decode_pairs(data: bytes, what: str) -> list[tuple[str, str]]:
    text = _decode(data, what)
    try:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as error:
        raise ProtocolError(f"A parameter in {what} is not valid UTF-8 once decoded ({error.reason}).") from error
