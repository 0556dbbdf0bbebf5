"""``/releases`` (the data releases with their statistics, and their files) and ``/.well-known/void``
(the VoID + DCAT description of the live data set, which the SPARQL service description points to)."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Response, abort, current_app, render_template, send_from_directory
from rdflib import URIRef
from rdflib.namespace import DCTERMS

from kb import settings as kb_settings
from kb.interchange import releases as kb_releases
from kb.interchange.linked_data import serialize
from kb.interchange.void import Distribution, describe, statistics
from kb.sparql.formats import GRAPH_FORMATS, Format, content_type
from webapp.extensions import get_kb
from webapp.records import bp
from webapp.sparql.negotiation import choose

FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")
DUMPS = (
    ("trig", "dump.trig", "application/trig", "TriG dump: current state and revision history"),
    ("nquads", "dump.nq", "application/n-quads", "N-Quads dump: current state and revision history"),
    ("jsonld", "dump.jsonld", "application/ld+json", "JSON-LD dump: current state and revision history"),
    ("csv", "claims.csv", "text/csv", "The claim table (CSV): one row per claim"),
)


def _releases_dir() -> Path:
    return kb_settings.releases_dir(current_app.config["CLAIMKB"])


@bp.get("/releases")
def releases() -> str:
    return render_template(
        "records/releases.html",
        releases=kb_releases.list_releases(_releases_dir()),
        live=statistics(get_kb()).counts(),
    )


@bp.get("/releases/<version>/<name>")
def release_file(version: str, name: str) -> Response:
    if not FILE_NAME.match(name):
        abort(404, "There is no such file in this release.")
    try:
        kb_releases.check_version(version)
    except Exception:
        abort(404, "There is no such release.")
    directory = _releases_dir() / version
    release = kb_releases.read_release(directory) if directory.is_dir() else None
    if release is None or name not in {f.name for f in release.files} | {kb_releases.CHECKSUMS}:
        abort(404, "There is no such file in this release.")
    media = {f.name: f.media_type for f in release.files}.get(name, "text/plain")
    return send_from_directory(directory, name, mimetype=media, as_attachment=not name.endswith((".ttl", "SUMS")))


@bp.get("/.well-known/void")
def well_known_void() -> Response:
    """The live data set: statistics now, the dumps of /dump, the endpoint, and every release as a version."""
    kb = get_kb()
    values = current_app.config["CLAIMKB"]
    choice = choose(GRAPH_FORMATS)
    if not isinstance(choice, Format):
        abort(406, "This description is RDF: ask for Turtle, JSON-LD, N-Triples or RDF/XML.")
    # IRIs on the knowledge base's base IRI, like every resource it describes.
    home = kb.iris.base
    dataset = URIRef(f"{home}.well-known/void#dataset")
    graph = describe(
        kb,
        dataset,
        title=f"{values['publisher_name']}: claims knowledge base (live)",
        publisher=values["publisher_name"],
        licence=values["licence"],
        endpoint=f"{home}sparql",
        homepage=home,
        distributions=[Distribution(name, home + path, media, title) for name, path, media, title in DUMPS],
    )
    for release in kb_releases.list_releases(_releases_dir()):
        graph.add((dataset, DCTERMS.hasVersion, kb_releases.release_iri(kb.iris.base, release.version)))
    response = Response(serialize(graph, choice), content_type=content_type(choice))
    response.vary.add("Accept")
    return response
