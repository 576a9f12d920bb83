"""Convergence: kgrec's fusion GNN alone and PyG's LightGCN trained on the same split until
validation stops improving, per learning rate — the learning curves, the epoch each peaks
at, seconds per epoch, and the test NDCG@10 of the state kept (one evaluator).

    .venv/bin/python bench/converge.py --frozen movielens.pt --json       # see bench/frozen.py
    python bench/converge.py --frozen movielens.pt --device cuda --lrs 0.003,0.01,0.03

Each run trains up to ``--epochs`` epochs with validation every ``eval_every`` epochs and
early stopping after ``--patience`` checks without gain (both far above the pipeline's
defaults, so the curve shows where a model really peaks). The GNN is trained without the
item filter (``base=None``): this measures the GNN, not the combination.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import torch

from kgrec.evaluation.experiment import test_evaluator
from kgrec.evaluation.ranking import valid_ndcg
from kgrec.models.fusion import propagate
from kgrec.models.lightgcn import train_lightgcn
from kgrec.models.scorer import score_function
from kgrec.models.train import train_fusion


def _kgrec(split: Any, config: Any) -> tuple[Any, list[dict[str, float]], int]:
    result = train_fusion(split.gt, split.train, config, validate=valid_ndcg(split))
    prop = propagate(result.model, split.gt, torch.device("cpu"))
    return score_function(prop, split.gt, None, 1.0), result.history, result.best_epoch


def _lightgcn(split: Any, config: Any) -> tuple[Any, list[dict[str, float]], int]:
    run = train_lightgcn(split.train, split.n_users, split.n_items, valid_ndcg(split), config)
    return run.score, run.history, run.best_epoch


def plot(runs: list[dict[str, Any]], out: Path) -> None:
    """Validation NDCG@10 over epochs, a line per run."""
    from kgrec.plotting import finish, pyplot

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    lines: dict[str, dict[str, Any]] = {}  # one per setting: the last run of it
    for r in runs:
        extra = ", ".join(kv.split("=")[1] for kv in r.get("set", []))
        lines[f"{r['model']} lr {r['lr']:g}" + (f" ({extra})" if extra else "")] = r
    for label, r in lines.items():
        epochs, ndcg = zip(*r["curve"], strict=True)
        ax.plot(epochs, ndcg, label=label, lw=1.4)
    ax.set_xlabel("epoch")
    ax.set_ylabel("valid NDCG@10")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    finish(fig, out, "Learning curves: kgrec's GNN alone and LightGCN")
    print(f"saved {out}", file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--frozen", help="a bench/frozen.py bundle (needed unless --from)")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--lrs", default="0.01", help="comma-separated learning rates")
    ap.add_argument("--models", default="kgrec,lightgcn")
    ap.add_argument("--epochs", type=int, default=400)
    ap.add_argument("--patience", type=int, default=8)
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a [model] setting for the kgrec runs, e.g. loss=softmax (repeatable)",
    )
    ap.add_argument("--json", action="store_true", help="print one JSON object only")
    ap.add_argument("--out", type=Path, help="also write the JSON here after every run")
    ap.add_argument("--plot", type=Path, help="save the validation curves as this PNG")
    ap.add_argument(
        "--from",
        dest="saved",
        type=Path,
        nargs="+",
        help="plot earlier --out files (no training)",
    )
    args = ap.parse_args()
    if args.saved:
        runs = [r for f in args.saved for r in json.loads(f.read_text())["runs"]]
        plot(runs, args.plot or Path("converge.png"))
        return

    from frozen import load, settings

    base_config, splits = load(args.frozen)
    split = splits[True]
    evaluate = test_evaluator(split)
    runs = []
    for model in args.models.split(","):
        for lr in (float(x) for x in args.lrs.split(",")):
            config = base_config.model.model_copy(
                update={
                    "device": args.device,
                    "lr": lr,
                    "epochs": args.epochs,
                    "patience": args.patience,
                }
            )
            if model == "kgrec":
                config = config.model_validate(config.model_dump() | settings(args.set))
            start = time.perf_counter()
            score, history, best = (_kgrec if model == "kgrec" else _lightgcn)(split, config)
            took = time.perf_counter() - start
            test = evaluate(score)
            epochs = int(max(h["epoch"] for h in history))
            run = {
                "model": model,
                "lr": lr,
                "set": args.set if model == "kgrec" else [],
                "best_epoch": best,
                "epochs_run": epochs,
                "s_per_epoch": took / max(epochs, 1),
                "valid_best": max(h.get("valid_ndcg@10", 0.0) for h in history),
                "test_ndcg@10": test["ndcg@10"],
                "test_recall@10": test.get("recall@10"),
                "curve": [
                    [h["epoch"], h["valid_ndcg@10"]] for h in history if "valid_ndcg@10" in h
                ],
            }
            runs.append(run)
            if args.out is not None:
                args.out.write_text(json.dumps({"graph": base_config.name, "runs": runs}))
            print(
                f"{model} lr={lr}: best epoch {best}/{epochs}, valid {run['valid_best']:.4f}, "
                f"test {run['test_ndcg@10']:.4f}, {run['s_per_epoch']:.3f} s/epoch",
                file=sys.stderr,
                flush=True,
            )
    if args.plot is not None:
        plot(runs, args.plot)
    name = torch.cuda.get_device_name() if args.device.startswith("cuda") else "cpu"
    result = {"graph": base_config.name, "device": name, "runs": runs}
    if args.json:
        json.dump(result, sys.stdout)
    else:
        print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
