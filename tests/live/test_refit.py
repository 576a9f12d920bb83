"""`kgrec refit`: logged feedback becomes training data, and serving then replays only
what the model does not hold."""

from pathlib import Path

import pandas as pd
import pytest

from kgrec import Recommender
from kgrec.config import PipelineConfig
from kgrec.pipeline import Pipeline, RunSummary


@pytest.mark.slow
def test_refit_folds_positive_events_into_train_and_keeps_the_rest_live(
    sample_run: RunSummary, sample_copy: Path
) -> None:
    work = sample_copy
    held = pd.concat([pd.read_parquet(work / "data" / f"{p}.parquet") for p in ("valid", "test")])
    held_u05 = set(held.loc[held["user_id"] == "u05", "item_id"])
    rec = Recommender.load(work)
    fresh = [r.item_id for r in rec.recommend("u05", k=20, explain=False)]
    liked = next(i for i in fresh if i not in held_u05)
    disliked = next(i for i in fresh if i not in held_u05 and i != liked)
    test_item = sorted(held_u05)[0]
    rec.feedback("u05", liked, "like")
    rec.feedback("u05", disliked, "dislike")
    rec.feedback("u05", test_item, "like")  # held out: must not reach train
    rec.feedback("refit-new", "m010", "like")
    rec.feedback("refit-new", "m024", "click")
    rec.add_items(
        [
            {
                "item_id": "added",
                "title": "Added Online",
                "text": "A drama in Lisbon.",
                "genres": ["Drama"],
            }
        ]
    )
    rec.feedback("u05", "added", "like")
    rec.say("refit-talker", "I love mystery films set in Lisbon")
    assert rec.events_since_model == 6

    summary = Pipeline(PipelineConfig(work_dir=work)).refit()
    assert summary.stages["data"] == "ran" and summary.stages["train"] == "ran"
    train = pd.read_parquet(work / "data" / "train.parquet")
    pairs = set(zip(train["user_id"], train["item_id"], strict=True))
    assert {("u05", liked), ("refit-new", "m010"), ("refit-new", "m024"), ("u05", "added")} <= pairs
    items = pd.read_parquet(work / "data" / "items.parquet")
    assert items.loc[items["item_id"] == "added", "genres"].tolist() == ["Drama"]
    assert ("u05", disliked) not in pairs and ("u05", test_item) not in pairs
    test = pd.read_parquet(work / "data" / "test.parquet")
    assert len(test) == len(pd.read_parquet(sample_run.work_dir / "data" / "test.parquet"))

    again = Recommender.load(work)
    assert again.events_since_model == 0
    assert "refit-new" in again.user_ids()
    assert again.item_ids().count("added") == 1  # in the graph now, not added again
    users = pd.read_parquet(work / "data" / "users.parquet").set_index("user_id")
    assert users.loc["refit-talker", "text"] == "I love mystery films set in Lisbon"
    talker = again.gt.node_ids.index("User:refit-talker")  # a graph user now, with LIKES
    assert len(again.state("refit-talker").said) > 0 and talker >= 0
    assert again.history("u05")["added"] == 1.0
    assert again.history("u05")[disliked] == -1.0  # dislikes stay live after a refit
    assert again.history("u05")[test_item] == 1.0  # so does a like the refit left out
    recs = again.recommend("refit-new", k=5)
    assert len(recs) == 5 and not {"m010", "m024"} & {r.item_id for r in recs}
