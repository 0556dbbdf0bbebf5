"""Linked data: each claim, source, entity, topic, event, quote and revision IRI, and ``/vocab``,
answer in HTML or RDF (Turtle, JSON-LD, N-Triples, RDF/XML) by ``Accept`` or by a suffix."""

from __future__ import annotations

from flask import Response, render_template, request, url_for
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDFS
from rdflib.term import Node

from claims.vocab import SCHEMA
from kb.interchange import linked_data
from kb.sparql import formats
from kb.sparql.formats import Format
from webapp.extensions import get_kb
from webapp.sparql import bp
from webapp.sparql.endpoint import local_link
from webapp.sparql.negotiation import HTML, choose

SUFFIXES = [f.suffix for f in formats.GRAPH_FORMATS]
_SUFFIX_RULE = "<any(" + ", ".join(SUFFIXES) + "):suffix>"

# Pages of other blueprints that show one resource: endpoint -> (kind, the view argument naming it).
PAGE_KINDS = {
    "pages.claim": ("claims", "slug"),
    "pages.source": ("sources", "slug"),
    "pages.entity": ("entities", "slug"),
    "pages.topic": ("topics", "slug"),
    "editor.revision": ("revisions", "number"),
}


@bp.before_app_request
def _rdf_for_pages() -> Response | None:
    """A client that prefers RDF to HTML at a reader page's address gets the RDF description."""
    page = PAGE_KINDS.get(request.endpoint or "")
    if page is None or request.method not in ("GET", "HEAD") or not request.view_args:
        return None
    choice = choose(formats.GRAPH_FORMATS, html="first")
    if choice == HTML or choice is None:
        return None
    assert isinstance(choice, Format)
    kind, argument = page
    return _rdf(kind, str(request.view_args[argument]), choice, negotiated=True)


@bp.after_app_request
def _announce_alternates(response: Response) -> Response:
    page = PAGE_KINDS.get(request.endpoint or "")
    if page and response.status_code == 200 and response.mimetype == "text/html" and request.view_args:
        kind, argument = page
        _add_links(response, kind, str(request.view_args[argument]))
        response.vary.add("Accept")
    return response


def _suffixed(kind: str, slug: str, suffix: str) -> Response:
    fmt = formats.by_suffix(suffix, formats.GRAPH_FORMATS)
    assert fmt is not None
    return _rdf(kind, slug, fmt, negotiated=False)


for _kind in ("claims", "sources", "entities", "topics"):
    bp.add_url_rule(
        f"/{_kind}/<slug>.{_SUFFIX_RULE}",
        endpoint=f"{_kind}_rdf",
        view_func=lambda slug, suffix, kind=_kind: _suffixed(kind, slug, suffix),
    )


@bp.get("/<any(events, quotes, revisions, agents, media):kind>/<path:rest>")
def resource(kind: str, rest: str) -> Response | str:
    """Events, quotes (and their selectors), media objects (and their reviews) and agents: RDF, or a small
    page of their triples.

    Revisions have their page in the editor blueprint; here they answer for their suffixed forms.
    """
    slug, _, suffix = rest.rpartition(".")
    if slug and suffix in SUFFIXES:
        return _suffixed(kind, slug, suffix)
    choice = choose(formats.GRAPH_FORMATS, html="first")
    if isinstance(choice, Format):
        return _rdf(kind, rest, choice, negotiated=True)
    kb = get_kb()
    graph = linked_data.describe(kb, kind, rest)
    iri = URIRef(f"{kb.iris.base}{kind}/{rest}")
    claims = linked_data.claims_mentioning(kb, iri) if kind in ("events", "quotes") else []
    response = Response(
        render_template(
            "sparql/resource.html",
            iri=iri,
            kind=kind,
            title=_title(graph, iri),
            groups=_groups(graph, iri),
            claims=claims,
            alternates=_alternates(kind, rest),
            local_link=_local_link,
        )
    )
    _add_links(response, kind, rest)
    response.vary.add("Accept")
    return response


@bp.get("/vocab")
@bp.get(f"/vocab.{_SUFFIX_RULE}")
def vocabulary(suffix: str | None = None) -> Response | str:
    """The claimkb vocabulary, https://w3id.org/claimkb/vocab#, with its concept schemes."""
    graph = linked_data.vocabulary()
    fmt: Format | str | None
    fmt = formats.by_suffix(suffix, formats.GRAPH_FORMATS) if suffix else choose(formats.GRAPH_FORMATS, html="first")
    alternates = [(f, url_for("sparql.vocabulary", suffix=f.suffix)) for f in formats.GRAPH_FORMATS]
    if isinstance(fmt, Format):
        response = Response(linked_data.serialize(graph, fmt), content_type=formats.content_type(fmt))
    else:
        response = Response(
            render_template(
                "sparql/vocab.html",
                namespace=linked_data.VOCABULARY_IRI,
                groups=_groups(graph, None),
                alternates=alternates,
                local_link=_local_link,
            )
        )
    for f, url in alternates:
        response.headers.add("Link", f'<{url}>; rel="alternate"; type="{f.media_type}"')
    if suffix is None:
        response.vary.add("Accept")
    return response


def _rdf(kind: str, slug: str, fmt: Format, *, negotiated: bool) -> Response:
    graph = linked_data.describe(get_kb(), kind, slug)
    response = Response(linked_data.serialize(graph, fmt), content_type=formats.content_type(fmt))
    _add_links(response, kind, slug)
    if negotiated:
        response.vary.add("Accept")
        response.headers["Content-Location"] = _alternate_url(kind, slug, fmt)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _alternate_url(kind: str, slug: str, fmt: Format) -> str:
    return f"{request.script_root}/{kind}/{slug}.{fmt.suffix}"


def _alternates(kind: str, slug: str) -> list[tuple[Format, str]]:
    return [(f, _alternate_url(kind, slug, f)) for f in formats.GRAPH_FORMATS]


def _add_links(response: Response, kind: str, slug: str) -> None:
    response.headers.add("Link", f'<{request.script_root}/{kind}/{slug}>; rel="canonical"; type="text/html"')
    for fmt, url in _alternates(kind, slug):
        response.headers.add("Link", f'<{url}>; rel="alternate"; type="{fmt.media_type}"')


def _title(graph: Graph, iri: URIRef) -> str:
    for predicate in (SCHEMA.name, SCHEMA.headline, RDFS.label, DCTERMS.title):
        value = graph.value(iri, predicate)
        if value is not None:
            return str(value)
    return str(iri)


def _groups(graph: Graph, first: URIRef | None) -> list[tuple[URIRef, list[tuple[Node, Node]]]]:
    """Triples grouped by subject (``first`` first), each group sorted by predicate."""
    subjects = sorted({s for s in graph.subjects() if isinstance(s, URIRef)}, key=lambda s: (s != first, str(s)))
    return [(s, sorted(graph.predicate_objects(s), key=lambda po: (str(po[0]), str(po[1])))) for s in subjects]


def _local_link(iri: object) -> str | None:
    return local_link(str(iri)) if isinstance(iri, URIRef) else None
