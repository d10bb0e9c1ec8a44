"""The site over the bundled ledger snapshot (no build needed): one app and one client per session."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from g287.web.app import create_app
from g287.web.settings import WebSettings


def bundled_app(tmp_home):
    """The site over an empty home, so it serves the snapshot bundled with the package."""
    return create_app(WebSettings(home=tmp_home))


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory):
    return bundled_app(tmp_path_factory.mktemp("web-home"))


@pytest.fixture(scope="session")
def client(app) -> TestClient:
    with TestClient(app) as test_client:
        yield test_client
