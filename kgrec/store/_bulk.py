"""Bulk upserts for the embedded store: COPY what is new, MERGE only what changed.

The embedded engine runs ``UNWIND … MATCH … MERGE`` row by row through its query
pipeline, while ``COPY … FROM`` an Arrow table loads hundreds of thousands of rows per
second, but only inserts. So a write
reads the keys (and properties) already stored, COPYs the rows that are new, sends only
the rows whose properties changed through the parameterised MERGE, and skips the rest:
the result is the same as MERGE-ing everything, and an unchanged re-run writes nothing.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa

_ARROW = {
    "STRING": pa.string(),
    "INT64": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOL": pa.bool_(),
    "STRING[]": pa.list_(pa.string()),
}


def arrow_table(frame: pd.DataFrame, columns: dict[str, str]) -> pa.Table:
    """``frame``'s columns in ``columns``' order and schema types (missing ones all null)."""
    arrays = []
    for name, typ in columns.items():
        values = frame[name] if name in frame.columns else pd.Series([None] * len(frame))
        clean = [None if _missing(v) else _cast(v, typ) for v in values]
        arrays.append(pa.array(clean, type=_ARROW[typ]))
    return pa.Table.from_arrays(arrays, names=list(columns))


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and value != value


def _cast(value: Any, typ: str) -> Any:
    if typ == "INT64":
        return int(value)
    if typ == "DOUBLE":
        return float(value)
    if typ == "BOOL":
        return bool(value)
    if typ == "STRING[]":
        return [str(v) for v in value]
    return str(value)


def changed_rows(
    incoming: pd.DataFrame, stored: pd.DataFrame, keys: list[str], columns: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split ``incoming`` into rows whose keys are not stored yet, and stored rows whose
    ``columns`` differ (nulls compare equal to nulls)."""
    if stored.empty:
        return incoming, incoming.iloc[0:0]
    index = pd.MultiIndex.from_frame(incoming[keys])
    known = index.isin(pd.MultiIndex.from_frame(stored[keys]))
    new, old = incoming[~known], incoming[known]
    if old.empty or not columns:
        return new, old.iloc[0:0]
    merged = old[keys + columns].merge(
        stored[keys + columns], on=keys, how="left", suffixes=("", "__stored")
    )
    differs = pd.Series(False, index=merged.index)
    for col in columns:
        a, b = merged[col].map(_normal), merged[f"{col}__stored"].map(_normal)
        # map() turns a None back into NaN in float columns: nulls must match nulls
        differs |= ~((a == b) | (a.isna() & b.isna()))
    return new, old[differs.to_numpy()]


def _normal(value: Any) -> Any:
    if _missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list | tuple) or hasattr(value, "tolist"):
        return tuple(value.tolist() if hasattr(value, "tolist") else value)
    return value
