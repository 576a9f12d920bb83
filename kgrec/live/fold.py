"""Folding feedback events into a data set's training interactions, and items added
online into its items (``kgrec refit``).

An event's last word on a (user, item) pair decides: a like, a click or a rating at or
above the data's mean rating makes it a training interaction (at the event's time, with
its rating where it was one); a dislike or a skip does not (those stay in the live state,
replayed on top of every model). Pairs held out in the valid or test split are never
folded (that would train on what the model is tested on), nor items the data does not
have. Users feedback created join the users.
"""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pandas as pd

from kgrec.data.dataset import Dataset
from kgrec.data.split import Split
from kgrec.errors import DataWarning
from kgrec.live.events import Feedback
from kgrec.live.items import NewItem, items_frame
from kgrec.live.state import LiveState
from kgrec.live.words import Words


def with_words(dataset: Dataset, words: list[Words]) -> Dataset:
    """``dataset`` with users' remembered words appended to their texts (users the data
    lacks join with them): the extraction then finds what they like and dislike."""
    if not words:
        return dataset
    users = dataset.users.copy()
    if "text" not in users:
        users["text"] = ""
    users["text"] = users["text"].fillna("").astype(str)
    said: dict[str, list[str]] = {}
    for w in words:
        said.setdefault(w.user_id, []).append(w.text)
    known = set(users["user_id"])
    joined = [u for u in said if u not in known]
    if joined:
        extra = pd.DataFrame({"user_id": joined, "text": [""] * len(joined)})
        users = pd.concat([users, extra.astype(users.dtypes.to_dict())], ignore_index=True)
    texts = users["user_id"].map(lambda u: " ".join(said.get(u, [])))
    users["text"] = (users["text"] + " " + texts).str.strip()
    return replace(dataset, users=users)


def with_items(dataset: Dataset, items: list[NewItem]) -> Dataset:
    """``dataset`` with the items added online that it lacks, as rows of its items table
    (their genres and tags in the columns the extraction reads)."""
    frame = items_frame(items)
    frame = frame[~frame["item_id"].isin(set(dataset.items["item_id"]))]
    if frame.empty:
        return dataset
    old = dataset.items
    for col in ("genres", "tags", "text", "title"):
        if col in frame and col not in old and not frame[col].astype(bool).any():
            frame = frame.drop(columns=col)  # nothing to add where the data has no such column
    merged = pd.concat([old, frame], ignore_index=True)
    for col in ("genres", "tags", "text", "title"):
        if col in merged:
            merged[col] = merged[col].fillna("")
    if "year" in merged:
        merged["year"] = merged["year"].astype("Int64")
    return replace(dataset, items=merged)


def fold_events(
    dataset: Dataset, split: Split, events: list[Feedback]
) -> tuple[Dataset, Split, pd.DataFrame]:
    """``dataset`` and ``split`` with the positive events as training interactions, and
    the (user_id, item_id) pairs folded in (serving stops replaying their likes)."""
    inter = dataset.interactions
    rated = inter["rating"].dropna() if "rating" in inter else pd.Series(dtype=float)
    live = LiveState(float(rated.mean()) if len(rated) else None)  # its rule of "positive"
    last = pd.DataFrame(
        {
            "user_id": [e.user_id for e in events],
            "item_id": [e.item_id for e in events],
            "kind": [e.kind for e in events],
            "value": [np.nan if e.value is None else e.value for e in events],
            "ts": [e.ts for e in events],
            "positive": [live.positive(e) for e in events],
        }
    ).drop_duplicates(["user_id", "item_id"], keep="last")
    chosen = last[last["positive"]]
    known = chosen["item_id"].isin(set(dataset.items["item_id"]))
    if not known.all():
        warnings.warn(
            DataWarning(
                f"{int((~known).sum())} feedback event(s) name items the data does not have: "
                "not folded in"
            ),
            stacklevel=2,
        )
    chosen = chosen[known]
    held = pd.concat([split.valid, split.test])[["user_id", "item_id"]]
    key = chosen["user_id"] + "\x1f" + chosen["item_id"]
    chosen = chosen[~key.isin(set(held["user_id"] + "\x1f" + held["item_id"]))]
    train_key = set(split.train["user_id"] + "\x1f" + split.train["item_id"])
    chosen = chosen[~(chosen["user_id"] + "\x1f" + chosen["item_id"]).isin(train_key)]
    new = pd.DataFrame({"user_id": chosen["user_id"], "item_id": chosen["item_id"]})
    if "rating" in inter:
        new["rating"] = chosen["value"].where(chosen["kind"] == "rating").astype(float)
    if "timestamp" in inter:
        new["timestamp"] = chosen["ts"].astype("int64")
    new = new.astype({"user_id": inter["user_id"].dtype, "item_id": inter["item_id"].dtype})
    users = dataset.users
    joined = sorted(set(new["user_id"]) - set(users["user_id"]))
    if joined:
        extra = pd.DataFrame({"user_id": joined, "text": [""] * len(joined)})
        users = pd.concat([users, extra.astype(users.dtypes.to_dict())], ignore_index=True)
    folded = replace(dataset, interactions=pd.concat([inter, new], ignore_index=True), users=users)
    train = pd.concat([split.train, new[list(split.train.columns)]], ignore_index=True)
    return folded, Split(train, split.valid, split.test), new[["user_id", "item_id"]]
