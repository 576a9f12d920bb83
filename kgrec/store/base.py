"""The GraphStore protocol that every backend implements, and helpers they share."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from kgrec.graph.kg import KnowledgeGraph


@dataclass(frozen=True)
class RecommendationRow:
    """One recommendation to write back as (:User)-[:RECOMMENDED]->(:Item)."""

    user_node: str
    item_node: str
    rank: int
    score: float
    text: str
    paths: str  # JSON list of paths
    model: str
    created_at: str


@runtime_checkable
class GraphStore(Protocol):
    """Where a knowledge graph and its recommendations live."""

    def apply_schema(self) -> None:
        """Create tables / constraints from graph_schema (idempotent)."""

    def write(self, kg: KnowledgeGraph, batch_size: int = 1000) -> None:
        """Upsert every node and edge of ``kg`` in batches (idempotent)."""

    def read(self) -> KnowledgeGraph:
        """Read the whole graph back (RECOMMENDED edges excluded)."""

    def write_recommendations(
        self, recs: Sequence[RecommendationRow], batch_size: int = 1000
    ) -> None:
        """Replace the RECOMMENDED edges of the users in ``recs`` with ``recs``."""

    def query(
        self, cypher: str, params: Mapping[str, Any] | None = None, write: bool = False
    ) -> list[dict[str, Any]]:
        """Run Cypher; read-only unless ``write`` is true. Rows keyed by column name."""

    def close(self) -> None:
        """Release the connection or files."""


def clean_value(value: Any) -> Any:
    """A value a database driver accepts: NaN/NA -> None, numpy scalars -> Python."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def frame_rows(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    """Rows of ``frame`` restricted to ``columns`` (missing ones as None), cleaned."""
    present = [c for c in columns if c in frame.columns]
    out = []
    for record in frame[present].to_dict("records"):
        row = {c: clean_value(record.get(c)) for c in columns}
        out.append(row)
    return out


def batches(rows: Sequence[dict[str, Any]], size: int) -> Iterator[Sequence[dict[str, Any]]]:
    """Consecutive slices of at most ``size`` rows."""
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
