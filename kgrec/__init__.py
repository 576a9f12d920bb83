"""kgrec: knowledge-graph recommendations from text, with explanations.

Quick start::

    from kgrec import Recommender
    rec = Recommender.from_pipeline("pipelines/sample.toml")
    for r in rec.recommend("u01", k=5):
        print(r.rank, r.title, r.text)
"""

__version__ = "0.1.0"

from kgrec.api import Recommendation, Recommender
from kgrec.config import PipelineConfig, load_config
from kgrec.errors import KGRecError
from kgrec.extract import Extractor, Mention
from kgrec.graph import KnowledgeGraph
from kgrec.pipeline import Pipeline
from kgrec.reasoning import Path, PathNode

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
