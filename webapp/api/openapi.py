"""The OpenAPI 3 description of the JSON API, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from kb.read import matching
from kb.write import submitted as editing

SLUG = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 200}
DATE = {"type": "string", "format": "date", "example": "2022-10-11"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
VERSION = {"type": "integer", "minimum": 0, "description": "The version the edit started from (from a GET)."}
REASON = {"type": "string", "maxLength": editing.MAX_REASON, "description": "Why: recorded in the history."}
NOTE = {"type": "string", "maxLength": editing.MAX_NOTE, "description": "Markdown; raw HTML is refused."}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


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


def _path_slug(name: str = "slug") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": SLUG}


def _read(summary: str, schema: str, params: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "summary": summary,
        "parameters": params or [],
        "responses": {"200": _json(_ref(schema), summary), **ERRORS},
    }


def _write(summary: str, body: str, result: str, status: str = "200", params: list | None = None) -> dict[str, Any]:
    return {
        "summary": summary,
        "security": [{"bearer": []}],
        "parameters": params or [],
        "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(body)}}},
        "responses": {
            status: _json(_ref(result), "Saved, with the revision number (null when nothing changed)"),
            **WRITE_ERRORS,
        },
    }


def _schemas() -> dict[str, Any]:
    string = {"type": "string"}
    slug_list = {"type": "array", "items": SLUG, "maxItems": editing.MAX_LIST}
    revision_ref = {"revision": {"type": ["integer", "null"]}}
    claim_fields = {
        "text": {"type": "string", "maxLength": editing.MAX_TEXT},
        "name": {"type": "string", "maxLength": editing.MAX_NAME},
        "claim_type": {"type": "string", "enum": list(editing.CLAIM_TYPES)},
        "claimant": {**SLUG, "description": "Slug of an existing person or organisation."},
        "new_claimant_name": {"type": "string", "maxLength": editing.MAX_NAME},
        "new_claimant_kind": {"type": "string", "enum": list(editing.ENTITY_KINDS)},
        "claimed_on": DATE,
        "deadline": DATE,
        "about": slug_list,
        "topics": slug_list,
        "note": NOTE,
        "reason": REASON,
    }
    source_fields = {
        "headline": {"type": "string", "maxLength": editing.MAX_HEADLINE},
        "url": {"type": "string", "format": "uri", "maxLength": editing.MAX_URL},
        "kind": {"type": "string", "enum": list(editing.SOURCE_KINDS)},
        "publisher": SLUG,
        "new_publisher_name": {"type": "string", "maxLength": editing.MAX_NAME},
        "published": DATE,
        "derived_from": SLUG,
        "derivation_kind": {"type": "string", "enum": list(editing.DERIVATION_KINDS)},
        "note": NOTE,
        "reason": REASON,
    }
    quote_fields = {
        "quote_exact": {"type": "string", "maxLength": editing.MAX_QUOTE},
        "quote_prefix": {"type": "string", "maxLength": editing.MAX_CONTEXT},
        "quote_suffix": {"type": "string", "maxLength": editing.MAX_CONTEXT},
    }
    event_fields = {
        "date": DATE,
        "precision": {"type": "string", "enum": list(editing.PRECISIONS)},
        "stance": {"type": "string", "enum": list(editing.STANCES)},
        "title": {"type": "string", "maxLength": editing.MAX_TITLE},
        "actor": SLUG,
        "new_actor_name": {"type": "string", "maxLength": editing.MAX_NAME},
        "source": SLUG,
        **quote_fields,
        "note": NOTE,
        "reason": REASON,
    }
    entity_fields = {
        "name": {"type": "string", "maxLength": editing.MAX_NAME},
        "kind": {"type": "string", "enum": list(editing.ENTITY_KINDS)},
        "wikidata": {"type": "string", "example": "Q48938223"},
        "note": NOTE,
        "reason": REASON,
    }
    change = {
        "type": "object",
        "properties": {
            "subject": string,
            "label": string,
            "property": string,
            "removed": {"type": "array", "items": string},
            "added": {"type": "array", "items": string},
        },
    }
    return {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["status", "title", "message", "details"],
                    "properties": {
                        "status": {"type": "integer"},
                        "title": string,
                        "message": string,
                        "details": {"type": "object", "description": "fields: {field: [messages]} for 422"},
                    },
                }
            },
        },
        "ClaimInput": {"type": "object", "required": ["text", "claim_type"], "properties": claim_fields},
        "ClaimEdit": {
            "type": "object",
            "required": ["text", "claim_type", "version"],
            "properties": {**claim_fields, "version": VERSION},
        },
        "Claim": {
            "type": "object",
            "required": ["slug", "text", "claim_type", "status", "version"],
            "properties": {
                **{k: v for k, v in claim_fields.items() if k not in ("reason", "claimed_on", "deadline")},
                "slug": SLUG,
                "iri": string,
                "claimed_on": string,
                "deadline": string,
                "status": string,
                "retracted": {"type": "boolean"},
                "version": {"type": "integer"},
                "evidence": {"type": "array", "items": string},
                **revision_ref,
            },
        },
        "ClaimList": {
            "type": "object",
            "properties": {
                "claims": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "slug": SLUG,
                            "name": string,
                            "text": string,
                            "status": string,
                            "claim_type": {"type": ["string", "null"]},
                            "claimed_on": NULLABLE_DATE,
                            "deadline": NULLABLE_DATE,
                        },
                    },
                }
            },
        },
        "SourceInput": {
            "type": "object",
            "required": ["headline", "version"],
            "properties": {**source_fields, **quote_fields, "version": {**VERSION, "description": "The claim's."}},
        },
        "SourceEdit": {
            "type": "object",
            "required": ["headline", "version"],
            "properties": {**source_fields, "version": VERSION},
        },
        "Source": {
            "type": "object",
            "required": ["slug", "headline", "version"],
            "properties": {
                **{k: string for k in ("slug", "headline", "url", "kind", "publisher", "published")},
                **{k: string for k in ("derived_from", "derivation_kind", "note")},
                "retracted": {"type": "boolean"},
                "version": {"type": "integer"},
                **revision_ref,
            },
        },
        "EventInput": {
            "type": "object",
            "required": ["date", "stance", "version"],
            "properties": {**event_fields, "version": {**VERSION, "description": "The claim's."}},
        },
        "EventEdit": {
            "type": "object",
            "required": ["date", "stance", "version"],
            "properties": {**event_fields, "version": VERSION},
        },
        "Event": {
            "type": "object",
            "required": ["slug", "date", "stance", "version"],
            "properties": {
                **{k: string for k in ("slug", "claim", "date", "precision", "stance", "title", "actor")},
                **{k: string for k in ("source", "quote", "note")},
                "retracted": {"type": "boolean"},
                "version": {"type": "integer"},
                **revision_ref,
            },
        },
        "EntityInput": {"type": "object", "required": ["name", "kind"], "properties": entity_fields},
        "EntityEdit": {
            "type": "object",
            "required": ["name", "kind", "version"],
            "properties": {**entity_fields, "version": VERSION},
        },
        "Entity": {
            "type": "object",
            "required": ["slug", "name", "kind", "version"],
            "properties": {
                **{k: string for k in ("slug", "name", "kind", "wikidata", "note")},
                "version": {"type": "integer"},
                **revision_ref,
            },
        },
        "EntityList": {
            "type": "object",
            "properties": {
                "entities": {
                    "type": "array",
                    "items": {"type": "object", "properties": {"slug": SLUG, "name": string}},
                }
            },
        },
        "Retract": {
            "type": "object",
            "required": ["version", "reason"],
            "properties": {"version": VERSION, "reason": REASON},
        },
        "Retracted": {
            "type": "object",
            "properties": {"kind": string, "slug": string, "retracted": {"type": "boolean"}, **revision_ref},
        },
        "Revert": {"type": "object", "properties": {"reason": REASON}},
        "Reverted": {"type": "object", "properties": {"reverted": {"type": "integer"}, **revision_ref}},
        "Revision": {
            "type": "object",
            "required": ["number", "time", "agent", "reason", "changes"],
            "properties": {
                "number": {"type": "integer"},
                "time": string,
                "agent": string,
                "reason": string,
                "revert_of": {"type": ["integer", "null"]},
                "total": {"type": "integer"},
                "shown": {"type": "integer"},
                "changes": {"type": "array", "items": change},
            },
        },
        "RevisionList": {
            "type": "object",
            "properties": {"revisions": {"type": "array", "items": _ref("Revision")}},
        },
    }


def _suggestion_schemas() -> dict[str, Any]:
    """Claim suggestions: an article's text in, check-worthy sentences out; accepted ones become claims."""
    from kb.write.suggesting import MAX_ACCEPTED, MAX_ARTICLE

    string = {"type": "string"}
    article = {
        "text": {"type": "string", "maxLength": MAX_ARTICLE, "description": "The article's text; never stored."},
        "published": {**DATE, "description": "Publication date: the claims' date, and relative deadlines'."},
    }
    accepted = {
        "type": "object",
        "required": ["quote_exact", "text", "claim_type"],
        "properties": {
            "quote_exact": {"type": "string", "maxLength": editing.MAX_QUOTE, "description": "Exact words of the text"},
            "start": {"type": "integer", "minimum": 0, "description": "Where the quote was found (a hint)"},
            "text": {"type": "string", "maxLength": editing.MAX_TEXT},
            "claim_type": {"type": "string", "enum": list(editing.CLAIM_TYPES)},
            "claimant": {**SLUG, "description": "An entity's slug; empty or `publisher`: the article's publisher."},
            "new_claimant_name": {"type": "string", "maxLength": editing.MAX_NAME},
            "claimed_on": DATE,
            "deadline": DATE,
        },
    }
    return {
        "SuggestInput": {"type": "object", "required": ["text"], "properties": article},
        "Suggestions": {
            "type": "object",
            "properties": {
                "suggestions": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "number": {"type": "integer"},
                            "start": {"type": "integer"},
                            "end": {"type": "integer"},
                            "claim_type": string,
                            "selector": {
                                "type": "object",
                                "properties": {k: string for k in ("type", "exact", "prefix", "suffix")},
                            },
                            "rules": {"type": "array", "items": {"type": "object"}},
                            "deadline": {"type": ["string", "null"]},
                            "deadline_words": {"type": ["string", "null"]},
                            "speaker": {"type": ["string", "null"]},
                            "claimant": string,
                            "new_claimant_name": {"type": ["string", "null"]},
                        },
                    },
                }
            },
        },
        "AcceptInput": {
            "type": "object",
            "required": ["text", "headline", "claims"],
            "properties": {
                **article,
                "headline": {"type": "string", "maxLength": editing.MAX_HEADLINE},
                "url": {"type": "string", "format": "uri", "maxLength": editing.MAX_URL},
                "publisher": SLUG,
                "new_publisher_name": {"type": "string", "maxLength": editing.MAX_NAME},
                "reason": REASON,
                "claims": {"type": "array", "items": accepted, "minItems": 1, "maxItems": MAX_ACCEPTED},
            },
        },
        "Accepted": {
            "type": "object",
            "properties": {"source": SLUG, "claims": {"type": "array", "items": SLUG}, "revision": {"type": "integer"}},
        },
    }


def openapi_document(base_path: str) -> dict[str, Any]:
    slug = [_path_slug()]
    number = {"name": "number", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
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
            "schemas": {**_schemas(), **_suggestion_schemas(), **_match_schemas()},
            "responses": {
                "BadRequest": _json(error, "The request is malformed (for instance the body is not a JSON object)"),
                "NotFound": _json(error, "Nothing by that name"),
                "Unauthorized": _json(error, "No valid token of an active editor"),
                "Conflict": _json(error, "Someone saved a newer version meanwhile, or a revert would undo later work"),
                "Invalid": _json(error, "Invalid values; error.details.fields maps each field to its messages"),
                "TooLarge": _json(error, "The article (or the request) is too large"),
            },
        },
        "paths": {
            "/claims": {
                "get": _read("List the claims", "ClaimList"),
                "post": _write("Add a claim", "ClaimInput", "Claim", "201"),
            },
            "/claims/{slug}": {
                "get": _read("One claim, with its version", "Claim", slug),
                "put": _write("Edit a claim", "ClaimEdit", "Claim", params=slug),
            },
            "/claims/{slug}/history": {"get": _read("The revisions that changed a claim", "RevisionList", slug)},
            "/claims/{slug}/sources": {
                "post": _write("Add a source (and a quote from it) to a claim", "SourceInput", "Source", "201", slug)
            },
            "/claims/{slug}/events": {
                "post": _write("Add an evidence event to a claim", "EventInput", "Event", "201", slug)
            },
            **{
                f"/{kind}/{{slug}}/retract": {
                    "post": _write(
                        f"Withdraw one of the {kind}; it stays in the history", "Retract", "Retracted", params=slug
                    )
                }
                for kind in ("claims", "sources", "events", "entities")
            },
            "/sources/{slug}": {
                "get": _read("One source", "Source", slug),
                "put": _write("Edit a source", "SourceEdit", "Source", params=slug),
            },
            "/events/{slug}": {
                "get": _read("One evidence event", "Event", slug),
                "put": _write("Edit an evidence event", "EventEdit", "Event", params=slug),
            },
            "/entities": {
                "get": _read("List people and organisations", "EntityList"),
                "post": _write("Add a person or organisation", "EntityInput", "Entity", "201"),
            },
            "/entities/{slug}": {
                "get": _read("One person or organisation", "Entity", slug),
                "put": _write("Edit a person or organisation", "EntityEdit", "Entity", params=slug),
            },
            "/suggestions": {
                "post": {
                    **_write(
                        "Check-worthy sentences of an article's text (nothing is stored)", "SuggestInput", "Suggestions"
                    ),
                    "responses": {
                        "200": _json(_ref("Suggestions"), "Suggestions with their rules and quote selectors"),
                        **{k: v for k, v in WRITE_ERRORS.items() if k != "409"},
                        "413": {"$ref": "#/components/responses/TooLarge"},
                    },
                }
            },
            "/suggestions/accept": {
                "post": {
                    **_write(
                        "Accepted suggestions as claims quoted from the article, in one revision",
                        "AcceptInput",
                        "Accepted",
                        "201",
                    ),
                    "responses": {
                        "201": _json(_ref("Accepted"), "The source, the new claims and the revision"),
                        **WRITE_ERRORS,
                        "413": {"$ref": "#/components/responses/TooLarge"},
                    },
                }
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
                        {"name": "claimant", "in": "query", "required": False, "schema": SLUG},
                        {"name": "date", "in": "query", "required": False, "schema": DATE},
                    ],
                )
            },
            "/revisions": {"get": _read("Recent revisions", "RevisionList")},
            "/revisions/{number}": {"get": _read("One revision and what it changed", "Revision", [number])},
            "/revisions/{number}/revert": {
                "post": {
                    **_write("Revert a revision (as a new revision)", "Revert", "Reverted", "201", [number]),
                    "requestBody": {"required": False, "content": {"application/json": {"schema": _ref("Revert")}}},
                }
            },
        },
    }


def _match_schemas() -> dict[str, Any]:
    """GET /api/match's answer, from its pydantic model (``kb.read.matching.MatchResponse``)."""
    schema = matching.MatchResponse.model_json_schema(ref_template="#/components/schemas/{model}")
    defined = schema.pop("$defs", {})
    return {"MatchResponse": schema, **defined}
