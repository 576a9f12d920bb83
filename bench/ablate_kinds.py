"""Does an attribute kind help? kgrec with and without one kind's nodes, on a pipeline's split.

    KGREC_DATA_DIR=../shared/data .venv/bin/python bench/ablate_kinds.py \
        pipelines/movielens.toml --kind Organization --seeds 0 \
        --set "filter_lambdas=[200]" --set "filter_alphas=[3]" --set "filter_betas=[60]"

The pipeline is run up to its graph stage (skipped where current), then kgrec is trained
and tested twice per seed by ``kgrec.evaluation.experiment.compare`` — the same evaluator
as ``kgrec eval`` — once on the whole graph and once with ``[model] drop_kinds = [KIND]``.
``--set key=value`` overrides ``[model]`` settings (TOML values), for both runs alike.
Prints test NDCG@10 / Recall@10 per run and the ratio; ``--json`` for scripts.
"""

from __future__ import annotations

import argparse
import json
import time
import tomllib
from pathlib import Path
from typing import Any

from kgrec import Pipeline, load_config
from kgrec.evaluation.experiment import compare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pipeline", type=Path)
    parser.add_argument("--kind", default="Organization")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--work-dir", type=Path, help="default: the pipeline's own")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    config = load_config(args.pipeline)
    overrides: dict[str, Any] = {}
    for item in args.set:
        overrides |= tomllib.loads(item)
    config = config.model_copy(
        update={
            "model": config.model.model_copy(update=overrides),
            "eval": config.eval.model_copy(update={"baselines": []}),
            **({"work_dir": args.work_dir} if args.work_dir else {}),
        }
    )
    Pipeline(config).run(until="graph")
    rows: dict[str, dict[str, Any]] = {}
    for name, drop in (("kgrec", []), (f"kgrec-no-{args.kind.lower()}", [args.kind])):
        cfg = config.model_copy(
            update={"model": config.model.model_copy(update={"drop_kinds": drop})}
        )
        start = time.perf_counter()
        result = compare(cfg, lambda c: Pipeline(c).split_data(), seeds=args.seeds, ablations=False)
        summary = result.summary()["kgrec"]
        rows[name] = {
            "ndcg@10": summary["ndcg@10"],
            "recall@10": summary["recall@10"],
            "per_seed": result.runs["kgrec"]["ndcg@10"],
            "seconds": round(time.perf_counter() - start, 1),
        }
    full, without = rows["kgrec"], rows[f"kgrec-no-{args.kind.lower()}"]
    out = {"pipeline": str(args.pipeline), "kind": args.kind, "seeds": args.seeds, "runs": rows}
    out["ratio_ndcg"] = full["ndcg@10"] / without["ndcg@10"] if without["ndcg@10"] else None
    if args.json:
        print(json.dumps(out, indent=2))
        return
    for name, row in rows.items():
        print(
            f"{name:28s} NDCG@10 {row['ndcg@10']:.4f}  Recall@10 {row['recall@10']:.4f}  "
            f"per seed {[round(x, 4) for x in row['per_seed']]}  {row['seconds']} s"
        )
    print(f"with / without {args.kind}: {out['ratio_ndcg']:.3f}")


if __name__ == "__main__":
    main()
