"""Property-based tests of every API operation against the app's own OpenAPI spec."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from tests.web.conftest import bundled_app

schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", bundled_app(Path(tempfile.mkdtemp())))
# A query string over 8 KB is refused with 414 before any parameter is read: that is a rejection too.
rejection = schema.config.checks.negative_data_rejection
rejection.expected_statuses = [*rejection.expected_statuses, "414"]


@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_spec(case):
    case.call_and_validate()


def test_an_over_long_query_is_a_documented_rejection():
    """Negative data hypothesis may draw: a parameter far over its length limit makes the query string longer
    than the site accepts; the 414 is documented and counts as a rejection."""
    case = schema["/api/v1/output"]["GET"].Case(query={"agency": "\u00e9" * 2000, "state": "OR"})
    case.call_and_validate()
