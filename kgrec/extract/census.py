"""Given names and surnames of the United States 1990 census: what a name is made of.

The ``names`` package (0.3.0, MIT; the census lists are public domain) carries the lists:
1,219 male and 4,275 female given names, 88,799 surnames. They are read here from its
data files directly, without importing the package. A list of names says nothing about
who is meant; the extractor uses it only to tell a word that could be anyone's given name
("Tracy", "Cody") from one that could not ("Hemingway").
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path


@cache
def given_names() -> frozenset[str]:
    """Lower-case given names ("tracy", "ike"); empty without the ``names`` package."""
    data = _data_dir()
    if data is None:
        return frozenset()
    return _first_column(data / "dist.male.first") | _first_column(data / "dist.female.first")


@cache
def surnames() -> frozenset[str]:
    """Lower-case surnames ("hardy", "ferrell"); empty without the ``names`` package."""
    data = _data_dir()
    return frozenset() if data is None else _first_column(data / "dist.all.last")


def _first_column(path: Path) -> frozenset[str]:
    with path.open(encoding="ascii") as lines:
        return frozenset(line.split(maxsplit=1)[0].lower() for line in lines if line.strip())


def _data_dir() -> Path | None:
    spec = importlib.util.find_spec("names")
    if spec is None or not spec.submodule_search_locations:
        return None
    data = Path(next(iter(spec.submodule_search_locations)))
    return data if (data / "dist.all.last").exists() else None
