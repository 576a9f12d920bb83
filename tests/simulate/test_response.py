"""Response models on a world whose answer is known: two taste groups, each liking its
own half of the catalogue."""

import numpy as np
import pytest

from kgrec.simulate.response import (
    AttributeAffinity,
    Blended,
    FactorResponse,
    NeighbourResponse,
    auc,
    preferences,
)


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
        else NeighbourResponse.fit(train, n_users, n_items, k=10)
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


def test_attribute_affinity_ranks_a_users_attribute_first_and_blends_scale_free() -> None:
    train, _, test, n_users, n_items = _world()
    affinity = AttributeAffinity.fit(train, n_users, n_items, _attributes())
    scores = affinity.scores(np.arange(n_users))
    # users 0-19 liked only first-half items (attribute 0): those score above the rest
    assert (scores[:20, :15].min(1) > scores[:20, 15:].max(1)).all()
    cf = FactorResponse.fit(train, n_users, n_items, dim=8)
    alone = Blended(cf, affinity, 0.0).scores(np.arange(n_users))
    assert alone.min() == 0.0 and alone.max() == 1.0  # scaled per user
    np.testing.assert_array_equal(
        np.argsort(alone, 1, kind="stable"), np.argsort(cf.scores(np.arange(40)), 1, kind="stable")
    )
    both = Blended(cf, affinity, 0.5)
    assert both.name == "factorisation"
    seen: list[list[int]] = [[] for _ in range(n_users)]
    for u, i in train:
        seen[u].append(int(i))
    assert auc(both.scores(np.arange(n_users)), test, seen) > 0.8
