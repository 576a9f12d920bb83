"""kgrec: knowledge-graph recommendations from text, with explanations.

Quick start::

    from kgrec import Recommender
    rec = Recommender.from_pipeline("pipelines/sample.toml")
    for r in rec.recommend("u01", k=5):
        print(r.rank, r.title, r.text)

Names are imported on first use, so ``import kgrec.config`` stays light (no torch).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Extractor": "kgrec.extract",
    "KGRecError": "kgrec.errors",
    "KnowledgeGraph": "kgrec.graph",
    "Mention": "kgrec.extract",
    "Path": "kgrec.reasoning",
    "PathNode": "kgrec.reasoning",
    "Pipeline": "kgrec.pipeline",
    "PipelineConfig": "kgrec.config",
    "Recommendation": "kgrec.api",
    "Recommender": "kgrec.api",
    "load_config": "kgrec.config",
}
__all__ = [
    "Extractor",
    "KGRecError",
    "KnowledgeGraph",
    "Mention",
    "Path",
    "PathNode",
    "Pipeline",
    "PipelineConfig",
    "Recommendation",
    "Recommender",
    "__version__",
    "load_config",
]

if TYPE_CHECKING:
    from kgrec.api import Recommendation, Recommender
    from kgrec.config import PipelineConfig, load_config
    from kgrec.errors import KGRecError
    from kgrec.extract import Extractor, Mention
    from kgrec.graph import KnowledgeGraph
    from kgrec.pipeline import Pipeline
    from kgrec.reasoning import Path, PathNode


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'kgrec' has no attribute {name!r}")
