"""Errors g287 raises. Each message says what failed, on which input, and what to do next."""


class G287Error(Exception):
    """Base class of every error the library raises; the CLI prints it as one line."""


class UnreadablePublicationError(G287Error):
    """A file could not be read as an ICE 287(g) publication (corrupt, empty, wrong format)."""


class UnknownLayoutError(G287Error):
    """A readable file whose header matches no known ICE layout, or has a column we do not know."""


class ListDateError(G287Error):
    """The list date of a publication cannot be derived from its file name."""


class MoaError(G287Error):
    """An MOA PDF that cannot be read: not a PDF, truncated, password-protected, or not an MOA."""


class ArchiveError(G287Error):
    """The raw archive is damaged: an object is missing or its bytes no longer match their SHA-256."""


class NoLedgerError(G287Error):
    """No built ledger is available."""


class QueryError(G287Error):
    """A query was given a parameter it cannot use (unknown state, bad date, unknown agency)."""


class NotFoundError(QueryError):
    """The ledger holds no such thing: no agency with this id, no county with this FIPS code, no such state.
    The site answers it with 404; the CLI prints it as one line, as any other error."""


class InputError(QueryError):
    """A value given for a parameter that g287 cannot use. The message names the value and what is allowed;
    ``name`` is the library's parameter (``as_of``), which each surface shows as its own (the CLI's
    ``--as-of``, the API's ``as_of``) through :meth:`named`.

    >>> str(InputError("as_of", "2025-13-01", "is not a date; use YYYY-MM-DD."))
    "as_of '2025-13-01' is not a date; use YYYY-MM-DD."
    >>> InputError("as_of", "2025-13-01", "is not a date; use YYYY-MM-DD.").named("--as-of")
    "--as-of '2025-13-01' is not a date; use YYYY-MM-DD."
    """

    def __init__(self, name: str, value: object, rule: str) -> None:
        self.name, self.value, self.rule = name, value, rule
        super().__init__(self.named(name))

    def named(self, label: str) -> str:
        """The message with the parameter called ``label``."""
        return f"{label} {self.value!r} {self.rule}"


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


class NoSuchFileError(G287Error):
    """A path given where a file is needed names no file (``g287 moa show missing.pdf``)."""
