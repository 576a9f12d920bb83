"""The one BPR training loop: kgrec's fusion GNN and the BPR-MF / LightGCN baselines.

Each epoch walks the training pairs in a seeded random order, in batches; each positive
gets one sampled item the user did not have (``kgrec.models.sampling``); the model's
``step`` turns (users, positives, negatives) into a loss, which Adam minimises. With a
validation measure, it is checked every ``eval_every`` epochs (and at the last), the
best state is kept and training stops after ``patience`` checks without gain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from kgrec.config import ModelConfig
from kgrec.models.early_stop import EarlyStopping
from kgrec.models.sampling import sample_negatives

#: Called after each epoch with (epoch, loss, valid NDCG@10 or None, why training stops
#: there before its last epoch or None).
Progress = Callable[[int, float, float | None, str | None], None]

#: One batch: (users, positives, negatives) -> (the BPR loss to report, the loss to minimise).
Step = Callable[[torch.Tensor, torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]


@dataclass
class Fitted:
    """The epoch the kept state is from, and the learning curve."""

    best_epoch: int
    history: list[dict[str, float]] = field(default_factory=list)


def train_bpr(
    model: nn.Module,
    step: Step,
    pairs: np.ndarray,
    n_items: int,
    config: ModelConfig,
    gen: torch.Generator,
    check: Callable[[int], float] | None = None,
    epochs: int | None = None,
    progress: Progress | None = None,
    check_first: bool = False,
) -> Fitted:
    """Train ``model`` in place on ``pairs`` (user, item positions) for at most ``epochs``
    (default ``config.epochs``), keeping the state ``check`` (validation NDCG@10 after the
    epoch it is given) scores best; with ``check_first``, the untrained state is checked
    as epoch 0. ``gen`` draws
    the negatives (and whatever else ``step`` samples)."""
    rng = np.random.default_rng(config.seed)
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    schedule = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=config.lr_decay)
    known = torch.as_tensor(pairs[:, 0] * n_items + pairs[:, 1])
    total = epochs or config.epochs
    early = EarlyStopping(config.patience)
    history: list[dict[str, float]] = []

    def checked(epoch: int) -> float:
        assert check is not None
        model.eval()
        with torch.inference_mode():
            return check(epoch)

    if check is not None and check_first:
        valid0 = checked(0)
        history.append({"epoch": 0.0, "valid_ndcg@10": valid0})
        early.update(0, valid0, model)
    for epoch in range(1, total + 1):
        model.train()
        order = rng.permutation(len(pairs))
        losses = []
        for start in range(0, len(order), config.batch_size):
            batch = torch.as_tensor(pairs[order[start : start + config.batch_size]])
            users, pos = batch[:, 0], batch[:, 1]
            neg = sample_negatives(users, n_items, known, gen)
            reported, loss = step(users, pos, neg)
            opt.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            opt.step()
            losses.append(reported.item())
        schedule.step()
        row: dict[str, float] = {"epoch": float(epoch), "loss": float(np.mean(losses))}
        valid = None
        if check is not None and (epoch % config.eval_every == 0 or epoch == total):
            valid = checked(epoch)
            row["valid_ndcg@10"] = valid
            early.update(epoch, valid, model)
        history.append(row)
        stopped = check is not None and early.stop and epoch < total
        if progress is not None:
            why = (
                f"stopped at epoch {epoch}, best {early.best_epoch}: no gain in "
                f"{config.patience} checks"
                if stopped
                else None
            )
            progress(epoch, row["loss"], valid, why)
        if stopped:
            break
    early.restore(model)
    model.eval()
    return Fitted(early.best_epoch if check is not None else total, history)
