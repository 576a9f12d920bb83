"""Train RecBole models on `kgrec export`'s files: proof that the export loads, and how
RecBole's knowledge-aware models do with the graph kgrec built from text.

RecBole 1.2.1 is not a kgrec dependency (it pins ray<=2.6.3, which needs NumPy 1). Give it
an environment of its own that reuses kgrec's torch instead of downloading another:

    python3 -m venv /tmp/rbenv
    .venv/bin/python -c 'import site; print(site.getsitepackages()[0])' \\
        > /tmp/rbenv/lib/python3.11/site-packages/kgrec.pth
    /tmp/rbenv/bin/pip install --no-deps recbole==1.2.1 colorlog==4.7.2 colorama==0.4.4 \\
        thop texttable tabulate
    /tmp/rbenv/bin/pip install tensorboard plotly
    .venv/bin/kgrec export pipelines/sample.toml /tmp/export -f recbole
    /tmp/rbenv/bin/python bench/recbole_export.py /tmp/export/recbole/sample

Each model trains on the export's train file, is early-stopped on its valid file and scored
on its test file by RecBole's own full-ranking evaluator (not kgrec's: the figures are
RecBole's, comparable with each other, not with `kgrec eval`).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

# RecBole 1.2.1 and the ray it imports still use aliases NumPy 2 removed
_REMOVED = {"float_": np.float64, "complex_": np.complex128, "bool8": np.bool_, "unicode_": np.str_}
for _old, _new in _REMOVED.items():
    if not hasattr(np, _old):
        setattr(np, _old, _new)
# RecBole reloads its own best checkpoint with torch.load, which torch >= 2.6 restricts
os.environ.setdefault("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")


def train(model: str, folder: Path, epochs: int, seed: int) -> dict[str, Any]:
    """One RecBole model on the export in ``folder``; RecBole's valid and test metrics."""
    from recbole.config import Config
    from recbole.data import create_dataset, data_preparation
    from recbole.utils import get_model, get_trainer, init_seed

    name = folder.name
    config = Config(
        model=model,
        dataset=name,
        config_file_list=[str(folder / f"{name}.yaml")],
        config_dict={
            "data_path": str(folder.parent),
            "epochs": epochs,
            "seed": seed,
            "device": "cpu",
            "use_gpu": False,
            "show_progress": False,
            "checkpoint_dir": str(folder.parent / "recbole_saved"),
            "metrics": ["Recall", "NDCG"],
            "topk": [10],
            "valid_metric": "NDCG@10",
            "stopping_step": 5,
        },
    )
    init_seed(config["seed"], config["reproducibility"])
    dataset = create_dataset(config)
    train_data, valid_data, test_data = data_preparation(config, dataset)
    net = get_model(config["model"])(config, train_data._dataset).to(config["device"])
    trainer = get_trainer(config["MODEL_TYPE"], config["model"])(config, net)
    start = time.perf_counter()
    _, valid = trainer.fit(train_data, valid_data, saved=True, show_progress=False)
    test = trainer.evaluate(test_data, load_best_model=True, show_progress=False)
    return {
        "model": model,
        "valid_ndcg@10": float(valid["ndcg@10"]),
        "test_ndcg@10": float(test["ndcg@10"]),
        "test_recall@10": float(test["recall@10"]),
        "seconds": round(time.perf_counter() - start, 1),
        "users": int(dataset.user_num - 1),
        "items": int(dataset.item_num - 1),
        "kg_triples": int(getattr(dataset, "kg_feat", None) is not None and len(dataset.kg_feat)),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path, help="the export's data set folder (…/recbole/NAME)")
    ap.add_argument("--models", nargs="+", default=["BPR", "CKE", "KGCN", "CFKG"])
    ap.add_argument("--epochs", type=int, default=100)
    ap.add_argument("--seed", type=int, default=2020)
    ap.add_argument("--json", action="store_true", help="print one JSON object only")
    args = ap.parse_args()
    folder = args.folder.resolve()
    os.chdir(folder.parent)  # RecBole writes log/ and log_tensorboard/ where it runs
    if not args.json:
        print(f"RecBole on {args.folder} (seed {args.seed}, up to {args.epochs} epochs)")
        print(f"{'model':<8}{'valid NDCG@10':>15}{'test NDCG@10':>14}{'test R@10':>11}{'s':>8}")
    rows = []
    for model in args.models:  # each row as soon as its model is done: KG models take long
        r = train(model, folder, args.epochs, args.seed)
        rows.append(r)
        if not args.json:
            print(
                f"{r['model']:<8}{r['valid_ndcg@10']:>15.4f}{r['test_ndcg@10']:>14.4f}"
                f"{r['test_recall@10']:>11.4f}{r['seconds']:>8}",
                flush=True,
            )
    if args.json:
        print(json.dumps(rows))


if __name__ == "__main__":
    main()
