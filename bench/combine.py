"""How the GNN combines with the item filter: the filter alone, the GNN alone and the
served combination, on valid and test, per seed (the filter chosen once on valid).

    .venv/bin/python bench/combine.py --frozen movielens.pt --set combine=blend --json
    .venv/bin/python bench/combine.py --frozen lastfm.pt --seeds 3 --explain --out lastfm.json
    python bench/combine.py --frozen lastfm.pt --device cuda --seeds 3 \\
        --set combine=blend --set loss=softmax --set negatives=2048

``--set KEY=VALUE`` changes one ``[model]`` setting of the frozen pipeline (repeatable).
Every figure comes from the one evaluator (``kgrec.evaluation.experiment``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from kgrec.evaluation.experiment import explain_metrics, filter_refit, test_evaluator, test_scores
from kgrec.evaluation.ranking import valid_ndcg
from kgrec.models.fit import KgrecFit, choose_filter, fit_kgrec
from kgrec.models.scorer import Scorer


def _row(fitted: KgrecFit, split: Any, evaluate: Any, validate: Any) -> dict[str, float]:
    valid = validate(Scorer(fitted, split.gt).score_fn(fitted.train_history(split)))
    return {"valid_ndcg@10": valid, "test_ndcg@10": evaluate(test_scores(split, fitted))["ndcg@10"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--frozen", required=True, help="a bench/frozen.py bundle")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--first-seed", type=int, default=0, help="seeds run from this one")
    ap.add_argument("--out", type=Path, help="also write the JSON here after every seed")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument(
        "--explain",
        action="store_true",
        help="also the served model's explanation metrics (attribute fidelity included)",
    )
    ap.add_argument("--json", action="store_true", help="print one JSON object only")
    args = ap.parse_args()

    from frozen import load, settings

    config, splits = load(args.frozen)
    split = splits[True]
    model = config.model.model_validate(
        config.model.model_dump() | {"device": args.device} | settings(args.set)
    )
    evaluate, validate = test_evaluator(split), valid_ndcg(split)
    start = time.perf_counter()
    chosen = choose_filter(split, model, validate)
    filter_s = time.perf_counter() - start
    seeds = []
    refit = None
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        start = time.perf_counter()
        fitted = fit_kgrec(split, model.model_copy(update={"seed": seed}), validate, chosen=chosen)
        took = time.perf_counter() - start
        row: dict[str, Any] = {
            "seed": seed,
            "gnn_weight": fitted.gnn_weight,
            "best_epoch": fitted.best_epoch,
            "gnn_s": took,
            "served": _row(fitted, split, evaluate, validate),
            "filter_only": _row(replace(fitted, gnn_weight=0.0), split, evaluate, validate),
        }
        if model.combine == "blend":  # the served model's GNN (stopped on part of valid)
            alone = replace(fitted, filter=None, gnn_weight=1.0)
            row["gnn_only"] = _row(alone, split, evaluate, validate)
        if args.explain:
            refit = refit or filter_refit(split, fitted, args.device)
            row["explanations"] = explain_metrics(split, fitted, refit)
        seeds.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
        if args.out is not None:
            args.out.write_text(json.dumps({"graph": config.name, "set": args.set, "seeds": seeds}))
    result = {"graph": config.name, "set": args.set, "filter_s": filter_s, "seeds": seeds}
    if args.json:
        json.dump(result, sys.stdout)
    else:
        print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
