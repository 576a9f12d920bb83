"""Per-user train / valid / test splits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kgrec.config import SplitConfig


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
    if config.method == "temporal" and "timestamp" in frame.columns:
        order = frame.sort_values(["user_id", "timestamp"], kind="stable").index
    else:
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
