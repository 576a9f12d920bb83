"""Explanation quality of a trained pipeline's top-10 lists, for every user, as served.

    .venv/bin/python bench/explanations.py                                # the bundled sample
    .venv/bin/python bench/explanations.py --work-dir ~/.kgrec/lastfm --json

The measures of ``kgrec.evaluation.explanations`` (which ``kgrec eval`` reports for the
models it trains on a split's train part, for the test users) here for the model a
`kgrec run` left in ``--work-dir`` — the one `kgrec recommend` serves, refitted on every
interaction: each user's lists exclude what they had, as ``Recommender.recommend`` does.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from _work import report, work_dir_or_sample

from kgrec.api import Recommender
from kgrec.evaluation.explanations import explanation_metrics
from kgrec.models.history import Histories


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work-dir", type=Path, help="a trained work dir (default: the sample)")
    ap.add_argument("--json", action="store_true", help="print one JSON object only")
    args = ap.parse_args()

    with work_dir_or_sample(args.work_dir) as work:
        rec = Recommender.load(work)
    gt, n_users = rec.gt, len(rec.gt.users)
    users = {gt.node_ids[int(n)]: k for k, n in enumerate(gt.users)}
    item_pos = {i: k for k, i in enumerate(rec.item_ids())}
    # the served history rows: every interaction, recency-faded where the model chose so
    rows = [
        (k, {item_pos[i]: w for i, w in rec.history(u).items()})
        for k, u in enumerate(rec.user_ids())
    ]
    pairs = np.asarray([(u, p) for u, h in rows for p in h], dtype=np.int64).reshape(-1, 2)
    weights = np.asarray([w for _, h in rows for w in h.values()])
    history = Histories.of(pairs, n_users, len(gt.items), weights)
    exclude: list[list[int]] = [[] for _ in range(n_users)]
    for u, h in rows:
        exclude[u] = list(h)
    inter = rec.kg.edges[rec.kg.edges["rel"] == "INTERACTED"]
    times = None
    if inter["timestamp"].notna().all():
        at = {
            (users[s], item_pos[d.removeprefix("Item:")]): t
            for s, d, t in zip(inter["src"], inter["dst"], inter["timestamp"], strict=True)
        }
        times = (pairs, np.asarray([at[(int(u), int(p))] for u, p in pairs], dtype=np.int64))
    tested = sorted(u for u, h in rows if h)
    start = time.perf_counter()
    result = explanation_metrics(rec.ranker.explainer, history, tested, exclude, times=times)
    result |= {"users": len(tested), "seconds": time.perf_counter() - start}
    result["work_dir"] = str(work) if args.work_dir else "sample"  # type: ignore[assignment]
    report(result, args.json)


if __name__ == "__main__":
    main()
