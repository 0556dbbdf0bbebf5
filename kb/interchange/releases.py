"""Citable releases of the whole public data set: dated, versioned, checksummed, reproducible.

``make_release`` writes into ``RELEASES_DIR/<version>/``: the dumps (TriG, N-Quads, JSON-LD, through
``kb.interchange.dumps``), the claim table as CSV (``kb.interchange.exports``), ``void.ttl`` (VoID +
DCAT, ``kb.interchange.void``) and ``SHA256SUMS`` (``sha256sum -c`` reads it). The quads are sorted
before they are written and every description node is an IRI, so the same data, version and date
give the same bytes: a checksum identifies a release. Private graphs are never in a release (the
dumps' ``public_quads``), and a version that exists already is refused: a release never changes.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, VOID

from claims.vocab import SCHEMA
from kb.errors import KBError
from kb.interchange import dumps, exports
from kb.interchange.void import SPDX, Distribution, describe, statistics
from kb.knowledge import KnowledgeBase

VERSION_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$")
CHECKSUMS = "SHA256SUMS"
DESCRIPTION = "void.ttl"
# (format name of kb.sparql.formats.DUMP_FORMATS, file suffix, media type, title)
DUMP_FILES = (
    ("trig", "trig", "application/trig", "TriG dump: current state and revision history"),
    ("nquads", "nq", "application/n-quads", "N-Quads dump: current state and revision history"),
    ("jsonld", "jsonld", "application/ld+json", "JSON-LD dump: current state and revision history"),
)
CSV_TITLE = "The claim table (CSV): one row per claim"


@dataclass(frozen=True)
class ReleaseFile:
    name: str
    size: int
    sha256: str
    media_type: str
    title: str


@dataclass(frozen=True)
class Release:
    version: str
    directory: Path
    issued: date | None
    files: tuple[ReleaseFile, ...]
    stats: dict[str, int]
    licence: str | None = None


def check_version(version: str) -> str:
    if not VERSION_RE.match(version) or ".." in version:
        raise KBError(
            f"“{version}” is not a version name: use letters, digits, dots, dashes and underscores "
            "(up to 64, starting with a letter or digit), e.g. 2026.1 or v1.0.0."
        )
    return version


def release_iri(base: str, version: str) -> URIRef:
    return URIRef(f"{base}releases/{version}")


def _sorted_quads(kb: KnowledgeBase) -> list[ox.Quad]:
    """Every public quad in one fixed order: default graph first, then named graphs by name."""

    def key(quad: ox.Quad) -> tuple[int, str, str, str, str]:
        graph = quad.graph_name
        named = isinstance(graph, ox.NamedNode)
        return (int(named), str(graph) if named else "", str(quad.subject), str(quad.predicate), str(quad.object))

    return sorted(dumps.public_quads(kb), key=key)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def make_release(
    kb: KnowledgeBase,
    version: str,
    releases_dir: Path,
    *,
    issued: date,
    publisher: str,
    licence: str,
    endpoint: str,
) -> Release:
    """Write release ``version`` under ``releases_dir``; refused if it exists (nothing is overwritten)."""
    check_version(version)
    target = releases_dir / version
    if target.exists():
        raise KBError(
            f"Release {version} exists already ({target}); a release never changes. Choose another version.", status=409
        )
    releases_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=releases_dir))
    try:
        files = _write_files(kb, version, work, issued=issued, publisher=publisher, licence=licence, endpoint=endpoint)
        try:
            work.rename(target)  # atomic; fails if another process made the release meanwhile
        except OSError as error:
            raise KBError(f"Release {version} exists already ({target}).", status=409) from error
    finally:
        if work.exists():
            shutil.rmtree(work)
    return Release(version, target, issued, files, statistics(kb).counts(), licence)


def _write_files(
    kb: KnowledgeBase, version: str, work: Path, *, issued: date, publisher: str, licence: str, endpoint: str
) -> tuple[ReleaseFile, ...]:
    quads = _sorted_quads(kb)
    stem = f"claimkb-{version}"
    written: list[tuple[str, str, str]] = []  # (file name, media type, title)
    for fmt_name, suffix, media_type, title in DUMP_FILES:
        name = f"{stem}.{suffix}"
        with (work / name).open("wb") as output:
            dumps.export_quads(quads, dumps.dump_format(fmt_name), output)
        written.append((name, media_type, title))
    csv_name = f"{stem}-claims.csv"
    with (work / csv_name).open("w", encoding="utf-8", newline="") as handle:
        exports.write_claims_csv(kb, handle)
    written.append((csv_name, "text/csv", CSV_TITLE))
    files = [
        ReleaseFile(name, (work / name).stat().st_size, _sha256(work / name), media_type, title)
        for name, media_type, title in written
    ]
    dataset = release_iri(kb.iris.base, version)
    graph = describe(
        kb,
        dataset,
        title=f"{publisher}: claims knowledge base, release {version}",
        publisher=publisher,
        licence=licence,
        endpoint=endpoint,
        version=version,
        issued=issued,
        homepage=kb.iris.base,
        distributions=[
            Distribution(f.name.replace(".", "-"), f"{dataset}/{f.name}", f.media_type, f.title, f.size, f.sha256)
            for f in files
        ],
    )
    (work / DESCRIPTION).write_bytes(graph.serialize(format="turtle").encode("utf-8"))
    description = work / DESCRIPTION
    files.append(
        ReleaseFile(
            DESCRIPTION, description.stat().st_size, _sha256(description), "text/turtle", "VoID and DCAT description"
        )
    )
    sums = "".join(f"{f.sha256}  {f.name}\n" for f in sorted(files, key=lambda f: f.name))
    (work / CHECKSUMS).write_text(sums, encoding="utf-8")
    return tuple(files)


def read_release(directory: Path) -> Release | None:
    """A release read back from its directory (its description and checksums); ``None`` if it is not one."""
    description, sums = directory / DESCRIPTION, directory / CHECKSUMS
    if not (description.is_file() and sums.is_file()):
        return None
    graph = Graph().parse(description, format="turtle")
    dataset = next(graph.subjects(OWL.versionInfo, None), None)
    if dataset is None:
        return None
    issued = graph.value(dataset, DCTERMS.issued)
    classes = {
        str(graph.value(part, VOID["class"])): _int(graph.value(part, VOID.entities))
        for part in graph.objects(dataset, VOID.classPartition)
    }
    stats = {
        "triples": _int(graph.value(dataset, VOID.triples)),
        "claims": classes.get(str(SCHEMA.Claim), 0),
        "entities": _int(graph.value(dataset, VOID.entities)),
        "people_and_organisations": classes.get(str(SCHEMA.Person), 0) + classes.get(str(SCHEMA.Organization), 0),
        "sources": classes.get(str(SCHEMA.NewsArticle), 0) + classes.get(str(SCHEMA.CreativeWork), 0),
        "classes": _int(graph.value(dataset, VOID.classes)),
        "properties": _int(graph.value(dataset, VOID.properties)),
    }
    checksums = {}
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        checksums[name] = digest
    titles: dict[str, tuple[str, str]] = {}
    for dist in graph.objects(dataset, DCAT.distribution):
        url = graph.value(dist, DCAT.downloadURL)
        if url is not None:
            media = str(graph.value(dist, DCAT.mediaType) or "").rsplit("media-types/", 1)[-1]
            titles[str(url).rsplit("/", 1)[-1]] = (media, str(graph.value(dist, DCTERMS.title) or ""))
    files = tuple(
        ReleaseFile(
            name,
            (directory / name).stat().st_size if (directory / name).is_file() else 0,
            digest,
            titles.get(name, ("text/turtle", "VoID and DCAT description"))[0],
            titles.get(name, ("text/turtle", "VoID and DCAT description"))[1],
        )
        for name, digest in checksums.items()
    )
    licence = graph.value(dataset, DCTERMS.license)
    return Release(
        version=str(graph.value(dataset, OWL.versionInfo)),
        directory=directory,
        issued=issued.toPython() if isinstance(issued, Literal) else None,
        files=files,
        stats=stats,
        licence=str(licence) if licence else None,
    )


def _int(value: object) -> int:
    return int(str(value)) if value is not None else 0


def list_releases(releases_dir: Path) -> list[Release]:
    """Every release under ``releases_dir``, newest first (by date, then version)."""
    if not releases_dir.is_dir():
        return []
    found = [
        r for d in releases_dir.iterdir() if d.is_dir() and not d.name.startswith(".") for r in [read_release(d)] if r
    ]
    return sorted(found, key=lambda r: (r.issued or date.min, r.version), reverse=True)


__all__ = ["SPDX", "Release", "ReleaseFile", "list_releases", "make_release", "read_release"]
