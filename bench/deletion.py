"""Deletion fidelity checked by real deletion: the path's edges taken out of the graph
and the model propagated again (neighbour norms recomputed), not the first-order
re-score that ``kgrec eval`` uses.

    .venv/bin/python bench/deletion.py pipelines/sample.toml --seed 0 --json
    KGREC_DATA_DIR=../shared/data .venv/bin/python bench/deletion.py pipelines/movielens.toml

Trains kgrec on the pipeline's split (run the pipeline first) with the GNN forced on
(weight 1, so the GNN's part is tested even where valid would drop it), takes test users'
top-10 lists, and for each item with a second path of its top path's type, deletes the
top path's end edges and a random same-type path's, each in a copy of the graph. Prints
how often each measure says the top path costs more, how often they agree, and the
correlation of first-order and real drops.
"""

from __future__ import annotations

import argparse
import dataclasses
import time

import numpy as np
import torch
from _work import report

from kgrec.config import load_config
from kgrec.evaluation.ranking import valid_ndcg
from kgrec.graph.export import GraphTensors
from kgrec.models.fit import fit_kgrec
from kgrec.models.scorer import Scorer
from kgrec.pipeline import Pipeline
from kgrec.reasoning.explainer import Explainer
from kgrec.reasoning.paths import Path


def _without(gt: GraphTensors, pairs: list[tuple[int, int]]) -> GraphTensors:
    """``gt`` without the edges between each pair (both directions)."""
    src, dst = gt.edge_index
    drop = torch.zeros(len(src), dtype=torch.bool)
    for a, b in pairs:
        drop |= ((src == a) & (dst == b)) | ((src == b) & (dst == a))
    return dataclasses.replace(
        gt, edge_index=gt.edge_index[:, ~drop], edge_type=gt.edge_type[~drop]
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pipeline")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--users", type=int, default=100, help="test users to check")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    config = load_config(args.pipeline)
    split = Pipeline(config).split_data()
    fitted = fit_kgrec(
        split, config.model.model_copy(update={"seed": args.seed}), valid_ndcg(split)
    )
    epoch = fitted.best_epoch
    fitted = dataclasses.replace(fitted, gnn_weight=1.0)
    ex = Explainer(Scorer(fitted, split.gt))
    gt, history = split.gt, fitted.test_history(split)
    rng = np.random.default_rng(args.seed)
    users = [u for u, items in enumerate(split.test_lists) if items][: args.users]
    first_wins = real_wins = agree = 0
    first_drops: list[float] = []
    real_drops: list[float] = []
    start = time.perf_counter()

    def real_score(
        u: int, item: int, path: Path | None, items: torch.Tensor, weights: torch.Tensor
    ) -> float:
        """The score of item position ``item`` with ``path``'s end edges really deleted
        from the graph (norms recomputed, the model propagated again)."""
        node, g = int(gt.users[u]), gt
        if path is not None:
            v = ex.paths.index[path.nodes[1].node_id]
            x = ex.paths.index[path.nodes[-2].node_id]
            g = _without(gt, [(node, v), (int(gt.items[item]), x)])
            keep = items != int(ex.scorer.links.item_pos[v])
            items, weights = items[keep], weights[keep]
        scorer = Scorer(fitted, g)
        return float(scorer.scores(scorer.state(node, items, weights))[item])

    for u in users:
        node = int(gt.users[u])
        _, items, weights = history.entries(torch.tensor([u]))
        state = ex.scorer.state(node, items, weights)
        scores = ex.scorer.scores(state)
        scores[list(split.known_at_test[u])] = -torch.inf
        shown = torch.topk(scores, 10).indices.tolist()
        exps = ex.explanations(ex.paths.node(node), state, shown, 50)
        for item, exp in zip(shown, exps, strict=True):
            if not exp.paths:
                continue
            best = exp.paths[0]
            alike = [p for p in exp.paths[1:] if p.relationships == best.relationships]
            if not alike:
                continue
            other = alike[int(rng.integers(len(alike)))]
            whole = ex.score_without(state, item)
            f_best = whole - ex.score_without(state, item, best)
            f_other = whole - ex.score_without(state, item, other)
            real = real_score(u, item, None, items, weights)
            r_best = real - real_score(u, item, best, items, weights)
            r_other = real - real_score(u, item, other, items, weights)
            first_wins += f_best > f_other
            real_wins += r_best > r_other
            agree += (f_best > f_other) == (r_best > r_other)
            first_drops += [f_best, f_other]
            real_drops += [r_best, r_other]
    cases = len(first_drops) // 2
    out = {
        "pipeline": args.pipeline,
        "seed": args.seed,
        "gnn_best_epoch": epoch,
        "users": len(users),
        "cases": cases,
        "fidelity_first_order": first_wins / cases if cases else 0.0,
        "fidelity_real_deletion": real_wins / cases if cases else 0.0,
        "agreement": agree / cases if cases else 0.0,
        "drop_correlation": float(np.corrcoef(first_drops, real_drops)[0, 1]) if cases else 0.0,
        "seconds": time.perf_counter() - start,
    }
    report(out, args.json)


if __name__ == "__main__":
    main()
