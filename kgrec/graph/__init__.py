"""The knowledge graph: schema, tables, builder and exports."""

from kgrec.graph.builder import build_graph
from kgrec.graph.kg import KnowledgeGraph, node_id, normalise_key
from kgrec.graph.schema import GraphSchema, load_schema

__all__ = [
    "GraphSchema",
    "KnowledgeGraph",
    "build_graph",
    "load_schema",
    "node_id",
    "normalise_key",
]
