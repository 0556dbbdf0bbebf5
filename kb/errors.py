"""One error type for the knowledge base, carrying what a reader or client should be told."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rdflib import URIRef


class KBError(Exception):
    """An error with a message fit to show a user, an HTTP status and a short title."""

    status: int = 400
    title: str = "Bad request"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        title: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if title is not None:
            self.title = title
        self.details = dict(details or {})


class NotFound(KBError):
    status = 404
    title = "Not found"


class LikelyMatches(KBError):
    """A new claim that likely says what a recorded one says: ``details["matches"]`` lists them.

    The writer saves anyway by sending ``matches_seen``, or links the new claim to one of them
    with ``same_as``.
    """

    status = 409
    title = "Likely recorded already"


class ValidationFailed(KBError):
    """Input that breaks the rules: ``details["fields"]`` maps a field (or node) to its messages."""

    status = 422
    title = "Invalid input"


class ConflictError(KBError):
    """A save that started from an older version of a resource than the current one."""

    status = 409
    title = "Edit conflict"

    def __init__(self, stale: Mapping[URIRef, tuple[int, int]]) -> None:
        parts = [f"{iri} is at version {now}, not {was}" for iri, (was, now) in stale.items()]
        super().__init__(
            "Someone else saved a newer version meanwhile (" + "; ".join(parts) + "). "
            "Nothing was written; review their change and save again.",
            details={"stale": {str(k): {"expected": v[0], "current": v[1]} for k, v in stale.items()}},
        )
        self.stale = dict(stale)


class StoreUnavailable(KBError):
    status = 503
    title = "Knowledge base unavailable"
