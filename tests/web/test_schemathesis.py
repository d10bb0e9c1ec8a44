"""Property-based tests of every API operation against the app's own OpenAPI spec."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from tests.web.conftest import bundled_app

schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", bundled_app(Path(tempfile.mkdtemp())))


@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_spec(case):
    case.call_and_validate()
