"""Feedback through the Python API: the next list reflects it, events are durable and
applied once, new users join by feedback, and a reload replays the log."""

import json
import multiprocessing
from pathlib import Path

import pytest
import torch

from kgrec import Recommender
from kgrec.errors import ArgumentError, UnknownIdError
from kgrec.layout import EVENTS_FILE
from kgrec.live.events import EventLog, Feedback
from kgrec.store import open_store


@pytest.fixture()
def work(sample_copy: Path) -> Path:
    return sample_copy


def test_a_like_leaves_the_list_and_becomes_a_reason(work: Path) -> None:
    rec = Recommender.load(work)
    before = rec.recommend("u05", k=10)
    liked = before[0]
    receipt = rec.feedback("u05", liked.item_id, "like")
    assert receipt.new
    after = rec.recommend("u05", k=10)
    assert liked.item_id not in [r.item_id for r in after]
    assert rec.history("u05")[liked.item_id] == 1.0
    reasons = [p for r in after for p in r.paths if p.nodes[1].node_id == f"Item:{liked.item_id}"]
    assert reasons, "the liked item should explain some of the next recommendations"
    assert {p.relationships[0] for p in reasons} == {"FEEDBACK"}
    assert any(f"you just liked *{liked.title}*" in r.text for r in after), [r.text for r in after]


def test_the_store_gets_each_event_once(work: Path) -> None:
    rec = Recommender.load(work)
    rec.feedback("u05", "m010", "like", event_id="a")
    rec.feedback("u05", "m010", "like", event_id="a")
    rec.feedback("newbie", "m024", "rating", value=4.0, event_id="b")
    assert rec.sync_feedback() == 2
    assert rec.sync_feedback() == 2  # again: nothing doubles
    with open_store("embedded", work, read_only=True) as store:
        rows = store.query(
            "MATCH (u:User)-[f:FEEDBACK]->(i:Item) RETURN u.key AS u, i.key AS i, "
            "f.event_id AS e, f.kind AS kind, f.value AS value ORDER BY e"
        )
    assert rows == [
        {"u": "u05", "i": "m010", "e": "a", "kind": "like", "value": None},
        {"u": "newbie", "i": "m024", "e": "b", "kind": "rating", "value": 4.0},
    ]


def test_the_same_event_id_is_applied_once(work: Path) -> None:
    rec = Recommender.load(work)
    item = rec.recommend("u05", k=1)[0].item_id
    first = rec.feedback("u05", item, "dislike", event_id="e-1")
    again = rec.feedback("u05", item, "like", event_id="e-1")  # same id: ignored
    assert first.new and not again.new
    assert rec.history("u05")[item] == -1.0
    lines = (work / EVENTS_FILE).read_text().splitlines()
    assert [json.loads(line)["event_id"] for line in lines] == ["e-1"]


def test_a_dislike_is_never_shown_again_and_lowers_what_the_filter_links_to_it(
    work: Path,
) -> None:
    rec = Recommender.load(work)
    target = rec.recommend("u05", k=1)[0].item_id
    pos = rec.item_ids().index(target)
    f = rec.fitted.filter
    assert f is not None
    links = f.scores_for(torch.tensor([pos]), torch.ones(1))
    links[pos] = 0.0
    neighbour = int(links.argmax())  # the item liking the target says most about
    before = rec.scorer.scores(rec.state("u05"))[neighbour]
    rec.feedback("u05", target, "dislike")
    after = rec.scorer.scores(rec.state("u05"))[neighbour]
    assert float(after) < float(before)
    assert target not in [r.item_id for r in rec.recommend("u05", k=50, explain=False)]


def test_a_skip_weighs_less_than_a_dislike(work: Path) -> None:
    rec = Recommender.load(work)
    item = rec.recommend("u07", k=1)[0].item_id
    rec.feedback("u07", item, "skip")
    rec.feedback("u08", item, "dislike")
    assert rec.history("u07")[item] == -0.25 and rec.history("u08")[item] == -1.0
    assert item not in [r.item_id for r in rec.recommend("u07", k=20, explain=False)]


def test_a_new_user_is_created_by_their_first_likes(work: Path) -> None:
    rec = Recommender.load(work)
    with pytest.raises(UnknownIdError):
        rec.recommend("newcomer")
    for item in ("m010", "m024", "m060"):
        rec.feedback("newcomer", item, "like")
    recs = rec.recommend("newcomer", k=5)
    assert len(recs) == 5 and all(r.paths and r.text.startswith("Because") for r in recs)
    assert not {"m010", "m024", "m060"} & {r.item_id for r in recs}
    assert "newcomer" in rec.user_ids()


def test_bad_feedback_is_refused_and_logs_nothing(work: Path) -> None:
    rec = Recommender.load(work)
    with pytest.raises(UnknownIdError, match="unknown item id 'nope'"):
        rec.feedback("u05", "nope", "like")
    with pytest.raises(ArgumentError, match="kind 'love'"):
        rec.feedback("u05", "m010", "love")
    with pytest.raises(ArgumentError, match="rating needs a value"):
        rec.feedback("u05", "m010", "rating")
    assert not (work / EVENTS_FILE).exists()


def test_ratings_join_the_history_at_or_above_the_mean(work: Path) -> None:
    rec = Recommender.load(work)
    threshold = rec.live.rating_threshold
    assert threshold is not None
    rec.feedback("u09", "m010", "rating", value=threshold + 0.5)
    rec.feedback("u09", "m024", "rating", value=threshold - 1.0)
    assert rec.history("u09")["m010"] == 1.0 and rec.history("u09")["m024"] == -0.25


def test_a_reload_replays_the_log_to_the_same_lists(work: Path) -> None:
    rec = Recommender.load(work)
    rec.feedback("u05", rec.recommend("u05", k=1)[0].item_id, "like")
    rec.feedback("u06", rec.recommend("u06", k=1)[0].item_id, "dislike")
    rec.feedback("fresh", "m010", "like")
    want = {u: rec.recommend(u, k=10, explain=False) for u in ("u05", "u06", "fresh")}
    again = Recommender.load(work)
    for user, recs in want.items():
        got = again.recommend(user, k=10, explain=False)
        assert [r.item_id for r in got] == [r.item_id for r in recs]
        assert [r.score for r in got] == pytest.approx([r.score for r in recs])


def test_a_torn_last_line_was_never_acknowledged_and_is_cut(tmp_path: Path) -> None:
    log = EventLog(tmp_path / "events.jsonl")
    assert log.append(Feedback.make("u", "i", "like", event_id="a"))
    with open(log.path, "ab") as f:
        f.write(b'{"event_id": "b", "item_id": "i", "ki')  # a crash mid-append
    again = EventLog(log.path)
    assert [e.event_id for e in again.events()] == ["a"]
    assert again.append(Feedback.make("u", "i", "skip", event_id="c"))
    assert [json.loads(x)["event_id"] for x in log.path.read_text().splitlines()] == ["a", "c"]


def _append_all(path: str, ids: list[str]) -> list[bool]:
    log = EventLog(Path(path))
    return [log.append(Feedback.make("u", "i", "click", event_id=e)) for e in ids]


@pytest.mark.reliability
def test_processes_appending_the_same_ids_log_each_once(tmp_path: Path) -> None:
    path = str(tmp_path / "events.jsonl")
    ids = [f"e{k}" for k in range(200)]
    with multiprocessing.get_context("fork").Pool(4) as pool:
        results = pool.starmap(_append_all, [(path, ids)] * 4)
    assert sum(sum(r) for r in results) == len(ids)  # each id acknowledged as new once
    logged = [json.loads(x)["event_id"] for x in Path(path).read_text().splitlines()]
    assert sorted(logged) == sorted(ids)


def test_a_reset_undoes_a_reaction(work: Path) -> None:
    rec = Recommender.load(work)
    before = [r.item_id for r in rec.recommend("u05", k=10, explain=False)]
    rec.feedback("u05", before[0], "dislike")
    assert before[0] not in [r.item_id for r in rec.recommend("u05", k=10, explain=False)]
    rec.feedback("u05", before[0], "reset")
    assert [r.item_id for r in rec.recommend("u05", k=10, explain=False)] == before
    assert before[0] not in rec.history("u05")
    again = Recommender.load(work)  # replayed: the same
    assert [r.item_id for r in again.recommend("u05", k=10, explain=False)] == before
