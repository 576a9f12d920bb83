"""Per-user train / valid / test splits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kgrec.config import SplitConfig
from kgrec.data.dataset import Dataset, validate_dataset
from kgrec.data.loaders import read_table
from kgrec.errors import ConfigError, DataError


@dataclass
class Split:
    """Three disjoint interaction frames."""

    train: pd.DataFrame
    valid: pd.DataFrame
    test: pd.DataFrame


def split_interactions(interactions: pd.DataFrame, config: SplitConfig) -> Split:
    """Split each user's interactions 80/10/10 (by default) at random or by time.

    Users with fewer than three interactions keep them all in train. Per user,
    ``round(n * frac)`` interactions (at least one) go to valid and to test.
    """
    rng = np.random.default_rng(config.seed)
    frame = interactions.reset_index(drop=True)
    if config.method == "temporal" and "timestamp" not in frame.columns:
        raise ConfigError(
            "[split] method = 'temporal' needs a timestamp column in the interactions; "
            "this data has none: use method = 'random'"
        )
    if config.method == "temporal":
        order = frame.sort_values(["user_id", "timestamp"], kind="stable").index
    else:
        # a canonical row order first: the random split depends on the interactions and the
        # seed, not on the order rows were read in (a store returns rows in its own order)
        frame = frame.sort_values(["user_id", "item_id"], kind="stable").reset_index(drop=True)
        order = frame.index[rng.permutation(len(frame))]
        order = frame.loc[order].sort_values("user_id", kind="stable").index
    part = np.zeros(len(frame), dtype=np.int8)  # 0 train, 1 valid, 2 test
    positions = pd.Series(np.arange(len(order)), index=order)
    for _, idx in frame.loc[order].groupby("user_id", sort=False).groups.items():
        n = len(idx)
        if n < 3:
            continue
        n_test = max(1, round(n * config.test_frac)) if config.test_frac > 0 else 0
        n_valid = max(1, round(n * config.valid_frac)) if config.valid_frac > 0 else 0
        rows = positions.loc[idx].sort_values().index.to_numpy()
        part[rows[n - n_test :]] = 2
        part[rows[n - n_test - n_valid : n - n_test]] = 1
    return Split(frame[part == 0], frame[part == 1], frame[part == 2])


def read_split_files(paths: Sequence[Path], dataset: Dataset) -> tuple[Dataset, Split]:
    """Pre-made train / valid / test files (e.g. the ones other libraries were measured
    on). Their rows become the data set's interactions; each file is checked like an
    interactions file (errors name file, row and column) against the data set's items,
    and a (user, item) pair may sit in one file only."""
    if len(paths) != 3:
        raise DataError(f"split files: need train, valid and test, got {len(paths)}")
    parts = []
    for path in paths:
        checked = validate_dataset(
            read_table(path),
            dataset.items,
            dataset.users,
            sources={"interactions": str(path)},
            name=dataset.name,
        )
        parts.append(checked.interactions)
    seen: dict[tuple[str, str], str] = {}
    for path, part in zip(paths, parts, strict=True):
        for row, pair in enumerate(zip(part["user_id"], part["item_id"], strict=True)):
            if pair in seen:
                raise DataError(
                    f"user {pair[0]!r}, item {pair[1]!r} is also in {seen[pair]}",
                    file=str(path),
                    row=row + 2,
                    column="item_id",
                )
            seen[pair] = str(path)
    merged = validate_dataset(
        pd.concat(parts, ignore_index=True), dataset.items, dataset.users, name=dataset.name
    )
    merged.links = dataset.links
    return merged, Split(*parts)
