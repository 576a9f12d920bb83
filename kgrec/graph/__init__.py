"""The knowledge graph: schema, tables, builder and exports.

Names are imported on first use: the graph's tables and schema (``kgrec.graph.kg``) need
no torch, so the store and the CLI's ``query`` stay light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "GraphSchema": "kgrec.graph.schema",
    "KnowledgeGraph": "kgrec.graph.kg",
    "build_graph": "kgrec.graph.builder",
    "load_schema": "kgrec.graph.schema",
    "node_id": "kgrec.graph.kg",
    "normalise_key": "kgrec.graph.kg",
}
__all__ = [
    "GraphSchema",
    "KnowledgeGraph",
    "build_graph",
    "load_schema",
    "node_id",
    "normalise_key",
]

if TYPE_CHECKING:
    from kgrec.graph.builder import build_graph
    from kgrec.graph.kg import KnowledgeGraph, node_id, normalise_key
    from kgrec.graph.schema import GraphSchema, load_schema


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
