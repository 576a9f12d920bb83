"""Training at scale: one epoch of kgrec on a synthetic graph of a million interactions or
more, with full-graph steps and with neighbour-sampled steps, time and peak memory.

    .venv/bin/python bench/scale.py                          # 100k users, 20k items, ~1.1M
    .venv/bin/python bench/scale.py --users 20000 --json     # smaller, one JSON object

Each measurement runs in a fresh process (``--child``), so its peak resident memory
(``ru_maxrss``, and what it was after the imports) is its own: graph building, model,
one epoch, one full-graph scoring pass for validation. The graph comes from
``kgrec.testing.synthetic`` (users, items, attributes, text vectors). ``--filter`` also
times fitting the item filter for one setting; ``--steps`` times training steps of both
modes alternating in one process (the fair ratio on a busy machine).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from typing import Any

import numpy as np
import torch

from kgrec.config import ModelConfig
from kgrec.device import resolve_device
from kgrec.models.fusion import propagate
from kgrec.models.history import Histories
from kgrec.models.item_filter import FilterGrams, fit
from kgrec.models.scorer import FilterPart, score_function
from kgrec.models.train import train_fusion
from kgrec.testing.synthetic import synthetic_graph


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def child(args: argparse.Namespace) -> dict[str, Any]:
    """One measurement in this process."""
    imported = _peak_mb()  # torch and kgrec alone, before any graph
    start = time.perf_counter()
    gt, train, _ = synthetic_graph(
        args.users, args.items, args.attributes, args.per_user, seed=0, holdout=0.1
    )
    out: dict[str, Any] = {
        "mode": args.child,
        "nodes": gt.num_nodes,
        "edges": int(gt.edge_index.size(1)),
        "train_pairs": len(train),
        "build_s": time.perf_counter() - start,
    }
    device = resolve_device(args.device)
    if args.child == "steps":
        # both modes in one process, alternating: a fair ratio on a busy machine
        rng = np.random.default_rng(0)
        part = train[rng.choice(len(train), 10 * args.batch_size, replace=False)]
        per_step: dict[str, list[float]] = {"full": [], "sampled": []}
        for _ in range(args.repeats):
            for mode in per_step:
                cfg = ModelConfig(batch_size=args.batch_size, training=mode, device=args.device)
                start = time.perf_counter()
                train_fusion(gt, part, cfg, epochs=1)
                per_step[mode].append((time.perf_counter() - start) / 10)
        out |= {f"{m}_step_s": statistics.median(t) for m, t in per_step.items()}
        out["step_ratio"] = out["full_step_s"] / out["sampled_step_s"]
    elif args.child == "filter":
        start = time.perf_counter()
        grams = FilterGrams.of(gt, train)
        f = fit(grams, 200.0, 3.0, 20.0, keep=1000)
        out["fit_s"] = time.perf_counter() - start
        del grams
        part = FilterPart(f, 20.0, Histories.of(train, len(gt.users), len(gt.items)))
        users = torch.as_tensor(train[:8192, 0])
        start = time.perf_counter()
        part.pairs(users, torch.as_tensor(train[:8192, 1]))
        out["pairs_8192_s"] = time.perf_counter() - start
    else:
        cfg = ModelConfig(
            dim=64, layers=2, batch_size=args.batch_size, training=args.child, device=args.device
        )
        start = time.perf_counter()
        result = train_fusion(gt, train, cfg, epochs=1)
        out["epoch_s"] = time.perf_counter() - start
        start = time.perf_counter()
        with torch.inference_mode():
            fn = score_function(propagate(result.model.to(device), gt, device), gt)
            for lo in range(0, len(gt.users), 1024):
                fn(torch.arange(lo, min(lo + 1024, len(gt.users))))
        out["score_all_s"] = time.perf_counter() - start
    out["peak_rss_mb"] = _peak_mb()
    out["import_rss_mb"] = imported
    if device.type == "cuda":
        out["peak_cuda_mb"] = torch.cuda.max_memory_allocated() / 2**20
    out["device"] = device.type
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=100_000)
    ap.add_argument("--items", type=int, default=20_000)
    ap.add_argument("--attributes", type=int, default=2_000)
    ap.add_argument("--per-user", type=int, default=12)
    ap.add_argument("--batch-size", type=int, default=8192)
    ap.add_argument("--modes", nargs="*", default=["full", "sampled"])
    ap.add_argument("--filter", action="store_true", help="also fit the item filter once")
    ap.add_argument(
        "--steps", action="store_true", help="also time steps of both modes in one process"
    )
    ap.add_argument("--repeats", type=int, default=3, help="--steps: rounds of 10 steps each")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--json", action="store_true", help="print one JSON object only")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args)))
        return
    runs = []
    extra = (["filter"] if args.filter else []) + (["steps"] if args.steps else [])
    for mode in [*args.modes, *extra]:
        cmd = [sys.executable, __file__, "--child", mode]
        flags = ("users", "items", "attributes", "per_user", "batch_size", "device", "repeats")
        for flag in flags:
            cmd += [f"--{flag.replace('_', '-')}", str(getattr(args, flag))]
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        if not args.json:
            print(json.dumps(runs[-1]), file=sys.stderr)
    result = {"threads": torch.get_num_threads(), "runs": runs}
    if args.json:
        print(json.dumps(result))
        return
    first = runs[0]
    print(
        f"{first['nodes']:,} nodes, {first['edges']:,} directed edges, "
        f"{first['train_pairs']:,} training pairs, batch {args.batch_size}, "
        f"{result['threads']} threads"
    )
    for r in runs:
        if r["mode"] == "steps":
            print(
                f"  one step (median, same process): full {r['full_step_s']:.2f} s, "
                f"sampled {r['sampled_step_s']:.2f} s, ratio {r['step_ratio']:.2f}"
            )
            continue
        took = r.get("epoch_s", r.get("fit_s"))
        what = "item filter fit" if r["mode"] == "filter" else f"{r['mode']} epoch"
        print(
            f"  {what:<16} {took:8.1f} s   peak RSS {r['peak_rss_mb']:8.0f} MB "
            f"({r['peak_rss_mb'] - r['import_rss_mb']:.0f} MB above the imports)"
        )


if __name__ == "__main__":
    main()
