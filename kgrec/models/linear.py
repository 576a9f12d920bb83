r"""Item-item linear baselines: ItemKNN and EASE, scored by kgrec's one evaluator.

Both score a user's items as :math:`s_u = x_u B` from the binary training matrix
:math:`X` (users × items) and an item-item matrix :math:`B`:

* **ItemKNN** — :math:`B_{ij}` is the cosine similarity of item columns *i* and *j*,
  kept for each item's ``neighbours`` most similar items (zero on the diagonal).
* **EASE** (Steck, 2019) — :math:`B = I - P\,\mathrm{diag}(1/\mathrm{diag}(P))`,
  :math:`P = (X^\top X + \lambda I)^{-1}`: the least-squares item-item model with a zero
  diagonal, in closed form — kgrec's item filter with neither attributes nor text, fitted
  by the same code (``kgrec.models.item_filter.fit`` with α = β = 0).

Only items with at least one training interaction enter :math:`B`; the others cannot be
scored by these models and rank last. Hyper-parameters (``neighbours``, :math:`\lambda`)
are picked on the validation split by :func:`choose_on_valid`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import torch

from kgrec.models import item_filter
from kgrec.models.history import Histories
from kgrec.models.types import ScoreFn, Validate

#: Score given to items a linear model cannot score (no training interaction).
_UNSCORED = -1e9


def _matrix(train_pairs: np.ndarray, n_users: int, n_items: int) -> tuple[torch.Tensor, np.ndarray]:
    x = torch.zeros(n_users, n_items)
    x[torch.as_tensor(train_pairs[:, 0]), torch.as_tensor(train_pairs[:, 1])] = 1.0
    active = np.flatnonzero(x.sum(0).numpy() > 0)
    return x, active


def _scorer(
    x: torch.Tensor, active: np.ndarray, b: torch.Tensor, history: np.ndarray | None
) -> ScoreFn:
    if history is not None:  # B is fitted on the training pairs, users scored from these
        x, _ = _matrix(history, x.size(0), x.size(1))
    cols = torch.as_tensor(active)
    xa = x[:, cols]

    def score(batch: torch.Tensor) -> torch.Tensor:
        out = torch.full((len(batch), x.size(1)), _UNSCORED)
        out[:, cols] = xa[batch] @ b
        return out

    return score


def itemknn(
    train_pairs: np.ndarray,
    n_users: int,
    n_items: int,
    neighbours: int = 100,
    history: np.ndarray | None = None,
) -> ScoreFn:
    """ItemKNN with cosine similarity and ``neighbours`` neighbours per item; users are
    scored from ``history`` pairs where given (else from ``train_pairs``)."""
    x, active = _matrix(train_pairs, n_users, n_items)
    xa = x[:, torch.as_tensor(active)]
    norms = xa.norm(dim=0).clamp(min=1e-12)
    sim = (xa.T @ xa) / (norms[:, None] * norms[None, :])
    sim.fill_diagonal_(0.0)
    k = min(neighbours, sim.size(0) - 1)
    if k > 0:
        keep = torch.topk(sim, k, dim=0).indices  # each column keeps its k neighbours
        mask = torch.zeros_like(sim, dtype=torch.bool).scatter_(0, keep, True)
        sim = sim * mask
    return _scorer(x, active, sim, history)


def ease(
    train_pairs: np.ndarray,
    n_users: int,
    n_items: int,
    lam: float = 500.0,
    history: np.ndarray | None = None,
) -> ScoreFn:
    """EASE with L2 weight ``lam``: kgrec's item filter with neither attributes nor text
    (α = β = 0, every weight kept; ``kgrec.models.item_filter``), so the two share one
    implementation. Users are scored from ``history`` pairs where given (else from
    ``train_pairs``); items without a training interaction rank last."""
    grams = item_filter.FilterGrams.interactions_only(train_pairs, n_users, n_items)
    b = item_filter.fit(grams, lam, 0.0, 0.0, keep=n_items)
    x = Histories.of(train_pairs if history is None else history, n_users, n_items)
    unscored = torch.as_tensor(np.bincount(train_pairs[:, 1], minlength=n_items) == 0)

    def score(batch: torch.Tensor) -> torch.Tensor:
        out = b.scores(x.rows(batch))
        out[:, unscored] = _UNSCORED
        return out

    return score


Fit = Callable[[float], ScoreFn]


def choose_on_valid(
    fit: Fit, grid: Iterable[float], validate: Validate
) -> tuple[float, ScoreFn, list[dict[str, float]]]:
    """Fit once per value in ``grid``; keep the one ``validate`` scores best."""
    best: tuple[float, float, ScoreFn] | None = None
    tried = []
    for value in grid:
        fn = fit(value)
        ndcg = validate(fn)
        tried.append({"value": float(value), "valid_ndcg@10": ndcg})
        if best is None or ndcg > best[1]:
            best = (float(value), ndcg, fn)
    assert best is not None, "empty grid"
    return best[0], best[2], tried


def popularity_scores(train_pairs: np.ndarray, n_items: int) -> ScoreFn:
    """Every user gets the items ranked by their number of training interactions."""
    counts = torch.as_tensor(np.bincount(train_pairs[:, 1], minlength=n_items), dtype=torch.float32)
    return lambda batch: counts.expand(len(batch), n_items)
