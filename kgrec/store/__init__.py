"""Graph stores: the GraphStore protocol and its backends.

Backends are imported on first use, so ``kgrec.store.neo4j_server`` (``kgrec neo4j …``)
imports neither database driver.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kgrec.errors import ConfigError

if TYPE_CHECKING:
    from kgrec.store.base import CypherStore, GraphStore, RecommendationRow
    from kgrec.store.embedded import EmbeddedStore
    from kgrec.store.neo4j import Neo4jStore

_EXPORTS = {
    "CypherStore": "kgrec.store.base",
    "EmbeddedStore": "kgrec.store.embedded",
    "GraphStore": "kgrec.store.base",
    "Neo4jStore": "kgrec.store.neo4j",
    "RecommendationRow": "kgrec.store.base",
}
__all__ = [
    "CypherStore",
    "EmbeddedStore",
    "GraphStore",
    "Neo4jStore",
    "RecommendationRow",
    "embedded_path",
    "open_store",
]

#: URI schemes of Neo4j servers and clusters.
NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    if uri == "embedded" or uri.startswith("embedded://"):
        from kgrec.store.embedded import EmbeddedStore

        path = embedded_path(work_dir) if uri == "embedded" else Path(uri[len("embedded://") :])
        return EmbeddedStore.open(path, read_only=read_only)
    if uri == "neo4j" or uri.split("://", 1)[0] in NEO4J_SCHEMES:
        from kgrec.store.neo4j import Neo4jStore

        return Neo4jStore.open(None if uri == "neo4j" else uri, read_only=read_only)
    raise ConfigError(f"unknown store {uri!r}: use 'embedded', 'neo4j' or a neo4j:// / bolt:// URI")
