"""Errors raised by kgrec. Each subclass has a stable ``code`` that scripts can match on."""

from __future__ import annotations


class KGRecError(Exception):
    """Root of every error kgrec raises on purpose; the message says what to do."""

    code = "KGREC"

    def __str__(self) -> str:
        return f"[{self.code}] {super().__str__()}"


class ConfigError(KGRecError):
    """A pipeline file or setting is invalid."""

    code = "CONFIG"


class DataError(KGRecError):
    """Input data is malformed. The message names the file, row and column."""

    code = "DATA"

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        where = ", ".join(
            part
            for part in (
                f"file {file}" if file else "",
                f"row {row}" if row is not None else "",
                f"column {column!r}" if column else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)
        self.file, self.row, self.column = file, row, column


class SchemaError(KGRecError):
    """A graph does not conform to graph_schema/schema.yaml."""

    code = "SCHEMA"


class ModelNotFoundError(KGRecError):
    """A spaCy pipeline or encoder model is not installed or not found."""

    code = "MODEL"


class NotBuiltError(KGRecError):
    """A pipeline artifact is missing: the pipeline has not been run yet."""

    code = "NOT_BUILT"


class UnknownIdError(KGRecError):
    """A user or item id is not in the graph; ``kind`` says which ("user", "item")."""

    code = "UNKNOWN_ID"

    def __init__(self, message: str, kind: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind


class ArgumentError(KGRecError):
    """An argument is out of range or malformed (a CLI option, an API parameter)."""

    code = "ARGUMENT"


class StoreError(KGRecError):
    """The graph store refused or failed an operation."""

    code = "STORE"


class ReadOnlyQueryError(StoreError):
    """A write was attempted through a read-only query."""

    code = "READ_ONLY"


class DataWarning(UserWarning):
    """Data that loads, but probably not as meant (item text under a column name kgrec
    does not read). The CLI prints these as one line each."""
