"""Errors g287 raises. Each message says what failed, on which input, and what to do next."""


class G287Error(Exception):
    """Base class of every error the library raises; the CLI prints it as one line."""


class UnreadablePublicationError(G287Error):
    """A file could not be read as an ICE 287(g) publication (corrupt, empty, wrong format)."""


class UnknownLayoutError(G287Error):
    """A readable file whose header matches no known ICE layout, or has a column we do not know."""


class ListDateError(G287Error):
    """The list date of a publication cannot be derived from its file name."""


class ArchiveError(G287Error):
    """The raw archive is damaged: an object is missing or its bytes no longer match their SHA-256."""


class NoLedgerError(G287Error):
    """No built ledger is available."""


class QueryError(G287Error):
    """A query was given a parameter it cannot use (unknown state, bad date, unknown agency)."""


class ExportError(G287Error):
    """An export could not be written."""


class FetchError(G287Error):
    """A download failed after its retries (timeouts, dropped connections, server errors)."""


class SyncError(G287Error):
    """ICE's page could not be used: it did not load, or no workbook link could be found on it."""


class StudyError(G287Error):
    """A study cannot run: bad spec, unusable panel (duplicates, missing columns) or no comparison units."""


class AuditError(G287Error):
    """Stop records cannot be audited as given: a missing column, an unknown code, an impossible value."""


class StoreError(NoLedgerError):
    """The built store cannot be read: an empty, truncated or otherwise damaged DuckDB file."""


class BuildLockedError(G287Error):
    """Another build is writing the same store."""
