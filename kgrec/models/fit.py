"""Fitting kgrec's whole model on a split: the item filter, then the GNN on its residual.

The score is ``s(u, i) = c·f(u, i) + w·e_u·e_i`` (see ``kgrec.models.fusion`` and
``kgrec.models.item_filter``): the filter's settings are chosen on the valid split first,
then the GNN is trained with BPR on the whole score and early-stopped on valid NDCG@10;
when no epoch beats the filter alone, ``w = 0`` and the GNN is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import torch

from kgrec.config import ModelConfig
from kgrec.device import resolve_device
from kgrec.evaluation.ranking import ScoreFn, ranking_metrics
from kgrec.graph.export import GraphTensors
from kgrec.models import item_filter
from kgrec.models.fusion import FusionGNN
from kgrec.models.history import FilterPart, Histories
from kgrec.models.item_filter import FilterGrams, ItemFilter
from kgrec.models.train import (
    Holdout,
    Progress,
    build_model,
    propagate,
    score_function,
    train_fusion,
)

#: Makes a step callback for a piece of work of ``total`` steps, shown as ``label``.
Steps = Callable[[int, str], Progress]


def no_steps(total: int, label: str) -> Progress:
    """A :data:`Steps` that shows nothing."""
    return lambda *_: None


@dataclass
class SplitData:
    """A training graph and its train / valid / test pairs as (user, item) positions."""

    gt: GraphTensors
    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray
    #: the only item positions ranked (a benchmark's split files); None = every item
    candidates: list[int] | None = None
    #: interaction times of train, valid and test pairs, where the data has them
    times: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    #: test users are scored from train + valid interactions (else from train only)
    valid_in_test_history: bool = False

    @property
    def n_users(self) -> int:
        """Users in the graph."""
        return len(self.gt.users)

    @property
    def n_items(self) -> int:
        """Items in the graph."""
        return len(self.gt.items)

    def per_user(self, pairs: np.ndarray) -> list[list[int]]:
        """Item positions per user position."""
        out: list[list[int]] = [[] for _ in range(self.n_users)]
        for u, i in pairs:
            out[u].append(int(i))
        return out

    @cached_property
    def train_lists(self) -> list[list[int]]:
        """Training items per user."""
        return self.per_user(self.train)

    @cached_property
    def valid_lists(self) -> list[list[int]]:
        """Validation items per user."""
        return self.per_user(self.valid)

    @cached_property
    def test_lists(self) -> list[list[int]]:
        """Test items per user."""
        return self.per_user(self.test)

    def test_history(self) -> tuple[np.ndarray, np.ndarray | None]:
        """The (user, item) pairs test users are scored from, and their times."""
        times = self.times
        if not self.valid_in_test_history:
            return self.train, times[0] if times is not None else None
        both = np.concatenate([self.train, self.valid])
        return both, np.concatenate(times[:2]) if times is not None else None

    @cached_property
    def known_at_test(self) -> list[list[int]]:
        """Training and validation items per user: never ranked at test time."""
        return [a + b for a, b in zip(self.train_lists, self.valid_lists, strict=True)]


@dataclass
class KgrecFit:
    """A fitted kgrec model: GNN, item filter, their weights and how they were chosen."""

    model: FusionGNN
    filter: ItemFilter | None
    filter_scale: float
    gnn_weight: float
    best_epoch: int
    choice: dict[str, Any] = field(default_factory=dict)
    history: list[dict[str, float]] = field(default_factory=list)
    #: recency half-life of users' histories (interactions); None = static
    half_life: float | None = None

    def base(self, liked: Histories) -> FilterPart | None:
        """The filter's part of the score over users' histories (None without a filter)."""
        if self.filter is None:
            return None
        return FilterPart(self.filter, self.filter_scale, liked)

    def train_history(self, split: SplitData) -> Histories:
        """The split's training histories, faded as this model chose."""
        times = split.times[0] if split.times is not None else None
        return Histories.timed(split.train, times, split.n_users, split.n_items, self.half_life)

    def test_history(self, split: SplitData) -> Histories:
        """The histories test users are scored from (``SplitData.test_history``)."""
        pairs, times = split.test_history()
        return Histories.timed(pairs, times, split.n_users, split.n_items, self.half_life)

    def score_function(self, gt: GraphTensors, liked: Histories) -> ScoreFn:
        """Scores of every item for user positions, given the users' histories."""
        with torch.inference_mode():
            prop = propagate(self.model, gt, torch.device("cpu"))
        return score_function(prop, gt, self.base(liked), self.gnn_weight)


def uses_filter(config: ModelConfig, n_items: int) -> bool:
    """Whether the item filter is part of the model for a catalogue of ``n_items``."""
    return config.item_filter and n_items <= config.filter_max_items


@dataclass
class ChosenFilter:
    """The item filter chosen on valid (None when the model has none) and its settings."""

    filter: ItemFilter | None
    choice: dict[str, Any] = field(default_factory=dict)
    half_life: float | None = None


def choose_filter(split: SplitData, config: ModelConfig, steps: Steps = no_steps) -> ChosenFilter:
    """The item filter's (λ, α, β) chosen on the valid split (attributes / text left out
    where ``config`` turns them off)."""
    if not uses_filter(config, split.n_items):
        return ChosenFilter(None)
    grids = (config.filter_lambdas, config.filter_alphas, config.filter_betas)
    if not config.use_attributes:
        grids = (grids[0], [0.0], grids[2])
    if not config.use_text:
        grids = (grids[0], grids[1], [0.0])
    grams = FilterGrams.of(split.gt, split.train).to(resolve_device(config.device))
    step = steps(item_filter.search_size(grids), "item filter: settings chosen on valid")
    picked = item_filter.choose(
        grams,
        Histories.of(split.train, split.n_users, split.n_items),
        split.train_lists,
        split.valid_lists,
        grids,
        config.filter_keep,
        split.candidates,
        on_fit=lambda: step(0, 0.0, None),
    )
    choice: dict[str, Any] = {"lambda": picked.lam, "alpha": picked.alpha, "beta": picked.beta}
    half_life = _choose_half_life(split, picked.filter, config.half_lives)
    choice |= {"half_life": half_life, "tried": picked.tried}
    return ChosenFilter(picked.filter, choice, half_life)


def _choose_half_life(
    split: SplitData, chosen: ItemFilter, half_lives: list[float]
) -> float | None:
    """The recency half-life (or None, static) whose histories score best on valid."""
    if split.times is None or not half_lives:
        return None
    best: tuple[float, float | None] | None = None
    for h in [None, *half_lives]:
        x = Histories.timed(split.train, split.times[0], split.n_users, split.n_items, h)

        def score(batch: torch.Tensor, x: Histories = x) -> torch.Tensor:
            return chosen.scores(x.rows(batch))

        ndcg = ranking_metrics(
            score,
            split.n_users,
            split.train_lists,
            split.valid_lists,
            ks=(10,),
            candidates=split.candidates,
        )["ndcg@10"]
        if best is None or ndcg > best[0]:
            best = (ndcg, h)
    assert best is not None
    return best[1]


def fit_kgrec(
    split: SplitData,
    config: ModelConfig,
    steps: Steps = no_steps,
    chosen: ChosenFilter | None = None,
) -> KgrecFit:
    """Choose the filter on valid (unless ``chosen`` is given), then train the GNN on the
    residual, early-stopped on valid."""
    if chosen is None:
        chosen = choose_filter(split, config, steps)
    fitted = KgrecFit(
        FusionGNN(1, 1, 1),
        chosen.filter,
        config.filter_scale,
        1.0,
        0,
        chosen.choice,
        half_life=chosen.half_life,
    )
    liked = fitted.train_history(split)
    result = train_fusion(
        split.gt,
        split.train,
        config,
        Holdout(split.train_lists, split.valid_lists, split.candidates),
        progress=steps(config.epochs, "training the GNN (valid split)"),
        base=fitted.base(liked),
    )
    fitted.model, fitted.best_epoch, fitted.history = (
        result.model,
        result.best_epoch,
        result.history,
    )
    fitted.gnn_weight = 1.0 if result.best_epoch > 0 else 0.0
    return fitted


def refit_kgrec(
    gt: GraphTensors,
    pairs: np.ndarray,
    config: ModelConfig,
    fitted: KgrecFit,
    steps: Steps,
    times: np.ndarray | None = None,
) -> KgrecFit:
    """The same model refitted on ``pairs`` (all interactions, at ``times``) with the
    chosen settings."""
    chosen: ItemFilter | None = None
    liked = Histories.timed(pairs, times, len(gt.users), len(gt.items), fitted.half_life)
    if fitted.filter is not None:
        c = fitted.choice
        grams = FilterGrams.of(gt, pairs).to(resolve_device(config.device))
        chosen = item_filter.fit(grams, c["lambda"], c["alpha"], c["beta"], config.filter_keep)
    out = KgrecFit(
        build_model(gt, config),  # untrained where the filter alone is used
        chosen,
        fitted.filter_scale,
        fitted.gnn_weight,
        fitted.best_epoch,
        fitted.choice,
        half_life=fitted.half_life,
    )
    if fitted.best_epoch > 0:
        out.model = train_fusion(
            gt,
            pairs,
            config,
            epochs=fitted.best_epoch,
            progress=steps(fitted.best_epoch, "refit on all interactions"),
            base=out.base(liked),
        ).model
    return out


def progress_steps(track: Callable[[range, int, str], Iterator[int]]) -> Steps:
    """:data:`Steps` from a progress bar factory like ``Progress.track``."""

    def make(total: int, label: str) -> Progress:
        bar = iter(track(range(total), total, label))

        def step(*_: object) -> None:
            next(bar, None)

        return step

    return make
