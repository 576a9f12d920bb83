"""Response models on a world whose answer is known: two taste groups, each liking its
own half of the catalogue."""

import numpy as np
import pytest

from kgrec.simulate.response import FactorResponse, NeighbourResponse, auc, preferences


def _world(seed: int = 0) -> tuple[np.ndarray, np.ndarray, list[list[int]], int, int]:
    rng = np.random.default_rng(seed)
    n_users, n_items = 40, 30
    pairs = []
    for u in range(n_users):
        own = np.arange(15) if u < 20 else np.arange(15, 30)
        for i in rng.choice(own, 8, replace=False):
            pairs.append((u, int(i)))
    p = np.array(pairs)
    held = rng.random(len(p)) < 0.25
    test: list[list[int]] = [[] for _ in range(n_users)]
    for u, i in p[held]:
        test[u].append(int(i))
    return p[~held], p[held], test, n_users, n_items


def _attributes() -> tuple[np.ndarray, np.ndarray]:
    # attribute 0 on the first half, attribute 1 on the second
    items = np.arange(30)
    return (items >= 15).astype(np.int64), items


@pytest.mark.parametrize("family", ["factorisation", "neighbours"])
def test_both_families_rank_held_out_items_of_the_right_group_first(family: str) -> None:
    train, _, test, n_users, n_items = _world()
    model = (
        FactorResponse.fit(train, n_users, n_items, dim=8)  # the default regularisation
        if family == "factorisation"
        else NeighbourResponse.fit(train, n_users, n_items, _attributes(), k=10)
    )
    assert model.name == family
    scores = model.scores(np.arange(n_users))
    seen: list[list[int]] = [[] for _ in range(n_users)]
    for u, i in train:
        seen[u].append(int(i))
    assert auc(scores, test, seen) > 0.8


def test_preferences_are_percentiles() -> None:
    prefs = preferences(np.array([[0.1, 0.5, 0.3], [3.0, 1.0, 2.0]]))
    np.testing.assert_allclose(prefs, [[0.0, 1.0, 0.5], [1.0, 0.0, 0.5]])


def test_auc_is_one_half_for_ties_and_one_for_a_perfect_order() -> None:
    assert auc(np.array([[1.0, 1.0, 1.0]]), [[0]], [[]]) == 0.5
    assert auc(np.array([[3.0, 1.0, 2.0]]), [[0]], [[]]) == 1.0
    assert auc(np.array([[3.0, 1.0, 2.0]]), [[0]], [[2]]) == 1.0
