"""Items added online: recommendable at once through their attributes and text, durable,
in the store, refused whole when a row is bad, added once when sent twice."""

from pathlib import Path

import pandas as pd
import pytest
import torch

from kgrec import Recommender
from kgrec.errors import DataError
from kgrec.layout import ITEMS_FILE
from kgrec.store import open_store


@pytest.fixture()
def work(sample_copy: Path) -> Path:
    return sample_copy


def _twin(rec: Recommender, item_id: str, new_id: str) -> dict[str, object]:
    """A new item with ``item_id``'s title words, text and genres."""
    row = rec.kg.nodes.set_index("node_id").loc[f"Item:{item_id}"]
    genres = [
        rec.kg.nodes.set_index("node_id").loc[d, "name"]
        for d in rec.kg.edges.query(
            "src == @s and rel == 'HAS_GENRE'", local_dict={"s": f"Item:{item_id}"}
        )["dst"]
    ]
    return {"item_id": new_id, "title": f"{row['title']} II", "text": row["text"], "genres": genres}


def test_a_new_item_is_recommendable_at_once_and_explained(work: Path) -> None:
    rec = Recommender.load(work)
    n_items = len(rec.item_ids())
    receipt = rec.add_items([_twin(rec, "m001", "new1")])
    assert receipt.new and receipt.item_ids == ["new1"]
    assert len(rec.item_ids()) == n_items + 1 and rec.item_ids()[-1] == "new1"
    # its nearest item is the one it copies: same genres, same words
    assert rec.similar_items("new1", k=3)[0].item_id == "m001"
    # users who would get the original rank its twin close to it
    ranks = []
    for user in rec.user_ids()[:20]:
        order = [r.item_id for r in rec.recommend(user, k=n_items + 1, explain=False)]
        if "m001" in order:
            ranks.append(abs(order.index("new1") - order.index("m001")))
    assert ranks and sorted(ranks)[len(ranks) // 2] <= n_items // 5, ranks
    shown = [
        u
        for u in rec.user_ids()
        if "new1" in [r.item_id for r in rec.recommend(u, k=10, explain=False)]
    ]
    assert shown, "a new item like a liked one should be in somebody's top 10"
    why = rec.explain(shown[0], "new1")
    assert why.paths and why.text
    # feedback on it works like on any item
    rec.feedback(shown[0], "new1", "like")
    assert "new1" not in [r.item_id for r in rec.recommend(shown[0], k=10)]


@pytest.mark.reliability
def test_added_items_survive_a_restart_and_reach_the_store(work: Path) -> None:
    rec = Recommender.load(work)
    rec.add_items(
        [
            _twin(rec, "m002", "new2"),
            {"item_id": "new3", "title": "Quiet Nights", "genres": ["Drama"]},
        ]
    )
    before = rec.scorer.scores(rec.state("u05"))
    again = Recommender.load(work)
    assert again.item_ids()[-2:] == ["new2", "new3"]
    torch.testing.assert_close(again.scorer.scores(again.state("u05")), before)
    with open_store(again.config.store, work, read_only=True) as store:
        rows = store.query(
            "MATCH (i:Item)-[:HAS_GENRE]->(g:Genre) WHERE i.key = 'new3' RETURN g.name AS g"
        )
    assert [str(r["g"]).lower() for r in rows] == ["drama"]  # the graph's own Drama node


@pytest.mark.reliability
def test_a_bad_row_adds_nothing_and_says_where(work: Path) -> None:
    rec = Recommender.load(work)
    n_items = len(rec.item_ids())
    with pytest.raises(DataError, match=r"row 2, column 'title'"):
        rec.add_items([{"item_id": "ok", "title": "Fine"}, {"item_id": "bad", "title": ""}])
    with pytest.raises(DataError, match="in the graph already"):
        rec.add_items([{"item_id": "m001", "title": "Again"}])
    with pytest.raises(DataError, match="column 'genres'"):
        rec.add_items([{"item_id": "x", "title": "X", "genres": "Drama"}])
    with pytest.raises(DataError, match="column 'colour'"):
        rec.add_items([{"item_id": "x", "title": "X", "colour": "red"}])
    assert len(rec.item_ids()) == n_items
    assert not (work / ITEMS_FILE).exists()


@pytest.mark.reliability
def test_the_same_rows_twice_are_added_once(work: Path) -> None:
    rec = Recommender.load(work)
    rows = [
        {
            "item_id": "twice",
            "title": "Twice Told",
            "text": "A drama set in Lisbon.",
            "genres": ["Drama"],
        }
    ]
    first, second = rec.add_items(rows), rec.add_items(rows)
    assert first.new and not second.new and first.batch_id == second.batch_id
    assert rec.item_ids().count("twice") == 1
    lines = (work / ITEMS_FILE).read_text().splitlines()
    assert len(lines) == 1
    assert pd.read_json(work / ITEMS_FILE, lines=True)["batch_id"].tolist() == [first.batch_id]


@pytest.mark.reliability
def test_two_servers_on_one_work_directory_see_each_others_writes(work: Path) -> None:
    # two Recommenders share nothing but the work directory's logs, as two processes do
    a, b = Recommender.load(work), Recommender.load(work)
    b.add_items([{"item_id": "from-b", "title": "From B", "genres": ["Drama"]}], write_store=False)
    b.feedback("u05", "from-b", "like")
    b.feedback("shared-new", "m010", "like")
    assert "from-b" in a.item_ids()
    assert a.history("u05")["from-b"] == 1.0
    assert "shared-new" in a.user_ids()
    a.feedback("u05", "m002", "dislike")
    assert b.history("u05")["m002"] == -1.0
    assert a.events_since_model == b.events_since_model == 3
