"""PyG's LightGCN (and BPR-MF, its zero-layer case) as baselines, trained with BPR.

The model is ``torch_geometric.nn.models.LightGCN`` over the user–item graph of the
training pairs (users first, then items), trained by kgrec's own BPR loop
(``kgrec.models.bpr``: the same shuffling, negative sampling, early stopping and
``[model] device`` as kgrec's model) with PyG's ``recommendation_loss`` (BPR + L2 on the
batch's embeddings), and scored by the same evaluator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch_geometric.nn.models import LightGCN

from kgrec.config import ModelConfig
from kgrec.device import resolve_device
from kgrec.models.bpr import Progress, train_bpr
from kgrec.models.types import ScoreFn, Validate


@dataclass
class BaselineRun:
    """A trained baseline's scorer, the epoch it was taken from and its learning curve."""

    score: ScoreFn
    best_epoch: int
    history: list[dict[str, float]] = field(default_factory=list)


def user_item_edges(train_pairs: np.ndarray, n_users: int) -> torch.Tensor:
    """Both directions of every training pair; items are numbered after the users."""
    u = torch.as_tensor(train_pairs[:, 0])
    i = torch.as_tensor(train_pairs[:, 1]) + n_users
    return torch.stack([torch.cat([u, i]), torch.cat([i, u])])


def train_lightgcn(
    train_pairs: np.ndarray,
    n_users: int,
    n_items: int,
    validate: Validate,
    config: ModelConfig,
    layers: int | None = None,
    progress: Progress | None = None,
) -> BaselineRun:
    """Train LightGCN with ``layers`` layers (default ``config.layers``; 0 = BPR-MF) on
    ``config.device``, by kgrec's one BPR loop (``kgrec.models.bpr``)."""
    torch.manual_seed(config.seed)
    gen = torch.Generator().manual_seed(config.seed)
    device = resolve_device(config.device)
    n_layers = config.layers if layers is None else layers
    model = LightGCN(n_users + n_items, config.dim, n_layers).to(device)
    edges = user_item_edges(train_pairs, n_users).to(device)

    def scorer() -> ScoreFn:
        with torch.inference_mode():
            emb = model.get_embedding(edges)
        users, items = emb[:n_users], emb[n_users:]
        return lambda batch: (users[batch.to(device)] @ items.T).cpu()

    def step(
        u: torch.Tensor, pos: torch.Tensor, neg: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        u, pos, neg = u.to(device), pos.to(device), neg.to(device)
        emb = model.get_embedding(edges)
        eu, ep, en = emb[u], emb[pos + n_users], emb[neg + n_users]
        loss: torch.Tensor = model.recommendation_loss(
            (eu * ep).sum(1),
            (eu * en).sum(1),
            node_id=torch.cat([u, pos + n_users, neg + n_users]),
            lambda_reg=config.weight_decay,
        )
        return loss, loss

    fitted = train_bpr(
        model,
        step,
        train_pairs,
        n_items,
        config,
        gen,
        lambda _: validate(scorer()),
        progress=progress,
    )
    return BaselineRun(scorer(), fitted.best_epoch, fitted.history)
