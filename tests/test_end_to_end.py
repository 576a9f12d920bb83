"""The sample pipeline end to end: pipeline, Python API, CLI and the embedded store."""

import dataclasses
import json
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from kgrec import Recommender
from kgrec.cli.app import app
from kgrec.config import PipelineConfig
from kgrec.errors import NotBuiltError, UnknownIdError
from kgrec.models.scorer import Scorer
from kgrec.pipeline import Pipeline, RunSummary
from kgrec.reasoning.explainer import Explainer

runner = CliRunner()


@pytest.fixture(scope="module")
def rec(sample_run: RunSummary) -> Recommender:
    return Recommender.load(sample_run.work_dir)


def test_run_scores_kgrec_alone_and_eval_settings_do_not_retrain(
    sample_run: RunSummary,
) -> None:
    """`kgrec run` trains and tests kgrec only (baselines are `kgrec eval`'s), and changing
    [eval] leaves the trained model current."""
    assert set(sample_run.metrics["models"]) == {"kgrec"}
    assert 0.0 < sample_run.metrics["models"]["kgrec"]["ndcg@10"] <= 1.0
    config = PipelineConfig()
    changed = config.model_copy(
        update={"eval": config.eval.model_copy(update={"baselines": ["ease"]})}
    )
    assert Pipeline(changed).fingerprints()["train"] == Pipeline(config).fingerprints()["train"]
    assert sample_run.counts["(:Person)"] > 50 and sample_run.counts["[:DIRECTED_BY]"] > 100
    chart = sample_run.work_dir / "graph_counts.png"
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and chart.stat().st_size > 5_000


def test_second_run_skips_every_stage(sample_run: RunSummary) -> None:
    again = Pipeline(PipelineConfig()).run()
    assert set(again.stages.values()) == {"skipped (current)"}
    assert again.counts == sample_run.counts


def test_recommend_explains_every_item(rec: Recommender) -> None:
    user = rec.user_ids()[0]
    recs = rec.recommend(user, k=10)
    assert [r.rank for r in recs] == list(range(1, 11))
    assert [r.score for r in recs] == sorted((r.score for r in recs), reverse=True)
    seen = set(
        rec.kg.edges.query("rel == 'INTERACTED' and src == @n", local_dict={"n": f"User:{user}"})[
            "dst"
        ]
    )
    for r in recs:
        assert f"Item:{r.item_id}" not in seen
        assert r.text.startswith("Because ") and "Item:" not in r.text and "User:" not in r.text
        assert len(r.paths) >= 1
        assert r.paths[0].nodes[0].node_id == f"User:{user}"
        assert r.paths[0].nodes[-1].node_id == f"Item:{r.item_id}"


def test_explain_any_item_and_unknown_ids(rec: Recommender) -> None:
    user, item = rec.user_ids()[1], rec.item_ids()[-1]
    e = rec.explain(user, item)
    assert e.item_id == item and e.rank >= 0 and e.paths
    with pytest.raises(UnknownIdError, match="unknown user id"):
        rec.recommend("nobody")


def test_a_low_ranked_item_shows_what_pulls_it_down(rec: Recommender) -> None:
    """The lowest-scored item of a user: its negative paths are shown after the positive
    ones, and the sentence gives its rank and what counts against it."""
    user = rec.user_ids()[4]
    seen = {p.item_id for p in rec.recommend(user, k=len(rec.item_ids()))}
    last = rec.recommend(user, k=len(rec.item_ids()))[-1]
    e = rec.explain(user, last.item_id)
    assert e.rank == len(seen) and e.rank > 20
    scores = [p.score for p in e.paths]
    assert any(s < 0 for s in scores)
    assert scores == sorted(scores, key=lambda s: (s < 0, -s if s > 0 else s))
    assert e.text.startswith(f"Ranked {e.rank}") and "counts against it" in e.text


def test_similar_items_come_with_their_reasons(rec: Recommender) -> None:
    item = rec.item_ids()[0]
    alike = rec.similar_items(item, k=5)
    assert len(alike) == 5
    for r in alike:
        assert r.text.startswith("Like *") and r.text != "Like *.", r.text
        assert all(p.nodes[0].node_id == f"Item:{item}" for p in r.paths)
        assert all(p.nodes[-1].node_id == f"Item:{r.item_id}" for p in r.paths)
    assert any(p.score > 0 for r in alike for p in r.paths)
    assert any("had both" in r.text or "both " in r.text for r in alike)


def test_recommend_for_text_uses_the_words(rec: Recommender) -> None:
    recs = rec.recommend_for_text("I want dark science fiction set in Tokyo", k=5)
    assert len(recs) == 5
    said = [p for r in recs for p in r.paths if p.relationships[0] == "LIKES"]
    assert said, "paths should start from what the sentence asked for"
    assert {p.nodes[1].name for p in said} & {"science fiction", "dark", "Tokyo"}


def test_a_sentence_ranks_what_it_asks_for_high_and_what_it_refuses_low(
    rec: Recommender,
) -> None:
    """Quality, not only shape: over the whole catalogue, the items of every attribute the
    sentence likes rank in the top third on average, those of the one it refuses in the
    bottom half."""
    text = "I want dark science fiction set in Tokyo, but I cannot stand romance."
    state = rec.text_state(text)
    said = zip(state.said.tolist(), state.said_sign.tolist(), strict=True)
    named = {rec.gt.node_ids[n]: s for n, s in said}
    assert named == {
        "Genre:science fiction": 1.0,
        "Mood:dark": 1.0,
        "Place:tokyo": 1.0,
        "Genre:romance": -1.0,
    }
    n = len(rec.item_ids())
    ranked = rec.recommend_for_text(text, k=n, explain=False)
    position = {r.item_id: k for k, r in enumerate(ranked)}
    items = rec.item_ids()
    for node, sign in zip(state.said.tolist(), state.said_sign.tolist(), strict=True):
        has = rec.scorer.links.linked(torch.tensor([node])) > 0
        mean = sum(position[items[p]] for p in has.nonzero().flatten().tolist()) / int(has.sum())
        if sign > 0:
            assert mean < n / 3, rec.gt.node_ids[node]
        else:
            assert mean > n / 2, rec.gt.node_ids[node]


def test_load_before_run_says_how_to_run(tmp_path: Path) -> None:
    with pytest.raises(NotBuiltError, match="kgrec demo"):
        Recommender.load(tmp_path)


def test_cli_recommend_json(sample_run: RunSummary) -> None:
    res = runner.invoke(app, ["recommend", "--user", "u03", "-k", "5", "--json"])
    assert res.exit_code == 0, res.output
    recs = json.loads(res.stdout)
    assert len(recs) == 5
    assert all(r["text"] and len(r["paths"]) >= 1 for r in recs)


def test_cli_explain_json(sample_run: RunSummary) -> None:
    res = runner.invoke(app, ["explain", "--user", "u03", "--item", "m010", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["item_id"] == "m010"


def test_cli_explain_png_draws_the_paths(sample_run: RunSummary, tmp_path: Path) -> None:
    png = tmp_path / "why.png"
    res = runner.invoke(app, ["explain", "--user", "u03", "--item", "m010", "--png", str(png)])
    assert res.exit_code == 0, res.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert "Saved" in res.output


def test_cli_query_reads_written_back_recommendations(sample_run: RunSummary) -> None:
    res = runner.invoke(
        app, ["query", "MATCH (:User)-[r:RECOMMENDED]->(:Item) RETURN count(r) AS n", "--json"]
    )
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert rows == [{"n": 90 * 10}]
    res = runner.invoke(
        app,
        [
            "query",
            "MATCH (u:User {key: $u})-[r:RECOMMENDED]->(i:Item) "
            "RETURN i.name AS title, r.rank AS rank, r.text AS why ORDER BY rank",
            "--params",
            '{"u": "u01"}',
            "--json",
        ],
    )
    rows = json.loads(res.stdout)
    assert [r["rank"] for r in rows] == list(range(1, 11)) and rows[0]["why"].startswith("Because")


@pytest.mark.reliability
def test_cli_query_refuses_writes_without_flag(sample_run: RunSummary) -> None:
    res = runner.invoke(app, ["query", "MATCH (n:Item) DETACH DELETE n"])
    assert res.exit_code != 0
    res = runner.invoke(app, ["query", "MATCH (n:Item) RETURN count(n) AS n", "--json"])
    assert json.loads(res.stdout) == [{"n": 320}]


def test_scores_split_exactly_into_the_two_parts(rec: Recommender) -> None:
    """A recommendation's score is the filter's and the GNN's parts together, and the
    explanation accounts for that same score."""
    user = rec.user_ids()[2]
    for r in rec.recommend(user, k=5, explain=False):
        e = rec.explain(user, r.item_id)
        assert e.score == pytest.approx(r.score, rel=1e-4, abs=1e-5)
        assert e.rank == r.rank
    assert rec.fitted.filter is not None  # the sample's valid split keeps the filter


def test_deleting_a_filter_path_rescores_as_the_model_would(rec: Recommender) -> None:
    """score_without (the deletion behind deletion fidelity) against the model's own
    scoring with the path's liked item taken out of the history; GNN part off, so the
    comparison is exact."""
    fitted = dataclasses.replace(rec.fitted, gnn_weight=0.0, said_weight=0.0)
    ex = Explainer(Scorer(fitted, rec.gt))
    user = rec.user_ids()[2]
    state = ex.scorer.state(rec.gt.node_ids.index(f"User:{user}"), *_history(rec, user))
    checked = 0
    for pos in range(15):
        (exp,) = ex.explanations(ex.paths.node(0), state, [pos], top=3)
        whole = ex.score_without(state, pos)
        assert whole == pytest.approx(float(ex.scorer.scores(state)[pos]), abs=1e-5)
        for path in exp.paths:
            first = ex.paths.index[path.nodes[1].node_id]
            rest = state.without(first, int(ex.scorer.links.item_pos[first]))
            want = float(ex.scorer.scores(rest)[pos]) if len(rest.items) else 0.0
            assert ex.score_without(state, pos, path) == pytest.approx(want, abs=1e-5)
            assert whole - want == pytest.approx(path.score, abs=1e-5)  # the path's own score
            checked += 1
    assert checked > 5


def _history(rec: Recommender, user: str) -> tuple[torch.Tensor, torch.Tensor]:
    items = rec.item_ids()
    mine = rec.history(user)
    pos = [items.index(i) for i in mine]
    return torch.tensor(pos, dtype=torch.long), torch.tensor(list(mine.values()))


@pytest.mark.slow
def test_cli_eval_json_shape_and_plots(sample_run: RunSummary, tmp_path: Path) -> None:
    toml = tmp_path / "quick.toml"
    toml.write_text(
        f'name = "quick"\nwork_dir = "{tmp_path / "quick"}"\n'
        "[model]\nepochs = 10\n"
        '[eval]\nbaselines = ["popularity", "ease", "lightgcn"]\nease_lambdas = [50.0, 500.0]\n'
    )
    res = runner.invoke(app, ["eval", str(toml), "--seeds", "2", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["dataset"] == "quick" and out["split"] == "random" and out["seeds"] == [0, 1]
    names = {"kgrec", "kgrec-no-attributes", "kgrec-no-text", "kgrec-gnn-only"}
    names |= {"kgrec-filter-only", "kgrec-static", "popularity", "ease", "lightgcn"}
    assert set(out["models"]) == names
    for row in out["models"].values():
        for metric in ("ndcg@10", "recall@10", "ndcg@20", "recall@20", "mrr@10"):
            assert 0.0 <= row[metric] <= 1.0 and row[f"{metric}_std"] >= 0.0
    assert out["models"]["ease"]["ndcg@10_std"] == 0.0  # not trained: one fit for all seeds
    models = out["models"]
    for name in ("kgrec", "ease", "lightgcn"):  # the baselines are real models, not stubs
        assert models[name]["ndcg@10"] > models["popularity"]["ndcg@10"], name
    assert models["kgrec"]["novelty@10"] > models["popularity"]["novelty@10"]
    assert models["kgrec"]["ndcg@10"] > 1.5 * models["popularity"]["ndcg@10"]
    assert models["kgrec"]["recall@10"] > models["popularity"]["recall@10"]
    cold = out["cold_start"]
    assert cold["items"] > 0 and cold["test_pairs"] > 0
    rows, k = cold["models"], cold["k"]
    # the sample has about 20 cold items: ranked at k = 20, every model would recall all
    assert k == max(1, cold["items"] // 4) < cold["items"]
    # attributes rank items nobody had; the ID-only model can only guess
    assert rows["kgrec-filter"][f"ndcg@{k}"] > 1.2 * rows["id-only (EASE)"][f"ndcg@{k}"]
    assert rows["kgrec-filter"][f"recall@{k}"] > rows["id-only (EASE)"][f"recall@{k}"]
    exp = out["explanations"]
    assert exp["coverage"] == 1.0  # every recommendation of the sample has a path
    # exactly 1 where valid keeps the filter alone (test_deleting_a_filter_path_…); lower
    # where it keeps the GNN, whose deletions are re-scored to first order
    assert 0.0 < exp["deletion_fidelity"] <= 1.0 and exp["fidelity_cases"] > 0
    assert 0.0 < exp["mean_score_drop"] <= 1.5
    # the attribute a path names is the one whose links carry the score (exact refit)
    assert exp["attribute_cases"] > 100
    assert exp["attribute_fidelity"] >= 0.8 > exp["attribute_fidelity_norms"]
    assert 0.0 < exp["path_type_diversity"] <= 1.0
    assert 0.0 < exp["shared_entity_popularity"] < 1.0
    assert 0.0 <= exp["path_recency"] <= 1.0  # the sample's interactions have times
    for png in ("eval_models.png", "eval_training.png"):
        assert (tmp_path / "quick" / png).read_bytes()[:4] == b"\x89PNG"


def test_cli_profile_json_and_plot(sample_run: RunSummary, tmp_path: Path) -> None:
    png = tmp_path / "profile.png"
    res = runner.invoke(app, ["profile", "--user", "u03", "--plot", str(png), "--json"])
    assert res.exit_code == 0, res.output
    prof = json.loads(res.stdout)
    assert prof["user_id"] == "u03" and prof["interactions"] > 0
    shares = [t["share"] for t in prof["top"]]
    assert shares == sorted(shares, reverse=True) and 0.0 < shares[0] <= 1.0
    # windows of at least 10 items each, so a share moves in steps of 10% at most
    assert len(prof["windows"]) == max(1, min(4, prof["interactions"] // 10))
    assert all(w["items"] >= 10 for w in prof["windows"]) or len(prof["windows"]) == 1
    assert sum(w["items"] for w in prof["windows"]) == prof["interactions"]
    times = [(w["from"], w["to"]) for w in prof["windows"]]
    assert all(a <= b for a, b in times) and times == sorted(times)
    assert png.read_bytes()[:4] == b"\x89PNG"
