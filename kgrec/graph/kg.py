"""KnowledgeGraph: typed node and edge tables, checked against the schema."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kgrec.errors import SchemaError
from kgrec.graph.schema import GraphSchema, load_schema

if TYPE_CHECKING:  # imported where used: `kgrec query` needs no pandas (start-up, issue 15)
    import pandas as pd

NODE_COLUMNS = ["node_id", "label", "key", "name"]
EDGE_COLUMNS = ["src", "rel", "dst", "weight"]


def normalise_key(text: str) -> str:
    """Case- and space-insensitive form of an attribute name (NFKC, casefolded)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().casefold()


def node_id(label: str, key: str) -> str:
    """Stable id of a node: the same label and key give the same id in every run.

    User and Item keys are source ids and kept verbatim; attribute keys are names
    and normalised, so "Science Fiction" and "science  fiction" are one node.
    """
    return f"{label}:{key if label in ('User', 'Item') else normalise_key(key)}"


@dataclass
class KnowledgeGraph:
    """Nodes ``(node_id, label, key, name, …)`` and edges ``(src, rel, dst, weight, …)``."""

    nodes: pd.DataFrame
    edges: pd.DataFrame

    def __post_init__(self) -> None:
        for col in NODE_COLUMNS:
            if col not in self.nodes.columns:
                raise SchemaError(f"node table lacks column {col!r}")
        for col in EDGE_COLUMNS:
            if col not in self.edges.columns:
                raise SchemaError(f"edge table lacks column {col!r}")

    @classmethod
    def empty(cls) -> KnowledgeGraph:
        """A graph with no nodes and no edges."""
        import pandas as pd

        return cls(pd.DataFrame(columns=NODE_COLUMNS), pd.DataFrame(columns=EDGE_COLUMNS))

    def without_kinds(self, labels: Iterable[str]) -> KnowledgeGraph:
        """The graph less the nodes of ``labels`` and every edge that touches them."""
        drop = set(labels)
        if not drop:
            return self
        gone = set(self.nodes.loc[self.nodes["label"].isin(drop), "node_id"])
        keep = ~(self.edges["src"].isin(gone) | self.edges["dst"].isin(gone))
        return KnowledgeGraph(
            self.nodes[~self.nodes["label"].isin(drop)].reset_index(drop=True),
            self.edges[keep].reset_index(drop=True),
        )

    def validate(self, schema: GraphSchema | None = None) -> KnowledgeGraph:
        """Check labels, relationship types, endpoints and id uniqueness; return self."""
        import pandas as pd

        schema = schema or load_schema()
        for label in self.nodes["label"].unique():
            schema.check_label(str(label))
        dup = self.nodes["node_id"].duplicated()
        if dup.any():
            raise SchemaError(
                f"duplicate node ids, e.g. {self.nodes.loc[dup, 'node_id'].iloc[0]!r}"
            )
        label_of = pd.Series(self.nodes["label"].to_numpy(), index=self.nodes["node_id"])
        src_label = self.edges["src"].map(label_of)
        dst_label = self.edges["dst"].map(label_of)
        missing = src_label.isna() | dst_label.isna()
        if missing.any():
            row = self.edges[missing].iloc[0]
            raise SchemaError(f"edge {row['src']} -[{row['rel']}]-> {row['dst']} has a missing end")
        triples = pd.DataFrame({"rel": self.edges["rel"], "s": src_label, "d": dst_label})
        for rel, s, d in triples.drop_duplicates().itertuples(index=False):
            schema.check_rel(str(rel), str(s), str(d))
        return self

    def counts(self) -> dict[str, int]:
        """Node counts per label and edge counts per type, for reports."""
        out = {
            f"(:{k})": int(v) for k, v in self.nodes["label"].value_counts().sort_index().items()
        }
        out |= {f"[:{k}]": int(v) for k, v in self.edges["rel"].value_counts().sort_index().items()}
        return out

    def save(self, folder: Path) -> None:
        """Write ``nodes.parquet`` and ``edges.parquet`` into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        self.nodes.to_parquet(folder / "nodes.parquet", index=False)
        self.edges.to_parquet(folder / "edges.parquet", index=False)

    @classmethod
    def load(cls, folder: Path) -> KnowledgeGraph:
        """Read a graph saved by :meth:`save`."""
        import pandas as pd

        return cls(
            pd.read_parquet(folder / "nodes.parquet"), pd.read_parquet(folder / "edges.parquet")
        )
