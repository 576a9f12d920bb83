"""Sparse histories and the item filter's part of the score, dense or summed per pair."""

import numpy as np
import torch

from kgrec.models import item_filter as F
from kgrec.models.history import Histories
from kgrec.models.scorer import FilterPart

RNG = np.random.default_rng(0)
N_USERS, N_ITEMS = 30, 12


def _pairs() -> np.ndarray:
    x = RNG.random((N_USERS, N_ITEMS)) < 0.3
    x[5] = False  # a user with no history
    return np.argwhere(x).astype(np.int64)


def test_rows_match_dense_assignment_with_weights_and_duplicates() -> None:
    pairs = np.array([[0, 3], [2, 1], [0, 3], [2, 5]])
    weights = np.array([0.5, 1.0, 0.25, 2.0])  # (0, 3) twice: the last weight stands
    h = Histories.of(pairs, 4, 6, weights)
    want = torch.zeros(4, 6)
    want[0, 3], want[2, 1], want[2, 5] = 0.25, 1.0, 2.0
    torch.testing.assert_close(h.rows(torch.arange(4)), want)
    torch.testing.assert_close(h.rows(torch.tensor([2, 1])), want[[2, 1]])


def test_filter_part_per_pair_equals_dense_scores() -> None:
    pairs = _pairs()
    weights = RNG.random(len(pairs))
    h = Histories.of(pairs, N_USERS, N_ITEMS, weights)
    b = torch.as_tensor(RNG.normal(size=(N_ITEMS, N_ITEMS)), dtype=torch.float32)
    b[RNG.random((N_ITEMS, N_ITEMS)) < 0.4] = 0.0  # sparse, as a pruned filter is
    index = b.nonzero().T
    f = F.ItemFilter(index, b[index[0], index[1]], N_ITEMS)
    want = 3.0 * h.rows(torch.arange(N_USERS)) @ b
    dense = FilterPart(f, 3.0, h)
    lazy = FilterPart(f, 3.0, h, dense_limit=0)  # what a large catalogue uses
    users = torch.as_tensor(RNG.integers(0, N_USERS, 200))
    items = torch.as_tensor(RNG.integers(0, N_ITEMS, 200))
    for part in (dense, lazy):
        torch.testing.assert_close(part.rows(torch.arange(N_USERS)), want, rtol=1e-5, atol=1e-5)
        torch.testing.assert_close(
            part.pairs(users, items), want[users, items], rtol=1e-5, atol=1e-5
        )
    assert float(lazy.pairs(torch.tensor([5]), torch.tensor([0]))) == 0.0
