"""One evaluator for every model: full ranking over all items, with known items excluded."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch

from kgrec.graph.split import SplitData
from kgrec.models.types import ScoreFn, Validate

__all__ = ["ScoreFn", "ranking_metrics", "valid_ndcg"]


def ranking_metrics(
    score_fn: ScoreFn,
    n_users: int,
    exclude: Sequence[Sequence[int]],
    truth: Sequence[Sequence[int]],
    ks: Sequence[int] = (10, 20),
    chunk: int = 1024,
    candidates: Sequence[int] | None = None,
    popularity: np.ndarray | None = None,
    item_vectors: torch.Tensor | None = None,
) -> dict[str, float]:
    """Recall, NDCG, Hit, MRR and Precision at each k, and catalogue coverage at each k.

    ``exclude[u]`` are item positions never ranked for user u (train, and valid when
    testing); ``truth[u]`` the held-out item positions. Users without truth are skipped.
    NDCG uses binary relevance, a log2 discount and IDCG over min(|truth|, k). Users are
    scored ``chunk`` at a time so memory stays bounded.

    ``candidates``: the only item positions that may be ranked (e.g. the items of a
    benchmark's split files; default every item); coverage is over them. With
    ``popularity`` (training interactions per item), ``novelty@k`` is the mean
    self-information -log2(share of users who had the item) of the recommended items.
    With ``item_vectors`` (one L2-normalised row per item; a zero row for an item without
    one), ``diversity@k`` is the mean pairwise cosine distance within each top-k list
    (intra-list diversity), over the pairs whose items both have a vector and the lists
    that hold such a pair.
    """
    kmax = max(ks)
    sums = {f"{m}@{k}": 0.0 for k in ks for m in ("recall", "ndcg", "hit", "mrr", "precision")}
    shown: dict[int, set[int]] = {k: set() for k in ks}
    evaluated = 0
    users = [u for u in range(n_users) if len(truth[u]) > 0]
    discount = 1.0 / np.log2(np.arange(2, kmax + 2))
    blocked: torch.Tensor | None = None
    extra = {f"{m}@{k}": 0.0 for k in ks for m in ("novelty", "diversity")}
    lists = dict.fromkeys(ks, 0)  # top-k lists with a pair of items that have vectors
    info = None
    if popularity is not None:
        share = np.asarray(popularity, dtype=float) / max(n_users, 1)
        info = -np.log2(np.clip(share, 1.0 / max(n_users, 1), 1.0))
    for start in range(0, len(users), chunk):
        batch = users[start : start + chunk]
        scores = score_fn(torch.as_tensor(batch, dtype=torch.long)).float().clone()
        if candidates is not None and blocked is None:
            blocked = torch.ones(scores.size(1), dtype=torch.bool)
            blocked[torch.as_tensor(list(candidates), dtype=torch.long)] = False
        if blocked is not None:
            scores[:, blocked] = -math.inf
        for row, u in enumerate(batch):
            if len(exclude[u]):
                scores[row, torch.as_tensor(list(exclude[u]), dtype=torch.long)] = -math.inf
        top = torch.topk(scores, min(kmax, scores.size(1)), dim=1).indices.cpu().numpy()
        for k in ks:
            if info is not None:
                extra[f"novelty@{k}"] += float(info[top[:, :k]].mean(axis=1).sum())
            if item_vectors is not None and k > 1:
                v = item_vectors[torch.as_tensor(top[:, :k])]
                has = (v.norm(dim=2) > 0).float().sum(dim=1)
                pairs = has * (has - 1)  # ordered pairs of items that both have a vector
                own = (v * v).sum(dim=(1, 2))
                sim = (v @ v.transpose(1, 2)).sum(dim=(1, 2)) - own  # off-diagonal sum
                ok = pairs > 0
                extra[f"diversity@{k}"] += float((1.0 - sim[ok] / pairs[ok]).sum())
                lists[k] += int(ok.sum())
        for row, u in enumerate(batch):
            relevant = set(truth[u])
            hits = np.array([item in relevant for item in top[row]], dtype=float)
            for k in ks:
                h = hits[:k]
                n_hit = h.sum()
                ideal = discount[: min(len(relevant), k)].sum()
                first = np.flatnonzero(h)
                sums[f"recall@{k}"] += n_hit / len(relevant)
                sums[f"precision@{k}"] += n_hit / k
                sums[f"hit@{k}"] += float(n_hit > 0)
                sums[f"ndcg@{k}"] += float((h * discount[: len(h)]).sum() / ideal)
                sums[f"mrr@{k}"] += 1.0 / (first[0] + 1) if len(first) else 0.0
                shown[k].update(int(i) for i in top[row, :k])
            evaluated += 1
    n_items = score_fn(torch.as_tensor(users[:1], dtype=torch.long)).size(1) if users else 1
    n_ranked = len(set(candidates)) if candidates is not None else n_items
    out = {name: value / max(evaluated, 1) for name, value in sums.items()}
    out |= {f"coverage@{k}": len(shown[k]) / max(n_ranked, 1) for k in ks}
    if info is not None:
        out |= {f"novelty@{k}": extra[f"novelty@{k}"] / max(evaluated, 1) for k in ks}
    if item_vectors is not None:
        out |= {f"diversity@{k}": extra[f"diversity@{k}"] / max(lists[k], 1) for k in ks if k > 1}
    out["users"] = float(evaluated)
    return out


def valid_ndcg(split: SplitData) -> Validate:
    """Validation NDCG@10 on ``split`` (training items excluded): what every setting of
    every model is chosen by."""

    def validate(fn: ScoreFn, users: Sequence[int] | None = None) -> float:
        truth = split.valid_lists
        if users is not None:
            keep = set(users)
            truth = [t if u in keep else [] for u, t in enumerate(truth)]
        return ranking_metrics(
            fn,
            split.n_users,
            split.train_lists,
            truth,
            ks=(10,),
            candidates=split.candidates,
        )["ndcg@10"]

    return validate
