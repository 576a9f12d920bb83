"""Serving latency: ``Recommender.recommend(user, k=10)`` with and without explanations.

    .venv/bin/python bench/serve.py                                  # the bundled sample
    .venv/bin/python bench/serve.py --work-dir ~/.kgrec/movielens --json
    .venv/bin/python bench/serve.py --gnn-weight 0.5                 # the GNN's part forced on

``--work-dir`` is a trained pipeline's work directory (`kgrec run`). Every user is asked
for once per round (``--rounds``, default 3), explained and unexplained calls
interleaved user by user so both see the same machine; one warm-up pass is not counted.
p50 and p99 are over all timed calls of each kind; ``ratio_p99`` = explained / plain.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from _work import work_dir_or_sample

from kgrec.api import Recommender


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work-dir", type=Path, help="a trained work dir (default: the sample)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("-k", type=int, default=10)
    ap.add_argument(
        "--gnn-weight",
        type=float,
        help="serve with this GNN weight instead of valid's (time the GNN's explanations "
        "where valid left it out)",
    )
    ap.add_argument("--json", action="store_true", help="print one JSON object only")
    args = ap.parse_args()

    with work_dir_or_sample(args.work_dir) as work:
        rec = Recommender.load(work)
    if args.gnn_weight is not None:
        rec.ranker.scorer.fitted.gnn_weight = args.gnn_weight
    users = rec.user_ids()
    for u in users:  # warm-up: caches, allocator, lazy imports
        rec.recommend(u, k=args.k, explain=True)
    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(args.rounds):
        for u in users:
            for explain in (True, False):
                start = time.perf_counter()
                rec.recommend(u, k=args.k, explain=explain)
                times[explain].append((time.perf_counter() - start) * 1000)
    result: dict[str, Any] = {
        "work_dir": str(work) if args.work_dir else "sample",
        "users": len(users),
        "calls": len(times[True]),
        "k": args.k,
        "gnn_weight": rec.ranker.scorer.fitted.gnn_weight,
        "p50_ms": float(np.percentile(times[True], 50)),
        "p99_ms": float(np.percentile(times[True], 99)),
        "p50_ms_noexplain": float(np.percentile(times[False], 50)),
        "p99_ms_noexplain": float(np.percentile(times[False], 99)),
    }
    result["ratio_p99"] = result["p99_ms"] / result["p99_ms_noexplain"]
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"{result['users']} users × {args.rounds} rounds, k={args.k}: "
        f"explain=True p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms; "
        f"explain=False p50 {result['p50_ms_noexplain']:.1f} ms, "
        f"p99 {result['p99_ms_noexplain']:.1f} ms; p99 ratio {result['ratio_p99']:.2f}"
    )


if __name__ == "__main__":
    main()
