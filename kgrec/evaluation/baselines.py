"""Baselines scored by the same evaluator as kgrec, each tuned on the valid split."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from kgrec.config import EvalConfig, ModelConfig
from kgrec.evaluation.ranking import ScoreFn, valid_ndcg
from kgrec.graph.split import SplitData
from kgrec.models.fit import Steps, no_steps
from kgrec.models.lightgcn import train_lightgcn
from kgrec.models.linear import choose_on_valid, ease, itemknn, popularity_scores
from kgrec.models.train import Progress


def run_baselines(
    split: SplitData, ev: EvalConfig, model: ModelConfig, steps: Steps = no_steps
) -> Iterator[tuple[str, ScoreFn, dict[str, Any]]]:
    """Each baseline ``ev`` names: (name, scorer, what was chosen on valid).

    bpr and lightgcn train with ``model``'s dim, lr, batch size, epochs, seed and early
    stopping; ItemKNN and EASE pick their setting from ``ev``'s grids.
    """
    tr, n_users, n_items = split.train, split.n_users, split.n_items
    validate = valid_ndcg(split)
    for name in ev.baselines:
        if name == "popularity":
            yield name, popularity_scores(tr, n_items), {}
            continue
        if name in ("bpr", "lightgcn"):
            run = train_lightgcn(
                tr,
                n_users,
                n_items,
                validate,
                model,
                layers=0 if name == "bpr" else None,
                progress=steps(model.epochs, f"{name} (valid split)"),
            )
            yield name, run.score, {"best_epoch": run.best_epoch, "history": run.history}
            continue
        fit: Callable[[float, np.ndarray | None], ScoreFn]
        if name == "itemknn":
            grid: list[float] = [float(n) for n in ev.knn_neighbours]

            def fit(v: float, history: np.ndarray | None = None) -> ScoreFn:
                return itemknn(tr, n_users, n_items, neighbours=int(v), history=history)
        else:
            grid = list(ev.ease_lambdas)

            def fit(v: float, history: np.ndarray | None = None) -> ScoreFn:
                return ease(tr, n_users, n_items, lam=v, history=history)

        step = steps(len(grid), f"{name}: settings chosen on valid")

        def stepped(values: list[float], step: Progress = step) -> Iterator[float]:
            for v in values:
                yield v
                step(0, 0.0, None, None)

        value, fn, tried = choose_on_valid(fit, stepped(grid), validate)
        if split.valid_in_test_history:
            fn = fit(value, split.test_history()[0])
        yield name, fn, {"value": value, "tried": tried}
