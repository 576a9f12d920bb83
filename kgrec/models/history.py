"""Users' histories as sparse rows (the filter's part of the score over them is
``kgrec.models.scorer.FilterPart``).

A users × items history matrix is dense only a chunk of users at a time, so scoring and
training stay within bounded memory on large catalogues (a million interactions over
100k users and 20k items would be 8 GB dense).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from kgrec.models.ragged import segments
from kgrec.models.recency import recency_weights


@dataclass
class Histories:
    """A sparse users × items matrix in compressed rows (history weights per user)."""

    crow: torch.Tensor  # (n_users + 1,)
    col: torch.Tensor  # (nnz,) item positions
    val: torch.Tensor  # (nnz,) weights
    n_users: int
    n_items: int

    @classmethod
    def of(
        cls, pairs: np.ndarray, n_users: int, n_items: int, weights: np.ndarray | None = None
    ) -> Histories:
        """Histories of the (user, item) position ``pairs``: weight 1 each, or ``weights``.
        A pair given twice keeps its last weight."""
        p = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        w = np.ones(len(p)) if weights is None else np.asarray(weights, dtype=np.float64)
        order = np.argsort(p[:, 0] * n_items + p[:, 1], kind="stable")
        sorted_key = (p[:, 0] * n_items + p[:, 1])[order]
        last = np.r_[sorted_key[1:] != sorted_key[:-1], True][: len(p)]  # as dense assignment
        key = torch.as_tensor(sorted_key[last])
        val = torch.as_tensor(w[order][last], dtype=torch.float32)
        users = key // n_items
        crow = torch.zeros(n_users + 1, dtype=torch.long)
        crow[1:] = torch.cumsum(torch.bincount(users, minlength=n_users), 0)
        return cls(crow, key % n_items, val, n_users, n_items)

    @classmethod
    def timed(
        cls,
        pairs: np.ndarray,
        times: np.ndarray | None,
        n_users: int,
        n_items: int,
        half_life: float | None,
    ) -> Histories:
        """Histories with older interactions faded by ``half_life`` (``kgrec.models.recency``;
        static without times or half-life)."""
        if times is None or half_life is None:
            return cls.of(pairs, n_users, n_items)
        return cls.of(pairs, n_users, n_items, recency_weights(pairs[:, 0], times, half_life))

    def entries(self, users: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(row in ``users``, item, weight) of every history entry of ``users``."""
        users = users.long()
        row, flat = segments(self.crow[users], self.crow[users + 1] - self.crow[users])
        return row, self.col[flat], self.val[flat]

    def rows(self, users: torch.Tensor) -> torch.Tensor:
        """Dense (len(users), n_items) rows of ``users``."""
        row, item, weight = self.entries(users)
        out = torch.zeros(len(users), self.n_items)
        out[row, item] = weight
        return out
