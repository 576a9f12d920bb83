"""HetRec 2011 Last.fm (hetrec2011-lastfm-2k)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kgrec.data._files import dataset_from_files, numeric, read_delimited
from kgrec.data.dataset import Dataset
from kgrec.data.kg import read_friends

#: A tag becomes item text when at least this many users gave it to the artist (the split
#: files' protocol in ../shared/data/splits uses the same rule).
MIN_TAG_USES = 2


def load_hetrec_lastfm(folder: Path) -> Dataset:
    """Users' listening counts (``rating`` = play count, implicit feedback), artists as
    items (``title`` = name, ``kind`` = "artist"), and each artist's ``tags`` ("|"-joined,
    lower-cased, given by at least ``MIN_TAG_USES`` users), and ``user_friends.dat`` as
    FRIEND_OF links."""
    ua_path, artists_path = folder / "user_artists.dat", folder / "artists.dat"
    ua = read_delimited(ua_path, "\t", ["userID", "artistID", "weight"])
    artists = read_delimited(artists_path, "\t", ["id", "name"])
    items = pd.DataFrame(
        {"item_id": artists["id"], "title": artists["name"].fillna(""), "kind": "artist"}
    )
    tags_path, tagged_path = folder / "tags.dat", folder / "user_taggedartists.dat"
    if tags_path.exists() and tagged_path.exists():
        names = read_delimited(tags_path, "\t", ["tagID", "tagValue"], encoding="latin-1")
        tagged = read_delimited(tagged_path, "\t", ["userID", "artistID", "tagID"])
        tag_text = names.set_index("tagID")["tagValue"].str.strip().str.lower()
        tagged = tagged.assign(tag=tagged["tagID"].map(tag_text)).dropna(subset=["tag"])
        uses = tagged.groupby(["artistID", "tag"]).size().reset_index(name="n")
        kept = uses[uses["n"] >= MIN_TAG_USES].sort_values(
            ["artistID", "n"], ascending=[True, False]
        )
        items["tags"] = (
            items["item_id"].map(kept.groupby("artistID")["tag"].agg("|".join)).fillna("")
        )
    inter = pd.DataFrame(
        {
            "user_id": ua["userID"],
            "item_id": ua["artistID"],
            "rating": numeric(ua, "weight", ua_path),
        }
    )
    dataset = dataset_from_files(folder, inter, ua_path, items, artists_path)
    friends_path = folder / "user_friends.dat"
    if friends_path.exists():
        friends = read_friends(friends_path)
        users = set(dataset.users["user_id"])
        dataset.links = friends[friends["source"].isin(users) & friends["target"].isin(users)]
    return dataset
