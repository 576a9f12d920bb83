"""Graph stores: the GraphStore protocol and its backends."""

from __future__ import annotations

from pathlib import Path

from kgrec.errors import ConfigError
from kgrec.store.base import GraphStore, RecommendationRow
from kgrec.store.embedded import EmbeddedStore

__all__ = ["EmbeddedStore", "GraphStore", "RecommendationRow", "embedded_path", "open_store"]


def embedded_path(work_dir: Path) -> Path:
    """Where a pipeline's embedded database file lives."""
    return work_dir / "graph.lbug"


def open_store(uri: str, work_dir: Path, *, read_only: bool = False) -> GraphStore:
    """Open the store a pipeline names: ``"embedded"`` (in ``work_dir``) or a file path
    given as ``embedded:///path/to/db``."""
    if uri == "embedded":
        return EmbeddedStore.open(embedded_path(work_dir), read_only=read_only)
    if uri.startswith("embedded://"):
        return EmbeddedStore.open(Path(uri.removeprefix("embedded://")), read_only=read_only)
    if uri.split("://", 1)[0] in ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"):
        raise ConfigError(
            f'store {uri!r}: the Neo4j backend is not built yet (issue #3); use store = "embedded"'
        )
    raise ConfigError(f'unknown store {uri!r}: use "embedded" or a neo4j:// / bolt:// URI')
