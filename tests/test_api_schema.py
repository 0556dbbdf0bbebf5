"""The JSON API checked against its own OpenAPI document by schemathesis.

It checks the document and the API's answers, which do not depend on the store: it runs once, on the
embedded store (the server pass writes through the API in ``test_api`` and ``test_hostile_api``).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.helpers import EDITOR_NAME


@pytest.fixture
def token(accounts: Any) -> str:
    return accounts.create_token(EDITOR_NAME)  # type: ignore[no-any-return]


@pytest.fixture
def api_schema(app: Any, token: str) -> Any:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    schema.config.headers = {"Authorization": f"Bearer {token}"}
    return schema


api = schemathesis.pytest.from_fixture("api_schema")


@api.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case: Any, token: str, app: Any) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
    # Whoosh names its files with the global `random`; a write still running in the background
    # while Hypothesis draws the next case trips its "do not use random in strategies" check.
    app.extensions["claimkb.search"].wait()
