"""A training graph with its train / valid / test interactions as positions."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from kgrec.graph.export import GraphTensors


@dataclass
class SplitData:
    """A training graph and its train / valid / test pairs as (user, item) positions."""

    gt: GraphTensors
    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray
    #: the only item positions ranked (a benchmark's split files); None = every item
    candidates: list[int] | None = None
    #: interaction times of train, valid and test pairs, where the data has them
    times: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    #: test users are scored from train + valid interactions (else from train only)
    valid_in_test_history: bool = False

    @property
    def n_users(self) -> int:
        """Users in the graph."""
        return len(self.gt.users)

    @property
    def n_items(self) -> int:
        """Items in the graph."""
        return len(self.gt.items)

    def per_user(self, pairs: np.ndarray) -> list[list[int]]:
        """Item positions per user position."""
        out: list[list[int]] = [[] for _ in range(self.n_users)]
        for u, i in pairs:
            out[u].append(int(i))
        return out

    @cached_property
    def train_lists(self) -> list[list[int]]:
        """Training items per user."""
        return self.per_user(self.train)

    @cached_property
    def valid_lists(self) -> list[list[int]]:
        """Validation items per user."""
        return self.per_user(self.valid)

    @cached_property
    def test_lists(self) -> list[list[int]]:
        """Test items per user."""
        return self.per_user(self.test)

    def test_history(self) -> tuple[np.ndarray, np.ndarray | None]:
        """The (user, item) pairs test users are scored from, and their times."""
        times = self.times
        if not self.valid_in_test_history:
            return self.train, times[0] if times is not None else None
        both = np.concatenate([self.train, self.valid])
        return both, np.concatenate(times[:2]) if times is not None else None

    @cached_property
    def known_at_test(self) -> list[list[int]]:
        """Training and validation items per user: never ranked at test time."""
        return [a + b for a, b in zip(self.train_lists, self.valid_lists, strict=True)]
