"""Quality of online updates: test users' held-out interactions replayed in time order.

    KGREC_DATA_DIR=../shared/data .venv/bin/python bench/online.py \
        [--pipeline pipelines/movielens_temporal.toml] [--steps 5] [--json]

Run the pipeline first (``kgrec run``). The served model is refitted here on the
interactions before the test period (train + valid, with the settings the pipeline chose
on valid), over a graph holding exactly those, so nothing of the test period is known.
Then, for each test user and each of their first ``--steps`` test interactions in time
order: take the top 10, record whether the next item is in it (hit@10, NDCG@10), and
move on. Three ways of moving on:

* ``static``: nothing changes (the model as trained);
* ``online``: the interaction is sent as feedback (``Recommender.feedback``, a rating
  with its value), and the next list reflects it, without retraining;
* ``retrain``: before each step, the model is refitted on everything before that step
  (every user's earlier test interactions included), the upper bound.

Every arm goes through the same Recommender and the same top-10. ``feedback_p50_ms`` /
``feedback_p99_ms`` time the online arm's feedback calls (durable log write included).
"""

from __future__ import annotations

import argparse
import math
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd
from _work import report

from kgrec.api import Recommender
from kgrec.config import load_config
from kgrec.layout import DATA_DIR
from kgrec.pipeline import Pipeline
from kgrec.simulate.serving import recommender_on
from kgrec.trained import Trained


def _gain(rank: int | None) -> tuple[float, float]:
    """(hit, NDCG) of one step: the next item at ``rank`` (1-based) in the top 10."""
    if rank is None:
        return 0.0, 0.0
    return 1.0, 1.0 / math.log2(rank + 1)


def _rank(rec: Recommender, user: str, item: str) -> int | None:
    top = [r.item_id for r in rec.recommend(user, k=10, explain=False)]
    return top.index(item) + 1 if item in top else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pipeline", type=Path, default=Path("pipelines/movielens_temporal.toml"))
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    pipe = Pipeline(load_config(args.pipeline))
    trained = Trained.load(pipe.work_dir)
    folder = pipe.work_dir / DATA_DIR
    before = pd.concat([pd.read_parquet(folder / f"{p}.parquet") for p in ("train", "valid")])
    test = pd.read_parquet(folder / "test.parquet").sort_values(["user_id", "timestamp"])
    test["step"] = test.groupby("user_id").cumcount()
    test = test[test["step"] < args.steps]
    seen = set(before["user_id"])
    test = test[test["user_id"].isin(seen)]

    gains: dict[str, list[tuple[float, float]]] = {"static": [], "online": [], "retrain": []}
    latencies: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        static = recommender_on(pipe, trained, before, Path(tmp) / "static")
        online = recommender_on(pipe, trained, before, Path(tmp) / "online")
        fit_s = time.perf_counter() - t0
        for step in range(args.steps):
            rows = test[test["step"] == step]
            earlier = test[test["step"] < step]
            retrain = (
                static
                if step == 0
                else recommender_on(
                    pipe,
                    trained,
                    pd.concat([before, earlier[before.columns]]),
                    Path(tmp) / f"retrain{step}",
                )
            )
            for row in rows.itertuples(index=False):
                user, item = str(row.user_id), str(row.item_id)
                gains["static"].append(_gain(_rank(static, user, item)))
                gains["retrain"].append(_gain(_rank(retrain, user, item)))
                gains["online"].append(_gain(_rank(online, user, item)))
                start = time.perf_counter()
                online.feedback(user, item, "rating", float(row.rating), int(row.timestamp))
                latencies.append((time.perf_counter() - start) * 1000)

    result: dict[str, Any] = {
        arm: {
            "hit@10": round(statistics.fmean(h for h, _ in g), 4),
            "ndcg@10": round(statistics.fmean(n for _, n in g), 4),
        }
        for arm, g in gains.items()
    }
    ordered = sorted(latencies)
    result["feedback_p50_ms"] = round(ordered[len(ordered) // 2], 3)
    result["feedback_p99_ms"] = round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 3)
    result["steps"] = len(latencies)
    result["users"] = int(test["user_id"].nunique())
    result["one_fit_s"] = round(fit_s / 2, 1)
    result["online_over_retrain_hit"] = round(
        result["online"]["hit@10"] / max(result["retrain"]["hit@10"], 1e-12), 3
    )
    report(result, args.json)


if __name__ == "__main__":
    main()
