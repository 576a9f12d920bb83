"""Extraction quality on the hand-labelled gold set in tests/data/gold (real spaCy + BERT)."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgrec.cli.app import app
from kgrec.errors import DataError
from kgrec.evaluation.extraction import (
    GoldMention,
    GoldText,
    MergePair,
    load_gold_mentions,
    mention_scores,
    merge_scores,
)
from kgrec.extract import Mention

GOLD = Path(__file__).resolve().parents[1] / "data" / "gold"


def test_gold_set_is_big_enough_and_well_formed() -> None:
    gold = load_gold_mentions(GOLD / "mentions.jsonl")
    assert len(gold) >= 150
    assert {g.source for g in gold} == {"overview", "user", "tag"}
    assert len({g.id for g in gold}) == len(gold)
    pairs = (GOLD / "merge_pairs.tsv").read_text().splitlines()[1:]
    assert sum(p.endswith("\tmerge") for p in pairs) >= 60
    assert sum(p.endswith("\tdistinct") for p in pairs) >= 60


def test_extraction_meets_the_bar_on_the_gold_set() -> None:
    res = CliRunner().invoke(app, ["extract-eval", "--gold", str(GOLD), "--json"])
    assert res.exit_code == 0, res.output
    result = json.loads(res.stdout)
    for split in ("dev", "blind", "all"):
        assert result["mentions"][split]["overall"]["f1"] >= 0.80, split
        assert set(result["mentions"][split]["per_kind"]) >= {"Person", "Genre", "Place", "Theme"}
    merges = result["merges"]
    assert merges["merge_recall"] >= 0.90
    assert merges["false_merge_rate"] <= 0.05
    assert result["threshold_choice"]["held_out"]["false_merge_rate"] <= 0.05


def test_mention_scores_on_a_hand_computed_case() -> None:
    text = "Directed by Ann Lee, set in Rome."
    gold = [
        GoldText(
            "t1",
            "overview",
            text,
            (
                GoldMention("Ann Lee", "Person", "Ann Lee", 12, 19),
                GoldMention("Rome", "Place", "Rome", 28, 32),
            ),
        )
    ]
    # one right (with the wrong canonical name), one wrong kind, one spurious
    pred = [
        [
            Mention("Ann Lee", "Person", "Anne Lee", 12, 19, 1.0),
            Mention("Rome", "Theme", "Rome", 28, 32, 1.0),
            Mention("set", "Theme", "set", 20, 23, 1.0),
        ]
    ]
    s = mention_scores(gold, pred)
    assert s["overall"]["precision"] == pytest.approx(1 / 3)
    assert s["overall"]["recall"] == pytest.approx(1 / 2)
    assert s["overall"]["f1"] == pytest.approx(0.4)
    assert s["per_kind"]["Person"]["f1"] == 1.0
    assert s["per_kind"]["Place"]["recall"] == 0.0
    assert s["canonical_accuracy"] == 0.0
    assert s["errors"][0]["missed"] == ["Place:Rome"]


def test_merge_scores_count_each_pair_on_its_own() -> None:
    pairs = [
        MergePair("Genre", "a", "A", True),
        MergePair("Genre", "b", "c", True),
        MergePair("Genre", "d", "e", False),
    ]
    s = merge_scores(pairs, lambda names, kind: [n.lower() for n in names])
    assert s["merge_recall"] == 0.5
    assert s["false_merge_rate"] == 0.0


def test_bad_gold_line_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "mentions.jsonl"
    bad.write_text(
        '{"id": "x", "source": "user", "text": "I love Rome", "mentions": '
        '[{"text": "Rome", "kind": "Place", "canonical": "Rome", "start": 0, "end": 4}]}\n'
    )
    with pytest.raises(DataError, match=r"line 1: span 0:4 of x reads 'I lo'"):
        load_gold_mentions(bad)


def test_extract_eval_with_a_pipeline_knows_its_catalogues_acts(tmp_path: Path) -> None:
    data = tmp_path / "lfm"
    data.mkdir()
    (data / "artists.dat").write_text("id\tname\turl\tpictureURL\n1\tPearl Jam\tu\tp\n")
    (data / "user_artists.dat").write_text("userID\tartistID\tweight\n2\t1\t10\n")
    pipeline = tmp_path / "p.toml"
    pipeline.write_text(f'name = "p"\n[data]\nsource = "lastfm"\npath = "{data}"\n')
    gold = tmp_path / "gold"
    gold.mkdir()
    mention = {"text": "pearl jam", "kind": "Organization", "canonical": "Pearl Jam"}
    row = {"id": "t1", "source": "tag", "text": "pearl jam", "split": "blind"}
    (gold / "mentions.jsonl").write_text(
        json.dumps({**row, "mentions": [{**mention, "start": 0, "end": 9}]}) + "\n"
    )
    (gold / "merge_pairs.tsv").write_text("kind\ta\tb\tlabel\n")
    scores = {}
    for args in ([], ["--pipeline", str(pipeline)]):  # without it, no catalogue is known
        res = CliRunner().invoke(app, ["extract-eval", "--gold", str(gold), "--json", *args])
        assert res.exit_code == 0, res.output
        scores[bool(args)] = json.loads(res.stdout)["mentions"]["all"]["overall"]["recall"]
    assert scores == {False: 0.0, True: 1.0}
