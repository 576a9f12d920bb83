"""Training speed: one epoch of kgrec's fusion GNN and of PyG's LightGCN on the same graph.

    .venv/bin/python bench/train.py                       # the bundled sample
    .venv/bin/python bench/train.py --work-dir ~/.kgrec/movielens --json

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

import numpy as np
import pandas as pd
import torch
from _work import work_dir_or_sample

from kgrec.config import PipelineConfig
from kgrec.graph.builder import build_graph
from kgrec.graph.kg import node_id
from kgrec.models.lightgcn import train_lightgcn
from kgrec.models.train import train_fusion
from kgrec.pipeline import Pipeline


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work-dir", type=Path, help="a pipeline work dir (default: run the sample)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", action="store_true", help="print one JSON object only")
    args = ap.parse_args()

    with work_dir_or_sample(args.work_dir) as work:
        config = PipelineConfig.model_validate_json((work / "pipeline.json").read_text())
        config = config.model_copy(update={"work_dir": work})
        pipe = Pipeline(config)
        dataset = pipe.dataset()
        train = pd.read_parquet(work / "data" / "train.parquet")
        mentions = pd.read_parquet(work / "extract" / "mentions.parquet")
        gt = pipe.tensors(build_graph(dataset, mentions, train))
    users = {gt.node_ids[int(n)]: k for k, n in enumerate(gt.users)}
    items = {gt.node_ids[int(n)]: k for k, n in enumerate(gt.items)}
    pairs = np.asarray(
        [
            [users[node_id("User", u)] for u in train["user_id"]],
            [items[node_id("Item", i)] for i in train["item_id"]],
        ],
        dtype=np.int64,
    ).T
    one = config.model.model_copy(update={"epochs": 1})
    no_truth: list[list[int]] = [[] for _ in users]

    def kgrec_epoch() -> float:
        start = time.perf_counter()
        train_fusion(gt, pairs, one, epochs=1)
        return time.perf_counter() - start

    def lightgcn_epoch() -> float:
        start = time.perf_counter()
        train_lightgcn(pairs, len(users), len(items), no_truth, no_truth, one)
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
        f"{result['threads']} threads, median of {args.repeats}"
    )
    print(
        f"one epoch: kgrec {result['kgrec_epoch_s']:.2f} s, PyG LightGCN "
        f"{result['lightgcn_epoch_s']:.2f} s, ratio {result['ratio']:.2f}"
    )


if __name__ == "__main__":
    main()
