"""A simulated world grounded in a pipeline's data: one simulated user per real user, whose
hidden preferences come from a response model fitted on all of that user's interactions
(train, valid and test), while the recommender under test is refitted on train only.

The simulator is validated twice on every run:

* **AUC**: the same response family fitted on train + valid ranks each user's real test
  items above the items they never touched;
* **Kendall τ**: the simulator orders a set of recommenders (popularity, kgrec static, …)
  as their offline NDCG@10 on the test split does (:func:`kendall_tau`; the policies'
  simulated accepts against their offline figures, computed by the caller).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kgrec.errors import ArgumentError
from kgrec.graph.split import SplitData
from kgrec.models.item_filter import item_attribute_links
from kgrec.simulate.loop import World
from kgrec.simulate.response import (
    AttributeAffinity,
    Blended,
    FactorResponse,
    NeighbourResponse,
    ResponseModel,
    auc,
    preferences,
)
from kgrec.simulate.user import Behaviour

#: The response-model families :func:`grounded_world` knows.
FAMILIES = ("factorisation", "neighbours")
#: The attribute-affinity weights a family's blend is chosen among (on the valid split);
#: below 1, so that each family keeps its own collaborative part.
ATTRIBUTE_WEIGHTS = (0.0, 0.1, 0.2, 0.35, 0.5, 0.7, 0.85)


@dataclass(frozen=True)
class Grounded:
    """A world and how well its response model was validated."""

    world: World
    auc: float
    family: str


def response_model(
    family: str,
    pairs: np.ndarray,
    split: SplitData,
    links: tuple[np.ndarray, np.ndarray],
    weight: float,
) -> ResponseModel:
    """A fitted response model of ``family`` on ``pairs``, blended with attribute
    affinities by ``weight``."""
    if family == "factorisation":
        cf: ResponseModel = FactorResponse.fit(pairs, split.n_users, split.n_items)
    elif family == "neighbours":
        cf = NeighbourResponse.fit(pairs, split.n_users, split.n_items)
    else:
        raise ArgumentError(f"unknown response family {family!r}: one of {', '.join(FAMILIES)}")
    affinity = AttributeAffinity.fit(pairs, split.n_users, split.n_items, links)
    return Blended(cf, affinity, weight)


@dataclass(frozen=True)
class Fitted:
    """A response family fitted on all interactions, its attribute weight (chosen on
    valid) and its validation AUC (the family fitted on train + valid, scored on test)."""

    family: str
    model: ResponseModel
    auc: float
    attribute_weight: float


def fit_family(split: SplitData, family: str) -> Fitted:
    """Fit ``family`` for ``split``: the attribute weight that ranks the valid split's
    items best when fitted on train (AUC), then the validation AUC on test when fitted on
    train + valid, then the model of the simulated users, on every interaction."""
    _, rows, items = (t.numpy() for t in item_attribute_links(split.gt))
    links = (rows, items)
    users = np.arange(split.n_users)
    on_train = response_model(family, split.train, split, links, 0.0)
    assert isinstance(on_train, Blended)
    best, best_auc = 0.0, -1.0
    for w in ATTRIBUTE_WEIGHTS:
        score = auc(
            Blended(on_train.collaborative, on_train.affinity, w).scores(users),
            split.valid_lists,
            split.train_lists,
        )
        if score > best_auc:
            best, best_auc = w, score
    seen = np.concatenate([split.train, split.valid])
    check = response_model(family, seen, split, links, best)
    validation = auc(check.scores(users), split.test_lists, split.per_user(seen))
    model = response_model(family, np.concatenate([seen, split.test]), split, links, best)
    return Fitted(family, model, validation, best)


def grounded_world(
    split: SplitData,
    fitted: Fitted,
    n_users: int,
    seed: int,
    behaviour: Behaviour | None = None,
) -> Grounded:
    """Up to ``n_users`` users of ``split`` (drawn with ``seed`` among those with training
    interactions) as simulated users, with hidden preferences from ``fitted``."""
    gt = split.gt
    nodes, rows, items = (t.numpy() for t in item_attribute_links(gt))
    rng = np.random.default_rng(seed)
    active = np.flatnonzero([len(t) > 0 for t in split.train_lists])
    chosen = np.sort(rng.choice(active, min(n_users, len(active)), replace=False))
    prefs = preferences(fitted.model.scores(chosen))
    per_item: list[list[int]] = [[] for _ in range(split.n_items)]
    for r, i in zip(rows.tolist(), items.tolist(), strict=True):
        per_item[i].append(r)
    popularity = np.bincount(split.train[:, 1], minlength=split.n_items).astype(float)
    world = World(
        prefs,
        [np.asarray(a, dtype=np.int64) for a in per_item],
        [gt.names[int(n)] for n in nodes],
        [gt.node_ids[int(gt.users[u])].removeprefix("User:") for u in chosen],
        popularity,
        behaviour or Behaviour(),
    )
    return Grounded(world, fitted.auc, fitted.family)


def kendall_tau(a: list[float], b: list[float]) -> float:
    """Kendall's τ-b of two orderings of the same things (ties counted as neither)."""
    n, concordant, discordant = len(a), 0, 0
    ties_a = ties_b = 0
    for i in range(n):
        for j in range(i + 1, n):
            da, db = np.sign(a[i] - a[j]), np.sign(b[i] - b[j])
            if da == 0 and db == 0:
                continue
            if da == 0:
                ties_a += 1
            elif db == 0:
                ties_b += 1
            elif da == db:
                concordant += 1
            else:
                discordant += 1
    denom = np.sqrt((concordant + discordant + ties_a) * (concordant + discordant + ties_b))
    return float((concordant - discordant) / denom) if denom else float("nan")
