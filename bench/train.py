"""Training speed: one epoch of kgrec's fusion GNN and of PyG's LightGCN on the same graph.

    .venv/bin/python bench/train.py                       # the bundled sample
    .venv/bin/python bench/train.py --work-dir ~/.kgrec/movielens --json
    python bench/train.py --frozen movielens.pt --device cuda   # see bench/frozen.py

``--work-dir`` is a pipeline's work directory after its graph stage (`kgrec run`); the
training pairs are its train split. kgrec trains on the whole user/item/attribute graph
with text inputs, LightGCN on the user–item graph only; both take the pipeline's
``[model]`` settings (dim, layers, batch size, lr). Each figure is the median of
``--repeats`` one-epoch runs, the two models alternating; ``ratio`` = kgrec / LightGCN.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

import torch

from kgrec.config import PipelineConfig
from kgrec.graph.split import SplitData
from kgrec.models.lightgcn import train_lightgcn
from kgrec.models.train import train_fusion


def _split(work_dir: Path | None, frozen: Path | None) -> tuple[PipelineConfig, SplitData]:
    """The pipeline's settings and training graph: from a frozen file, a work dir or a
    fresh sample run (the pipeline's imports are only needed for the last two)."""
    if frozen is not None:
        from frozen import load

        config, splits = load(frozen)
        return config, splits[True]
    from _work import work_dir_or_sample

    from kgrec.pipeline import Pipeline

    with work_dir_or_sample(work_dir) as work:
        config = PipelineConfig.model_validate_json((work / "pipeline.json").read_text())
        config = config.model_copy(update={"work_dir": work})
        return config, Pipeline(config).split_data()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work-dir", type=Path, help="a pipeline work dir (default: run the sample)")
    ap.add_argument("--frozen", type=Path, help="a bench/frozen.py file instead of a work dir")
    ap.add_argument("--device", default="cpu", help="cpu, cuda or auto")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", action="store_true", help="print one JSON object only")
    args = ap.parse_args()

    config, split = _split(args.work_dir, args.frozen)
    gt, pairs = split.gt, split.train
    users, items = range(split.n_users), range(split.n_items)
    one = config.model.model_copy(update={"epochs": 1, "device": args.device})

    def kgrec_epoch() -> float:
        start = time.perf_counter()
        train_fusion(gt, pairs, one, epochs=1)
        return time.perf_counter() - start

    def lightgcn_epoch() -> float:
        start = time.perf_counter()
        train_lightgcn(pairs, len(users), len(items), lambda _: 0.0, one)
        return time.perf_counter() - start

    kgrec_epoch(), lightgcn_epoch()  # warm-up: first calls pay for allocations
    t_k, t_l = [], []
    for _ in range(args.repeats):
        t_k.append(kgrec_epoch())
        t_l.append(lightgcn_epoch())
    result: dict[str, Any] = {
        "graph": config.name,
        "nodes": gt.num_nodes,
        "edges": int(gt.edge_index.size(1)),
        "train_pairs": len(pairs),
        "batch_size": one.batch_size,
        "device": torch.cuda.get_device_name() if one.device == "cuda" else "cpu",
        "threads": torch.get_num_threads(),
        "kgrec_epoch_s": statistics.median(t_k),
        "lightgcn_epoch_s": statistics.median(t_l),
    }
    result["ratio"] = result["kgrec_epoch_s"] / result["lightgcn_epoch_s"]
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"{config.name}: {gt.num_nodes:,} nodes, {result['edges']:,} directed edges, "
        f"{len(pairs):,} training pairs, batch {one.batch_size}, "
        f"{result['device']}, {result['threads']} CPU threads, median of {args.repeats}"
    )
    print(
        f"one epoch: kgrec {result['kgrec_epoch_s']:.2f} s, PyG LightGCN "
        f"{result['lightgcn_epoch_s']:.2f} s, ratio {result['ratio']:.2f}"
    )


if __name__ == "__main__":
    main()
