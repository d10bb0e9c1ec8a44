"""The web app's settings: one ``BaseSettings`` read from ``G287_*`` environment variables."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from g287 import settings as core


class WebSettings(BaseSettings):
    """Where the site reads its ledger.

    ``G287_HOME`` is the same data directory the CLI uses; without a built store there, the site serves the
    snapshot bundled with the package.

    >>> WebSettings(home=Path("/tmp/g")).store_path
    PosixPath('/tmp/g/g287.duckdb')
    """

    model_config = SettingsConfigDict(env_prefix="G287_", extra="ignore")

    home: Path = Field(default_factory=lambda: core.get_settings().home)
    # A folder written by "g287 publish" from the same ledger: its pages are served as files (G287_SITE);
    # by default the home's "site" folder when there is one.
    site: Path | None = None
    # False for the publisher's own app: it renders the pages a folder is made of, never reads them from one.
    use_site: bool = True

    @property
    def store_path(self) -> Path:
        return core.Settings(home=self.home).store_path

    @property
    def site_dir(self) -> Path | None:
        if not self.use_site:
            return None
        if self.site is not None:
            return self.site
        default = self.home / "site"
        return default if (default / "manifest.json").is_file() else None


@cache
def get_settings() -> WebSettings:
    """The settings of this process (cached; tests pass their own to ``create_app``)."""
    return WebSettings()
