"""Graph stores: the GraphStore protocol and its backends."""

from __future__ import annotations

from pathlib import Path

from kgrec.errors import ConfigError
from kgrec.store.base import CypherStore, GraphStore, RecommendationRow
from kgrec.store.embedded import EmbeddedStore
from kgrec.store.neo4j import NEO4J_SCHEMES, Neo4jStore

__all__ = [
    "CypherStore",
    "EmbeddedStore",
    "GraphStore",
    "Neo4jStore",
    "RecommendationRow",
    "embedded_path",
    "open_store",
]


def embedded_path(work_dir: Path) -> Path:
    """Where a pipeline's embedded database file lives."""
    return work_dir / "graph.lbug"


def open_store(uri: str, work_dir: Path, *, read_only: bool = False) -> GraphStore:
    """Open the store a pipeline names.

    ``"embedded"`` (a file in ``work_dir``), ``"embedded:///path/to/db"``, ``"neo4j"``
    (``$NEO4J_URI``, default bolt://127.0.0.1:7687) or a ``neo4j://`` / ``bolt://``
    (``+s``, ``+ssc``) URI. Neo4j credentials come from ``NEO4J_USERNAME`` /
    ``NEO4J_PASSWORD``, the database from ``NEO4J_DATABASE``.
    """
    if uri == "embedded":
        return EmbeddedStore.open(embedded_path(work_dir), read_only=read_only)
    if uri.startswith("embedded://"):
        return EmbeddedStore.open(Path(uri.removeprefix("embedded://")), read_only=read_only)
    if uri == "neo4j":
        return Neo4jStore.open(None, read_only=read_only)
    if uri.split("://", 1)[0] in NEO4J_SCHEMES:
        return Neo4jStore.open(uri, read_only=read_only)
    raise ConfigError(f"unknown store {uri!r}: use 'embedded', 'neo4j' or a neo4j:// / bolt:// URI")
