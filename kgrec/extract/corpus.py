"""Running the Extractor over a whole data set: item texts, item metadata, users' own words."""

from __future__ import annotations

import pandas as pd

from kgrec.data.dataset import Dataset
from kgrec.extract.extractor import Extractor, Feed
from kgrec.extract.nlp import ARTIST_LABEL

MENTION_FRAME_COLUMNS = [
    "owner_label",
    "owner_id",
    "source",
    "text",
    "kind",
    "canonical",
    "start",
    "end",
    "score",
    "relation",
    "polarity",
]


def extract_dataset(
    dataset: Dataset, extractor: Extractor, feed: Feed | None = None
) -> pd.DataFrame:
    """One row per mention: owner (Item or User id), where it came from (``text``,
    ``metadata`` or ``tag``), the mention's fields. Texts of items and users are
    canonicalised together so a user's "sci-fi" and an item's "science fiction" meet in
    one node. ``feed`` wraps the texts on their way into spaCy (e.g. a progress bar)."""
    items, users = dataset.items, dataset.users
    extractor.know(catalogue_acts(items))
    # tags first: the people they name ("Tom Hanks") are then known to the ruler, so
    # spaCy labels them right in descriptions, and lone surnames can link to them
    tag_rows = _tag_mentions(items, extractor) if "tags" in items.columns else []
    known = {"Person": sorted({str(r["canonical"]) for r in tag_rows if r["kind"] == "Person"})}
    if "organizations" in items.columns:  # studios of the metadata, named in the texts too
        names = items["organizations"].str.split("|").explode().str.strip().dropna()
        known["Organization"] = sorted({n for n in names if _distinctive(n)})
    extractor.know(known)
    owners = [("Item", i, t) for i, t in zip(items["item_id"], items.get("text", ""), strict=False)]
    owners += [("User", u, t) for u, t in zip(users["user_id"], users["text"], strict=True)]
    owners = [o for o in owners if isinstance(o[2], str) and o[2].strip()]
    found = extractor.extract(
        [o[2] for o in owners], feed=feed, descriptions=[o[0] == "Item" for o in owners]
    )
    rows = [
        {"owner_label": label, "owner_id": oid, "source": "text", **m.to_dict()}
        for (label, oid, _), mentions in zip(owners, found, strict=True)
        for m in mentions
    ]
    for column, kind, relation in METADATA_COLUMNS:
        if column in items.columns:
            rows += _metadata_mentions(items, column, kind, relation, extractor)
    frame = pd.DataFrame(rows + tag_rows, columns=MENTION_FRAME_COLUMNS)
    return frame.astype({"start": "int64", "end": "int64", "polarity": "int64", "score": "float64"})


def catalogue_acts(items: pd.DataFrame) -> dict[str, list[str]]:
    """``{"ARTIST": names}`` of the items that are music acts (``kind`` = "artist"), which
    tags may name (:meth:`Extractor.extract_tags`); empty for other catalogues."""
    if not {"kind", "title"} <= set(items.columns):
        return {}
    return {ARTIST_LABEL: [str(t) for t in items.loc[items["kind"] == "artist", "title"]]}


#: Item columns of names ("A|B") that are attributes as they are: column, kind, relation.
METADATA_COLUMNS = (("genres", "Genre", None), ("organizations", "Organization", "MADE_BY"))


def _distinctive(name: str) -> bool:
    """A name the ruler may match case-insensitively in any text: several words, or a
    digit or an inner capital ("A24", "MGM"); not "Imagine" or "Summit"."""
    return " " in name.strip() or any(c.isdigit() or c.isupper() for c in name[1:])


def _metadata_mentions(
    items: pd.DataFrame, column: str, kind: str, relation: str | None, extractor: Extractor
) -> list[dict[str, object]]:
    """One mention per name of a metadata column, canonicalised as ``kind``."""
    names = items[column].str.split("|").explode().str.strip()
    names = names[names.notna() & (names != "")]
    canonical = extractor.canonicalize(list(names), kind=kind)
    return [
        {
            "owner_label": "Item",
            "owner_id": items["item_id"].loc[idx],
            "source": "metadata",
            "text": raw,
            "kind": kind,
            "canonical": canon,
            "start": -1,
            "end": -1,
            "score": 1.0,
            "relation": relation,
            "polarity": 1,
        }
        for idx, raw, canon in zip(names.index, names, canonical, strict=True)
    ]


def _tag_mentions(items: pd.DataFrame, extractor: Extractor) -> list[dict[str, object]]:
    """Item tags as attributes (see :meth:`Extractor.extract_tags`)."""
    tags = items["tags"].str.split("|").explode().str.strip()
    tags = tags[tags.notna() & (tags != "")]
    unique = sorted(set(tags))
    found = dict(zip(unique, extractor.extract_tags(unique), strict=True))
    return [
        {
            "owner_label": "Item",
            "owner_id": items["item_id"].loc[idx],
            "source": "tag",
            **m.to_dict(),
            "start": -1,
            "end": -1,
        }
        for idx, tag in zip(tags.index, tags, strict=True)
        for m in found[tag]
    ]


def node_texts(nodes: pd.DataFrame) -> dict[str, str]:
    """The text each node is embedded from: an item's title and description, a user's own
    words, an attribute's name (not an external KG entity's: its name is an id)."""
    out: dict[str, str] = {}
    for row in nodes.itertuples(index=False):
        nid, label, name = str(row.node_id), str(row.label), str(row.name)
        text = getattr(row, "text", None)
        text = text if isinstance(text, str) else ""
        if label == "Item":
            out[nid] = f"{name}. {text}".strip() if text else name
        elif label == "User":
            if text.strip():
                out[nid] = text
        elif label != "Entity":  # an external KG's entity is named by a bare id
            out[nid] = name
    return out
