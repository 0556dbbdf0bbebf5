"""The JSON API checked against its own OpenAPI document by schemathesis: the claims and the revisions.

The other operations are checked in ``tests/test_api_schema_other_paths.py`` (see ``tests/api_schema.py``).
It checks the document and the API's answers, which do not depend on the store: it runs once, on the
embedded store (the server pass writes through the API in ``test_api`` and ``test_hostile_api``).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.api_schema import CLAIMS_AND_REVISIONS, check, schema_of


@pytest.fixture
def api_schema(app: Any, editor_token: str) -> Any:
    return schema_of(app, editor_token)


api = schemathesis.pytest.from_fixture("api_schema").include(path_regex=CLAIMS_AND_REVISIONS)


@api.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case: Any, editor_token: str, app: Any) -> None:
    check(case, editor_token, app)
