"""The GraphStore protocol that every backend implements, and helpers they share."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

import numpy as np

from kgrec.graph.kg import KnowledgeGraph
from kgrec.graph.schema import GraphSchema
from kgrec.store import cypher

if TYPE_CHECKING:  # imported where used: `kgrec query` needs no pandas (start-up, issue 15)
    import pandas as pd


@dataclass(frozen=True)
class RecommendationRow:
    """One recommendation to write back as (:User)-[:RECOMMENDED]->(:Item)."""

    user_node: str
    item_node: str
    rank: int
    score: float
    text: str
    paths: str  # JSON list of paths
    path_ids: tuple[str, ...]  # per path, its node ids joined by "|"
    model: str
    created_at: str


@dataclass(frozen=True)
class FeedbackRow:
    """One feedback event to store as (:User)-[:FEEDBACK]->(:Item)."""

    user_node: str
    user: str  # the user's key: a user feedback created is stored with it
    item_node: str
    event_id: str
    kind: str
    value: float | None
    ts: int


@runtime_checkable
class GraphStore(Protocol):
    """Where a knowledge graph and its recommendations live."""

    #: The Cypher dialect ``query`` speaks: "neo4j" or "ladybug" (the embedded engine), for
    #: queries a user writes for one backend; kgrec itself writes none outside the store.
    dialect: ClassVar[str]

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
        self.apply_schema()

    def write_feedback(self, events: Sequence[FeedbackRow], batch_size: int = 1000) -> None:
        """Upsert one FEEDBACK edge per event id (idempotent), creating users feedback
        made."""

    def query(
        self, cypher: str, params: Mapping[str, Any] | None = None, write: bool = False
    ) -> list[dict[str, Any]]:
        """Run Cypher; read-only unless ``write`` is true. Rows keyed by column name."""

    def counts(self) -> tuple[int, int]:
        """How many nodes and relationships are stored (RECOMMENDED edges excluded)."""

    def close(self) -> None:
        """Release the connection or files."""

    def __enter__(self) -> GraphStore:
        """The store itself; closed when the ``with`` block ends."""

    def __exit__(self, *exc: object) -> None:
        """Close the store."""


@cache
def _pandas_na() -> object:
    """``pd.NA``, with pandas imported on first use (``kgrec query`` needs none)."""
    import pandas as pd

    return pd.NA


def clean_value(value: Any) -> Any:
    """A value a database driver accepts: NaN/NA -> None, numpy scalars -> Python."""
    if value is None or value is _pandas_na():
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


class CypherStore(ABC):
    """What every Cypher-speaking backend shares: batched upserts, read-back, write-back.

    A backend provides :meth:`_run` (one parameterised statement), :meth:`apply_schema`,
    :meth:`query` and :meth:`close`; everything else is written once, here.
    """

    schema: GraphSchema
    #: The Cypher dialect, for the few functions the backends spell differently.
    dialect: ClassVar[str] = "neo4j"

    @abstractmethod
    def _run(self, statement: str, params: Mapping[str, Any] | None = None) -> Any:
        """Execute one write statement with parameters."""

    @abstractmethod
    def apply_schema(self) -> None:
        """Create tables / constraints from graph_schema (idempotent)."""

    @abstractmethod
    def query(
        self, cypher_text: str, params: Mapping[str, Any] | None = None, write: bool = False
    ) -> list[dict[str, Any]]:
        """Run Cypher; read-only unless ``write``."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection or files."""

    def write(self, kg: KnowledgeGraph, batch_size: int = 1000) -> None:
        """Upsert nodes per label, then edges per (type, source label, target label)."""
        import pandas as pd

        self.apply_schema()
        for label, group in kg.nodes.groupby("label"):
            rows = frame_rows(group, list(self.schema.node_properties(str(label))))
            for chunk in batches(rows, batch_size):
                query = cypher.upsert_nodes(self.schema, str(label), valued_properties(chunk))
                self._run(query, {"rows": list(chunk)})
        label_of = pd.Series(kg.nodes["label"].to_numpy(), index=kg.nodes["node_id"])
        edges = kg.edges.assign(_s=kg.edges["src"].map(label_of), _d=kg.edges["dst"].map(label_of))
        for (rel, src, dst), group in edges.groupby(["rel", "_s", "_d"]):
            cols = ["src", "dst", *self.schema.relationships[str(rel)].properties]
            for chunk in batches(frame_rows(group, cols), batch_size):
                props = valued_properties(chunk)
                query = cypher.upsert_edges(self.schema, str(rel), str(src), str(dst), props)
                self._run(
                    query, {"rows": [{k: r[k] for k in ("src", "dst", *props)} for r in chunk]}
                )

    def read(self) -> KnowledgeGraph:
        """The stored graph, without RECOMMENDED edges."""
        return cypher.read_graph(self.schema, self.query)

    def counts(self) -> tuple[int, int]:
        """How many nodes and relationships are stored (RECOMMENDED edges excluded)."""
        nodes = self.query(cypher.COUNT_NODES)[0]["n"]
        around = {"around": list(cypher.WRITTEN_AROUND)}
        rels = self.query(cypher.COUNT_RELATIONSHIPS[self.dialect], around)[0]["n"]
        return int(nodes), int(rels)

    def write_recommendations(
        self, recs: Sequence[RecommendationRow], batch_size: int = 1000
    ) -> None:
        """Replace the RECOMMENDED edges of the users in ``recs`` with ``recs``."""
        self.apply_schema()
        users = sorted({r.user_node for r in recs})
        for chunk in batches([{"u": u} for u in users], batch_size):
            self._run(cypher.DELETE_RECOMMENDATIONS, {"users": [row["u"] for row in chunk]})
        query = cypher.upsert_edges(self.schema, "RECOMMENDED", "User", "Item")
        for chunk in batches(recommendation_params(recs), batch_size):
            self._run(query, {"rows": list(chunk)})

    def write_feedback(self, events: Sequence[FeedbackRow], batch_size: int = 1000) -> None:
        """Upsert one FEEDBACK edge per event id (idempotent), creating users feedback
        made."""
        self.apply_schema()
        rows = [
            {
                "src": e.user_node,
                "user": e.user,
                "dst": e.item_node,
                "event_id": e.event_id,
                "kind": e.kind,
                "value": e.value,
                "ts": e.ts,
            }
            for e in events
        ]
        for chunk in batches(rows, batch_size):
            props = [p for p in valued_properties(chunk) if p not in ("user", "event_id")]
            keep = ["src", "user", "dst", "event_id", *props]
            self._run(
                cypher.upsert_feedback(self.schema, props),
                {"rows": [{k: r[k] for k in keep} for r in chunk]},
            )

    def __enter__(self) -> CypherStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def valued_properties(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Properties (not ids) that at least one row gives a value."""
    keys = rows[0].keys() if rows else []
    return [
        k
        for k in keys
        if k not in ("node_id", "src", "dst") and any(r[k] is not None for r in rows)
    ]


def recommendation_params(recs: Sequence[RecommendationRow]) -> list[dict[str, Any]]:
    """Rows for the RECOMMENDED upsert statement."""
    return [
        {
            "src": r.user_node,
            "dst": r.item_node,
            "rank": r.rank,
            "score": r.score,
            "text": r.text,
            "paths": r.paths,
            "path_ids": list(r.path_ids),
            "model": r.model,
            "created_at": r.created_at,
        }
        for r in recs
    ]


def batches(rows: Sequence[dict[str, Any]], size: int) -> Iterator[Sequence[dict[str, Any]]]:
    """Consecutive slices of at most ``size`` rows."""
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
