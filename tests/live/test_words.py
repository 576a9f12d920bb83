"""Users' own words, remembered: a sentence seeds a new user or adds to a graph user,
durably, and a refit folds it into the user's text."""

from pathlib import Path

import pytest
import torch

from kgrec import Recommender
from kgrec.errors import ArgumentError


@pytest.fixture()
def work(sample_copy: Path) -> Path:
    return sample_copy


def test_a_sentence_seeds_a_new_user_who_stays(work: Path) -> None:
    rec = Recommender.load(work)
    text = "I love mystery films set in Lisbon but I can't stand westerns"
    anonymous = [r.item_id for r in rec.recommend_for_text(text, k=8, explain=False)]
    seeded = rec.recommend_for_text(text, k=8, user_id="talker")
    assert [r.item_id for r in seeded] == anonymous  # the same sentence, the same list
    assert all(r.paths for r in seeded)
    assert "talker" in rec.user_ids()
    assert [r.item_id for r in rec.recommend("talker", k=8, explain=False)] == anonymous
    assert not rec.say("talker", text)  # said before: nothing changes
    # feedback builds on the words
    rec.feedback("talker", anonymous[0], "like")
    after = [r.item_id for r in rec.recommend("talker", k=8, explain=False)]
    assert anonymous[0] not in after
    again = Recommender.load(work)  # a restart: no spaCy needed to get them back
    assert [r.item_id for r in again.recommend("talker", k=8, explain=False)] == after


def test_a_graph_users_words_count_against_what_they_dislike(work: Path) -> None:
    rec = Recommender.load(work)
    before = rec.state("u05")
    rec.say("u05", "I can't stand westerns")
    after = rec.state("u05")
    western = rec.gt.node_ids.index("Genre:western")
    assert western in after.said.tolist()
    assert float(after.said_sign[after.said.tolist().index(western)]) == -1.0
    has = rec.scorer.links.linked(torch.tensor([western])) > 0
    drop = rec.scorer.scores(before) - rec.scorer.scores(after)
    assert float(drop[has].min()) > 0 and float(drop[~has].abs().max()) < 1e-5


def test_empty_words_are_refused(work: Path) -> None:
    rec = Recommender.load(work)
    with pytest.raises(ArgumentError, match="empty"):
        rec.say("u05", "  ")
    with pytest.raises(ArgumentError, match="user_id"):
        rec.say("", "I like westerns")
