"""Dataset: validated interaction, item and user frames."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kgrec.errors import DataError

#: Columns of ``Dataset.links``: extra typed edges the source data gives directly.
LINK_COLUMNS = ["source_label", "source", "type", "target_label", "target", "relation"]

REQUIRED = {
    "interactions": ["user_id", "item_id"],
    "items": ["item_id"],
    "users": ["user_id"],
}


@dataclass
class Dataset:
    """``interactions(user_id, item_id, rating?, timestamp?)``, ``items(item_id, title?, text?,
    genres?, organizations?, year?, kind?)`` and ``users(user_id, text?)``. Ids are strings.
    ``kind`` = "artist" marks items that are music acts: tags that name one link to it as a
    Person or an Organization."""

    interactions: pd.DataFrame
    items: pd.DataFrame
    users: pd.DataFrame
    name: str = "dataset"
    #: Typed edges from the data itself (``LINK_COLUMNS``): friendships (User FRIEND_OF
    #: User), knowledge-graph triples (Item/Entity RELATED Entity, ``relation`` = the
    #: source's relation name). Empty for most data sets.
    links: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LINK_COLUMNS))

    def save(self, folder: Path) -> None:
        """Write the three frames as Parquet into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        for part in ("interactions", "items", "users", "links"):
            getattr(self, part).to_parquet(folder / f"{part}.parquet", index=False)

    @classmethod
    def load(cls, folder: Path, name: str = "dataset") -> Dataset:
        """Read frames written by :meth:`save`."""
        inter, items, users = (
            pd.read_parquet(folder / f"{p}.parquet") for p in ("interactions", "items", "users")
        )
        out = cls(inter, items, users, name=name)
        if (folder / "links.parquet").exists():  # folders saved before links existed lack it
            out.links = pd.read_parquet(folder / "links.parquet")
        return out


def _fail(msg: str, source: str, frame: pd.DataFrame, mask: pd.Series, column: str) -> DataError:
    first = int(mask.to_numpy().nonzero()[0][0])
    # Row numbers as a person sees them in the file: 1-based, after the header line.
    return DataError(
        msg,
        file=source,
        row=first + 2 if source.endswith((".csv", ".tsv")) else first + 1,
        column=column,
    )


def _ids(frame: pd.DataFrame, column: str, source: str) -> pd.Series:
    col = frame[column]
    bad = col.isna() | (col.astype(str).str.strip() == "")
    if bad.any():
        raise _fail("empty id", source, frame, bad, column)
    return col.astype(str).str.strip()


def validate_dataset(
    interactions: pd.DataFrame,
    items: pd.DataFrame,
    users: pd.DataFrame | None = None,
    *,
    sources: dict[str, str] | None = None,
    name: str = "dataset",
) -> Dataset:
    """Check columns, ids and types; return a Dataset with string ids and clean types.

    Errors name the file (from ``sources``), the row and the column.
    """
    sources = sources or {}
    users = users if users is not None else pd.DataFrame({"user_id": []})
    frames = {"interactions": interactions, "items": items, "users": users}
    for part, cols in REQUIRED.items():
        for col in cols:
            if col not in frames[part].columns:
                raise DataError(
                    f"missing required column {col!r} (has {list(frames[part].columns)})",
                    file=sources.get(part, part),
                    row=1,  # the header line
                    column=col,
                )
    src_i, src_t, src_u = (sources.get(p, p) for p in ("interactions", "items", "users"))
    inter = interactions.copy()
    inter["user_id"] = _ids(inter, "user_id", src_i)
    inter["item_id"] = _ids(inter, "item_id", src_i)
    for col in ("rating", "timestamp"):
        if col in inter.columns:
            num = pd.to_numeric(inter[col], errors="coerce")
            bad = (num.isna() & inter[col].notna()) | ~(num.isna() | np.isfinite(num))
            if bad.any():
                raise _fail(f"{col} must be a finite number", src_i, inter, bad, col)
            if col == "timestamp":
                bad = num.notna() & ((num % 1 != 0) | (num.abs() >= 2**62))
                if bad.any():
                    raise _fail(
                        "timestamp must be a whole number of seconds", src_i, inter, bad, col
                    )
            inter[col] = num
    if "timestamp" in inter.columns:
        missing = inter["timestamp"].isna()
        if missing.all():  # an empty column: the data has no times
            inter = inter.drop(columns="timestamp")
        elif missing.any():  # never filled in silently (0 would read as 1970)
            raise _fail(
                "timestamp is missing: give every interaction a time, or none (drop the column)",
                src_i,
                inter,
                missing,
                "timestamp",
            )
        else:
            inter["timestamp"] = inter["timestamp"].astype("int64")

    its = items.copy()
    its["item_id"] = _ids(its, "item_id", src_t)
    dup = its["item_id"].duplicated()
    if dup.any():
        raise _fail("duplicate item_id", src_t, its, dup, "item_id")
    for col in ("title", "text", "genres", "organizations", "kind"):
        if col in its.columns:
            its[col] = its[col].fillna("").astype(str)
    if "year" in its.columns:
        year = pd.to_numeric(its["year"], errors="coerce")
        bad = year.isna() & its["year"].notna() & (its["year"].astype(str).str.strip() != "")
        bad |= year.notna() & ~(np.isfinite(year) & (year % 1 == 0) & (year.abs() < 1e9))
        if bad.any():
            raise _fail("year must be an integer", src_t, its, bad, "year")
        its["year"] = year.astype("Int64")

    unknown = ~inter["item_id"].isin(its["item_id"])
    if unknown.any():
        raise _fail(
            f"item_id {inter.loc[unknown, 'item_id'].iloc[0]!r} is not in the items file",
            src_i,
            inter,
            unknown,
            "item_id",
        )
    inter = inter.drop_duplicates(["user_id", "item_id"], keep="last").reset_index(drop=True)

    usr = users.copy()
    usr["user_id"] = _ids(usr, "user_id", src_u) if len(usr) else usr["user_id"].astype(str)
    dup = usr["user_id"].duplicated()
    if dup.any():
        raise _fail("duplicate user_id", src_u, usr, dup, "user_id")
    if "text" in usr.columns:
        usr["text"] = usr["text"].fillna("").astype(str)
    known = set(usr["user_id"])
    extra = sorted(set(inter["user_id"]) - known)
    if extra:
        usr = pd.concat([usr, pd.DataFrame({"user_id": extra})], ignore_index=True)
    if "text" not in usr.columns:
        usr["text"] = ""
    usr["text"] = usr["text"].fillna("").astype(str)
    return Dataset(inter, its.reset_index(drop=True), usr.reset_index(drop=True), name=name)
