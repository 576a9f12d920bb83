"""Training the fusion GNN, early-stopped on validation NDCG@10: with BPR (one sampled
negative per positive) or a sampled softmax (each positive against ``negatives`` items
drawn uniformly and shared by the batch: many negatives for the price of one propagation)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from kgrec.config import ModelConfig
from kgrec.device import resolve_device
from kgrec.graph.export import GraphTensors
from kgrec.models.bpr import Progress, train_bpr
from kgrec.models.fusion import FusionGNN, graph_inputs
from kgrec.models.neighbors import NeighbourSampler
from kgrec.models.scorer import FilterPart, score_function
from kgrec.models.types import Validate

__all__ = ["Progress", "TrainResult", "build_model", "sampler_for", "train_fusion"]


@dataclass
class TrainResult:
    """A trained model, the epoch it was taken from, and the learning curve."""

    model: FusionGNN
    best_epoch: int
    history: list[dict[str, float]] = field(default_factory=list)


def build_model(gt: GraphTensors, config: ModelConfig) -> FusionGNN:
    """A fresh FusionGNN sized for ``gt``."""
    return FusionGNN(
        gt.num_nodes,
        len(gt.relations),
        gt.text.size(1),
        config.dim,
        config.layers,
        config.use_text,
        config.temperature,
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
    gen = torch.Generator().manual_seed(config.seed)
    device = resolve_device(config.device)
    model = build_model(gt, config).to(device)
    user_nodes = gt.users.to(device)
    item_nodes = gt.items.to(device)
    graph = graph_inputs(gt, device)  # on the device once, not per step
    sampler = sampler_for(gt, config)

    if config.loss == "softmax" and base is not None:
        raise ValueError("the softmax loss trains the GNN alone (base=None)")
    n_items = len(gt.items)

    def step(
        users: torch.Tensor, pos: torch.Tensor, neg: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        if config.loss == "softmax":  # negatives shared by the batch, drawn uniformly
            neg = torch.randint(0, n_items, (min(config.negatives, n_items),), generator=gen)
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
            b, m = len(users), len(neg)
            where = block.position
            u_ix, p_ix, n_ix = where[:b], where[b : 2 * b], where[2 * b : 2 * b + m]
        eu, ep, en = (prop.readout(prop.final[ix]) for ix in (u_ix, p_ix, n_ix))
        positive = (eu * ep).sum(1)
        if config.loss == "softmax":
            against = eu @ en.T  # (batch, negatives)
            hit = pos.to(device)[:, None] == neg.to(device)[None, :]
            logits = torch.cat([positive[:, None], against.masked_fill(hit, -torch.inf)], 1)
            loss = -nn.functional.log_softmax(logits, 1)[:, 0].mean()
        else:
            margin = positive - (eu * en).sum(1)
            if base is not None:
                margin = margin + (base.pairs(users, pos) - base.pairs(users, neg)).to(device)
            loss = -nn.functional.logsigmoid(margin).mean()
        reg = (
            prop.ego[u_ix].pow(2).sum() + prop.ego[p_ix].pow(2).sum() + prop.ego[n_ix].pow(2).sum()
        ) / (2 * len(users))
        return loss, loss + config.weight_decay * reg

    def check(epoch: int) -> float:
        assert validate is not None
        # epoch 0 is the filter alone: what is used (w = 0) if no epoch of the GNN beats it
        weight = 0.0 if epoch == 0 else 1.0
        return validate(score_function(model.propagate(*graph), gt, base, weight))

    fitted = train_bpr(
        model,
        step,
        train_pairs,
        len(gt.items),
        config,
        gen,
        None if validate is None else check,
        epochs,
        progress,
        check_first=base is not None,
    )
    return TrainResult(model=model.cpu(), best_epoch=fitted.best_epoch, history=fitted.history)
