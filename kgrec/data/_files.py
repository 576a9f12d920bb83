"""Reading delimited files with errors that name the file, row and column."""

from __future__ import annotations

import csv
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
        raise DataError(
            f"not {encoding} text ({exc.reason} at byte {exc.start})", file=str(path)
        ) from exc
    except (ValueError, pd.errors.ParserError) as exc:
        raise DataError(f"cannot parse: {exc}", file=str(path)) from exc
    if header and columns:
        for col in columns:
            if col not in frame.columns:
                raise DataError(
                    f"missing column {col!r} (has {list(frame.columns)})",
                    file=str(path),
                    column=col,
                )
    return frame


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
