"""The OpenAPI 3 description of the JSON API, served at /api/openapi.json.

Every body and answer schema is generated from its declaration in ``kb.write.fields`` (pydantic's
JSON Schema); this module only says which operation takes and gives which of them.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from claims import concepts
from kb.names import KINDS, MAX_LOOKUP_CHARS, MAX_LOOKUP_LIMIT
from kb.read import matching
from kb.write.fields import ANSWERS, BODIES, DATE_SCHEMA, SLUG_SCHEMA
from webapp.api.paging import API_MAX_PER_PAGE, API_PER_PAGE

REF = "#/components/schemas/{model}"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF.format(model=name)}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "404": {"$ref": "#/components/responses/NotFound"},
}
WRITE_ERRORS = {
    **ERRORS,
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "409": {"$ref": "#/components/responses/Conflict"},
    "422": {"$ref": "#/components/responses/Invalid"},
}
TOO_LARGE = {"413": {"$ref": "#/components/responses/TooLarge"}}
UPLOAD_REFUSED = {**TOO_LARGE, "415": {"$ref": "#/components/responses/NotAnImage"}}


def _query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema}


# A list's pages: ``page * per_page`` may not pass the search's result window.
PAGING = [
    _query("page", {"type": "integer", "minimum": 1, "default": 1}),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": API_MAX_PER_PAGE, "default": API_PER_PAGE}),
]
# The claims' filters, as the reader's listing takes them.
CLAIM_FILTERS = [
    _query("status", {"type": "string", "enum": list(concepts.statuses())}),
    _query("type", {"type": "string", "enum": list(concepts.claim_types())}),
    _query("claimant", SLUG_SCHEMA),
    _query("topic", SLUG_SCHEMA),
]


def _read(summary: str, schema: str, params: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "summary": summary,
        "parameters": params or [],
        "responses": {"200": _json(_ref(schema), summary), **ERRORS},
    }


def _write(
    summary: str,
    body: str,
    result: str,
    status: str = "200",
    params: list[dict[str, Any]] | None = None,
    *,
    described: str = "Saved, with the revision number (null when nothing changed)",
    errors: dict[str, Any] | None = None,
    body_required: bool = True,
) -> dict[str, Any]:
    return {
        "summary": summary,
        "security": [{"bearer": []}],
        "parameters": params or [],
        "requestBody": {"required": body_required, "content": {"application/json": {"schema": _ref(body)}}},
        "responses": {status: _json(_ref(result), described), **(WRITE_ERRORS if errors is None else errors)},
    }


@cache
def schemas() -> dict[str, Any]:
    """Every body's and answer's JSON Schema, generated from its declaration, by the model's name."""
    models: list[tuple[type[BaseModel], Literal["validation", "serialization"]]] = [
        *((model, "validation") for model in BODIES),
        *((model, "serialization") for model in ANSWERS),
        (matching.MatchResponse, "serialization"),
    ]
    _keys, definitions = models_json_schema(models, ref_template=REF)
    return dict(definitions.get("$defs", {}))


def openapi_document(base_path: str) -> dict[str, Any]:
    slug = [{"name": "slug", "in": "path", "required": True, "schema": SLUG_SCHEMA}]
    number = [{"name": "number", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}]
    error = _ref("Error")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "claimkb API",
            "version": "1",
            "description": "Claims, sources, evidence and entities, with their history. Reads are public; "
            "writes need an editor's token (`claimkb token create NAME`) as `Authorization: Bearer TOKEN`. "
            "An edit sends the `version` it started from; if someone saved meanwhile the answer is 409 "
            "with the revisions made meanwhile in `error.details.meanwhile`.",
        },
        "servers": [{"url": base_path or "/api"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas(),
            "responses": {
                "BadRequest": _json(error, "The request is malformed (for instance the body is not a JSON object)"),
                "NotFound": _json(error, "Nothing by that name"),
                "Unauthorized": _json(error, "No valid token of an active editor"),
                "Conflict": _json(
                    error,
                    "Someone saved a newer version meanwhile, a revert would undo later work, or a new claim "
                    "likely says what a recorded one says (error.details.matches)",
                ),
                "Invalid": _json(error, "Invalid values; error.details.fields maps each field to its messages"),
                "TooLarge": _json(
                    error, "The article, the request or an uploaded image (its bytes or its pixels) is too large"
                ),
                "NotAnImage": _json(error, "The uploaded file's content is not a JPEG, PNG, GIF or WebP image"),
            },
        },
        "paths": {
            "/claims": {
                "get": {
                    **_read("List the claims, newest first, a page at a time", "ClaimList", CLAIM_FILTERS + PAGING),
                    "description": "Answered from the search index, filtered as the reader's listing is. "
                    "The next and previous pages are in the `Link` header (RFC 8288).",
                },
                "post": {
                    **_write("Add a claim", "ClaimInput", "ClaimAnswer", "201"),
                    "description": "Before saving, the claims already recorded that likely say the same are "
                    "looked for. If there are any, nothing is written and the answer is 409 with them in "
                    "`error.details.matches` (each like a /match item). Send the claim again with "
                    "`matches_seen: true` to save it as a different claim, or with `same_as: SLUG` to save "
                    "it linked to that claim as the same claim made elsewhere (ck:sameClaimAs).",
                },
            },
            "/claims/{slug}/same-as": {
                "post": _write(
                    "Link a claim to another as the same claim made elsewhere, or unlink them (unlink: true)",
                    "SameClaim",
                    "ClaimAnswer",
                    params=slug,
                )
            },
            "/claims/{slug}": {
                "get": _read("One claim, with its version", "ClaimAnswer", slug),
                "put": _write("Edit a claim", "ClaimEdit", "ClaimAnswer", params=slug),
            },
            "/claims/{slug}/history": {"get": _read("The revisions that changed a claim", "RevisionList", slug)},
            "/claims/{slug}/sources": {
                "post": _write(
                    "Add a source (and a quote from it) to a claim", "SourceInput", "SourceAnswer", "201", slug
                )
            },
            "/claims/{slug}/events": {
                "post": _write("Add an evidence event to a claim", "EventInput", "EventAnswer", "201", slug)
            },
            **{
                f"/{kind}/{{slug}}/retract": {
                    "post": _write(
                        f"Withdraw one of the {kind}; it stays in the history", "Retract", "Retracted", params=slug
                    )
                }
                for kind in ("claims", "sources", "events", "entities", "media")
            },
            "/sources/{slug}": {
                "get": _read("One source", "SourceAnswer", slug),
                "put": _write("Edit a source", "SourceEdit", "SourceAnswer", params=slug),
            },
            "/events/{slug}": {
                "get": _read("One evidence event", "EventAnswer", slug),
                "put": _write("Edit an evidence event", "EventEdit", "EventAnswer", params=slug),
            },
            "/claims/{slug}/media": {
                "post": _write(
                    "Add a photo, video or audio clip that makes a claim, with its assessment",
                    "MediaInput",
                    "MediaAnswer",
                    "201",
                    slug,
                    errors={**WRITE_ERRORS, **UPLOAD_REFUSED},
                )
            },
            "/media/{slug}": {
                "get": _read("One photo, video or audio clip, with its assessment", "MediaAnswer", slug),
                "put": _write(
                    "Edit a photo, video or audio clip (a new frame replaces the old one)",
                    "MediaEdit",
                    "MediaAnswer",
                    params=slug,
                    errors={**WRITE_ERRORS, **UPLOAD_REFUSED},
                ),
            },
            "/lookup": {
                "get": {
                    **_read(
                        "Entities or sources whose words start with what was typed (the editors' pickers)",
                        "Lookup",
                        [
                            {
                                "name": "kind",
                                "in": "query",
                                "required": True,
                                "schema": {"type": "string", "enum": list(KINDS)},
                            },
                            {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": MAX_LOOKUP_CHARS}},
                            {
                                "name": "limit",
                                "in": "query",
                                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LOOKUP_LIMIT, "default": 10},
                            },
                        ],
                    ),
                    "description": "Entities by name or alias, sources by headline, publisher or web address: "
                    "those starting with q first, then those with a word starting with each word of q. "
                    "Withdrawn ones are left out. The slug found is what a body's entity or source field takes.",
                }
            },
            "/entities": {
                "get": _read("List people and organisations by name, a page at a time", "EntityList", PAGING),
                "post": _write("Add a person or organisation", "EntityInput", "EntityAnswer", "201"),
            },
            "/entities/{slug}": {
                "get": _read("One person or organisation", "EntityAnswer", slug),
                "put": _write("Edit a person or organisation", "EntityEdit", "EntityAnswer", params=slug),
            },
            "/suggestions": {
                "post": _write(
                    "Check-worthy sentences of an article's text (nothing is stored)",
                    "SuggestInput",
                    "Suggestions",
                    described="Suggestions with their rules and quote selectors",
                    errors={**{k: v for k, v in WRITE_ERRORS.items() if k != "409"}, **TOO_LARGE},
                )
            },
            "/suggestions/accept": {
                "post": _write(
                    "Accepted suggestions as claims quoted from the article, in one revision",
                    "AcceptInput",
                    "Accepted",
                    "201",
                    described="The source, the new claims and the revision",
                    errors={**WRITE_ERRORS, **TOO_LARGE},
                )
            },
            "/match": {
                "get": _read(
                    "Claims already recorded that say the same as a text, best first",
                    "MatchResponse",
                    [
                        {
                            "name": "text",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string", "minLength": 1, "maxLength": matching.MAX_TEXT_CHARS},
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 1, "maximum": matching.MAX_LIMIT, "default": 5},
                        },
                        {
                            "name": "language",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "description": "BCP 47 tag; detected when absent"},
                        },
                        {"name": "claimant", "in": "query", "required": False, "schema": SLUG_SCHEMA},
                        {"name": "date", "in": "query", "required": False, "schema": DATE_SCHEMA},
                    ],
                )
            },
            "/revisions": {"get": _read("Recent revisions", "RevisionList")},
            "/revisions/{number}": {"get": _read("One revision and what it changed", "RevisionAnswer", number)},
            "/revisions/{number}/revert": {
                "post": _write(
                    "Revert a revision (as a new revision)", "Revert", "Reverted", "201", number, body_required=False
                )
            },
        },
    }
