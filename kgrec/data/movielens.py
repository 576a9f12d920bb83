"""MovieLens in its standard releases: ml-100k, ml-1m and ml-latest(-small)."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from kgrec.data._files import dataset_from_files, numeric, read_delimited
from kgrec.data.dataset import Dataset
from kgrec.errors import DataError

ML100K_GENRES = [
    "unknown",
    "Action",
    "Adventure",
    "Animation",
    "Children",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
]
_YEAR = re.compile(r"\s*\((\d{4})\)\s*$")


#: MovieLens files a title's leading article at its end: "Heat, The", "Vie en rose, La".
_ARTICLE = re.compile(r"^(.*), (The|A|An|La|Le|Les|L'|Il|El|Los|Las|Der|Die|Das)$")


def _title_year(titles: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Title without the year, its article moved back to the front, and the year."""
    year = titles.str.extract(_YEAR, expand=False)
    plain = titles.str.replace(_YEAR, "", regex=True).str.strip()
    plain = plain.str.replace(
        _ARTICLE,
        lambda m: f"{m.group(2)}{'' if m.group(2).endswith(chr(39)) else ' '}{m.group(1)}",
        regex=True,
    )
    return plain, pd.to_numeric(year)


def load_movielens(folder: Path, overviews: Sequence[Path] = ()) -> Dataset:
    """Load a MovieLens release from ``folder``, whichever of the three layouts it has.

    Items get ``title``, ``year``, ``genres`` ("A|B") and, for ml-latest, ``tags`` (every
    tag users gave the movie, de-duplicated case-insensitively, "|"-joined: item-side
    knowledge, as the peer libraries' item_kg uses it). ``overviews`` are TMDB metadata
    CSVs (``id``, ``overview``), joined through ``links.csv`` into the items' ``text``
    (the first file that has a movie's overview wins).
    """
    if (folder / "ratings.csv").exists():
        ds = _latest(folder)
    elif (folder / "ratings.dat").exists():
        ds = _ml1m(folder)
    elif (folder / "u.data").exists():
        ds = _ml100k(folder)
    else:
        raise DataError(
            "no MovieLens files here (ratings.csv, ratings.dat or u.data)", file=str(folder)
        )
    if overviews:
        text, companies = _overviews(folder, overviews, ds.items["item_id"])
        ds.items["text"] = text
        if companies is not None:
            ds.items["organizations"] = companies
    return ds


def _latest(folder: Path) -> Dataset:
    ratings_path, movies_path = folder / "ratings.csv", folder / "movies.csv"
    ratings = read_delimited(ratings_path, ",", ["userId", "movieId", "rating", "timestamp"])
    movies = read_delimited(movies_path, ",", ["movieId", "title", "genres"])
    title, year = _title_year(movies["title"])
    items = pd.DataFrame(
        {
            "item_id": movies["movieId"],
            "title": title,
            "year": year,
            "genres": movies["genres"].replace("(no genres listed)", ""),
        }
    )
    tags_path = folder / "tags.csv"
    if tags_path.exists():
        tags = read_delimited(tags_path, ",", ["userId", "movieId", "tag"])
        clean = tags.assign(tag=tags["tag"].str.strip().str.replace("|", "/", regex=False))
        clean = clean.dropna(subset=["tag"])
        clean = clean[clean["tag"] != ""].assign(key=lambda f: f["tag"].str.lower())
        # one spelling per movie and tag (the first given); case is kept for NER ("Tom Hanks")
        joined = clean.drop_duplicates(["movieId", "key"]).groupby("movieId")["tag"].agg("|".join)
        items["tags"] = items["item_id"].map(joined).fillna("")
    inter = pd.DataFrame(
        {
            "user_id": ratings["userId"],
            "item_id": ratings["movieId"],
            "rating": numeric(ratings, "rating", ratings_path),
            "timestamp": numeric(ratings, "timestamp", ratings_path),
        }
    )
    return dataset_from_files(folder, inter, ratings_path, items, movies_path)


def _dataset(
    folder: Path, ratings: pd.DataFrame, ratings_path: Path, items: pd.DataFrame, movies_path: Path
) -> Dataset:
    """A headerless ratings file's frame (user_id, item_id, rating, timestamp) and items,
    validated."""
    inter = ratings.assign(
        rating=numeric(ratings, "rating", ratings_path, header=False),
        timestamp=numeric(ratings, "timestamp", ratings_path, header=False),
    )
    return dataset_from_files(folder, inter, ratings_path, items, movies_path)


def _ml1m(folder: Path) -> Dataset:
    ratings_path, movies_path = folder / "ratings.dat", folder / "movies.dat"
    ratings = read_delimited(
        ratings_path,
        "::",
        ["user_id", "item_id", "rating", "timestamp"],
        header=False,
        encoding="latin-1",
    )
    movies = read_delimited(
        movies_path, "::", ["item_id", "title", "genres"], header=False, encoding="latin-1"
    )
    title, year = _title_year(movies["title"])
    items = pd.DataFrame(
        {"item_id": movies["item_id"], "title": title, "year": year, "genres": movies["genres"]}
    )
    return _dataset(folder, ratings, ratings_path, items, movies_path)


def _ml100k(folder: Path) -> Dataset:
    ratings_path, movies_path = folder / "u.data", folder / "u.item"
    ratings = read_delimited(
        ratings_path, "\t", ["user_id", "item_id", "rating", "timestamp"], header=False
    )
    cols = ["item_id", "title", "release", "video", "url", *ML100K_GENRES]
    movies = read_delimited(movies_path, "|", cols, header=False, encoding="latin-1")
    title, year = _title_year(movies["title"])
    flags = movies[ML100K_GENRES[1:]].apply(pd.to_numeric, errors="coerce").fillna(0).astype(bool)
    genres = flags.apply(lambda row: "|".join(g for g, on in row.items() if on), axis=1)
    items = pd.DataFrame(
        {"item_id": movies["item_id"], "title": title, "year": year, "genres": genres}
    )
    return _dataset(folder, ratings, ratings_path, items, movies_path)


def _overviews(
    folder: Path, overviews: Sequence[Path], item_ids: pd.Series
) -> tuple[pd.Series, pd.Series | None]:
    links = read_delimited(folder / "links.csv", ",", ["movieId", "tmdbId"])
    metas = [read_delimited(path, ",", ["id", "overview"]) for path in overviews]
    tmdb = links.set_index("movieId")["tmdbId"]
    meta = pd.concat([m[["id", "overview"]] for m in metas], ignore_index=True)
    meta = meta.assign(overview=meta["overview"].str.strip()).dropna(subset=["overview"])
    text = meta[meta["overview"] != ""].drop_duplicates("id").set_index("id")["overview"]
    with_companies = [m for m in metas if "production_companies" in m.columns]
    companies = None
    if with_companies:
        frame = pd.concat(
            [m[["id", "production_companies"]] for m in with_companies], ignore_index=True
        )
        names = frame["production_companies"].map(_company_names)
        by_id = names[names != ""].groupby(frame["id"][names != ""]).first()
        companies = item_ids.map(tmdb).map(by_id).fillna("").astype(str)
    return item_ids.map(tmdb).map(text).fillna("").astype(str), companies


def _company_names(cell: object) -> str:
    """ "A|B" from TMDB's ``production_companies`` cell, a JSON list of ``{name, id}``
    (the Kaggle files write it in JSON or as a Python literal); "" where unreadable."""
    if not isinstance(cell, str) or not cell.strip():
        return ""
    try:
        value = json.loads(cell)
    except ValueError:
        try:
            value = ast.literal_eval(cell)
        except (ValueError, SyntaxError):
            return ""
    if not isinstance(value, list):
        return ""
    names = [str(v.get("name", "")).replace("|", "/").strip() for v in value if isinstance(v, dict)]
    return "|".join(n for n in names if n)
