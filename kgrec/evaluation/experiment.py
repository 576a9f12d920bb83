"""Comparing kgrec, its ablations and the baselines on one split, over several seeds.

Every model goes through :func:`kgrec.evaluation.ranking.ranking_metrics` with the same
exclusions and candidates; every setting is chosen on the valid split. Results are the
mean over seeds with ``<metric>_std`` beside each metric.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import torch

from kgrec.config import PipelineConfig
from kgrec.device import resolve_device
from kgrec.evaluation.baselines import run_baselines
from kgrec.evaluation.cold_start import cold_start
from kgrec.evaluation.explanations import explanation_metrics
from kgrec.evaluation.ranking import ScoreFn, ranking_metrics, valid_ndcg
from kgrec.graph.split import SplitData
from kgrec.models.fit import KgrecFit, Steps, choose_filter, fit_kgrec, no_steps
from kgrec.models.item_filter import FilterChoice
from kgrec.models.link_deletion import FilterRefit
from kgrec.models.scorer import Scorer
from kgrec.reasoning.explainer import Explainer

#: The GNN alone, a model of its own early-stopped on every valid user as the baselines
#: are (the blended model's GNN is stopped on part of them: ``kgrec.models.fit``).
GNN_ONLY = "kgrec-gnn-only"
#: kgrec's ablations: name → what changes in [model].
ABLATIONS: dict[str, dict[str, Any]] = {
    "kgrec-no-attributes": {"use_attributes": False},
    "kgrec-no-text": {"use_text": False},
    GNN_ONLY: {"item_filter": False},
}
ORGANIZATION = "Organization"
#: kgrec without the Organization nodes, where the graph has them.
NO_ORGANIZATION = "kgrec-no-organization"
#: Scored from the full model's fit, without training anything more.
FILTER_ONLY = "kgrec-filter-only"
#: kgrec with static histories (no recency fading), where interactions have times.
STATIC = "kgrec-static"
#: Baselines whose result depends on the seed.
TRAINED = frozenset({"bpr", "lightgcn"})


def test_evaluator(split: SplitData) -> Callable[[ScoreFn], dict[str, float]]:
    """Test-split metrics (with novelty and diversity) for a scorer on ``split``."""
    popularity = np.bincount(split.train[:, 1], minlength=split.n_items)
    gt = split.gt
    item_vectors = torch.nn.functional.normalize(gt.text[gt.items] * gt.has_text[gt.items], dim=1)

    def evaluate(fn: ScoreFn) -> dict[str, float]:
        return ranking_metrics(
            fn,
            split.n_users,
            split.known_at_test,
            split.test_lists,
            candidates=split.candidates,
            popularity=popularity,
            item_vectors=item_vectors,
        )

    return evaluate


def test_scores(split: SplitData, fitted: KgrecFit) -> ScoreFn:
    """``fitted``'s scores of test users, from the histories they are scored from."""
    return Scorer(fitted, split.gt).score_fn(fitted.test_history(split))


def filter_refit(
    split: SplitData, fitted: KgrecFit, device: str | None = None
) -> FilterRefit | None:
    """The dense fit of ``fitted``'s filter, for attribute fidelity (None where the
    filter has no attributes to delete)."""
    f = fitted.filter
    if f is None or f.settings is None or not f.settings[1]:
        return None
    return FilterRefit.of(split.gt, split.train, f.settings, resolve_device(device))


def explain_metrics(
    split: SplitData, fitted: KgrecFit, refit: FilterRefit | None = None
) -> dict[str, float]:
    """Explanation metrics of ``fitted``'s top-10 lists for the split's test users
    (``refit``: :func:`filter_refit`, for attribute fidelity)."""
    users = [u for u, items in enumerate(split.test_lists) if items]
    pairs, times = split.test_history()
    return explanation_metrics(
        Explainer(Scorer(fitted, split.gt)),
        fitted.test_history(split),
        users,
        split.known_at_test,
        split.candidates,
        times=(pairs, times) if times is not None else None,
        refit=refit,
    )


def _mean_of(runs: list[dict[str, float]]) -> dict[str, float]:
    """Per key of the runs' dicts, the mean over runs with ``<key>_std`` beside it."""
    return _mean_std({key: [r[key] for r in runs] for key in runs[0]})


def _mean_std(values: dict[str, list[float]]) -> dict[str, float]:
    """Per key, the mean of its values with ``<key>_std`` (population std) beside it."""
    out: dict[str, float] = {}
    for key, vs in values.items():
        out[key] = statistics.fmean(vs)
        out[f"{key}_std"] = statistics.pstdev(vs) if len(vs) > 1 else 0.0
    return out


def kgrec_choice(fitted: KgrecFit) -> dict[str, Any]:
    """What was chosen on valid for a fitted kgrec model, for metrics.json."""
    out = {k: v for k, v in fitted.choice.items() if k != "tried"}
    return out | {"best_epoch": fitted.best_epoch, "gnn_weight": fitted.gnn_weight}


@dataclass
class Comparison:
    """Per model, per metric: one value per seed; plus choices and training curves."""

    dataset: str
    split: str
    seeds: list[int]
    runs: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    choices: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    curves: dict[str, list[list[dict[str, float]]]] = field(default_factory=dict)
    cold_start: dict[str, Any] | None = None
    #: kgrec's explanation metrics (``kgrec.evaluation.explanations``), one dict per seed
    explanations: list[dict[str, float]] = field(default_factory=list)

    def add(
        self,
        name: str,
        metrics: dict[str, float],
        choice: dict[str, Any] | None = None,
        curve: list[dict[str, float]] | None = None,
    ) -> None:
        """Record one seed's result for ``name``."""
        runs = self.runs.setdefault(name, {})
        for metric, value in metrics.items():
            runs.setdefault(metric, []).append(float(value))
        if choice is not None:
            self.choices.setdefault(name, []).append(choice)
        if curve is not None:
            self.curves.setdefault(name, []).append(curve)

    def summary(self) -> dict[str, dict[str, float]]:
        """Mean over seeds per metric, with ``<metric>_std`` (population std) beside it."""
        return {
            name: _mean_std({m: v for m, v in runs.items() if m != "users"})
            for name, runs in self.runs.items()
        }

    def to_json(self) -> dict[str, Any]:
        """The ``kgrec eval --json`` object."""
        out: dict[str, Any] = {
            "dataset": self.dataset,
            "split": self.split,
            "seeds": self.seeds,
            "models": self.summary(),
            "choices": self.choices,
        }
        if self.cold_start is not None:
            out["cold_start"] = self.cold_start
        if self.explanations:
            out["explanations"] = _mean_of(self.explanations)
        return out


def _with_model(config: PipelineConfig, change: dict[str, Any]) -> PipelineConfig:
    return config.model_copy(update={"model": config.model.model_copy(update=change)})


def variants(
    config: PipelineConfig, split: SplitData, ablations: bool = True
) -> dict[str, PipelineConfig]:
    """kgrec's configurations to compare on ``split``: kgrec itself; with ``ablations``,
    each of :data:`ABLATIONS` and, where the graph has organisations, kgrec without them;
    kgrec with static histories where interactions have times and half-lives are searched."""
    out: dict[str, PipelineConfig] = {"kgrec": config}
    if ablations:
        for name, change in ABLATIONS.items():
            out[name] = _with_model(config, change)
        dropped = config.model.drop_kinds
        if ORGANIZATION in set(split.gt.labels) and ORGANIZATION not in dropped:
            out[NO_ORGANIZATION] = _with_model(config, {"drop_kinds": [*dropped, ORGANIZATION]})
    if split.times is not None and config.model.half_lives:
        out[STATIC] = config  # kgrec's own filter, with histories left unfaded
    return out


def compare(
    config: PipelineConfig,
    split_for: Callable[[PipelineConfig], SplitData],
    seeds: Sequence[int] = (0, 1, 2),
    ablations: bool = True,
    steps: Steps = no_steps,
    cold: bool = False,
) -> Comparison:
    """Train and test kgrec (and its ablations) per seed and the configured baselines.

    ``split_for`` builds the split's training graph for a config (the ablation without
    attributes needs a graph without attribute edges). Deterministic baselines
    (popularity, ItemKNN, EASE) are fitted once and repeated for every seed. With
    ``cold``, the cold-start item experiment (``kgrec.evaluation.cold_start``) runs with
    the item filter settings kgrec chose on valid.
    """
    result = Comparison(config.name, config.split.method, list(seeds))
    base_split = split_for(config)
    full: FilterChoice | None = None
    refit: FilterRefit | None = None
    for name, cfg in variants(config, base_split, ablations).items():
        same_graph = cfg.model.use_attributes and cfg.model.drop_kinds == config.model.drop_kinds
        split = base_split if same_graph else split_for(cfg)
        evaluate, validate = test_evaluator(split), valid_ndcg(split)
        chosen: FilterChoice
        if name == STATIC and full is not None:
            chosen = replace(full, half_life=None)
        else:  # seed-free: once per variant
            chosen = choose_filter(split, cfg.model, validate, steps)
        full = full or chosen
        for seed in seeds:
            model_cfg = cfg.model.model_copy(update={"seed": seed})
            fitted = fit_kgrec(split, model_cfg, validate, steps, chosen)
            result.add(
                name, evaluate(test_scores(split, fitted)), kgrec_choice(fitted), fitted.history
            )
            if name == "kgrec":
                if refit is None:  # the filter is seed-free: one dense fit for every seed
                    refit = filter_refit(split, fitted, cfg.model.device)
                result.explanations.append(explain_metrics(split, fitted, refit))
            if name == "kgrec" and ablations and fitted.filter is not None:
                fitted.gnn_weight = 0.0
                result.add(FILTER_ONLY, evaluate(test_scores(split, fitted)))
    picked = result.choices["kgrec"][0]
    if cold and "lambda" in picked:
        result.cold_start = cold_start(
            base_split,
            picked["lambda"],
            picked["alpha"],
            picked["beta"],
            config.model.filter_keep,
            device=config.model.device,
        )
    evaluate = test_evaluator(base_split)
    fixed: dict[str, dict[str, float]] = {}
    fixed_choice: dict[str, dict[str, Any]] = {}
    for k, seed in enumerate(seeds):
        model_cfg = config.model.model_copy(update={"seed": seed})
        ev = config.eval
        if k > 0:  # untrained baselines give the same result for every seed
            ev = ev.model_copy(update={"baselines": [b for b in ev.baselines if b in TRAINED]})
        for name, fn, choice in run_baselines(base_split, ev, model_cfg, steps):
            curve = choice.pop("history", None)
            metrics = evaluate(fn)
            result.add(name, metrics, choice, curve)
            if name not in TRAINED:
                fixed[name], fixed_choice[name] = metrics, choice
        if k > 0:
            for name, metrics in fixed.items():
                result.add(name, metrics, fixed_choice[name])
    return result


def score_baselines(
    split: SplitData, config: PipelineConfig, steps: Steps = no_steps
) -> dict[str, dict[str, float]]:
    """Test metrics of the baselines ``config.eval`` names on ``split`` (one seed), by the
    same evaluator as kgrec's."""
    evaluate = test_evaluator(split)
    return {
        name: evaluate(fn) for name, fn, _ in run_baselines(split, config.eval, config.model, steps)
    }
