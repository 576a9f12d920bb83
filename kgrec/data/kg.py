"""Structured knowledge: knowledge-graph triples (KB4Rec / MKR style) and social ties."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kgrec.data._files import read_delimited
from kgrec.data.dataset import LINK_COLUMNS
from kgrec.errors import DataError


def read_kg_triples(triples: Path, item_map: Path | None, item_ids: pd.Series) -> pd.DataFrame:
    """Links (``Dataset.links`` rows) from a triple file and an item-to-entity map.

    ``triples``: tab-separated ``head, relation, tail`` without a header (MKR's
    ``kg.txt``, KB4Rec's files). ``item_map``: tab-separated ``item id, entity`` without a
    header (MKR's ``item_index2entity_id.txt``); without one, a head that is an item id is
    that item. A head or tail entity that maps to a catalogue item becomes that Item;
    every other entity becomes an Entity node named by its id. Triples whose head is an
    unmapped entity stay as Entity → Entity links (two-hop knowledge)."""
    frame = read_delimited(triples, "\t", ["head", "relation", "tail"], header=False)
    blank = frame.isna().any(axis=1)
    if blank.any():
        row = int(blank.to_numpy().nonzero()[0][0])
        col = str(frame.columns[frame.iloc[row].isna().to_numpy()][0])
        raise DataError("empty field in a triple", file=str(triples), row=row + 1, column=col)
    known = set(item_ids.astype(str))
    entity_item: dict[str, str] = {}
    if item_map is not None:
        mapping = read_delimited(item_map, "\t", ["item_id", "entity"], header=False)
        dup = mapping["entity"].duplicated()
        if dup.any():
            row = int(dup.to_numpy().nonzero()[0][0])
            raise DataError(
                f"entity {mapping['entity'].iloc[row]!r} is mapped to two items",
                file=str(item_map),
                row=row + 1,
                column="entity",
            )
        entity_item = {
            e: i for i, e in zip(mapping["item_id"], mapping["entity"], strict=True) if i in known
        }
    else:
        entity_item = {i: i for i in known}

    def ends(column: str) -> tuple[list[str], list[str]]:
        labels, keys = [], []
        for value in frame[column]:
            if value in entity_item:
                labels.append("Item")
                keys.append(entity_item[value])
            else:
                labels.append("Entity")
                keys.append(value)
        return labels, keys

    head_label, head = ends("head")
    tail_label, tail = ends("tail")
    links = pd.DataFrame(
        {
            "source_label": head_label,
            "source": head,
            "type": "RELATED",
            "target_label": tail_label,
            "target": tail,
            "relation": frame["relation"].to_numpy(),
        },
        columns=LINK_COLUMNS,
    )
    # an item–item triple points the item-side way round: Item RELATED Entity only
    item_item = (links["source_label"] == "Item") & (links["target_label"] == "Item")
    links = links[~item_item].copy()
    flip = (links["source_label"] == "Entity") & (links["target_label"] == "Item")
    links.loc[flip, ["source_label", "source", "target_label", "target"]] = links.loc[
        flip, ["target_label", "target", "source_label", "source"]
    ].to_numpy()
    return links.drop_duplicates(["source", "type", "target"]).reset_index(drop=True)


def read_friends(
    path: Path, user_col: str = "userID", friend_col: str = "friendID"
) -> pd.DataFrame:
    """Links for a friendship file (HetRec's ``user_friends.dat``): one FRIEND_OF per
    unordered pair (the file lists each tie from both sides)."""
    frame = read_delimited(path, "\t", [user_col, friend_col])
    a, b = frame[user_col].astype(str), frame[friend_col].astype(str)
    lo, hi = a.where(a <= b, b), b.where(a <= b, a)
    pairs = pd.DataFrame({"source": lo, "target": hi}).drop_duplicates()
    pairs = pairs[pairs["source"] != pairs["target"]]
    return pd.DataFrame(
        {
            "source_label": "User",
            "source": pairs["source"].to_numpy(),
            "type": "FRIEND_OF",
            "target_label": "User",
            "target": pairs["target"].to_numpy(),
            "relation": None,
        },
        columns=LINK_COLUMNS,
    )
