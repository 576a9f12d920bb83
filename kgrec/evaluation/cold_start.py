"""Cold-start items: how well new items (text and attributes, no interactions) are ranked.

A seeded 10% of the items that have test interactions are made *cold*: every train and
valid interaction with them is removed before anything is fitted, so only their text and
attribute links remain. Each user's test interactions with cold items are then ranked
among the cold items alone (Recall@k, NDCG@k), k = 20, or a quarter of the cold items
where there are fewer than 80 of them: ranking 20 items at k = 20 would give every model
a recall of 1. The item filter is refitted on the
reduced interactions with the settings chosen on the ordinary valid split; the ID-only
model is the same filter with neither attributes nor text (α = β = 0), i.e. EASE, which
has nothing to go on for a cold item. Ties are broken by a seeded random order, so a
model that cannot tell cold items apart scores what a random ranking scores.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from kgrec.device import resolve_device
from kgrec.evaluation.ranking import ranking_metrics
from kgrec.graph.split import SplitData
from kgrec.models import item_filter
from kgrec.models.history import Histories
from kgrec.models.item_filter import FilterGrams


def cold_items(split: SplitData, share: float = 0.1, seed: int = 0) -> np.ndarray:
    """A seeded ``share`` of the items with test interactions (at least one)."""
    tested = np.unique(split.test[:, 1])
    rng = np.random.default_rng(seed)
    n = max(1, round(share * len(tested)))
    return np.sort(rng.choice(tested, size=n, replace=False))


def cold_k(pool: int) -> int:
    """The cut-off for ranking ``pool`` cold items: 20, or a quarter of a pool under 80."""
    return 20 if pool >= 80 else max(1, pool // 4)


def cold_start(
    split: SplitData,
    lam: float,
    alpha: float,
    beta: float,
    keep: int,
    share: float = 0.1,
    seed: int = 0,
    device: str | None = None,
) -> dict[str, Any]:
    """Recall@k / NDCG@k on cold items for the filter with text and attributes, with
    each alone, and ID-only; plus how many items, users and test pairs were cold, and k."""
    cold = cold_items(split, share, seed)
    k = cold_k(len(cold))
    is_cold = np.zeros(split.n_items, dtype=bool)
    is_cold[cold] = True
    train = split.train[~is_cold[split.train[:, 1]]]
    test = split.test[is_cold[split.test[:, 1]]]
    truth = split.per_user(test)
    known = split.per_user(train)  # never a cold item: nothing to exclude among them
    grams = FilterGrams.of(split.gt, train).to(resolve_device(device))
    liked = Histories.of(train, split.n_users, split.n_items)
    noise = 1e-6 * torch.rand(split.n_items, generator=torch.Generator().manual_seed(seed))
    variants = {
        "kgrec-filter": (alpha, beta),
        "attributes-only": (alpha, 0.0),
        "text-only": (0.0, beta),
        "id-only (EASE)": (0.0, 0.0),
    }
    out: dict[str, Any] = {
        "items": len(cold),
        "users": sum(1 for t in truth if t),
        "test_pairs": len(test),
        "k": k,
        "models": {},
    }
    done: dict[tuple[float, float], dict[str, float]] = {}
    for name, (a, b) in variants.items():
        if (a, b) not in done:
            f = item_filter.fit(grams, lam, a, b, keep)

            def score(batch: torch.Tensor, f: item_filter.ItemFilter = f) -> torch.Tensor:
                return f.scores(liked.rows(batch)) + noise

            m = ranking_metrics(
                score,
                split.n_users,
                known,
                truth,
                ks=(k,),
                candidates=cold.tolist(),
            )
            done[(a, b)] = {
                f"recall@{k}": float(m[f"recall@{k}"]),
                f"ndcg@{k}": float(m[f"ndcg@{k}"]),
            }
        out["models"][name] = done[(a, b)]
    return out
