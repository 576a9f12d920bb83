"""Items added online (``Recommender.add_items``, ``POST /items``): checked rows, and the
graph they add, built by the pipeline's own extraction, graph builder and encoder.

A batch of new items becomes one :class:`ItemBatch`: the rows as given (what a refit adds
to the data set's items) and what they add to the graph — their Item nodes, attribute
nodes the graph lacks, their attribute edges, ``SIMILAR_TEXT`` links to the items nearest
in text, and every new node's text embedding. Batches are kept in a durable log like the
feedback events (``kgrec.live.events``), so a restarted service adds them again without
loading spaCy or the encoder; a batch's id is a digest of its rows, so sending the same
batch twice adds it once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kgrec.data.dataset import Dataset
from kgrec.errors import DataError
from kgrec.graph.builder import build_graph
from kgrec.graph.kg import KnowledgeGraph, node_id
from kgrec.graph.text_links import text_link_edges
from kgrec.live.events import JsonLog

if TYPE_CHECKING:
    from kgrec.extract.extractor import Extractor

#: The fields a new item may have; ``item_id`` and ``title`` are required.
FIELDS = ("item_id", "title", "text", "genres", "tags", "year")


@dataclass(frozen=True)
class NewItem:
    """One item to add: its id, title, description and structured attributes."""

    item_id: str
    title: str
    text: str = ""
    genres: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    year: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The row as JSON-ready fields."""
        return {
            "item_id": self.item_id,
            "title": self.title,
            "text": self.text,
            "genres": list(self.genres),
            "tags": list(self.tags),
            "year": self.year,
        }


def _fail(row: int, column: str, message: str) -> DataError:
    return DataError(message, file="items", row=row, column=column)


def parse_items(rows: Sequence[Mapping[str, Any]], known: set[str]) -> list[NewItem]:
    """Checked items from ``rows`` (1-based row numbers in errors); ``known`` are the item
    ids the graph has (an id there, or twice in ``rows``, is refused)."""
    if not rows:
        raise DataError("no items given: send at least one", file="items")
    out: list[NewItem] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            raise _fail(number, "item", f"an item is an object of fields, not {row!r}")
        extra = sorted(set(row) - set(FIELDS))
        if extra:
            raise _fail(number, extra[0], f"unknown field; the fields are {', '.join(FIELDS)}")
        for name in ("item_id", "title"):
            value = row.get(name)
            if not isinstance(value, str) or not value.strip():
                raise _fail(number, name, f"must be a non-empty string (got {value!r})")
        item_id = str(row["item_id"]).strip()
        if item_id in known:
            raise _fail(number, "item_id", f"item {item_id!r} is in the graph already")
        if item_id in seen:
            raise _fail(number, "item_id", f"item {item_id!r} is given twice")
        seen.add(item_id)
        text = row.get("text") or ""
        if not isinstance(text, str):
            raise _fail(number, "text", f"must be a string (got {text!r})")
        lists: dict[str, tuple[str, ...]] = {}
        for name in ("genres", "tags"):
            value = row.get(name) or []
            if not isinstance(value, list | tuple) or not all(
                isinstance(v, str) and v.strip() and "|" not in v for v in value
            ):
                raise _fail(number, name, "must be a list of non-empty strings without '|'")
            lists[name] = tuple(v.strip() for v in value)
        year = row.get("year")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            raise _fail(number, "year", f"must be a whole number (got {year!r})")
        out.append(
            NewItem(item_id, str(row["title"]).strip(), text, lists["genres"], lists["tags"], year)
        )
    return out


@dataclass(frozen=True)
class ItemBatch:
    """Items added together, and the nodes, edges and text embeddings they add."""

    batch_id: str
    items: tuple[NewItem, ...]
    nodes: pd.DataFrame
    edges: pd.DataFrame
    vectors: dict[str, list[float]]

    @staticmethod
    def id_of(items: Sequence[NewItem]) -> str:
        """The batch id: a digest of the rows (the same rows, the same id)."""
        text = json.dumps([i.to_dict() for i in items], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]

    @classmethod
    def merged(cls, batches: Sequence[ItemBatch]) -> ItemBatch:
        """Several batches as one, in order (adding it adds what they add one by one:
        the filter's bordered inverse is the same for a block as for its parts)."""
        return cls(
            "+".join(b.batch_id for b in batches),
            tuple(i for b in batches for i in b.items),
            pd.concat([b.nodes for b in batches], ignore_index=True),
            pd.concat([b.edges for b in batches], ignore_index=True),
            {k: v for b in batches for k, v in b.vectors.items()},
        )

    def item_ids(self) -> list[str]:
        """The ids of the batch's items."""
        return [i.item_id for i in self.items]

    def to_json(self) -> str:
        """One line of the items log."""
        return json.dumps(
            {
                "batch_id": self.batch_id,
                "items": [i.to_dict() for i in self.items],
                "nodes": json.loads(self.nodes.to_json(orient="records")),
                "edges": json.loads(self.edges.to_json(orient="records")),
                "vectors": self.vectors,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, line: str) -> ItemBatch:
        """Inverse of :meth:`to_json`."""
        raw: dict[str, Any] = json.loads(line)
        items = tuple(
            NewItem(
                str(r["item_id"]),
                str(r["title"]),
                str(r.get("text") or ""),
                tuple(r.get("genres") or ()),
                tuple(r.get("tags") or ()),
                r.get("year"),
            )
            for r in raw["items"]
        )
        vectors = {str(k): [float(x) for x in v] for k, v in raw["vectors"].items()}
        return cls(
            str(raw["batch_id"]),
            items,
            pd.DataFrame.from_records(raw["nodes"]),
            pd.DataFrame.from_records(raw["edges"], columns=["src", "rel", "dst", "weight"]),
            vectors,
        )


class ItemLog(JsonLog[ItemBatch]):
    """The durable log of item batches at ``path``."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, ItemBatch.from_json, lambda b: b.batch_id, "an item batch")


def items_frame(items: Sequence[NewItem]) -> pd.DataFrame:
    """The items as rows of a data set's items table (genres and tags ``|``-joined)."""
    return pd.DataFrame(
        {
            "item_id": [i.item_id for i in items],
            "title": [i.title for i in items],
            "text": [i.text for i in items],
            "genres": ["|".join(i.genres) for i in items],
            "tags": ["|".join(i.tags) for i in items],
            "year": pd.array([i.year for i in items], dtype="Int64"),
        }
    )


def build_batch(
    items: Sequence[NewItem],
    extractor: Extractor,
    kg: KnowledgeGraph,
    item_vectors: tuple[list[str], np.ndarray],
) -> ItemBatch:
    """What ``items`` add to ``kg``: the pipeline's extraction and graph builder run on
    them alone, attribute nodes ``kg`` has reused, and their text links to the items
    nearest in text among ``item_vectors`` (the graph's item node ids and embeddings)
    and each other."""
    from kgrec.extract.corpus import extract_dataset, node_texts

    frame = items_frame(items)
    empty = pd.DataFrame({"user_id": pd.Series(dtype=str), "item_id": pd.Series(dtype=str)})
    users = pd.DataFrame({"user_id": pd.Series(dtype=str), "text": pd.Series(dtype=str)})
    dataset = Dataset(empty, frame, users, name="added items")
    sub = build_graph(dataset, extract_dataset(dataset, extractor))
    have = set(kg.nodes["node_id"])
    nodes = sub.nodes[~sub.nodes["node_id"].isin(have)].reset_index(drop=True)
    texts = node_texts(nodes)
    keys = list(texts)
    vecs = extractor.encoder.encode([texts[k] for k in keys]) if keys else np.zeros((0, 0))
    vectors = {k: [float(x) for x in v] for k, v in zip(keys, vecs, strict=True)}
    ids, old = item_vectors
    new_ids = [node_id("Item", i.item_id) for i in items if node_id("Item", i.item_id) in vectors]
    edges = sub.edges[["src", "rel", "dst", "weight"]]
    if new_ids:
        all_ids = list(ids) + new_ids
        stacked = np.concatenate([old, np.stack([vectors[i] for i in new_ids])])
        links = text_link_edges(all_ids, stacked, start_at=len(ids))
        edges = pd.concat([edges, links], ignore_index=True)
    return ItemBatch(
        ItemBatch.id_of(items), tuple(items), nodes, edges.reset_index(drop=True), vectors
    )
