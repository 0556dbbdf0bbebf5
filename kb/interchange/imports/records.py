"""Building blocks shared by the importers: one record's triples, and the nodes several records share.

A record is everything one row or item of a data set says about one claim. Nodes that many
records mention (a speaker, a topic, a cited web page, the data set itself) are *shared*: the
first record that describes one describes it, and a node the knowledge base already holds is left
as it is, so that an import never gives an existing entity a second name.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from claims.model import Claim, Entity, EvidenceEvent, Iris, Source, Topic, slugify
from claims.status import Stance

Triple = tuple[Node, Node, Node]

MAX_TEXT = 2000  # the claim shape's limit on schema:text
MAX_TITLE = 200  # the event shape's limit on schema:name
WAYBACK_RE = re.compile(r"^https?://web\.archive\.org/web/(\d{4})(\d{2})(\d{2})\d*[a-z_]*/(.+)$")
# Reserved and unreserved URL characters, and "%" for what is already encoded.
URL_SAFE = ":/?#@!$&'()*+,;=%~-._"
WIKIDATA_URL_RE = re.compile(r"^https?://(?:www\.)?wikidata\.org/(?:wiki|entity)/(Q[1-9][0-9]*)$")


class RecordError(ValueError):
    """A row or item that cannot become a claim; its message says why, for the import report."""


@dataclass
class Record:
    """What one row or item contributes: its claim and events (model objects), and shared nodes.

    ``own`` are the triples of the record's claim and events, made by their ``to_graph``;
    ``shared`` the descriptions of nodes several records mention, the first description winning.
    """

    number: int  # line number (TSV) or record number (JSON), 1-based
    claim: URIRef
    model: Claim | None = None
    events: list[EvidenceEvent] = field(default_factory=list)
    shared: dict[URIRef, set[Triple]] = field(default_factory=dict)

    _own: set[Triple] | None = field(default=None, repr=False, compare=False)

    @property
    def own(self) -> set[Triple]:
        """Made once, when first asked for: an importer builds the whole record before it yields it."""
        if self._own is None:
            own: set[Triple] = set()
            if self.model is not None:
                self.model.to_graph(own)
            for event in self.events:
                event.to_graph(own)
            self._own = own
        return self._own

    def share(self, resource: Entity | Source | Topic) -> URIRef:
        """Describe a shared node; the first description wins (one record may cite a page twice)."""
        if resource.iri not in self.shared:
            self.shared[resource.iri] = resource.to_graph(set())
        return resource.iri

    @property
    def subjects(self) -> set[URIRef]:
        return {s for s, _, _ in self.own if isinstance(s, URIRef)} | set(self.shared)


def short_hash(*parts: str, length: int = 8) -> str:
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:length]  # noqa: S324 - an identifier, not security


def check_unicode(value: object) -> None:
    """Refuse a JSON record holding a lone surrogate (a ``"\\ud800"`` escape): no store can hold it."""
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, str):
            if _SURROGATE.search(current):
                raise RecordError("it holds text that is not valid Unicode (a lone surrogate escape)")
        elif isinstance(current, dict):
            stack.extend(current.keys())
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(value: object, what: str, *, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RecordError(f"no {what}")
    text = " ".join(value.split())
    if len(text) > limit:
        raise RecordError(f"the {what} is longer than {limit:,} characters")
    return text


def title(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_TITLE else text[: MAX_TITLE - 1].rstrip() + "…"


def http_url(value: object) -> str | None:
    """``value`` as an absolute http(s) IRI, characters IRIs forbid percent-encoded; else ``None``."""
    if not isinstance(value, str):
        return None
    value = quote(value.strip(), safe=URL_SAFE)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    try:
        ox.NamedNode(value)
    except ValueError:
        return None
    return value


def original_url(url: str) -> str:
    """The page a Wayback Machine address archives, else the address itself."""
    match = WAYBACK_RE.match(url)
    return match.group(4) if match else url


def archived_on(url: str) -> date | None:
    """The day the Wayback Machine took the snapshot an address points at, if it is one."""
    match = WAYBACK_RE.match(url)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def host_of(url: str) -> str:
    return urlsplit(original_url(url)).netloc.removeprefix("www.") or url


def wikidata_id(value: object) -> str | None:
    if isinstance(value, str):
        match = WIKIDATA_URL_RE.match(value.strip())
        if match:
            return match.group(1)
    return None


def share_entity(
    record: Record, iris: Iris, name: str, *, kind: str = "Organization", wikidata: str | None = None
) -> URIRef:
    """An entity named ``name`` (slug from the name), described by the first record that needs it."""
    slug = slugify(name)
    return record.share(Entity(iri=iris.entity(slug), slug=slug, name=name, kind=kind, wikidata=wikidata))


def share_topic(record: Record, iris: Iris, label: str) -> URIRef:
    slug = slugify(label)
    return record.share(Topic(iri=iris.topic(slug), slug=slug, label=label))


def share_web_source(record: Record, iris: Iris, url: str, headline: str) -> URIRef:
    """A web page cited by a record, named by a hash of its URL so that every record finds it again."""
    slug = f"web-{slugify(host_of(url), 40)}-{short_hash(url, length=10)}"
    return record.share(Source(iri=iris.source(slug), slug=slug, headline=headline, url=url, kind="CreativeWork"))


def add_event(
    record: Record,
    iri: URIRef,
    *,
    when: date,
    stance: Stance,
    name: str,
    actor: URIRef | None = None,
    source: URIRef | None = None,
    note: str | None = None,
) -> None:
    """An evidence event on the record's claim (added with ``add_claim`` first)."""
    assert record.model is not None
    record.events.append(
        EvidenceEvent(
            iri=iri, when=when, stance=stance, title=title(name), actor=actor, source=source, note=note or None
        )
    )
    record.model.evidence.append(iri)


def add_claim(
    record: Record,
    *,
    slug: str,
    text: str,
    claimant: URIRef,
    name: str | None = None,
    claimed_on: date | None = None,
    note: str | None = None,
) -> Claim:
    record.model = Claim(
        iri=record.claim,
        slug=slug,
        text=text,
        claim_type="statement",
        claimant=claimant,
        name=name or None,
        claimed_on=claimed_on,
        note=note or None,
    )
    return record.model


MAX_FILE_BYTES = 200 * 1024 * 1024


def read_json_file(path: Path) -> tuple[Any, str | None]:
    """The JSON document in an import file, or ``(None, problem)`` when it is too large or not JSON."""
    if path.stat().st_size > MAX_FILE_BYTES:
        return None, f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB"
    try:
        return json.loads(path.read_text(encoding="utf-8")), None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return None, f"not a JSON file: {error}"
