"""Reading delimited files with errors that name the file, row and column."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from kgrec.data.dataset import Dataset, validate_dataset
from kgrec.errors import DataError


def read_delimited(
    path: Path,
    sep: str,
    columns: Sequence[str] | None = None,
    *,
    header: bool = True,
    encoding: str = "utf-8",
) -> pd.DataFrame:
    """All columns as strings. ``columns`` names a headerless file's columns, or lists the
    columns a file with a header must have."""
    if not path.exists():
        raise DataError("file does not exist", file=str(path))
    try:
        frame = pd.read_csv(
            path,
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            header=0 if header else None,
            names=None if header else list(columns or []),
            encoding=encoding,
            engine="python" if len(sep) > 1 else "c",
            quoting=csv.QUOTE_NONE if sep in ("\t", "::", "|") else csv.QUOTE_MINIMAL,
        )
    except UnicodeDecodeError as exc:
        raise decode_error(path, exc, sep, encoding, columns if not header else None) from exc
    except (ValueError, pd.errors.ParserError) as exc:
        raise parse_error(path, exc) from exc
    if header and columns:
        for col in columns:
            if col not in frame.columns:
                raise DataError(
                    f"missing column {col!r} (has {list(frame.columns)})",
                    file=str(path),
                    row=1,  # the header line
                    column=col,
                )
    return frame


def decode_error(
    path: Path,
    exc: UnicodeDecodeError,
    sep: str,
    encoding: str = "utf-8",
    names: Sequence[str] | None = None,
) -> DataError:
    """The error for a file that is not ``encoding`` text, naming the row and the column
    (from the header, or ``names`` for a headerless file) of the first bad byte."""
    # bad bytes decode to lone surrogates, so the text parses as the file would
    text = path.read_bytes().decode(encoding, "surrogateescape")
    try:
        if len(sep) != 1:
            raise csv.Error("a multi-character separator")
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    except csv.Error:  # not CSV as the csv module reads it: go by lines
        records = [line.split(sep) for line in text.split("\n")]
    header: list[str] = list(names or [])
    row, column = None, None
    for number, record in enumerate(records, start=1):
        if number == 1 and not names:
            header = record
        bad = [k for k, cell in enumerate(record) if _BAD_BYTE.search(cell)]
        if bad:
            row, k = number, bad[0]
            named = k < len(header) and not _BAD_BYTE.search(header[k])
            column = header[k] if named else f"field {k + 1}"
            break
    return DataError(
        f"not {encoding} text ({exc.reason}): save the file as {encoding}",
        file=str(path),
        row=row,
        column=column,
    )


_BAD_BYTE = re.compile("[\udc80-\udcff]")


def parse_error(path: Path, exc: Exception) -> DataError:
    """The error for a file the reader cannot parse, with the line where it says."""
    line = re.search(r"line (\d+)", str(exc))
    return DataError(
        f"cannot parse: {exc}", file=str(path), row=int(line.group(1)) if line else None
    )


def numeric(frame: pd.DataFrame, column: str, path: Path, *, header: bool = True) -> pd.Series:
    """``frame[column]`` as numbers; a non-number is an error naming its row."""
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna()
    if bad.any():
        first = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(
            f"{frame[column].iloc[first]!r} is not a number",
            file=str(path),
            row=first + (2 if header else 1),
            column=column,
        )
    return values


def dataset_from_files(
    folder: Path,
    interactions: pd.DataFrame,
    interactions_path: Path,
    items: pd.DataFrame,
    items_path: Path,
) -> Dataset:
    """Validate a data set read from ``folder``, naming its files in any error."""
    return validate_dataset(
        interactions,
        items,
        None,
        name=folder.name,
        sources={"interactions": str(interactions_path), "items": str(items_path)},
    )
