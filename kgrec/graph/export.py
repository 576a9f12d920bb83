"""Exports of a KnowledgeGraph: index tensors for the model, PyG HeteroData, networkx."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import torch

from kgrec.graph.kg import KnowledgeGraph
from kgrec.graph.text_links import SIMILAR_TEXT

if TYPE_CHECKING:  # imported by the exports that return them, not by every graph user
    import networkx as nx
    from torch_geometric.data import HeteroData

#: Relationship types that never carry a model's messages (text links are evidence for
#: explanations, kept in ``GraphTensors.text_links``).
NOT_PROPAGATED = frozenset({"DISLIKES", "RECOMMENDED", SIMILAR_TEXT})


@dataclass
class GraphTensors:
    """A graph as index tensors: one node index space over all labels.

    ``edge_index`` holds each propagated relationship in both directions, with
    ``edge_type`` giving its position in ``relations``. ``text`` holds a text
    embedding for each node that has one (``has_text`` marks which). ``text_links`` holds
    the SIMILAR_TEXT item pairs (both directions), which the model does not propagate over,
    and ``dislikes`` the DISLIKES edges (kept out of propagation; ``kgrec.models.scorer``
    counts them against what they point at).
    """

    node_ids: list[str]
    labels: np.ndarray
    names: list[str]
    users: torch.Tensor
    items: torch.Tensor
    relations: list[str]
    edge_index: torch.Tensor
    edge_type: torch.Tensor
    text: torch.Tensor
    has_text: torch.Tensor
    text_links: torch.Tensor = field(default_factory=lambda: torch.zeros(2, 0, dtype=torch.long))
    #: (user, attribute) pairs of the DISLIKES edges (not propagated; they lower scores)
    dislikes: torch.Tensor = field(default_factory=lambda: torch.zeros(2, 0, dtype=torch.long))

    @property
    def num_nodes(self) -> int:
        """Number of nodes of every label."""
        return len(self.node_ids)


def to_tensors(
    kg: KnowledgeGraph,
    text_embeddings: pd.DataFrame | None = None,
    *,
    relations: list[str] | None = None,
    use_attributes: bool = True,
    text_dim: int = 384,
    drop_kinds: Sequence[str] = (),
) -> GraphTensors:
    """Index the graph for the model. ``text_embeddings`` has ``node_id`` and ``vec`` columns.

    ``relations`` fixes the relation order (for a checkpoint made on another graph);
    with ``use_attributes=False`` only INTERACTED edges propagate; the nodes of
    ``drop_kinds`` are left out with their edges.
    """
    kg = kg.without_kinds(drop_kinds)
    nodes = kg.nodes.reset_index(drop=True)
    index = pd.Series(np.arange(len(nodes)), index=nodes["node_id"])
    edges = kg.edges[~kg.edges["rel"].isin(NOT_PROPAGATED)]
    if not use_attributes:
        edges = edges[edges["rel"] == "INTERACTED"]
    rels = relations or sorted(edges["rel"].unique())
    edges = edges[edges["rel"].isin(rels)]
    src = torch.as_tensor(index.loc[edges["src"]].to_numpy(copy=True), dtype=torch.long)
    dst = torch.as_tensor(index.loc[edges["dst"]].to_numpy(copy=True), dtype=torch.long)
    rel_pos = {r: k for k, r in enumerate(rels)}
    etype = torch.as_tensor(edges["rel"].map(rel_pos).to_numpy(copy=True), dtype=torch.long)
    text = torch.zeros(len(nodes), text_dim)
    has_text = torch.zeros(len(nodes), 1)
    if text_embeddings is not None and len(text_embeddings):
        known = text_embeddings[text_embeddings["node_id"].isin(index.index)]
        if len(known):
            rows = torch.as_tensor(
                index.loc[known["node_id"]].to_numpy(copy=True), dtype=torch.long
            )
            text[rows] = torch.as_tensor(np.stack(list(known["vec"])), dtype=torch.float32)
            has_text[rows] = 1.0
    labels = nodes["label"].to_numpy()
    links = kg.edges[kg.edges["rel"] == SIMILAR_TEXT]
    a = torch.as_tensor(index.loc[links["src"]].to_numpy(copy=True), dtype=torch.long)
    b = torch.as_tensor(index.loc[links["dst"]].to_numpy(copy=True), dtype=torch.long)
    hated = kg.edges[kg.edges["rel"] == "DISLIKES"] if use_attributes else kg.edges.iloc[:0]
    dislikes = torch.as_tensor(
        np.stack(
            [
                index.loc[hated["src"]].to_numpy(copy=True),
                index.loc[hated["dst"]].to_numpy(copy=True),
            ]
        ).reshape(2, -1),
        dtype=torch.long,
    )
    return GraphTensors(
        node_ids=list(nodes["node_id"]),
        labels=labels,
        names=[str(n) for n in nodes["name"]],
        users=torch.as_tensor(np.flatnonzero(labels == "User"), dtype=torch.long),
        items=torch.as_tensor(np.flatnonzero(labels == "Item"), dtype=torch.long),
        relations=rels,
        edge_index=torch.cat([torch.stack([src, dst]), torch.stack([dst, src])], dim=1),
        edge_type=torch.cat([etype, etype]),
        text=text,
        has_text=has_text,
        text_links=torch.stack([torch.cat([a, b]), torch.cat([b, a])]),
        dislikes=dislikes,
    )


def to_hetero_data(kg: KnowledgeGraph) -> HeteroData:
    """A PyG HeteroData with one node type per label and one edge type per (src, rel, dst)."""
    from torch_geometric.data import HeteroData

    data = HeteroData()
    local: dict[str, pd.Series] = {}
    for label, group in kg.nodes.groupby("label"):
        local[str(label)] = pd.Series(np.arange(len(group)), index=group["node_id"])
        data[str(label)].node_id = list(group["node_id"])
        data[str(label)].num_nodes = len(group)
    label_of = pd.Series(kg.nodes["label"].to_numpy(), index=kg.nodes["node_id"])
    edges = kg.edges.assign(sl=kg.edges["src"].map(label_of), dl=kg.edges["dst"].map(label_of))
    for (rel, sl, dl), group in edges.groupby(["rel", "sl", "dl"]):
        src = local[str(sl)].loc[group["src"]].to_numpy()
        dst = local[str(dl)].loc[group["dst"]].to_numpy()
        store = data[str(sl), str(rel), str(dl)]
        store.edge_index = torch.as_tensor(np.stack([src, dst]), dtype=torch.long)
        store.edge_weight = torch.as_tensor(
            group["weight"].to_numpy(dtype=float, copy=True), dtype=torch.float
        )
    return data


def to_networkx(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    """A networkx MultiDiGraph with node and edge attributes (edge key = relationship type)."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    for row in kg.nodes.to_dict("records"):
        graph.add_node(row["node_id"], **{str(k): v for k, v in row.items() if k != "node_id"})
    for row in kg.edges.to_dict("records"):
        graph.add_edge(
            row["src"],
            row["dst"],
            key=row["rel"],
            **{str(k): v for k, v in row.items() if k not in ("src", "dst")},
        )
    return graph
