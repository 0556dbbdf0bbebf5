"""The JSON API checked against its own OpenAPI document by schemathesis: every operation but those of
the claims and the revisions (in ``tests/test_api_schema.py``; see ``tests/api_schema.py``).

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


api = schemathesis.pytest.from_fixture("api_schema").exclude(path_regex=CLAIMS_AND_REVISIONS)


@api.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_other_paths_conform_to_the_openapi_document(case: Any, editor_token: str, app: Any) -> None:
    check(case, editor_token, app)
