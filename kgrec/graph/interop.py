"""kgrec's graph in other tools: RecBole and hopwise atomic files, and a PyG ``HeteroData``.

RecBole's atomic files (https://recbole.io/docs/user_guide/data/atomic_files.html) are
tab-separated with a ``name:type`` header, one file per kind of record:

- ``<name>.inter``: ``user_id:token item_id:token [rating:float] [timestamp:float]``, and
  the split as ``<name>.train.inter`` / ``.valid.inter`` / ``.test.inter``, read with
  ``benchmark_filename: [train, valid, test]``;
- ``<name>.item``: ``item_id:token``, the title and year, and one ``token_seq`` field per
  attribute kind (the item's genres, people, places, ... as tokens);
- ``<name>.kg``: ``head_id:token relation_id:token tail_id:token``, every edge between two
  nodes that are not users (items' attributes, knowledge-graph triples, text links);
- ``<name>.link``: ``item_id:token entity_id:token``, each item's entity in the ``.kg``
  (items of the interactions; the rest of the catalogue stays in the ``.kg`` as entities).

The graph is the training graph kgrec's model sees. Its KG side is the items' attributes
from their texts, tags and metadata (item-side knowledge, as the peer libraries' item KGs
are), which do not depend on the split; no interaction is in the ``.kg``. Users' own likes
and dislikes are left out: RecBole's KG holds entities, not users.

hopwise (a RecBole extension for path reasoning) reads the same files. What differs is
written for it: its path models write paths as tokens separated by spaces, so every token
(users and items included) is made space-free, and its config names the interaction
relation (``ui_relation``) and the path settings. ``<name>.kgrec_ids.tsv`` maps every
token back to kgrec's node id and name in both formats.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from kgrec.errors import ArgumentError
from kgrec.graph.export import to_hetero_data
from kgrec.graph.kg import KnowledgeGraph, node_id

#: The formats ``kgrec export`` writes.
FORMATS = ("recbole", "hopwise", "pyg")
#: The split's parts, in the order of RecBole's ``benchmark_filename``.
PARTS = ("train", "valid", "test")

_UNSAFE = re.compile(r"[\s]+")


@dataclass
class ExportInput:
    """What an export needs from a pipeline's work directory."""

    name: str
    #: the training graph (train interactions only)
    graph: KnowledgeGraph
    #: train, valid and test interactions (``user_id``, ``item_id``, ``rating?``,
    #: ``timestamp?``)
    splits: dict[str, pd.DataFrame]
    #: text embeddings of nodes (``node_id``, ``vec``), where the graph stage made them
    embeddings: pd.DataFrame | None = None


def tokens(ids: Iterable[str], *, space_free: bool) -> dict[str, str]:
    """One file token per id: the id itself, or with runs of whitespace made ``_`` where
    the format needs it (``space_free``); tabs and line breaks never stay. Tokens that
    would collide get ``~2``, ``~3``, ... in id order."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for nid in sorted(set(ids)):
        base = _UNSAFE.sub("_", nid) if space_free else re.sub(r"[\t\r\n]+", " ", nid)
        token, k = base, 1
        while token in taken:
            k += 1
            token = f"{base}~{k}"
        taken.add(token)
        out[nid] = token
    return out


def export(inp: ExportInput, fmt: str, out_dir: Path) -> list[Path]:
    """Write ``inp`` in format ``fmt`` (one of :data:`FORMATS`) under ``out_dir/fmt``;
    returns the files written. RecBole and hopwise get a folder named after the data set
    in it (``out_dir/recbole/<name>/``), as their ``data_path`` expects."""
    if fmt not in FORMATS:
        raise ArgumentError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "pyg":
        return [write_pyg(inp, out_dir / fmt / f"{inp.name}.pt")]
    return write_atomic(inp, out_dir / fmt / inp.name, hopwise=fmt == "hopwise")


def _kg_edges(kg: KnowledgeGraph) -> pd.DataFrame:
    """Edges between two nodes neither of which is a user."""
    users = set(kg.nodes.loc[kg.nodes["label"] == "User", "node_id"])
    keep = ~kg.edges["src"].isin(users) & ~kg.edges["dst"].isin(users)
    return kg.edges.loc[keep, ["src", "rel", "dst"]].drop_duplicates()


def _write(frame: pd.DataFrame, header: list[str], path: Path) -> Path:
    """A tab-separated atomic file with a ``name:type`` header, missing values empty (no
    quoting: every field was made tab-free)."""
    frame.to_csv(
        path, sep="\t", header=header, index=False, quoting=csv.QUOTE_NONE, lineterminator="\n"
    )
    return path


def _inter(
    frame: pd.DataFrame, user: dict[str, str], item: dict[str, str]
) -> tuple[pd.DataFrame, list[str]]:
    out = pd.DataFrame(
        {
            "user_id": [user[node_id("User", u)] for u in frame["user_id"]],
            "item_id": [item[node_id("Item", i)] for i in frame["item_id"]],
        }
    )
    header = ["user_id:token", "item_id:token"]
    for col in ("rating", "timestamp"):
        if col in frame and frame[col].notna().all():
            out[col] = frame[col].astype(float).to_numpy()
            header.append(f"{col}:float")
    return out, header


def _field(label: str) -> str:
    """An attribute kind's field name in ``.item``: ``Genre`` → ``genre``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", label).lower()


@dataclass
class _Tokens:
    """Each field's tokens: users and items by their own ids, entities by kgrec's node
    ids (``Genre:comedy``), so a KG token says what it is."""

    user: dict[str, str]
    item: dict[str, str]
    entity: dict[str, str]

    @classmethod
    def of(cls, inp: ExportInput, space_free: bool) -> _Tokens:
        every = pd.concat(inp.splits.values(), ignore_index=True)
        nodes = inp.graph.nodes
        by_label = {
            label: dict(zip(group["node_id"], group["key"].astype(str), strict=True))
            for label, group in nodes[nodes["label"].isin(["User", "Item"])].groupby("label")
        }
        keys = {
            label: by_label.get(label, {})
            | {node_id(label, k): str(k) for k in every[f"{label.lower()}_id"]}
            for label in ("User", "Item")
        }

        def field(ids: dict[str, str]) -> dict[str, str]:
            token = tokens(ids.values(), space_free=space_free)
            return {nid: token[key] for nid, key in ids.items()}

        entities = nodes.loc[nodes["label"] != "User", "node_id"]
        return cls(
            user=field(keys["User"]),
            item=field(keys["Item"]),
            entity=tokens(entities, space_free=space_free),
        )

    def rows(self, names: pd.Series) -> pd.DataFrame:
        """Every token with its field, kgrec node id and name (``<name>.kgrec_ids.tsv``)."""
        fields = (("user_id", self.user), ("item_id", self.item), ("entity_id", self.entity))
        return pd.DataFrame(
            [
                (field, token, nid, _UNSAFE.sub(" ", str(names.get(nid, nid))))
                for field, mapping in fields
                for nid, token in sorted(mapping.items())
            ],
            columns=["field", "token", "node_id", "name"],
        )


def write_atomic(inp: ExportInput, folder: Path, *, hopwise: bool = False) -> list[Path]:
    """RecBole's atomic files (hopwise's variant with ``hopwise=True``) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    kg, name = inp.graph, inp.name
    tok = _Tokens.of(inp, space_free=hopwise)
    written = []
    frames = {part: _inter(inp.splits[part], tok.user, tok.item) for part in PARTS}
    # rating and timestamp are fields only where every part has them
    header = min((h for _, h in frames.values()), key=len)
    columns = [h.split(":")[0] for h in header]
    for part, (frame, _) in frames.items():
        written.append(_write(frame[columns], header, folder / f"{name}.{part}.inter"))
    whole = pd.concat([f for f, _ in frames.values()], ignore_index=True)
    written.append(_write(whole[columns], header, folder / f"{name}.inter"))

    edges = _kg_edges(kg)
    kg_frame = pd.DataFrame(
        {
            "head_id": edges["src"].map(tok.entity),
            "relation_id": edges["rel"],
            "tail_id": edges["dst"].map(tok.entity),
        }
    )
    kg_header = ["head_id:token", "relation_id:token", "tail_id:token"]
    written.append(_write(kg_frame, kg_header, folder / f"{name}.kg"))

    # the items of the interactions: RecBole links only items it knows from them (an
    # item of the catalogue nobody had stays in the .kg as a plain entity)
    had = {node_id("Item", str(i)) for p in PARTS for i in inp.splits[p]["item_id"]}
    items = [i for i in kg.nodes.loc[kg.nodes["label"] == "Item", "node_id"] if i in had]
    link = pd.DataFrame(
        {"item_id": [tok.item[i] for i in items], "entity_id": [tok.entity[i] for i in items]}
    )
    link_header = ["item_id:token", "entity_id:token"]
    written.append(_write(link, link_header, folder / f"{name}.link"))
    written.append(_item_file(kg, edges, items, tok, folder / f"{name}.item"))

    names = kg.nodes.set_index("node_id")["name"]
    ids_file = folder / f"{name}.kgrec_ids.tsv"
    written.append(_write(tok.rows(names), ["field", "token", "node_id", "name"], ids_file))
    written.append(_config(folder / f"{name}.yaml", name, columns, hopwise=hopwise))
    return written


def _item_file(
    kg: KnowledgeGraph, edges: pd.DataFrame, items: list[str], tok: _Tokens, path: Path
) -> Path:
    """``.item``: title and year, and one ``token_seq`` field per attribute kind holding
    the item's attributes by key, made space-free (RecBole splits sequences on spaces)."""
    nodes = kg.nodes.set_index("node_id")
    frame = pd.DataFrame({"item_id": [tok.item[i] for i in items]})
    header = ["item_id:token"]
    if "title" in nodes:
        titles = nodes.loc[items, "title"].fillna("").astype(str)
        frame["title"] = titles.str.replace(_UNSAFE, " ", regex=True).str.strip().to_numpy()
        header.append("title:token_seq")
    if "year" in nodes and nodes.loc[items, "year"].notna().any():
        frame["year"] = pd.array(nodes.loc[items, "year"].to_numpy(), dtype="Int64")
        header.append("year:token")
    attr = edges[edges["src"].isin(set(items))]
    attr = attr.assign(kind=attr["dst"].map(nodes["label"]), key=attr["dst"].map(nodes["key"]))
    for kind, group in sorted(attr.groupby("kind"), key=lambda g: str(g[0])):
        if kind == "Item":  # item-item links (similar texts) are in the .kg only
            continue
        per_item = group.groupby("src")["key"].agg(
            lambda keys: " ".join(sorted({_UNSAFE.sub("_", str(k)) for k in keys}))
        )
        frame[_field(str(kind))] = [per_item.get(i, "") for i in items]
        header.append(f"{_field(str(kind))}:token_seq")
    return _write(frame, header, path)


def _config(path: Path, name: str, inter: list[str], *, hopwise: bool) -> Path:
    """A config file for the data set: fields, the split files, and hopwise's paths."""
    lines = [
        f"# RecBole{'/hopwise' if hopwise else ''} settings for the data set {name!r} written by",
        "# `kgrec export`. Pass with --config_files; set data_path to the folder above this one.",
        f"dataset: {name}",
        "USER_ID_FIELD: user_id",
        "ITEM_ID_FIELD: item_id",
        "HEAD_ENTITY_ID_FIELD: head_id",
        "TAIL_ENTITY_ID_FIELD: tail_id",
        "RELATION_ID_FIELD: relation_id",
        "ENTITY_ID_FIELD: entity_id",
        "load_col:",
        f"  inter: {json.dumps(inter)}",
        '  kg: ["head_id", "relation_id", "tail_id"]',
        '  link: ["item_id", "entity_id"]',
        "# the item features (.item) are not loaded by default; to use them, add e.g.",
        "#   item: [item_id, genre]",
        "benchmark_filename: [train, valid, test]",
        "eval_args:",
        "  order: RO",
        "  mode: full",
    ]
    if hopwise:
        lines += [
            'ui_relation: "[UI-Relation]"',
            "kg_reverse_r: false",
            "path_hop_length: 3",
            "path_sample_args:",
            '  path_token_separator: " "',
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_pyg(inp: ExportInput, path: Path) -> Path:
    """The training graph as a PyG ``HeteroData`` (``torch.save``), with the split.

    Node types are kgrec's labels (``User``, ``Item``, ``Genre``, ...) and edge types
    ``(src label, relationship, dst label)``; each node type keeps ``node_id`` (kgrec's
    ids, in row order) and, where the graph stage embedded texts, ``x`` (the text
    embedding; zeros where a node has none) and ``has_text``. The valid and test
    interactions are ``valid_edge_label_index`` and ``test_edge_label_index`` of
    ``('User', 'INTERACTED', 'Item')``, whose ``edge_index`` holds train only.
    Load with ``torch.load(path, weights_only=False)``.
    """
    data = to_hetero_data(inp.graph)
    if inp.embeddings is not None and len(inp.embeddings):
        known = pd.Index(inp.embeddings["node_id"])
        vectors = torch.as_tensor(np.stack(list(inp.embeddings["vec"])), dtype=torch.float32)
        for label in data.node_types:
            at = torch.as_tensor(known.get_indexer(data[label].node_id), dtype=torch.long)
            has = at >= 0
            x = torch.zeros(len(at), vectors.shape[1])
            x[has] = vectors[at[has]]
            data[label].x = x
            data[label].has_text = has
    users = pd.Series(np.arange(len(data["User"].node_id)), index=data["User"].node_id)
    items = pd.Series(np.arange(len(data["Item"].node_id)), index=data["Item"].node_id)
    for part in ("valid", "test"):
        frame = inp.splits[part]
        u = users.loc[[node_id("User", x) for x in frame["user_id"]]].to_numpy()
        i = items.loc[[node_id("Item", x) for x in frame["item_id"]]].to_numpy()
        data["User", "INTERACTED", "Item"][f"{part}_edge_label_index"] = torch.as_tensor(
            np.stack([u, i]).reshape(2, -1), dtype=torch.long
        )
    data.name = inp.name
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(data, path)
    return path
