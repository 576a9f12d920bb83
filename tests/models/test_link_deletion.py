"""Deleting two items' links to an attribute: the Woodbury refit equals a real refit, and
the Scorer's first-order effect (what names a path's attribute) is its derivative."""

import numpy as np
import pytest
import torch

from kgrec.config import ModelConfig
from kgrec.graph.export import GraphTensors
from kgrec.models import item_filter
from kgrec.models.fit import KgrecFit
from kgrec.models.link_deletion import FilterRefit
from kgrec.models.scorer import AttributeLinks, Scorer
from kgrec.models.train import build_model

USERS, ITEMS, ATTRS = 12, 15, 6


def _graph(drop: tuple[int, int, int] | None = None) -> tuple[GraphTensors, np.ndarray]:
    """Random users × items × attributes; ``drop`` = (item, liked item, attribute row):
    those two item–attribute links left out."""
    rng = np.random.default_rng(3)
    x = rng.random((USERS, ITEMS)) < 0.35
    a = rng.random((ATTRS, ITEMS)) < 0.4
    a[:, 0] = a[:, 1] = True  # items 0 and 1 share every attribute
    if drop is not None:
        a[drop[2], drop[0]] = a[drop[2], drop[1]] = False
    pairs = np.argwhere(x).astype(np.int64)
    item0, attr0 = USERS, USERS + ITEMS
    edges = [(u, item0 + i) for u, i in pairs] + [(item0 + i, attr0 + r) for r, i in np.argwhere(a)]
    both = edges + [(d, s) for s, d in edges]
    n = USERS + ITEMS + ATTRS
    text = torch.as_tensor(rng.normal(size=(n, 4)), dtype=torch.float32)
    gt = GraphTensors(
        node_ids=[f"n{k}" for k in range(n)],
        labels=np.array(["User"] * USERS + ["Item"] * ITEMS + ["Tag"] * ATTRS),
        names=[f"n{k}" for k in range(n)],
        users=torch.arange(USERS),
        items=torch.arange(item0, attr0),
        relations=["INTERACTED", "HAS_TAG"],
        edge_index=torch.tensor(both).T,
        edge_type=torch.tensor([0 if max(e) < attr0 else 1 for e in both]),
        text=text,
        has_text=torch.ones(n, 1),
    )
    return gt, pairs


def _user_history(pairs: np.ndarray, user: int) -> torch.Tensor:
    """The user's history with unequal weights (as recency fading gives)."""
    x = torch.zeros(ITEMS)
    had = torch.as_tensor(pairs[pairs[:, 0] == user, 1])
    x[had] = 1.0 + 0.1 * had.float()
    return x


def _unseen(pairs: np.ndarray, user: int) -> tuple[int, int]:
    """(scored item, liked item): items 0 and 1, the one ``user`` had liked."""
    had = set(pairs[pairs[:, 0] == user, 1].tolist())
    return (1, 0) if 0 in had else (0, 1)


def _deciding_users(pairs: np.ndarray) -> list[int]:
    """Users who had exactly one of items 0 and 1 (the other is scored)."""
    return [u for u in range(USERS) if len({0, 1} & set(pairs[pairs[:, 0] == u, 1].tolist())) == 1]


def test_the_woodbury_refit_is_the_refit_without_the_links() -> None:
    settings = (2.0, 1.5, 0.5)
    gt, pairs = _graph()
    refit = FilterRefit.of(gt, pairs, settings)
    users = _deciding_users(pairs)
    assert len(users) >= 4
    for user in users:
        item, liked = _unseen(pairs, user)
        x = _user_history(pairs, user)
        woodbury = refit.scores(x, item, liked, [USERS + ITEMS + r for r in range(ATTRS)])
        for r, got in enumerate(woodbury):
            gt_r, _ = _graph((item, liked, r))
            f = item_filter.fit(item_filter.FilterGrams.of(gt_r, pairs), *settings, keep=ITEMS)
            assert got == pytest.approx(float(f.scores(x[None, :])[0, item]), rel=1e-4, abs=1e-6)
        (own,) = refit.scores(x, item)
        f = item_filter.fit(item_filter.FilterGrams.of(gt, pairs), *settings, keep=ITEMS)
        assert own == pytest.approx(float(f.scores(x[None, :])[0, item]), rel=1e-4, abs=1e-6)
        assert len(set(np.round(woodbury, 6))) > 1  # the attributes differ in weight


@pytest.mark.parametrize("summed", [False, True], ids=["kept-weights", "attribute-sums"])
def test_the_first_order_effect_is_the_derivative_of_the_refit(
    summed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # with a small attribute weight a deletion is a small step: first order ≈ exact
    if summed:  # every attribute's sums from the fit, none from the kept weights
        monkeypatch.setattr(item_filter, "SUMMED_ATTRIBUTE_ITEMS", 1)
    settings = (1.0, 1e-3, 0.5)
    gt, pairs = _graph()
    f = item_filter.fit(item_filter.FilterGrams.of(gt, pairs), *settings, keep=ITEMS)
    assert (f.sums is not None) == summed
    model = build_model(gt, ModelConfig(dim=4))
    scorer = Scorer(KgrecFit(model, f, 1.0, 0.0, 0), gt)
    refit = FilterRefit.of(gt, pairs, settings)
    checked = 0
    for user in _deciding_users(pairs):
        had = pairs[pairs[:, 0] == user, 1]
        item, liked = _unseen(pairs, user)
        x = _user_history(pairs, user)
        state = scorer.state(user, torch.as_tensor(had), x[torch.as_tensor(had)])
        attrs = torch.arange(ATTRS) + USERS + ITEMS
        links = AttributeLinks(
            torch.full((ATTRS,), item),
            torch.full((ATTRS,), USERS + liked),
            attrs,
            torch.ones(ATTRS),
            torch.ones(ATTRS),
        )
        first = scorer.link_effects(state, links)
        (own,) = refit.scores(x, item)
        refits = refit.scores(x, item, liked, attrs.tolist())
        exact = torch.tensor(refits, dtype=torch.float64) - own
        assert torch.allclose(first.double(), exact, rtol=0.02, atol=1e-7)
        assert exact.abs().max() > 1e-6  # the links matter
        checked += 1
    assert checked >= 5


def test_a_path_names_the_shared_attribute_whose_deletion_costs_most() -> None:
    from kgrec.reasoning.explainer import Explainer

    # λ as large against the co-counts as on real data, where first order is close
    settings = (20.0, 1.5, 0.5)
    gt, pairs = _graph()
    f = item_filter.fit(item_filter.FilterGrams.of(gt, pairs), *settings, keep=ITEMS)
    model = build_model(gt, ModelConfig(dim=4))
    explainer = Explainer(Scorer(KgrecFit(model, f, 1.0, 0.0, 0), gt))
    refit = FilterRefit.of(gt, pairs, settings)
    checked = 0
    for user in _deciding_users(pairs):
        had = torch.as_tensor(pairs[pairs[:, 0] == user, 1])
        item, liked = _unseen(pairs, user)
        x = _user_history(pairs, user)
        state = explainer.scorer.state(user, had, x[had])
        (exp,) = explainer.explanations(explainer.paths.node(user), state, [item], top=20)
        via_liked = [p for p in exp.paths if p.nodes[1].node_id == f"n{USERS + liked}"]
        assert via_liked and len(via_liked[0].nodes) == 4  # items 0 and 1 share attributes
        named = int(via_liked[0].nodes[2].node_id[1:])
        attrs = list(range(USERS + ITEMS, USERS + ITEMS + ATTRS))
        drops = [-s for s in refit.scores(x, item, liked, attrs)]
        assert attrs[int(np.argmax(drops))] == named
        checked += 1
    assert checked >= 4
