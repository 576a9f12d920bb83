"""ItemKNN and EASE against hand-computed and numpy references."""

import numpy as np
import pytest
import torch

from kgrec.evaluation.ranking import ranking_metrics
from kgrec.models.linear import choose_on_valid, ease, itemknn
from kgrec.models.types import ScoreFn


def _pairs(x: np.ndarray) -> np.ndarray:
    return np.argwhere(x > 0).astype(np.int64)


X = np.array([[1, 1, 0, 0], [1, 1, 1, 0], [0, 1, 1, 0], [1, 0, 0, 0]], dtype=float)


def test_ease_matches_the_closed_form() -> None:
    lam = 0.5
    active = [0, 1, 2]  # item 3 has no training interaction
    xa = X[:, active]
    p = np.linalg.inv(xa.T @ xa + lam * np.eye(3))
    b = np.eye(3) - p / np.diag(p)[None, :]
    fn = ease(_pairs(X), 4, 4, lam=lam)
    got = fn(torch.arange(4)).numpy()
    np.testing.assert_allclose(got[:, active], xa @ b, rtol=1e-5, atol=1e-6)
    assert (got[:, 3] < -1e8).all()  # unscorable item ranks last
    np.testing.assert_allclose(np.diag(b), 0.0, atol=1e-9)
    # B from the training pairs, users scored from a longer history (train + valid)
    h = X.copy()
    h[3, 2] = 1.0
    later = ease(_pairs(X), 4, 4, lam=lam, history=_pairs(h))(torch.arange(4)).numpy()
    np.testing.assert_allclose(later[:, active], h[:, active] @ b, rtol=1e-5, atol=1e-6)


def test_itemknn_is_cosine_with_top_neighbours() -> None:
    # cosines: (0,1) = 2/3, (0,2) = 1/sqrt(6), (1,2) = 2/sqrt(6); user 3 had item 0 only
    two = itemknn(_pairs(X), 4, 4, neighbours=2)(torch.tensor([3])).numpy()[0]
    assert two[1] == pytest.approx(2 / 3)
    assert two[2] == pytest.approx(1 / np.sqrt(6))
    assert two[0] == pytest.approx(0.0)  # no self-similarity
    # with one neighbour each, items 1 and 2 keep each other and item 0 counts for neither
    one = itemknn(_pairs(X), 4, 4, neighbours=1)(torch.tensor([3])).numpy()[0]
    np.testing.assert_allclose(one[:3], 0.0, atol=1e-7)


def test_choose_on_valid_picks_the_best_value() -> None:
    calls = []

    def fit(value: float):  # type: ignore[no-untyped-def]
        calls.append(value)
        # value 2 ranks the held-out item (2) first, the others rank it last
        row = [0.0, 1.0, 5.0] if value == 2 else [5.0, 1.0, 0.0]
        return lambda b: torch.tensor([row] * len(b))

    def validate(fn: ScoreFn) -> float:
        return ranking_metrics(fn, 1, [[]], [[2]], ks=(10,))["ndcg@10"]

    value, _, tried = choose_on_valid(fit, [1, 2, 3], validate)
    assert value == 2 and calls == [1, 2, 3] and len(tried) == 3
