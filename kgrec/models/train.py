"""Training the fusion GNN with BPR, early-stopped on validation NDCG@10."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from kgrec.config import ModelConfig
from kgrec.device import resolve_device
from kgrec.graph.export import GraphTensors
from kgrec.models.early_stop import EarlyStopping
from kgrec.models.fusion import FusionGNN, graph_inputs
from kgrec.models.neighbors import NeighbourSampler
from kgrec.models.sampling import sample_negatives
from kgrec.models.scorer import FilterPart, score_function
from kgrec.models.types import Validate

#: Called after each epoch with (epoch, loss, valid NDCG@10 or None).
Progress = Callable[[int, float, float | None], None]


@dataclass
class TrainResult:
    """A trained model, the epoch it was taken from, and the learning curve."""

    model: FusionGNN
    best_epoch: int
    history: list[dict[str, float]] = field(default_factory=list)


def build_model(gt: GraphTensors, config: ModelConfig) -> FusionGNN:
    """A fresh FusionGNN sized for ``gt``."""
    return FusionGNN(
        gt.num_nodes, len(gt.relations), gt.text.size(1), config.dim, config.layers, config.use_text
    )


def sampler_for(gt: GraphTensors, config: ModelConfig) -> NeighbourSampler | None:
    """The neighbour sampler for ``config.training`` on ``gt`` (None: full-graph steps)."""
    edges = gt.edge_index.size(1)
    if config.training == "full" or (
        config.training == "auto" and edges <= config.full_graph_max_edges
    ):
        return None
    fanouts = [config.fanouts[min(k, len(config.fanouts) - 1)] for k in range(config.layers)]
    return NeighbourSampler(gt.edge_index, gt.num_nodes, fanouts)


def train_fusion(
    gt: GraphTensors,
    train_pairs: np.ndarray,
    config: ModelConfig,
    validate: Validate | None = None,
    epochs: int | None = None,
    progress: Progress | None = None,
    base: FilterPart | None = None,
) -> TrainResult:
    """Train on ``train_pairs`` (rows of user position, item position).

    With ``validate`` (validation NDCG@10), it is checked every ``eval_every`` epochs and
    the best state is kept (stopping after ``patience`` checks without gain); without
    one, training runs exactly ``epochs`` (default ``config.epochs``) epochs.

    With ``base`` (the item filter's part of the score), the GNN learns the residual:
    BPR runs on ``base + e_u·e_i``, and validation is first checked before any training,
    so ``best_epoch == 0`` says the filter alone did best and the GNN should be left out.
    """
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    gen = torch.Generator().manual_seed(config.seed)
    device = resolve_device(config.device)
    model = build_model(gt, config).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    n_items = len(gt.items)
    user_nodes = gt.users.to(device)
    item_nodes = gt.items.to(device)
    known = torch.as_tensor(train_pairs[:, 0] * n_items + train_pairs[:, 1])
    graph = graph_inputs(gt, device)  # on the device once, not per step
    sampler = sampler_for(gt, config)
    total = epochs or config.epochs
    early = EarlyStopping(config.patience)
    history: list[dict[str, float]] = []

    def check(gnn_weight: float = 1.0) -> float:
        assert validate is not None
        model.eval()
        with torch.inference_mode():
            return validate(score_function(model.propagate(*graph), gt, base, gnn_weight))

    if validate is not None and base is not None:
        # epoch 0 is the filter alone: what is used (w = 0) if no epoch of the GNN beats it
        valid0 = check(gnn_weight=0.0)
        history.append({"epoch": 0.0, "valid_ndcg@10": valid0})
        early.update(0, valid0, model)
    for epoch in range(1, total + 1):
        model.train()
        order = rng.permutation(len(train_pairs))
        losses = []
        for start in range(0, len(order), config.batch_size):
            batch = torch.as_tensor(train_pairs[order[start : start + config.batch_size]])
            users, pos = batch[:, 0], batch[:, 1]
            neg = sample_negatives(users, n_items, known, gen)
            if sampler is None:
                prop = model.propagate(*graph)
                u_ix, p_ix, n_ix = (
                    user_nodes[users.to(device)],
                    item_nodes[pos.to(device)],
                    item_nodes[neg.to(device)],
                )
            else:
                seeds = torch.cat([gt.users[users], gt.items[pos], gt.items[neg]])
                block = sampler.sample(seeds, gen).to(device)
                prop = model.propagate_block(block, *graph)
                u_ix, p_ix, n_ix = block.position.view(3, -1)
            eu, ep, en = prop.final[u_ix], prop.final[p_ix], prop.final[n_ix]
            margin = (eu * ep).sum(1) - (eu * en).sum(1)
            if base is not None:
                margin = margin + (base.pairs(users, pos) - base.pairs(users, neg)).to(device)
            loss = -nn.functional.logsigmoid(margin).mean()
            reg = (
                prop.ego[u_ix].pow(2).sum()
                + prop.ego[p_ix].pow(2).sum()
                + prop.ego[n_ix].pow(2).sum()
            ) / (2 * len(batch))
            opt.zero_grad()
            (loss + config.weight_decay * reg).backward()  # type: ignore[no-untyped-call]
            opt.step()
            losses.append(loss.item())
        row: dict[str, float] = {"epoch": float(epoch), "loss": float(np.mean(losses))}
        valid = None
        if validate is not None and (epoch % config.eval_every == 0 or epoch == total):
            valid = check()
            row["valid_ndcg@10"] = valid
            early.update(epoch, valid, model)
        history.append(row)
        if progress is not None:
            progress(epoch, row["loss"], valid)
        if validate is not None and early.stop:
            break
    early.restore(model)
    model.eval()
    return TrainResult(
        model=model.cpu(), best_epoch=early.best_epoch if validate else total, history=history
    )
