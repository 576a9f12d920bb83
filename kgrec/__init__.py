"""kgrec: knowledge-graph recommendations from text, with explanations.

Quick start::

    from kgrec import Recommender
    rec = Recommender.from_pipeline("pipelines/sample.toml")
    for r in rec.recommend("u01", k=5):
        print(r.rank, r.title, r.text)
"""

__version__ = "0.1.0"

from kgrec.api import Recommendation, Recommender  # noqa: E402
from kgrec.config import PipelineConfig, load_config  # noqa: E402
from kgrec.errors import KGRecError  # noqa: E402
from kgrec.extract import Extractor, Mention  # noqa: E402
from kgrec.graph import KnowledgeGraph  # noqa: E402
from kgrec.pipeline import Pipeline  # noqa: E402
from kgrec.reasoning import Path, PathNode  # noqa: E402

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
