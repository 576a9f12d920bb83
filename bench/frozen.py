"""`kgrec eval`'s comparison on a machine without the extraction stack (a lent GPU box).

    # here, after `kgrec run PIPELINE` has built the graph:
    .venv/bin/python bench/frozen.py save pipelines/lastfm.toml lastfm.pt
    # there (needs torch, numpy, pandas, pydantic and this repository only):
    python bench/frozen.py eval lastfm.pt --device cuda --seeds 3 --out lastfm.json

``save`` writes the split's training graphs (with and without attribute links, for the
no-attributes ablation) and the pipeline's settings to one file; ``eval`` runs
:func:`kgrec.evaluation.experiment.compare` on them — the same models, choices on valid
and evaluator as ``kgrec eval`` — and prints its table (``--json``: only the JSON).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import torch

from kgrec.config import PipelineConfig, load_config
from kgrec.evaluation.experiment import compare
from kgrec.graph.split import SplitData
from kgrec.models.train import Progress


def save(pipeline: Path, out: Path) -> None:
    """Freeze ``pipeline``'s split data (both attribute variants) into ``out``."""
    from kgrec.pipeline import Pipeline

    config = load_config(pipeline)
    Pipeline(config).run(until="graph")
    no_attrs = config.model_copy(
        update={"model": config.model.model_copy(update={"use_attributes": False})}
    )
    splits = {flag: Pipeline(cfg).split_data() for flag, cfg in ((True, config), (False, no_attrs))}
    # the text matrix is the same in both graphs and mostly zero rows: keep its rows once
    text = splits[True].gt.text
    rows = torch.nonzero(splits[True].gt.has_text[:, 0]).flatten()
    for split in splits.values():
        if not torch.equal(split.gt.text, text):
            raise SystemExit("the two graphs' text matrices differ; cannot share them")
        split.gt.text = torch.empty(0)
    frozen = {"config": config.model_dump_json(), "splits": splits}
    torch.save(frozen | {"text_rows": rows, "text": text[rows], "text_shape": text.shape}, out)
    print(f"saved {out} ({out.stat().st_size / 2**20:.1f} MiB)")


def load(bundle: Path) -> tuple[PipelineConfig, dict[bool, SplitData]]:
    """The settings and the split data (key: with attribute links) saved by :func:`save`."""
    frozen = torch.load(bundle, weights_only=False)
    text = torch.zeros(frozen["text_shape"])
    text[frozen["text_rows"]] = frozen["text"]
    splits: dict[bool, SplitData] = frozen["splits"]
    for split in splits.values():
        split.gt.text = text
    return PipelineConfig.model_validate_json(frozen["config"]), splits


def settings(pairs: list[str]) -> dict[str, Any]:
    """``--set KEY=VALUE`` pairs as ``[model]`` settings; a value is read as JSON where it
    is JSON (``[200]``, ``0.01``), else as a string (``softmax``)."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


def _print_steps(total: int, label: str) -> Progress:
    """Progress as plain lines on stderr (readable in a log, unlike a bar)."""
    start, done = time.perf_counter(), [0]

    def step(*_: object) -> None:
        done[0] += 1
        took = time.perf_counter() - start
        print(f"  {label}: {done[0]}/{total} ({took:.0f} s)", file=sys.stderr, flush=True)

    return step


def evaluate(bundle: Path, device: str, seeds: int, ablations: bool, cold: bool) -> dict:
    """The comparison's JSON summary, plus the device and wall time."""
    config, splits = load(bundle)
    config = config.model_copy(update={"model": config.model.model_copy(update={"device": device})})
    start = time.perf_counter()
    result = compare(
        config,
        lambda cfg: splits[cfg.model.use_attributes],
        seeds=range(seeds),
        ablations=ablations,
        steps=_print_steps,
        cold=cold,
    )
    summary = result.to_json()
    name = torch.cuda.get_device_name() if device.startswith("cuda") else "cpu"
    return summary | {"device": name, "wall_s": time.perf_counter() - start}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("save", help="freeze a pipeline's split data")
    s.add_argument("pipeline", type=Path)
    s.add_argument("out", type=Path)
    e = sub.add_parser("eval", help="compare kgrec, ablations and baselines on a frozen split")
    e.add_argument("bundle", type=Path)
    e.add_argument("--device", default="cpu")
    e.add_argument("--seeds", type=int, default=3)
    e.add_argument("--no-ablations", action="store_true")
    e.add_argument("--no-cold-start", action="store_true")
    e.add_argument("--out", type=Path, help="also write the JSON here")
    e.add_argument("--json", action="store_true", help="print one JSON object only")
    args = ap.parse_args()
    if args.cmd == "save":
        save(args.pipeline, args.out)
        return
    summary = evaluate(
        args.bundle, args.device, args.seeds, not args.no_ablations, not args.no_cold_start
    )
    if args.out:
        args.out.write_text(json.dumps(summary, indent=2))
    if args.json:
        json.dump(summary, sys.stdout)
        return
    from rich.console import Console

    from kgrec.cli.render import comparison_table

    Console().print(comparison_table(summary))
    print(f"{summary['device']}: {summary['wall_s']:.0f} s")


if __name__ == "__main__":
    main()
