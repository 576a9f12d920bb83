"""Build the user / item / attribute knowledge graph from a data set and its mentions."""

from __future__ import annotations

import pandas as pd

from kgrec.data.dataset import Dataset
from kgrec.graph.kg import KnowledgeGraph, node_id
from kgrec.graph.schema import GraphSchema, load_schema
from kgrec.graph.text_links import SIMILAR_TEXT

#: Columns of the mentions table the extraction stage writes (one row per mention).


def _strongest(mentions: pd.DataFrame) -> pd.DataFrame:
    """One edge per (src, rel, attribute), weighted by its most confident mention."""
    return (
        mentions.groupby(["src", "rel", "attr_id"])["score"]
        .max()
        .reset_index()
        .rename(columns={"attr_id": "dst", "score": "weight"})
    )


def build_graph(
    dataset: Dataset,
    mentions: pd.DataFrame,
    interactions: pd.DataFrame | None = None,
    schema: GraphSchema | None = None,
) -> KnowledgeGraph:
    """Nodes for users, items and attributes; edges for interactions, item attributes and
    users' stated likes and dislikes. ``interactions`` defaults to all of the data set's
    (pass the train split to build the graph a model is evaluated on)."""
    schema = schema or load_schema()
    inter = dataset.interactions if interactions is None else interactions
    users, items = dataset.users, dataset.items

    user_nodes = pd.DataFrame(
        {
            "node_id": [node_id("User", u) for u in users["user_id"]],
            "label": "User",
            "key": users["user_id"],
            "name": users["user_id"],
            "text": users.get("text", ""),
        }
    )
    titles = (
        items["title"].where(items["title"] != "", items["item_id"])
        if "title" in items
        else items["item_id"]
    )
    item_nodes = pd.DataFrame(
        {
            "node_id": [node_id("Item", i) for i in items["item_id"]],
            "label": "Item",
            "key": items["item_id"],
            "name": titles,
            "title": titles,
            "text": items.get("text", ""),
            "year": items["year"] if "year" in items else pd.array([None] * len(items), "Int64"),
        }
    )

    m = mentions[mentions["canonical"].astype(str).str.len() > 0].copy()
    m["attr_id"] = [node_id(k, c) for k, c in zip(m["kind"], m["canonical"], strict=True)]
    # one display name per attribute node: its most frequent canonical spelling
    attr_nodes = (
        m.groupby(["attr_id", "kind"])["canonical"]
        .agg(lambda s: s.value_counts().index[0])
        .reset_index()
        .rename(columns={"attr_id": "node_id", "kind": "label", "canonical": "name"})
    )
    attr_nodes["key"] = attr_nodes["name"]

    item_m = m[m["owner_label"] == "Item"].copy()
    default_rel = item_m["kind"].map(schema.item_attribute_relationship)
    allowed = pd.Series(
        [
            isinstance(rel, str)
            and rel in schema.relationships
            and kind in schema.relationships[rel].targets
            for rel, kind in zip(item_m["relation"], item_m["kind"], strict=True)
        ],
        index=item_m.index,
        dtype=bool,
    )
    item_m["rel"] = item_m["relation"].where(allowed, default_rel)
    item_m["src"] = [node_id("Item", i) for i in item_m["owner_id"]]
    item_edges = _strongest(item_m)
    # a person named with a role (DIRECTED_BY ...) needs no vaguer INVOLVES edge as well
    specific = item_edges[item_edges["rel"] != "INVOLVES"][["src", "dst"]]
    vague = item_edges["rel"].eq("INVOLVES") & pd.MultiIndex.from_frame(
        item_edges[["src", "dst"]]
    ).isin(pd.MultiIndex.from_frame(specific))
    item_edges = item_edges[~vague]

    user_m = m[m["owner_label"] == "User"].copy()
    user_m["rel"] = user_m["polarity"].map(lambda p: "LIKES" if p >= 0 else "DISLIKES")
    user_m["src"] = [node_id("User", u) for u in user_m["owner_id"]]
    user_edges = _strongest(user_m)

    inter_edges = pd.DataFrame(
        {
            "src": [node_id("User", u) for u in inter["user_id"]],
            "rel": "INTERACTED",
            "dst": [node_id("Item", i) for i in inter["item_id"]],
            "weight": 1.0,
            "rating": inter["rating"].astype(float) if "rating" in inter else float("nan"),
            "timestamp": inter["timestamp"].astype("Int64")
            if "timestamp" in inter
            else pd.array([None] * len(inter), "Int64"),
        }
    )
    link_nodes, link_edges = _links(dataset, set(user_nodes["node_id"]), set(item_nodes["node_id"]))
    nodes = pd.concat([user_nodes, item_nodes, attr_nodes, link_nodes], ignore_index=True)
    nodes = nodes.drop_duplicates("node_id", keep="first")
    edges = pd.concat([inter_edges, item_edges, user_edges, link_edges], ignore_index=True)
    edges["weight"] = edges["weight"].astype(float)
    return KnowledgeGraph(nodes, edges).validate(schema)


def _links(dataset: Dataset, users: set[str], items: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes and edges for the data set's own typed links (friendships, KG triples).
    Links whose user or item end is not in the graph are left out; other ends (Entity
    nodes) are created, named by their key."""
    links = dataset.links
    if not len(links):
        return pd.DataFrame(columns=["node_id", "label", "key", "name"]), pd.DataFrame()
    src = [
        node_id(str(lb), str(k))
        for lb, k in zip(links["source_label"], links["source"], strict=True)
    ]
    dst = [
        node_id(str(lb), str(k))
        for lb, k in zip(links["target_label"], links["target"], strict=True)
    ]
    frame = pd.DataFrame(
        {
            "src": src,
            "rel": links["type"].astype(str).to_numpy(),
            "dst": dst,
            "weight": 1.0,
            "relation": links["relation"].to_numpy(),
            "src_label": links["source_label"].to_numpy(),
            "src_key": links["source"].astype(str).to_numpy(),
            "dst_label": links["target_label"].to_numpy(),
            "dst_key": links["target"].astype(str).to_numpy(),
        }
    )
    known = users | items

    def kept(ids: pd.Series, labels: pd.Series) -> pd.Series:
        return ids.isin(known) | ~labels.isin(["User", "Item"])

    frame = frame[kept(frame["src"], frame["src_label"]) & kept(frame["dst"], frame["dst_label"])]
    ends = pd.concat(
        [
            frame[["src", "src_label", "src_key"]].set_axis(["node_id", "label", "key"], axis=1),
            frame[["dst", "dst_label", "dst_key"]].set_axis(["node_id", "label", "key"], axis=1),
        ]
    )
    new = ends[~ends["label"].isin(["User", "Item"])].drop_duplicates("node_id")
    new = new.assign(name=new["key"])
    edges = frame[["src", "rel", "dst", "weight", "relation"]].drop_duplicates(
        ["src", "rel", "dst"]
    )
    return new.reset_index(drop=True), edges.reset_index(drop=True)


def dataset_from_graph(kg: KnowledgeGraph, name: str = "store") -> tuple[Dataset, pd.DataFrame]:
    """The inverse of :func:`build_graph`: a Dataset and a mentions table from a stored graph,
    so a pipeline can train from a graph that lives in a store (e.g. Neo4j)."""
    from kgrec.data.dataset import validate_dataset
    from kgrec.errors import DataError

    nodes, edges = kg.nodes, kg.edges
    key_of = pd.Series(nodes["key"].astype(str).to_numpy(), index=nodes["node_id"])
    label_of = pd.Series(nodes["label"].to_numpy(), index=nodes["node_id"])
    inter = edges[edges["rel"] == "INTERACTED"]
    if inter.empty:
        raise DataError(
            "the store holds no INTERACTED relationships: write a graph to it first "
            "(a pipeline with data.source = 'sample' or 'csv' and the same store)",
            file="store",
        )
    interactions = pd.DataFrame(
        {
            "user_id": inter["src"].map(key_of).to_numpy(),
            "item_id": inter["dst"].map(key_of).to_numpy(),
            **{c: inter[c].to_numpy() for c in ("rating", "timestamp") if c in inter},
        }
    )
    item_nodes = nodes[nodes["label"] == "Item"]
    items = pd.DataFrame({"item_id": item_nodes["key"].astype(str).to_numpy()})
    for col in ("title", "text", "year"):
        if col in item_nodes:
            items[col] = item_nodes[col].to_numpy()
    user_nodes = nodes[nodes["label"] == "User"]
    users = pd.DataFrame(
        {
            "user_id": user_nodes["key"].astype(str).to_numpy(),
            "text": user_nodes["text"].to_numpy() if "text" in user_nodes else "",
        }
    )
    dataset = validate_dataset(
        interactions,
        items,
        users,
        sources={p: "store" for p in ("interactions", "items", "users")},
        name=name,
    )
    # text links are not attributes: the graph stage recomputes them from the texts
    attr = edges[~edges["rel"].isin(["INTERACTED", SIMILAR_TEXT])]
    mentions = pd.DataFrame(
        {
            "owner_label": attr["src"].map(label_of).to_numpy(),
            "owner_id": attr["src"].map(key_of).to_numpy(),
            "source": "store",
            "text": attr["dst"].map(pd.Series(nodes["name"].to_numpy(), index=nodes["node_id"])),
            "kind": attr["dst"].map(label_of).to_numpy(),
            "relation": attr["rel"].where(attr["src"].map(label_of) == "Item", None).to_numpy(),
            "polarity": attr["rel"].map(lambda r: -1 if r == "DISLIKES" else 1).to_numpy(),
            "score": attr["weight"].astype(float).to_numpy(),
        }
    )
    mentions["canonical"] = mentions["text"]
    return dataset, mentions
