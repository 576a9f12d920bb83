"""Loaders: the bundled sample and generic CSV / Parquet / JSONL files."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from kgrec.config import DataConfig
from kgrec.data._files import decode_error, parse_error
from kgrec.data.dataset import Dataset, validate_dataset
from kgrec.data.kg import read_kg_triples
from kgrec.data.lastfm import load_hetrec_lastfm
from kgrec.data.movielens import load_movielens
from kgrec.errors import DataError, DataWarning

SAMPLE_DIR = Path(__file__).resolve().parent / "sample"


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV, TSV, Parquet or JSON-lines file, naming the file on failure."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".tsv"):
            return pd.read_csv(
                path,
                sep="\t" if suffix == ".tsv" else ",",
                dtype=str,
                keep_default_na=False,
                na_values=[""],
                encoding="utf-8",
            )
        if suffix == ".parquet":
            return pd.read_parquet(path)
        if suffix in (".jsonl", ".json"):
            return pd.read_json(path, lines=suffix == ".jsonl", dtype=False)
    except FileNotFoundError as exc:
        raise DataError("file does not exist", file=str(path)) from exc
    except pd.errors.EmptyDataError:
        return pd.DataFrame()  # no header at all: validation names the missing columns
    except UnicodeDecodeError as exc:
        raise decode_error(path, exc, "\t" if suffix == ".tsv" else ",") from exc
    except (ValueError, pd.errors.ParserError) as exc:
        raise parse_error(path, exc) from exc
    raise DataError(
        f"unsupported file type {suffix!r}: use .csv, .tsv, .parquet or .jsonl", file=str(path)
    )


#: An items file's columns that kgrec reads (others are kept as they are).
ITEM_COLUMNS = ("item_id", "title", "text", "genres", "organizations", "year", "kind")
#: Column names that hold an item's free text in common catalogues.
TEXT_LIKE = (
    "description",
    "overview",
    "summary",
    "plot",
    "synopsis",
    "abstract",
    "blurb",
    "body",
    "content",
    "review",
    "tagline",
)


def load_files(
    interactions: Path,
    items: Path,
    users: Path | None = None,
    name: str = "dataset",
    text_column: str | None = None,
) -> Dataset:
    """Load and validate a data set from files; ``text_column`` names the items file's
    text column where it is not called ``text``."""
    frames = [read_table(interactions), _item_text(read_table(items), items, text_column)]
    user_frame = read_table(users) if users is not None else None
    sources = {"interactions": str(interactions), "items": str(items)}
    if users is not None:
        sources["users"] = str(users)
    return validate_dataset(frames[0], frames[1], user_frame, sources=sources, name=name)


def _item_text(frame: pd.DataFrame, path: Path, text_column: str | None) -> pd.DataFrame:
    """``frame`` with its text column named ``text``; a warning for columns that look like
    item text but are not read."""
    if text_column not in (None, "text"):
        if text_column not in frame.columns:
            raise DataError(
                f"no column {text_column!r}, which [data] text_column names (the file has "
                f"{list(frame.columns)})",
                file=str(path),
            )
        if "text" in frame.columns:
            raise DataError(
                f"both a 'text' column and [data] text_column = {text_column!r}: one column "
                "is read as the items' text; rename or drop the other",
                file=str(path),
            )
        frame = frame.rename(columns={text_column: "text"})
    unused = [
        str(c)
        for c in frame.columns
        if c not in ITEM_COLUMNS and (str(c).lower() in TEXT_LIKE or _reads_like_text(frame[c]))
    ]
    if unused:
        read = "its 'text' column is" if "text" in frame.columns else "no column is"
        warnings.warn(
            DataWarning(
                f"{path}: {', '.join(repr(c) for c in unused)} look(s) like item text, but "
                f"{read} read as the items' text: set [data] text_column = {unused[0]!r} "
                "to read that one instead"
            ),
            stacklevel=3,
        )
    return frame


def _reads_like_text(column: pd.Series) -> bool:
    """Whether a column holds sentences: strings of several words on average."""
    values = column.dropna()
    if not len(values) or not all(isinstance(v, str) for v in values.head(100)):
        return False
    words = [len(str(v).split()) for v in values.head(1000)]
    return sum(words) >= 8 * len(words)


def load_sample() -> Dataset:
    """The bundled film catalogue (see kgrec/data/sample/README.md)."""
    return load_files(
        SAMPLE_DIR / "interactions.csv",
        SAMPLE_DIR / "items.csv",
        SAMPLE_DIR / "users.csv",
        name="sample",
    )


def load_dataset(config: DataConfig) -> Dataset:
    """Load the data set a pipeline's ``[data]`` table names, with its KG triples."""
    dataset = _load_source(config)
    if config.kg_triples is not None:
        item_map = config.resolve(config.kg_item_map) if config.kg_item_map else None
        triples = read_kg_triples(
            config.resolve(config.kg_triples), item_map, dataset.items["item_id"]
        )
        dataset.links = pd.concat([dataset.links, triples], ignore_index=True)
    return dataset


def _load_source(config: DataConfig) -> Dataset:
    if config.source == "sample":
        return load_sample()
    if config.source in ("movielens", "lastfm"):
        assert config.path is not None  # checked by config
        folder = config.resolve(config.path)
        if config.source == "lastfm":
            return load_hetrec_lastfm(folder)
        return load_movielens(folder, [config.resolve(p) for p in config.overviews])
    assert config.interactions is not None and config.items is not None  # checked by config
    return load_files(
        config.interactions, config.items, config.users, name="csv", text_column=config.text_column
    )
