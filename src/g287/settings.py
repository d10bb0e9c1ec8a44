"""Where g287 keeps its data: one home directory, overridable with ``G287_HOME``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import platformdirs


@dataclass(frozen=True)
class Settings:
    """Paths g287 reads and writes.

    >>> Settings(home=Path("/tmp/g")).store_path
    PosixPath('/tmp/g/g287.duckdb')
    """

    home: Path

    @property
    def archive_dir(self) -> Path:
        return self.home / "archive"

    @property
    def quarantine_dir(self) -> Path:
        return self.home / "quarantine"

    @property
    def alerts_path(self) -> Path:
        return self.home / "alerts.sqlite"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @property
    def store_path(self) -> Path:
        return self.home / "g287.duckdb"


def get_settings() -> Settings:
    """Settings from the environment: ``G287_HOME`` or the per-user data directory."""
    return _settings_for(os.environ.get("G287_HOME") or None)


@cache
def _settings_for(home: str | None) -> Settings:
    return Settings(home=Path(home or platformdirs.user_data_dir("g287")).expanduser())
