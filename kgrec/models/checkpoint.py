"""Saving and restoring a trained kgrec model with what is needed to rebuild it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from kgrec.config import ModelConfig
from kgrec.errors import NotBuiltError
from kgrec.graph.export import GraphTensors
from kgrec.models.fit import KgrecFit
from kgrec.models.fusion import Propagated, propagate
from kgrec.models.item_filter import ItemFilter
from kgrec.models.train import build_model


def save_checkpoint(
    path: Path,
    fitted: KgrecFit,
    gt: GraphTensors,
    config: ModelConfig,
    extra: dict[str, Any] | None = None,
) -> None:
    """Weights plus the model config, relation order and node order they belong to, and
    the model's propagation over ``gt`` (what serving scores from, so it need not
    propagate again)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with torch.inference_mode():
        prop = propagate(fitted.model, gt, torch.device("cpu"))
    torch.save(
        {
            "state_dict": fitted.model.state_dict(),
            "filter": fitted.filter.state() if fitted.filter is not None else None,
            "filter_scale": fitted.filter_scale,
            "gnn_weight": fitted.gnn_weight,
            "best_epoch": fitted.best_epoch,
            "half_life": fitted.half_life,
            "said_weight": fitted.said_weight,
            "model_config": config.model_dump(mode="json"),
            "relations": gt.relations,
            "node_ids": gt.node_ids,
            "extra": extra or {},
            "propagated": {
                "final": prop.final,
                "sent": prop.sent,
                "ego": prop.ego,
                "norm": prop.norm,
            },
        },
        path,
    )


def load_checkpoint(
    path: Path, gt: GraphTensors
) -> tuple[KgrecFit, ModelConfig, Propagated | None]:
    """Rebuild the model for ``gt`` (whose node and relation order must match), with its
    saved propagation over ``gt`` (None in a checkpoint saved before there was one)."""
    if not path.exists():
        raise NotBuiltError(f"no trained model at {path}: run the pipeline's train stage")
    blob = torch.load(path, map_location="cpu", weights_only=True)
    # a model saved before temperatures existed scored by dot products
    config = ModelConfig.model_validate({"temperature": None} | blob["model_config"])
    if blob["node_ids"] != gt.node_ids or blob["relations"] != gt.relations:
        raise NotBuiltError(f"{path} was trained on a different graph: re-run the pipeline")
    if "filter_scale" not in blob:
        raise NotBuiltError(f"{path} was saved by an older kgrec: re-run the train stage")
    model = build_model(gt, config)
    model.load_state_dict(blob["state_dict"])
    state = blob["filter"]
    fitted = KgrecFit(
        model.eval(),
        ItemFilter.from_state(state) if state is not None else None,
        float(blob["filter_scale"]),
        float(blob["gnn_weight"]),
        int(blob["best_epoch"]),
        half_life=blob.get("half_life"),
        said_weight=float(blob.get("said_weight", 1.0)),
    )
    saved = blob.get("propagated")
    prop = Propagated(**saved, temperature=config.temperature) if saved is not None else None
    return fitted, config, prop
