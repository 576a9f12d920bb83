"""Fitting kgrec's whole model on a split: the item filter, then the GNN beside it.

The score is ``kgrec.models.scorer``'s: the filter's settings (and the weights of
recency and of what users said) are chosen on the valid split first. Then the GNN is
trained on its own, early-stopped on its valid NDCG@10 over part of the valid users, and
added to the filter with the weight *w* that scores best on the other valid users
(``combine = "blend"``; *w* = 0 leaves it out). The two parts are kept apart because the
epoch chosen on some users' valid items ranks exactly those items well: a weight chosen
on them too came out large and did not hold on test (MovieLens, seed 0: *w* = 2.0, valid
+0.005 over the filter, test -0.003; ``docs/benchmarks.md``). Why
not train it on the filter's residual (``"residual"``, still there to compare): the
filter is fitted on the very pairs the GNN learns from, so on them its margin is large and
the GNN learns in-sample leftovers that do not hold out of sample.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kgrec.config import ModelConfig
from kgrec.device import resolve_device
from kgrec.graph.export import GraphTensors
from kgrec.graph.split import SplitData
from kgrec.models import item_filter
from kgrec.models.fusion import FusionGNN, propagate
from kgrec.models.history import Histories
from kgrec.models.item_filter import FilterChoice, FilterGrams, ItemFilter
from kgrec.models.scorer import FilterPart, GraphLinks, score_function, user_inputs
from kgrec.models.train import Progress, build_model, train_fusion
from kgrec.models.types import ScoreFn, Validate

#: Makes a step callback for a piece of work of ``total`` steps, shown as ``label``.
Steps = Callable[[int, str], Progress]


def no_steps(total: int, label: str) -> Progress:
    """A :data:`Steps` that shows nothing."""
    return lambda *_: None


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
    #: weight of what users said they like or dislike (``kgrec.models.scorer``)
    said_weight: float = 1.0

    def histories(self, pairs: np.ndarray, times: np.ndarray | None, gt: GraphTensors) -> Histories:
        """Users' histories of (user, item) position ``pairs``, faded as this model chose."""
        return Histories.timed(pairs, times, len(gt.users), len(gt.items), self.half_life)

    def train_history(self, split: SplitData) -> Histories:
        """The split's training histories, faded as this model chose."""
        return self.histories(split.train, split.times[0] if split.times else None, split.gt)

    def test_history(self, split: SplitData) -> Histories:
        """The histories test users are scored from (``SplitData.test_history``)."""
        return self.histories(*split.test_history(), split.gt)

    def base(self, gt: GraphTensors, liked: Histories) -> FilterPart | None:
        """The filter's part of graph users' scores over ``liked`` (None without a filter)."""
        return filter_part(GraphLinks(gt), self.filter, self.filter_scale, self.said_weight, liked)


def filter_part(
    links: GraphLinks,
    chosen: ItemFilter | None,
    scale: float,
    said_weight: float,
    liked: Histories,
) -> FilterPart | None:
    """``kgrec.models.scorer.FilterPart`` for graph users (stand-ins and direct terms from
    the graph's ``links``)."""
    if chosen is None:
        return None
    x, direct = user_inputs(links, liked, said_weight)
    return FilterPart(chosen, scale, x, direct)


def uses_filter(config: ModelConfig, n_items: int) -> bool:
    """Whether the item filter is part of the model for a catalogue of ``n_items``."""
    return config.item_filter and n_items <= config.filter_max_items


def choose_filter(
    split: SplitData, config: ModelConfig, validate: Validate, steps: Steps = no_steps
) -> FilterChoice:
    """The item filter's (λ, α, β), then the recency half-life, then the weight of what
    users said, each chosen by ``validate`` (attributes / text left out where ``config``
    turns them off)."""
    if not uses_filter(config, split.n_items):
        return FilterChoice(None)
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
        validate,
        grids,
        config.filter_keep,
        on_fit=lambda: step(0, 0.0, None, None),
    )
    picked.half_life = _choose_half_life(split, picked, config.half_lives, validate)
    picked.said_weight = _choose_said_weight(split, picked, config, validate)
    return picked


def _choose_half_life(
    split: SplitData, chosen: FilterChoice, half_lives: list[float], validate: Validate
) -> float | None:
    """The recency half-life (or None, static) whose histories score best on valid."""
    if split.times is None or not half_lives or chosen.filter is None:
        return None
    f = chosen.filter
    best: tuple[float, float | None] | None = None
    for h in [None, *half_lives]:
        x = Histories.timed(split.train, split.times[0], split.n_users, split.n_items, h)
        ndcg = validate(lambda batch, x=x: f.scores(x.rows(batch)))  # type: ignore[misc]
        if best is None or ndcg > best[0]:
            best = (ndcg, h)
    assert best is not None
    return best[1]


def _choose_said_weight(
    split: SplitData, chosen: FilterChoice, config: ModelConfig, validate: Validate
) -> float:
    """The weight of what users said (LIKES / DISLIKES edges) that scores best on valid;
    the first of the grid where no user said anything."""
    links = GraphLinks(split.gt)
    said = any(len(links.said(int(u))[0]) for u in split.gt.users)
    if chosen.filter is None or not said or len(config.said_weights) == 1:
        return config.said_weights[0]
    times = split.times[0] if split.times is not None else None
    liked = Histories.timed(split.train, times, split.n_users, split.n_items, chosen.half_life)
    best: tuple[float, float] | None = None
    for weight in config.said_weights:
        part = filter_part(links, chosen.filter, 1.0, weight, liked)
        assert part is not None
        ndcg = validate(part.rows)
        if best is None or ndcg > best[0]:
            best = (ndcg, weight)
    assert best is not None
    return best[1]


def fit_kgrec(
    split: SplitData,
    config: ModelConfig,
    validate: Validate,
    steps: Steps = no_steps,
    chosen: FilterChoice | None = None,
) -> KgrecFit:
    """Choose the filter on valid (unless ``chosen`` is given), then train the GNN,
    early-stopped on ``validate``: alone, then blended with the filter by the weight that
    scores best on valid users it was not early-stopped on (``combine = "blend"``, module
    docstring), or on the filter's residual."""
    if chosen is None:
        chosen = choose_filter(split, config, validate, steps)
    fitted = KgrecFit(
        FusionGNN(1, 1, 1),
        chosen.filter,
        config.filter_scale,
        1.0,
        0,
        chosen.choice,
        half_life=chosen.half_life,
        said_weight=chosen.said_weight,
    )
    blend = config.combine == "blend"
    base = fitted.base(split.gt, fitted.train_history(split))
    stop_on, weigh_on = validate, validate
    if blend and base is not None:
        stop, weigh = valid_parts(split, config.blend_holdout, config.seed)
        if stop:
            stop_on, weigh_on = _Over(validate, stop), _Over(validate, weigh)
    result = train_fusion(
        split.gt,
        split.train,
        config,
        stop_on,
        progress=steps(config.epochs, "training the GNN (valid split)"),
        base=None if blend else base,
    )
    fitted.model, fitted.best_epoch, fitted.history = (
        result.model,
        result.best_epoch,
        result.history,
    )
    if not blend:
        fitted.gnn_weight = 1.0 if result.best_epoch > 0 else 0.0
    elif base is not None:
        fitted.gnn_weight = _choose_gnn_weight(split, fitted, base, config, weigh_on)
    return fitted


def valid_parts(split: SplitData, share: float, seed: int) -> tuple[list[int], list[int]]:
    """Two disjoint random parts of the valid users (positions): the GNN is early-stopped
    on the first, its blend weight chosen on the second (``share`` of them). Both empty
    without ``share`` or where one part would be empty: then both use every user."""
    users = np.array([u for u, items in enumerate(split.valid_lists) if items])
    held = round(share * len(users))
    if held == 0 or held == len(users):
        return [], []
    users = np.random.default_rng(seed).permutation(users)
    return sorted(users[held:].tolist()), sorted(users[:held].tolist())


class _Over:
    """``validate`` over ``users`` only."""

    def __init__(self, validate: Validate, users: list[int]) -> None:
        self.validate, self.users = validate, users

    def __call__(self, fn: ScoreFn, users: Sequence[int] | None = None) -> float:
        mine = self.users if users is None else sorted(set(self.users) & set(users))
        return self.validate(fn, mine)


def _choose_gnn_weight(
    split: SplitData,
    fitted: KgrecFit,
    base: FilterPart,
    config: ModelConfig,
    validate: Validate,
) -> float:
    """The weight of the GNN beside the filter that scores best on valid (ties: the
    smaller, so the GNN is kept only where it adds)."""
    prop = propagate(fitted.model, split.gt, resolve_device(config.device))
    scored = [(validate(score_function(prop, split.gt, base, w)), -w) for w in config.gnn_weights]
    return -max(scored)[1]


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
        said_weight=fitted.said_weight,
    )
    if fitted.best_epoch > 0 and fitted.gnn_weight > 0:
        residual = config.combine == "residual"
        out.model = train_fusion(
            gt,
            pairs,
            config,
            epochs=fitted.best_epoch,
            progress=steps(fitted.best_epoch, "refit on all interactions"),
            base=out.base(gt, out.histories(pairs, times, gt)) if residual else None,
        ).model
    return out


def progress_steps(track: Callable[[range, int, str], Iterator[int]]) -> Steps:
    """:data:`Steps` from a progress bar factory like ``Progress.track``."""

    def make(total: int, label: str) -> Progress:
        bar = iter(track(range(total), total, label))
        next(bar, None)  # started: each step then moves it on by one, the last to its total

        def step(epoch: int, loss: float, valid: float | None, stopped: str | None) -> None:
            if stopped is not None and isinstance(bar, Generator):
                with contextlib.suppress(StopIteration):  # a track that hears why it stops
                    bar.send(stopped)
            else:
                next(bar, None)

        return step

    return make


__all__ = [
    "KgrecFit",
    "Steps",
    "choose_filter",
    "filter_part",
    "fit_kgrec",
    "no_steps",
    "progress_steps",
    "refit_kgrec",
]
