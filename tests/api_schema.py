"""The JSON API checked against its own OpenAPI document by schemathesis: what its two test modules share.

The operations are checked in two modules, ``tests/test_api_schema.py`` (the claims and the revisions)
and ``tests/test_api_schema_other_paths.py`` (everything else), so that ``make test`` runs the two
halves on two workers at once: together they took the longest of any module of the suite. Between them
they check every operation of the document (one includes the paths of ``CLAIMS_AND_REVISIONS``, the
other excludes them).
"""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CLAIMS_AND_REVISIONS = r"^/(claims|revisions)\b"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def schema_of(app: Any, token: str) -> Any:
    """The app's OpenAPI document, its requests sent with an editor's API token."""
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    schema.config.headers = {"Authorization": f"Bearer {token}"}
    return schema


def check(case: Any, token: str, app: Any) -> None:
    """Send ``case`` and check the answer against the document."""
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
    # Whoosh names its files with the global `random`; a write still running in the background
    # while Hypothesis draws the next case trips its "do not use random in strategies" check.
    app.extensions["claimkb.search"].wait()
