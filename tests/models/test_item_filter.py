"""The knowledge-aware item filter against a numpy closed form, and what it adds."""

import numpy as np
import pytest
import torch

from kgrec.evaluation.ranking import ranking_metrics
from kgrec.graph.export import GraphTensors
from kgrec.models import item_filter as F
from kgrec.models.history import Histories
from kgrec.models.types import ScoreFn

# 4 users × 4 items; item 3 has no interaction but shares a genre with item 0
X = np.array([[1, 1, 0, 0], [1, 1, 1, 0], [0, 1, 1, 0], [1, 0, 0, 0]], dtype=float)
PAIRS = np.argwhere(X > 0).astype(np.int64)


def _graph(text: np.ndarray) -> GraphTensors:
    # nodes 0-3 users, 4-7 items, 8 a genre linked to items 0 and 3 (both directions)
    edges = [(4, 8), (8, 4), (7, 8), (8, 7)]
    edges += [(int(u), 4 + int(i)) for u, i in PAIRS] + [(4 + int(i), int(u)) for u, i in PAIRS]
    full = torch.zeros(9, text.shape[1])
    full[4:8] = torch.as_tensor(text, dtype=torch.float32)
    has = torch.zeros(9, 1)
    has[4:8] = 1.0
    return GraphTensors(
        node_ids=[f"n{k}" for k in range(9)],
        labels=np.array(["User"] * 4 + ["Item"] * 4 + ["Genre"]),
        names=[f"n{k}" for k in range(9)],
        users=torch.arange(4),
        items=torch.arange(4, 8),
        relations=["HAS_GENRE", "INTERACTED"],
        edge_index=torch.tensor(edges).T,
        edge_type=torch.tensor([0] * 4 + [1] * (2 * len(PAIRS))),
        text=full,
        has_text=has,
    )


TEXT = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8], [0.8, 0.6]])


def _closed_form(gram: np.ndarray, lam: float) -> np.ndarray:
    p = np.linalg.inv(gram + lam * np.eye(len(gram)))
    b = np.eye(len(gram)) - p / np.diag(p)[None, :]
    np.fill_diagonal(b, 0.0)
    return b


def test_filter_is_the_closed_form_over_all_three_grams() -> None:
    grams = F.FilterGrams.of(_graph(TEXT), PAIRS)
    a = np.array([[1.0, 0.0, 0.0, 1.0]])  # the genre row
    t = TEXT / np.linalg.norm(TEXT, axis=1, keepdims=True)
    np.testing.assert_allclose(grams.interactions.numpy(), X.T @ X)
    np.testing.assert_allclose(grams.attributes.numpy(), a.T @ a)
    np.testing.assert_allclose(grams.text.numpy(), t @ t.T, atol=1e-6)
    f = F.fit(grams, lam=0.5, alpha=2.0, beta=3.0, keep=10)
    want = X @ _closed_form(X.T @ X + 2.0 * a.T @ a + 3.0 * t @ t.T, 0.5)
    got = f.scores(torch.as_tensor(X, dtype=torch.float32)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_attributes_and_text_score_an_item_nobody_had() -> None:
    grams = F.FilterGrams.of(_graph(TEXT), PAIRS)
    liked_item0 = torch.tensor([[1.0, 0.0, 0.0, 0.0]])
    plain = F.fit(grams, lam=0.5, alpha=0.0, beta=0.0, keep=10).scores(liked_item0)[0]
    assert plain[3] == 0.0  # interactions alone know nothing of item 3
    rich = F.fit(grams, lam=0.5, alpha=2.0, beta=0.0, keep=10).scores(liked_item0)[0]
    assert rich[3] > 0.0  # the shared genre links it to item 0


def test_keep_prunes_each_column_to_its_largest_weights() -> None:
    grams = F.FilterGrams.of(_graph(TEXT), PAIRS)
    full = F.fit(grams, lam=0.5, alpha=2.0, beta=3.0, keep=10)
    one = F.fit(grams, lam=0.5, alpha=2.0, beta=3.0, keep=1)
    assert len(one.values) == 4 and len(full.values) > 4
    for item in range(4):
        rows, weights = full.weights_into(item)
        kept_rows, kept = one.weights_into(item)
        assert abs(float(kept[0])) == float(weights.abs().max())
        assert int(kept_rows[0]) == int(rows[weights.abs().argmax()])
    restored = F.ItemFilter.from_state(one.state())
    assert torch.equal(restored.index, one.index) and torch.equal(restored.values, one.values)


def test_choose_sweeps_one_setting_at_a_time_on_valid() -> None:
    grams = F.FilterGrams.of(_graph(TEXT), PAIRS)
    liked = Histories.of(PAIRS, 4, 4)
    train = [[int(i) for i in np.flatnonzero(row)] for row in X]
    valid = [[3], [], [], []]  # user 0 goes on to item 3, which only the genre links
    grids = ([0.5, 5.0], [0.0, 50.0], [0.0])

    def validate(fn: ScoreFn) -> float:
        return ranking_metrics(fn, 4, train, valid, ks=(10,))["ndcg@10"]

    picked = F.choose(grams, liked, validate, grids, keep=10)
    assert picked.alpha == 50.0
    assert max(t["valid_ndcg@10"] for t in picked.tried) == 1.0
    assert len(picked.tried) <= F.search_size(grids) == 3


def test_weights_into_an_item_are_its_column_of_b() -> None:
    grams = F.FilterGrams.of(_graph(TEXT), PAIRS)
    f = F.fit(grams, lam=0.5, alpha=2.0, beta=3.0, keep=2)
    dense = torch.zeros(4, 4)
    dense[f.index[0], f.index[1]] = f.values
    for item in range(4):
        rows, weights = f.weights_into(item)
        got = torch.zeros(4)
        got[rows] = weights
        torch.testing.assert_close(got, dense[:, item])
        assert len(rows) <= 2


def test_one_history_scored_from_its_rows_equals_the_product() -> None:
    grams = F.FilterGrams.of(_graph(TEXT), PAIRS)
    f = F.fit(grams, lam=0.5, alpha=2.0, beta=3.0, keep=3)
    for items, weights in (([0, 2], [1.0, 0.5]), ([1], [2.0]), ([], []), ([3, 0, 3], [1, 1, 1])):
        x = torch.zeros(1, 4)
        for i, w in zip(items, weights, strict=True):
            x[0, i] += w  # an item given twice counts twice, as in the product
        got = f.scores_for(torch.tensor(items, dtype=torch.long), torch.tensor(weights))
        torch.testing.assert_close(got, f.scores(x)[0])


def test_columns_of_several_items_are_their_weights_into() -> None:
    f = F.fit(F.FilterGrams.of(_graph(TEXT), PAIRS), lam=0.5, alpha=2.0, beta=3.0, keep=2)
    items = torch.tensor([2, 0, 3])
    of, rows, weights = f.columns(items)
    for k, item in enumerate(items.tolist()):
        want_rows, want = f.weights_into(item)
        assert torch.equal(rows[of == k], want_rows) and torch.equal(weights[of == k], want)


def _dense(f: F.ItemFilter) -> np.ndarray:
    out = np.zeros((f.n_items, f.n_items))
    out[f.index[0].numpy(), f.index[1].numpy()] = f.values.numpy()
    return out


def _grams(gram: np.ndarray) -> F.FilterGrams:
    none = torch.zeros_like(torch.as_tensor(gram))
    return F.FilterGrams(torch.as_tensor(gram), none, none)


def test_items_added_online_get_the_weights_a_refit_computes() -> None:
    rng = np.random.default_rng(0)
    n, m, users = 12, 3, 30
    x = (rng.random((users, n + m)) < 0.3).astype(float)
    x[:, n:] = 0.0  # new items: no interactions yet
    a = (rng.random((5, n + m)) < 0.4).astype(float)
    t = rng.normal(size=(n + m, 4))
    t /= np.linalg.norm(t, axis=1, keepdims=True)
    gram = x.T @ x + 2.0 * a.T @ a + 3.0 * t @ t.T
    full = F.fit(_grams(gram), lam=0.7, alpha=0.0, beta=0.0, keep=n + m)
    old = F.fit(_grams(gram[:n, :n]), lam=0.7, alpha=0.0, beta=0.0, keep=n)
    added = old.with_items(torch.as_tensor(gram[:n, n:]), torch.as_tensor(gram[n:, n:]), n + m)
    np.testing.assert_allclose(_dense(added), _dense(full), atol=1e-10)
    assert added.diag is not None and full.diag is not None
    np.testing.assert_allclose(added.diag.numpy(), full.diag.numpy(), rtol=1e-10)
    # twice in a row (one item, then two) is the same as all at once
    one = old.with_items(
        torch.as_tensor(gram[:n, n : n + 1]), torch.as_tensor(gram[n:-2, n:-2]), 99
    )
    two = one.with_items(
        torch.as_tensor(gram[: n + 1, n + 1 :]), torch.as_tensor(gram[-2:, -2:]), 99
    )
    np.testing.assert_allclose(_dense(two), _dense(full), atol=1e-10)


def test_added_items_keep_their_largest_weights_only() -> None:
    rng = np.random.default_rng(1)
    t = rng.normal(size=(20, 3))
    gram = t @ t.T + np.eye(20)
    old = F.fit(_grams(gram[:18, :18]), lam=1.0, alpha=0.0, beta=0.0, keep=4)
    added = old.with_items(torch.as_tensor(gram[:18, 18:]), torch.as_tensor(gram[18:, 18:]), 4)
    cols = added.index[1]
    for k in (18, 19):
        assert int((cols == k).sum()) <= 4  # its column
        assert int(((added.index[0] == k) & (cols < 18)).sum()) <= 4  # its row, old columns
    assert added.n_items == 20


def test_gram_operator_columns_are_the_gram_matrix_columns() -> None:
    gt = _graph(TEXT)
    grams = F.FilterGrams.of(gt, PAIRS)
    op = F.GramOperator.of(gt, torch.as_tensor(PAIRS), (0.5, 2.0, 3.0))
    want = grams.interactions + 2.0 * grams.attributes + 3.0 * grams.text
    cols = op.columns(torch.tensor([2, 3]))
    np.testing.assert_allclose(cols.numpy(), want[:, 2:].numpy(), atol=1e-5)
    np.testing.assert_allclose(op.diagonal().numpy(), want.diagonal().numpy() + 0.5, atol=1e-5)
    rhs = torch.randn(4, 2, dtype=torch.float64)
    exact = torch.linalg.solve(want.double() + 0.5 * torch.eye(4, dtype=torch.float64), rhs)
    np.testing.assert_allclose(op.solve(rhs).numpy(), exact.numpy(), rtol=1e-5, atol=1e-8)


def test_a_filter_that_keeps_few_weights_adds_items_exactly_with_the_solver() -> None:
    rng = np.random.default_rng(2)
    n, m, users = 30, 3, 60
    x = (rng.random((users, n + m)) < 0.2).astype(float)
    x[:, n:] = 0.0
    a = (rng.random((6, n + m)) < 0.3).astype(float)
    t = rng.normal(size=(n + m, 4))
    t /= np.linalg.norm(t, axis=1, keepdims=True)
    gram = x.T @ x + 2.0 * a.T @ a + 3.0 * t @ t.T
    full = _dense(F.fit(_grams(gram), lam=0.7, alpha=0.0, beta=0.0, keep=n + m))
    old = F.fit(_grams(gram[:n, :n]), lam=0.7, alpha=0.0, beta=0.0, keep=5)
    op = F.GramOperator(
        torch.as_tensor(x[:, :n]).float().to_sparse(),
        torch.as_tensor(a[:, :n]).float().to_sparse(),
        torch.as_tensor(t[:n]).float(),
        0.7,
        2.0,
        3.0,
    )
    cross, own = torch.as_tensor(gram[:n, n:]), torch.as_tensor(gram[n:, n:])
    solved = _dense(old.with_items(cross, own, n + m, op.solve))
    guessed = _dense(old.with_items(cross, own, n + m))
    # the new items' rows and columns: exact with the solver, off without it
    parts = [np.s_[:, n:], np.s_[n:, :]]
    for part in parts:
        np.testing.assert_allclose(solved[part], full[part], atol=1e-5)
    assert max(np.abs(guessed[p] - full[p]).max() for p in parts) > 1e-3
    # the old weights kept are the refit's at those places
    kept = solved[:n, :n] != 0
    np.testing.assert_allclose(solved[:n, :n][kept], full[:n, :n][kept], atol=1e-5)


def test_a_filter_saved_without_its_diagonal_cannot_add_items() -> None:
    f = F.fit(F.FilterGrams.of(_graph(TEXT), PAIRS), lam=0.5, alpha=1.0, beta=1.0, keep=3)
    restored = F.ItemFilter.from_state(f.state())
    assert restored.settings == (0.5, 1.0, 1.0)
    bare = F.ItemFilter(f.index, f.values, f.n_items)
    with pytest.raises(ValueError, match="refit"):
        bare.with_items(torch.zeros(4, 1), torch.ones(1, 1), 3)
