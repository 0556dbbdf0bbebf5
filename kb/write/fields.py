"""Each resource's fields, declared once: what a form or JSON body may carry, with its limits.

The declarations are pydantic models. Each field is annotated with what it is (``Text``,
``Choice``, ``Day``…: its label, limit, options and the RDF property it writes), and from them
follow: the values an editor's form or a JSON body is read with (``Submitted``, through
``kb.write.submitted.Reader``, whose messages name the field), the properties each form controls
(``CLAIM_FIELDS``…), which field a shape violation belongs to (``FIELD_OF_PATH``), and the JSON
Schema of every API body (``model_json_schema``; ``webapp/api/openapi.py`` serves it). A field
added to a model is a field of the form reader, the API and its document at once.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, GetJsonSchemaHandler, create_model
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema
from rdflib import URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF

from claims import concepts
from claims.media import AUTHENTICITY, MEDIA_KINDS
from claims.model import SLUG_RE
from claims.status import Stance
from claims.vocab import CK, OA, SCHEMA
from kb.language import is_tag
from kb.write.submitted import (
    MAX_CONTEXT,
    MAX_HEADLINE,
    MAX_LIST,
    MAX_NAME,
    MAX_NOTE,
    MAX_QUOTE,
    MAX_REASON,
    MAX_TEXT,
    MAX_TITLE,
    MAX_URL,
    Problems,
    Reader,
)

CLAIM_TYPES = concepts.claim_type_notations()
STANCES = tuple(s.value for s in Stance)
ENTITY_KINDS = ("Organization", "Person")
SOURCE_KINDS = ("NewsArticle", "CreativeWork")
DERIVATION_KINDS = ("copy", "rewrite", "translation", "report")
PRECISIONS = ("day", "month", "year")
MAX_WIKIDATA = 200
MAX_ARTICLE = 60_000  # characters: a long feature is about 30,000
MAX_ACCEPTED = 100  # claims accepted in one suggestion submission
MAX_LANGUAGE = 35  # the longest BCP 47 tag we take
MEDIA_KIND_OPTIONS = tuple(MEDIA_KINDS)
AUTHENTICITY_OPTIONS = tuple(AUTHENTICITY)

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
SLUG_SCHEMA: dict[str, Any] = {"type": "string", "pattern": SLUG_RE.pattern, "maxLength": 200}
DATE_SCHEMA: dict[str, Any] = {"type": "string", "format": "date", "example": "2022-10-11"}


# --- what a field is ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One field: its label in messages, the property it writes, and a line of help."""

    label: str = "This"
    path: URIRef | None = None  # the RDF property this field decides (the form controls it)
    help: str | None = None

    def read(self, reader: Reader, name: str, required: bool) -> Any:
        return reader.data.get(name)

    def schema(self) -> dict[str, Any]:
        return {}

    def __get_pydantic_json_schema__(self, _core: CoreSchema, _handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = dict(self.schema())
        if self.help:
            schema["description"] = self.help
        return schema


@dataclass(frozen=True)
class Text(Spec):
    limit: int = MAX_TEXT
    example: str | None = None

    def read(self, reader: Reader, name: str, required: bool) -> str | None:
        return reader.text(name, required=required, limit=self.limit, label=self.label)

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "maxLength": self.limit}
        return {**schema, "example": self.example} if self.example else schema


@dataclass(frozen=True)
class Markdown(Spec):
    label: str = "The note"
    help: str | None = "Markdown; raw HTML is refused."

    def read(self, reader: Reader, name: str, required: bool) -> str | None:
        return reader.markdown(name, label=self.label)

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "maxLength": MAX_NOTE}


@dataclass(frozen=True)
class Choice(Spec):
    options: tuple[str, ...] = ()

    def read(self, reader: Reader, name: str, required: bool) -> str | None:
        return reader.choice(name, self.options, required=required, label=self.label)

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.options)}


@dataclass(frozen=True)
class Day(Spec):
    label: str = "The date"

    def read(self, reader: Reader, name: str, required: bool) -> Any:
        return reader.day(name, required=required, label=self.label)

    def schema(self) -> dict[str, Any]:
        return dict(DATE_SCHEMA)


@dataclass(frozen=True)
class Url(Spec):
    label: str = "The address"

    def read(self, reader: Reader, name: str, required: bool) -> str | None:
        return reader.url(name, label=self.label)

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "uri", "maxLength": MAX_URL}


@dataclass(frozen=True)
class Sha256(Spec):
    """A SHA-256 digest, written "sha256:" and 64 hex digits (the bare digits are taken too)."""

    label: str = "The content hash"
    help: str | None = (
        "SHA-256 of the text (UTF-8) the quotes were taken from: sha256: and 64 hex digits, "
        "e.g. the output of sha256sum."
    )

    def read(self, reader: Reader, name: str, required: bool) -> str | None:
        value = reader.text(name, required=required, limit=80, label=self.label)
        if value is None:
            return None
        digits = value.strip().lower().removeprefix("sha256:")
        if not SHA256_RE.match(digits):
            reader.problems.add(name, f"{self.label} must be sha256: followed by 64 hex digits (0-9, a-f).")
            return None
        return f"sha256:{digits}"

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": r"^(sha256:)?[0-9a-fA-F]{64}$", "example": "sha256:" + "0" * 64}


@dataclass(frozen=True)
class Language(Spec):
    """A BCP 47 language tag; left empty, the writer detects it from the text."""

    label: str = "The language"
    help: str | None = "A BCP 47 tag such as en, es or pt-BR; detected from the text when left empty."

    def read(self, reader: Reader, name: str, required: bool) -> str | None:
        value = reader.text(name, required=required, limit=MAX_LANGUAGE, label=self.label)
        if value is not None and not is_tag(value):
            reader.problems.add(name, f"{self.label} must be a BCP 47 tag such as en, es or pt-BR.")
            return None
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "maxLength": MAX_LANGUAGE, "example": "en"}


@dataclass(frozen=True)
class ContentHash(Sha256):
    """A media object's SHA-256 digest (``schema:sha256``: the bare 64 hex digits, as schema.org has it);
    read like ``Sha256``, "sha256:" accepted in front."""

    help: str | None = "SHA-256 of the file as you fetched it: 64 hex digits, e.g. the output of sha256sum."

    def read(self, reader: Reader, name: str, required: bool) -> str | None:
        value = super().read(reader, name, required)
        return value.removeprefix("sha256:") if value else None


@dataclass(frozen=True)
class Upload(Spec):
    """A file's bytes: a form's file field (the site passes its bytes), or base64 text in a JSON body.

    Only decoded here; what the bytes may be (size, type, pixels) is checked where they are stored
    (``kb.write.uploads``), with the site's limits.
    """

    def read(self, reader: Reader, name: str, required: bool) -> bytes | None:
        value = reader.data.get(name)
        if value is None or value == "" or value == b"":
            if required:
                reader.problems.add(name, f"{self.label} is required.")
            return None
        if isinstance(value, bytes):
            return value
        if not isinstance(value, str):
            reader.problems.add(name, f"{self.label} must be the file's content in base64.")
            return None
        try:
            return base64.b64decode(value.strip(), validate=True)
        except (binascii.Error, ValueError):
            reader.problems.add(name, f"{self.label} must be the file's content in base64.")
            return None

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "contentEncoding": "base64", "contentMediaType": "image/*"}


@dataclass(frozen=True)
class Flag(Spec):
    """Yes or no: JSON true/false, or a form's checkbox or hidden field ("1", "true", "on")."""

    def read(self, reader: Reader, name: str, required: bool) -> bool:
        value = reader.data.get(name)
        if isinstance(value, bool):
            return value
        if value is None or value == "":
            return False
        if isinstance(value, str) and value.strip().lower() in ("1", "true", "on", "yes"):
            return True
        if isinstance(value, str) and value.strip().lower() in ("0", "false", "off", "no"):
            return False
        reader.problems.add(name, f"{self.label} must be true or false.")
        return False

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass(frozen=True)
class Slug(Spec):
    """One of our resources, by slug."""

    def read(self, reader: Reader, name: str, required: bool) -> str | None:
        return reader.slug(name, required=required, label=self.label)

    def schema(self) -> dict[str, Any]:
        return dict(SLUG_SCHEMA)


@dataclass(frozen=True)
class Slugs(Spec):
    """Several of our resources, by slug (a form sends them as a repeated field)."""

    def read(self, reader: Reader, name: str, required: bool) -> list[str]:
        return reader.slugs(name, label=self.label)

    def schema(self) -> dict[str, Any]:
        return {"type": "array", "items": dict(SLUG_SCHEMA), "maxItems": MAX_LIST}


REF_HELP = {
    "entity": "A person or organisation: its slug, its IRI, or its exact name (or alias) when no other has it.",
    "source": "A source: its slug, its IRI, its web address, or its exact headline when no other has it.",
}


@dataclass(frozen=True)
class Ref(Spec):
    """One entity or source, by slug, IRI or exact name (``kb.write.references`` resolves it).

    The editor's forms show it as a picker that searches as you type (``/api/lookup``), or, without
    JavaScript, as a plain text field resolved on submit.
    """

    kind: str = "entity"  # "entity" or "source" (kb.names.KINDS)

    def read(self, reader: Reader, name: str, required: bool) -> str | None:
        return reader.reference(name, required=required, label=self.label)

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "maxLength": MAX_URL, "description": self.help or REF_HELP[self.kind]}

    def __get_pydantic_json_schema__(self, _core: CoreSchema, _handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return self.schema()


@dataclass(frozen=True)
class Refs(Ref):
    """Several entities or sources, each by slug, IRI or exact name (a form sends a repeated field)."""

    def read(self, reader: Reader, name: str, required: bool) -> list[str]:  # type: ignore[override]
        return reader.references(name, label=self.label)

    def schema(self) -> dict[str, Any]:
        item = {"type": "string", "maxLength": MAX_URL}
        return {"type": "array", "items": item, "maxItems": MAX_LIST, "description": self.help or REF_HELP[self.kind]}


@dataclass(frozen=True)
class Version(Spec):
    help: str | None = "The version the edit started from (from a GET)."
    missing: str = "An edit must say which version it started from (the version field)."

    def read(self, reader: Reader, name: str, required: bool) -> int | None:
        version = reader.version(name)
        if version is None and required and name not in reader.problems.fields:
            reader.problems.add(name, self.missing)
        return version

    def schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": 0}


@dataclass(frozen=True)
class Whole(Spec):
    """A whole number the server only takes as a hint (read as it came)."""

    def schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": 0}


@dataclass(frozen=True)
class Items(Spec):
    """A list of objects, each read by its own declaration (the accepted suggestions)."""

    most: int = MAX_LIST

    def schema(self) -> dict[str, Any]:
        return {"type": "array", "minItems": 1, "maxItems": self.most}

    def __get_pydantic_json_schema__(self, core: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        # The items' schema is the declared model's, as a reference pydantic makes.
        return {**handler(core), **self.schema()}


# --- the declarations ------------------------------------------------------------------------------


class Fields(BaseModel):
    """A set of fields. ``KIND`` names the resources whose shape violations map onto these fields,
    and ``ALSO`` the other properties (by local name) whose violations belong to one of them."""

    model_config = ConfigDict(extra="ignore", json_schema_mode_override="validation")
    KIND: ClassVar[str | None] = None
    ALSO: ClassVar[dict[str, str]] = {}


class Reason(Fields):
    reason: Annotated[str | None, Text("The reason", limit=MAX_REASON, help="Why: recorded in the history.")] = None


class Edit(Fields):
    version: Annotated[int, Version()]


class ClaimFields(Fields):
    KIND = "claims"
    ALSO = {"slug": "name"}

    text: Annotated[str, Text("The claim", path=SCHEMA.text)]
    name: Annotated[str | None, Text("The short name", limit=MAX_NAME, path=SCHEMA.name)] = None
    claim_type: Annotated[str, Choice("The claim type", path=CK.claimType, options=CLAIM_TYPES)]
    claimant: Annotated[str | None, Ref("The entity", path=SCHEMA.author)] = None
    new_claimant_name: Annotated[str | None, Text("The new entity's name", limit=MAX_NAME)] = None
    new_claimant_kind: Annotated[str | None, Choice("The kind", options=ENTITY_KINDS)] = None
    claimed_on: Annotated[str | None, Day("The date claimed", path=SCHEMA.datePublished)] = None
    deadline: Annotated[str | None, Day("The deadline", path=CK.deadline)] = None
    about: Annotated[list[str] | None, Refs("About", path=SCHEMA.about)] = None
    topics: Annotated[list[str] | None, Slugs("Topics", path=DCTERMS.subject)] = None
    note: Annotated[str | None, Markdown(path=CK.note)] = None
    language: Annotated[str | None, Language(path=SCHEMA.inLanguage)] = None


class SourceFields(Fields):
    KIND = "sources"
    ALSO = {"slug": "headline"}

    headline: Annotated[str, Text("The headline", limit=MAX_HEADLINE, path=SCHEMA.headline)]
    url: Annotated[str | None, Url(path=SCHEMA.url)] = None
    kind: Annotated[str | None, Choice("The kind", path=RDF.type, options=SOURCE_KINDS)] = None
    publisher: Annotated[str | None, Ref("The entity", path=SCHEMA.publisher)] = None
    new_publisher_name: Annotated[str | None, Text("The new entity's name", limit=MAX_NAME)] = None
    new_publisher_kind: Annotated[str | None, Choice("The kind", options=ENTITY_KINDS)] = None
    published: Annotated[str | None, Day("The publication date", path=SCHEMA.datePublished)] = None
    derived_from: Annotated[str | None, Ref("Derived from", path=PROV.wasDerivedFrom, kind="source")] = None
    derivation_kind: Annotated[
        str | None, Choice("How it derives", path=CK.derivationKind, options=DERIVATION_KINDS)
    ] = None
    note: Annotated[str | None, Markdown(path=CK.note)] = None
    language: Annotated[str | None, Language(path=SCHEMA.inLanguage)] = None
    archived_at: Annotated[
        str | None,
        Url(
            "The archived copy's address",
            path=SCHEMA.archivedAt,
            help="An archived copy of the original (web.archive.org, archive.today or the newsroom's own).",
        ),
    ] = None
    content_hash: Annotated[str | None, Sha256(path=CK.contentHash)] = None


class QuoteFields(Fields):
    KIND = "quotes"
    ALSO = {"hasSource": "source"}

    quote_exact: Annotated[str | None, Text("The quote", limit=MAX_QUOTE, path=OA.exact)] = None
    quote_prefix: Annotated[str | None, Text("The words before", limit=MAX_CONTEXT, path=OA.prefix)] = None
    quote_suffix: Annotated[str | None, Text("The words after", limit=MAX_CONTEXT, path=OA.suffix)] = None
    quote_language: Annotated[
        str | None, Language("The quote's language", path=SCHEMA.inLanguage, help="A BCP 47 tag; detected when empty.")
    ] = None


class EventFields(Fields):
    KIND = "events"

    date: Annotated[str, Day("The date", path=DCTERMS.date)]
    precision: Annotated[str | None, Choice("The precision", path=CK.datePrecision, options=PRECISIONS)] = None
    stance: Annotated[str, Choice("The stance", path=CK.stance, options=STANCES)]
    title: Annotated[str | None, Text("The title", limit=MAX_TITLE, path=SCHEMA.name)] = None
    actor: Annotated[str | None, Ref("The entity", path=CK.actor)] = None
    new_actor_name: Annotated[str | None, Text("The new entity's name", limit=MAX_NAME)] = None
    new_actor_kind: Annotated[str | None, Choice("The kind", options=ENTITY_KINDS)] = None
    source: Annotated[str | None, Ref("The source", path=CK.source, kind="source")] = None
    note: Annotated[str | None, Markdown(path=CK.note)] = None


class EntityFields(Fields):
    KIND = "entities"
    ALSO = {"slug": "name"}

    name: Annotated[str, Text("The name", limit=MAX_NAME, path=SCHEMA.name)]
    kind: Annotated[str, Choice("The kind", path=RDF.type, options=ENTITY_KINDS)]
    wikidata: Annotated[
        str | None, Text("The Wikidata ID", limit=MAX_WIKIDATA, path=OWL.sameAs, example="Q48938223")
    ] = None
    note: Annotated[str | None, Markdown(path=CK.note)] = None


class MediaFields(Fields):
    """A photo, video or audio clip that makes a claim, and its assessment (a schema.org MediaReview)."""

    KIND = "media"
    ALSO = {"slug": "name", "review": "authenticity", "itemReviewed": "authenticity"}

    kind: Annotated[str, Choice("The kind", path=RDF.type, options=MEDIA_KIND_OPTIONS)]
    name: Annotated[
        str,
        Text("What it shows", limit=MAX_HEADLINE, path=SCHEMA.name, help="In our words; also the image's alt text."),
    ]
    content_url: Annotated[
        str | None, Url("The media's address", path=SCHEMA.contentUrl, help="Where the photo, video or audio is.")
    ] = None
    sha256: Annotated[
        str | None,
        ContentHash(path=SCHEMA.sha256, help="SHA-256 of the media's content (sha256sum of the file), in hex."),
    ] = None
    appeared_in: Annotated[
        str | None,
        Slug("Where it appeared", path=SCHEMA.associatedArticle, help="Slug of the source it appeared in."),
    ] = None
    uploaded_on: Annotated[str | None, Day("The date it was posted", path=SCHEMA.uploadDate)] = None
    thumbnail: Annotated[
        bytes | None,
        Upload(
            "The frame or thumbnail",
            path=SCHEMA.thumbnailUrl,
            help="A JPEG, PNG, GIF or WebP image (its content in base64 in JSON); re-encoded without its metadata. "
            "Left out of an edit, the current one stays.",
        ),
    ] = None
    authenticity: Annotated[
        str | None,
        Choice(
            "The assessment",
            path=SCHEMA.mediaAuthenticityCategory,
            options=AUTHENTICITY_OPTIONS,
            help="schema.org's MediaManipulationRatingEnumeration member; empty: not assessed yet.",
        ),
    ] = None
    assessment: Annotated[str | None, Markdown("The explanation", path=CK.note)] = None


# The bodies the editor's forms and the JSON API take.


class ClaimInput(ClaimFields, Reason):
    # The check for claims already recorded (see ``Editor.create_claim``): a new claim whose text
    # matches one is refused with its likely matches until the writer says it has seen them, or
    # names the claim it is the same as (the new claim is then linked to it by ck:sameClaimAs).
    matches_seen: Annotated[
        bool | None,
        Flag("Matches seen", help="True: save even if likely matches are recorded (the writer has seen them)."),
    ] = None
    same_as: Annotated[
        str | None, Slug("The same claim", help="Slug of a recorded claim the new one is the same claim as.")
    ] = None


class SameClaim(Reason):
    """Link a claim to another as the same claim, made elsewhere (or unlink them)."""

    other: Annotated[str, Slug("The other claim", help="Slug of the other claim.")]
    unlink: Annotated[bool | None, Flag("Unlink", help="True: remove the link instead of adding it.")] = None
    version: Annotated[int, Version(help="The claim's version the change started from (from a GET).")]


class ClaimEdit(ClaimFields, Reason, Edit):
    pass


class SourceInput(SourceFields, QuoteFields, Reason):
    version: Annotated[int, Version(help="The claim's version the edit started from (from a GET).")]


class SourceEdit(SourceFields, Reason, Edit):
    pass


class EventInput(EventFields, QuoteFields, Reason):
    version: Annotated[int, Version(help="The claim's version the edit started from (from a GET).")]


class EventEdit(EventFields, QuoteFields, Reason, Edit):
    pass


class EntityInput(EntityFields, Reason):
    pass


class EntityEdit(EntityFields, Reason, Edit):
    pass


class MediaInput(MediaFields, Reason):
    version: Annotated[int, Version(help="The claim's version the edit started from (from a GET).")]


class MediaEdit(MediaFields, Reason, Edit):
    pass


class Retract(Edit):
    reason: Annotated[str, Text("The reason", limit=MAX_REASON, help="Why: recorded in the history.")]


class Revert(Reason):
    pass


class SuggestInput(Fields):
    text: Annotated[str, Text("The article", limit=MAX_ARTICLE, help="The article's text; never stored.")]
    published: Annotated[
        str | None, Day("The publication date", help="Publication date: the claims' date, and relative deadlines'.")
    ] = None


class AcceptedClaim(Fields):
    """One accepted suggestion (a claim without a claimant is the publisher's)."""

    quote_exact: Annotated[str, Text("The quote", limit=MAX_QUOTE, help="Exact words of the text")]
    start: Annotated[int | None, Whole(help="Where the quote was found (a hint)")] = None
    text: Annotated[str, Text("The claim")]
    claim_type: Annotated[str, Choice("The claim type", options=CLAIM_TYPES)]
    claimant: Annotated[
        str | None,
        Ref(
            "The claimant",
            help="A person or organisation (slug, IRI or exact name); empty or `publisher`: the article's publisher.",
        ),
    ] = None
    new_claimant_name: Annotated[str | None, Text("The new claimant's name", limit=MAX_NAME)] = None
    new_claimant_kind: Annotated[str | None, Choice("The kind", options=ENTITY_KINDS)] = None
    claimed_on: Annotated[str | None, Day("The date claimed")] = None
    deadline: Annotated[str | None, Day("The deadline")] = None
    appearance_of: Annotated[
        str | None,
        Slug(
            "The claim recorded already",
            help="Slug of a recorded claim: the article becomes a new appearance of it, with the quote, "
            "instead of a new claim.",
        ),
    ] = None


class AcceptInput(SourceFields, SuggestInput, Reason):
    claims: Annotated[list[AcceptedClaim], Items(most=MAX_ACCEPTED)]


# Every body the API takes (its OpenAPI document names each by its class).
BODIES: tuple[type[Fields], ...] = (
    ClaimInput,
    ClaimEdit,
    SourceInput,
    SourceEdit,
    EventInput,
    EventEdit,
    EntityInput,
    EntityEdit,
    MediaInput,
    MediaEdit,
    Retract,
    Revert,
    SameClaim,
    SuggestInput,
    AcceptInput,
)


# --- what follows from them ------------------------------------------------------------------------


def specs(model: type[Fields]) -> Iterator[tuple[str, Spec, bool]]:
    """(name, what it is, required) for each field of ``model``."""
    for name, info in model.model_fields.items():
        for meta in info.metadata:
            if isinstance(meta, Spec):
                yield name, meta, info.is_required()


def own_specs(model: type[Fields]) -> Iterator[tuple[str, Spec]]:
    """The fields ``model`` declares itself (not those of the sets it is made of)."""
    own = set(model.__annotations__)
    for name, spec, _required in specs(model):
        if name in own:
            yield name, spec


def controlled(model: type[Fields]) -> tuple[URIRef, ...]:
    """The properties a form of these fields decides; a save keeps every other triple."""
    return tuple(spec.path for _name, spec in own_specs(model) if spec.path is not None)


def field_of_path(*models: type[Fields]) -> dict[str, dict[str, str]]:
    """For each kind of resource, the field a shape violation on a property (by local name) belongs to."""
    result: dict[str, dict[str, str]] = {}
    for model in models:
        assert model.KIND is not None
        paths = result.setdefault(model.KIND, {})
        for name, spec in own_specs(model):
            if spec.path is not None and spec.path != RDF.type:
                paths[_local(spec.path)] = name
        paths.update(model.ALSO)
    return result


def list_fields(*models: type[Fields]) -> frozenset[str]:
    """Fields a form sends as a repeated field (several values)."""
    return frozenset(name for model in models for name, spec, _ in specs(model) if isinstance(spec, Slugs | Refs))


def _local(iri: URIRef) -> str:
    text = str(iri)
    for sep in ("#", "/"):
        if sep in text:
            text = text.rsplit(sep, 1)[1]
    return text


CLAIM_FIELDS = controlled(ClaimFields)
SOURCE_FIELDS = controlled(SourceFields)
EVENT_FIELDS = controlled(EventFields)
ENTITY_FIELDS = controlled(EntityFields)
MEDIA_FIELDS = controlled(MediaFields)
FIELD_OF_PATH = field_of_path(ClaimFields, SourceFields, EventFields, EntityFields, QuoteFields, MediaFields)
LIST_FIELDS = list_fields(ClaimFields, SourceFields, EventFields, EntityFields)


class Submitted:
    """Submitted values (a form's fields or a JSON body) read by their declaration.

    Each ``get`` reads one declared field with its label and limits, recording what is wrong
    against the field's name; asking for a field the declaration lacks is a programming error.
    """

    def __init__(self, model: type[Fields], data: Mapping[str, Any]) -> None:
        self.model = model
        self.reader = Reader(data)
        self._specs = {name: (spec, required) for name, spec, required in specs(model)}
        self._read: set[str] = set()

    @property
    def data(self) -> Mapping[str, Any]:
        return self.reader.data

    @property
    def problems(self) -> Problems:
        return self.reader.problems

    def spec(self, name: str) -> Spec:
        return self._specs[name][0]

    def get(self, name: str, *, required: bool | None = None) -> Any:
        spec, declared_required = self._specs[name]
        self._read.add(name)
        return spec.read(self.reader, name, declared_required if required is None else required)

    def fill(self, resource: object, of: type[Fields]) -> None:
        """Set each field of ``of`` that writes a property and was not read yet on the model object
        of the same name: a field needing no more than its declaration is one line there."""
        for name, spec in own_specs(of):
            if spec.path is None or name in self._read:
                continue
            if not hasattr(resource, name):
                raise AttributeError(f"{type(resource).__name__} has no attribute for the declared field {name!r}")
            setattr(resource, name, self.get(name))


# --- what the API answers ---------------------------------------------------------------------------
# Declared here beside the bodies, so the OpenAPI document is generated from one place.

Slugged = Annotated[str, Slug()]


class Answer(BaseModel):
    """What every answer about one resource carries beside its fields."""

    slug: Slugged
    version: int
    revision: int | None = None


def answer(name: str, resource: type[Fields], *, strict: bool = False, **extra: Any) -> type[BaseModel]:
    """The answer about a resource: each of its fields as stored (the new-entity fields left out).

    ``strict`` keeps the fields' limits and patterns in the answer's schema (dates stay plain text:
    an empty value is "").
    """
    fields: dict[str, Any] = {}
    for field_name, info in resource.model_fields.items():
        if field_name.startswith("new_"):
            continue
        spec = next(meta for meta in info.metadata if isinstance(meta, Spec))
        kind: Any = list[str] if isinstance(spec, Slugs | Refs) else str
        if strict and not isinstance(spec, Day):
            kind = Annotated[kind, spec]
        fields[field_name] = (kind, ...) if info.is_required() else (kind, None)
    return create_model(name, __base__=Answer, **fields, **extra)


ClaimAnswer = answer(
    "ClaimAnswer",
    ClaimFields,
    strict=True,
    iri=(str | None, None),
    status=(str, ...),
    retracted=(bool | None, None),
    evidence=(list[str] | None, None),
)
SourceAnswer = answer("SourceAnswer", SourceFields, retracted=(bool | None, None))
EventAnswer = answer(
    "EventAnswer", EventFields, claim=(str | None, None), quote=(str | None, None), retracted=(bool | None, None)
)
EntityAnswer = answer("EntityAnswer", EntityFields)
MediaAnswer = answer(
    "MediaAnswer",
    MediaFields,
    claim=(str | None, None),
    thumbnail_url=(str | None, None),
    retracted=(bool | None, None),
)


class ClaimSummaryAnswer(BaseModel):
    slug: Slugged | None = None
    name: str | None = None
    text: str | None = None
    status: str | None = None
    claim_type: str | None = None
    claimed_on: str | None = None
    deadline: str | None = None


class Paged(BaseModel):
    """A list's place: how many items in all, this page's number and size, how many pages."""

    total: int | None = None
    page: int | None = None
    per_page: int | None = None
    pages: int | None = None


class ClaimList(Paged):
    claims: list[ClaimSummaryAnswer] | None = None


class EntityBrief(BaseModel):
    slug: Slugged | None = None
    name: str | None = None


class EntityList(Paged):
    entities: list[EntityBrief] | None = None


class Named(BaseModel):
    """An entity or source a lookup found (``/api/lookup``)."""

    slug: Slugged
    iri: str
    label: str = Field(description="The name, or the headline")
    detail: str = Field(description="What tells namesakes apart: the kind; a source's publisher, date and address")


class Lookup(BaseModel):
    kind: str
    q: str
    results: list[Named]


class Retracted(BaseModel):
    kind: str | None = None
    slug: str | None = None
    retracted: bool | None = None
    revision: int | None = None


class Reverted(BaseModel):
    reverted: int | None = None
    revision: int | None = None


class Change(BaseModel):
    subject: str | None = None
    label: str | None = None
    property: str | None = None
    removed: list[str] | None = None
    added: list[str] | None = None


class RevisionAnswer(BaseModel):
    number: int
    time: str
    agent: str
    reason: str
    revert_of: int | None = None
    total: int | None = None
    shown: int | None = None
    changes: list[Change]


class RevisionList(BaseModel):
    revisions: list[RevisionAnswer] | None = None


class QuoteSelector(BaseModel):
    type: str | None = None
    exact: str | None = None
    prefix: str | None = None
    suffix: str | None = None


class SuggestionAnswer(BaseModel):
    number: int | None = None
    start: int | None = None
    end: int | None = None
    claim_type: str | None = None
    selector: QuoteSelector | None = None
    rules: list[dict[str, Any]] | None = None
    deadline: str | None = None
    deadline_words: str | None = None
    speaker: str | None = None
    claimant: str | None = None
    new_claimant_name: str | None = None


class Suggestions(BaseModel):
    suggestions: list[SuggestionAnswer] | None = None


class Accepted(BaseModel):
    source: Slugged | None = None
    claims: list[Slugged] | None = None
    revision: int | None = None


class ErrorBody(BaseModel):
    status: int
    title: str
    message: str
    details: dict[str, Any] = Field(description="fields: {field: [messages]} for 422")


class Error(BaseModel):
    error: ErrorBody


# Every answer the API gives (its OpenAPI document names each by its class).
ANSWERS: tuple[type[BaseModel], ...] = (
    ClaimAnswer,
    ClaimList,
    SourceAnswer,
    EventAnswer,
    EntityAnswer,
    EntityList,
    MediaAnswer,
    Lookup,
    Retracted,
    Reverted,
    RevisionAnswer,
    RevisionList,
    Suggestions,
    Accepted,
    Error,
)
