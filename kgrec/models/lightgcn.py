"""PyG's LightGCN (and BPR-MF, its zero-layer case) as baselines, trained with BPR.

The model is ``torch_geometric.nn.models.LightGCN`` over the user–item graph of the
training pairs (users first, then items); training samples one unseen item per positive,
uses PyG's ``recommendation_loss`` (BPR + L2 on the batch's embeddings) and keeps the
epoch with the best validation NDCG@10, checked every ``eval_every`` epochs — the same
protocol as kgrec's own model, scored by the same evaluator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch_geometric.nn.models import LightGCN

from kgrec.config import ModelConfig
from kgrec.models.early_stop import EarlyStopping
from kgrec.models.sampling import sample_negatives
from kgrec.models.train import Progress
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
    """Train LightGCN with ``layers`` layers (default ``config.layers``; 0 = BPR-MF)."""
    torch.manual_seed(config.seed)
    gen = torch.Generator().manual_seed(config.seed)
    n_layers = config.layers if layers is None else layers
    model = LightGCN(n_users + n_items, config.dim, n_layers)
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    edges = user_item_edges(train_pairs, n_users)
    pairs = torch.as_tensor(train_pairs)
    known = pairs[:, 0] * n_items + pairs[:, 1]
    early = EarlyStopping(config.patience)
    history: list[dict[str, float]] = []

    def scorer() -> ScoreFn:
        with torch.inference_mode():
            emb = model.get_embedding(edges)
        users, items = emb[:n_users], emb[n_users:]
        return lambda batch: users[batch] @ items.T

    for epoch in range(1, config.epochs + 1):
        model.train()
        order = torch.randperm(len(pairs), generator=gen)
        losses = []
        for start in range(0, len(order), config.batch_size):
            batch = pairs[order[start : start + config.batch_size]]
            u, pos = batch[:, 0], batch[:, 1]
            neg = sample_negatives(u, n_items, known, gen)
            emb = model.get_embedding(edges)
            eu, ep, en = emb[u], emb[pos + n_users], emb[neg + n_users]
            loss = model.recommendation_loss(
                (eu * ep).sum(1),
                (eu * en).sum(1),
                node_id=torch.cat([u, pos + n_users, neg + n_users]),
                lambda_reg=config.weight_decay,
            )
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        row = {"epoch": float(epoch), "loss": float(np.mean(losses))}
        if epoch % config.eval_every == 0 or epoch == config.epochs:
            model.eval()
            ndcg = validate(scorer())
            row["valid_ndcg@10"] = ndcg
            early.update(epoch, ndcg, model)
        history.append(row)
        if progress is not None:
            progress(epoch, row["loss"], row.get("valid_ndcg@10"))
        if early.stop:
            break
    early.restore(model)
    model.eval()
    return BaselineRun(scorer(), early.best_epoch, history)
