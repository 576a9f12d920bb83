"""How good the explanations of a model's top-k recommendations are.

For every evaluated user, the model's top ``k`` items (known items excluded, as in the
ranking metrics) are explained (``kgrec.reasoning.explainer``) and measured:

* **coverage**: share of recommendations with at least one path;
* **deletion fidelity**: delete the top path's end edges (the user's edge into the path,
  the item's edge out of it) and re-score the item with the model
  (``kgrec.models.scorer.Scorer.score_without``); do the same for a random other path
  *of the same type* (same relationship sequence) among the item's strongest
  ``max_paths``. The share of recommendations where deleting the top path lowers the
  score more, over those that have a second path of that type (``fidelity_cases``);
* **mean score drop**: the share of the item's score lost when its top path is deleted;
* **path-type diversity**: distinct relationship sequences among the top paths of a
  user's list, divided by the list's length (1 = every reason of a different kind);
* **path recency** (where interactions have times): how recent the liked item a top path
  starts from is in the user's history, 1 for the latest, 0 for the first (the
  linked-interaction recency of path-reasoning recommenders);
* **shared-entity popularity**: the share of all items linked to the node a top path goes
  through (a genre carried by half the catalogue scores 0.5): lower is a more specific
  reason.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

import numpy as np
import torch

from kgrec.models.history import Histories
from kgrec.reasoning.explainer import Explainer


def explanation_metrics(
    explainer: Explainer,
    history: Histories,
    users: Sequence[int],
    exclude: Sequence[Sequence[int]],
    candidates: Sequence[int] | None = None,
    k: int = 10,
    times: tuple[np.ndarray, np.ndarray] | None = None,
    max_paths: int = 50,
    seed: int = 0,
) -> dict[str, float]:
    """The measures above for the user positions ``users`` scored from ``history``.

    ``exclude`` holds each user's known item positions; ``candidates`` the item
    positions ranked (None: all); ``times`` the (user, item) position pairs of
    ``history`` and their times, for path recency."""
    gt, scorer, paths = explainer.gt, explainer.scorer, explainer.paths
    n_items = len(gt.items)
    ranked = torch.ones(n_items, dtype=torch.bool)
    if candidates is not None:
        ranked[:] = False
        ranked[list(candidates)] = True
    share = _item_share(explainer)
    recency = _recency(times) if times is not None else None
    rng = np.random.default_rng(seed)
    covered = pairs = cases = wins = 0
    drops: list[float] = []
    diversity: list[float] = []
    recent: list[float] = []
    popular: list[float] = []
    for u in users:
        node = int(gt.users[u])
        _, items, weights = history.entries(torch.tensor([u]))
        state = scorer.state(node, items, weights)
        scores = scorer.scores(state)
        scores[~ranked] = -torch.inf
        scores[list(exclude[u])] = -torch.inf
        shown = torch.topk(scores, min(k, int(torch.isfinite(scores).sum()))).indices.tolist()
        exps = explainer.explanations(paths.node(node), state, shown, max_paths)
        types = set()
        for item, exp in zip(shown, exps, strict=True):
            pairs += 1
            if not exp.paths:
                continue
            covered += 1
            best = exp.paths[0]
            types.add(best.relationships)
            whole = explainer.score_without(state, item)
            drop = whole - explainer.score_without(state, item, best)
            if whole:
                drops.append(drop / abs(whole))
            alike = [p for p in exp.paths[1:] if p.relationships == best.relationships]
            if alike:
                other = alike[int(rng.integers(len(alike)))]
                cases += 1
                wins += drop > whole - explainer.score_without(state, item, other)
            via = paths.index[best.nodes[-2].node_id]
            popular.append(float(share[via]))
            first = int(scorer.links.item_pos[paths.index[best.nodes[1].node_id]])
            if recency is not None and first >= 0 and (u, first) in recency:
                recent.append(recency[(u, first)])
        if shown:
            diversity.append(len(types) / len(shown))
    out = {
        "coverage": covered / pairs if pairs else 0.0,
        "deletion_fidelity": wins / cases if cases else 0.0,
        "mean_score_drop": _mean(drops),
        "path_type_diversity": _mean(diversity),
        "shared_entity_popularity": _mean(popular),
        "recommendations": float(pairs),
        "fidelity_cases": float(cases),
    }
    if recency is not None:
        out["path_recency"] = _mean(recent)
    return out


def _mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else 0.0


def _item_share(explainer: Explainer) -> torch.Tensor:
    """Per node, the share of all items it is linked to."""
    gt = explainer.gt
    is_item = torch.zeros(gt.num_nodes, dtype=torch.bool)
    is_item[gt.items] = True
    src, dst = gt.edge_index
    linked = torch.bincount(src[is_item[dst]], minlength=gt.num_nodes)
    return linked.float() / max(len(gt.items), 1)


def _recency(times: tuple[np.ndarray, np.ndarray]) -> dict[tuple[int, int], float]:
    """(user, item) → the item's place in the user's history by time, 0 first, 1 last."""
    pairs, when = times
    order = np.lexsort((when, pairs[:, 0]))
    users = pairs[order, 0]
    starts = np.r_[0, np.flatnonzero(users[1:] != users[:-1]) + 1]
    sizes = np.diff(np.r_[starts, len(users)])
    place = np.arange(len(users)) - np.repeat(starts, sizes)
    denom = np.maximum(np.repeat(sizes, sizes) - 1, 1)
    return {
        (int(u), int(i)): float(r) for (u, i), r in zip(pairs[order], place / denom, strict=True)
    }
