"""A trained pipeline loaded from its work directory: settings, graph, tensors, model."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import torch

from kgrec.config import PipelineConfig
from kgrec.errors import NotBuiltError
from kgrec.graph.export import GraphTensors, to_tensors
from kgrec.graph.kg import KnowledgeGraph
from kgrec.layout import CHECKPOINT_FILE, CONFIG_FILE, EMBEDDINGS_FILE, GRAPH_DIR
from kgrec.models.checkpoint import load_checkpoint
from kgrec.models.fit import KgrecFit
from kgrec.models.fusion import Propagated


@dataclass
class Trained:
    """What a pipeline run left behind, ready to score with."""

    config: PipelineConfig
    kg: KnowledgeGraph
    gt: GraphTensors
    fitted: KgrecFit
    work_dir: Path
    #: the model's propagation over ``gt``, as saved with it (None: propagate again)
    propagated: Propagated | None = None

    @classmethod
    def load(cls, work_dir: str | Path) -> Trained:
        """Load what a pipeline run left in ``work_dir``."""
        work_dir = Path(work_dir)
        cfg_file = work_dir / CONFIG_FILE
        if not (cfg_file.exists() and (work_dir / CHECKPOINT_FILE).exists()):
            raise NotBuiltError(
                f"nothing trained in {work_dir}: run `kgrec demo` (the sample) or "
                "`kgrec run PIPELINE.toml` first"
            )
        config = PipelineConfig.model_validate_json(cfg_file.read_text(encoding="utf-8"))
        kg = KnowledgeGraph.load(work_dir / GRAPH_DIR)
        emb = pd.read_parquet(work_dir / EMBEDDINGS_FILE)
        probe = torch.load(work_dir / CHECKPOINT_FILE, map_location="cpu", weights_only=True)
        gt = to_tensors(
            kg,
            emb,
            relations=probe["relations"],
            use_attributes=config.model.use_attributes,
            drop_kinds=config.model.drop_kinds,
            text_dim=len(emb["vec"].iloc[0]) if len(emb) else 384,
        )
        fitted, _, prop = load_checkpoint(work_dir / CHECKPOINT_FILE, gt)
        return cls(config, kg, gt, fitted, work_dir, prop)
