"""A catalogue too large for the item filter: kgrec's GNN alone, trained with neighbour-
sampled steps, against PyG's LightGCN on the same split — NDCG@10 on test, time and peak
memory, each model in its own process.

    .venv/bin/python bench/large_catalogue.py                      # 40k items, 20k users
    .venv/bin/python bench/large_catalogue.py --items 60000 --json

The graph comes from ``kgrec.testing.synthetic`` (users like two attributes each and
pick most items among those carrying them, the rest by a Zipf popularity; items have text
vectors near their attributes'). Its held-out pairs are split in halves, valid and test,
by a seeded draw. Above ``filter_max_items`` (30,000 by default) ``fit_kgrec`` leaves the
item filter out and serves the GNN alone; every setting (the epoch kept) is chosen on
valid, both models go through the one evaluator (``kgrec.evaluation.experiment``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np

from kgrec.config import ModelConfig
from kgrec.evaluation.experiment import test_evaluator, test_scores
from kgrec.evaluation.ranking import valid_ndcg
from kgrec.graph.split import SplitData
from kgrec.models.fit import fit_kgrec
from kgrec.models.lightgcn import train_lightgcn
from kgrec.testing.synthetic import synthetic_graph


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _split(args: argparse.Namespace) -> SplitData:
    gt, train, held = synthetic_graph(
        args.users, args.items, args.attributes, args.per_user, seed=0, holdout=0.2
    )
    is_test = np.random.default_rng(1).random(len(held)) < 0.5
    return SplitData(gt, train, held[~is_test], held[is_test])


def child(args: argparse.Namespace) -> dict[str, Any]:
    """Train and test one model in this process."""
    imported = _peak_mb()
    split = _split(args)
    config = ModelConfig(
        epochs=args.epochs,
        patience=args.patience,
        batch_size=8192,
        temperature=args.temperature or None,
        loss=args.loss,
        training=args.training,
        filter_max_items=args.filter_max_items,
    )
    validate = valid_ndcg(split)
    start = time.perf_counter()
    if args.child == "kgrec":
        fitted = fit_kgrec(split, config, validate)
        assert fitted.filter is None, "above filter_max_items the GNN serves alone"
        score, best, history = test_scores(split, fitted), fitted.best_epoch, fitted.history
    else:
        run = train_lightgcn(split.train, split.n_users, split.n_items, validate, config)
        score, best, history = run.score, run.best_epoch, run.history
    took = time.perf_counter() - start
    test = test_evaluator(split)(score)
    epochs = int(max(h["epoch"] for h in history))
    return {
        "model": args.child,
        "users": split.n_users,
        "items": split.n_items,
        "edges": int(split.gt.edge_index.size(1)),
        "train_pairs": len(split.train),
        "best_epoch": best,
        "epochs_run": epochs,
        "train_s": took,
        "s_per_epoch": took / max(epochs, 1),
        "valid_best": max(h.get("valid_ndcg@10", 0.0) for h in history),
        "test_ndcg@10": test["ndcg@10"],
        "test_recall@10": test["recall@10"],
        "peak_rss_mb": _peak_mb(),
        "imports_mb": imported,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=20_000)
    ap.add_argument("--items", type=int, default=40_000)
    ap.add_argument("--attributes", type=int, default=2_000)
    ap.add_argument("--per-user", type=int, default=25)
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--patience", type=int, default=3)
    ap.add_argument("--temperature", type=float, default=0.1, help="0: dot products")
    ap.add_argument("--loss", default="softmax", choices=["softmax", "bpr"])
    ap.add_argument("--training", default="sampled", choices=["sampled", "full"])
    ap.add_argument("--models", default="kgrec,lightgcn")
    ap.add_argument(
        "--filter-max-items",
        type=int,
        default=ModelConfig().filter_max_items,
        help="kgrec's setting (lower it to try the script on a small graph)",
    )
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--json", action="store_true", help="print one JSON object only")
    args = ap.parse_args()
    if args.child:
        json.dump(child(args), sys.stdout)
        return
    rows = []
    for model in args.models.split(","):
        argv = [a for a in sys.argv[1:] if a != "--json"]
        out = subprocess.run(
            [sys.executable, __file__, *argv, "--child", model],
            check=True,
            capture_output=True,
            text=True,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    if args.json:
        json.dump({"runs": rows}, sys.stdout)
        return
    for r in rows:
        print(
            f"{r['model']:>9}: test NDCG@10 {r['test_ndcg@10']:.4f} (valid {r['valid_best']:.4f}, "
            f"epoch {r['best_epoch']}/{r['epochs_run']}), {r['s_per_epoch']:.1f} s/epoch, "
            f"peak RSS {r['peak_rss_mb']:,.0f} MB"
        )


if __name__ == "__main__":
    main()
