"""The bandit on a toy problem whose best arm is known, Kendall's τ, and `kgrec simulate`
end to end on the sample."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from kgrec import Recommender
from kgrec.cli.app import app
from kgrec.errors import ArgumentError
from kgrec.pipeline import RunSummary
from kgrec.simulate.grounded import kendall_tau
from kgrec.simulate.policies import KgrecPolicy, LinUCB
from kgrec.simulate.user import Reaction


def test_linucb_converges_to_the_best_arm() -> None:
    rng = np.random.default_rng(0)
    arms = np.eye(4)  # one-hot features: the model learns each arm's accept rate
    rates = np.array([0.1, 0.6, 0.3, 0.2])
    bandit = LinUCB(4, alpha=0.5)
    picks = []
    for _ in range(2000):
        arm = int(np.argmax(bandit.ucb(arms)))
        bandit.update(arms[arm], float(rng.random() < rates[arm]))
        picks.append(arm)
    assert np.mean(np.array(picks[-500:]) == 1) > 0.9


def test_kendall_tau() -> None:
    assert kendall_tau([1, 2, 3], [10, 20, 30]) == 1.0
    assert kendall_tau([1, 2, 3], [30, 20, 10]) == -1.0
    assert kendall_tau([1, 2, 3, 4], [1, 2, 4, 3]) == pytest.approx(2 / 3)


@pytest.mark.slow
def test_kgrec_simulate_on_the_sample(sample_run: RunSummary) -> None:
    res = CliRunner().invoke(
        app,
        ["simulate", "--users", "12", "--rounds", "3", "--seeds", "2", "--json"],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout[res.stdout.index("{") :])
    runs = out["runs"]
    assert [r["validation"]["response_model"] for r in runs] == ["factorisation", "neighbours"]
    for r in runs:
        assert 0.5 < r["validation"]["auc"] <= 1.0
        assert -1.0 <= r["validation"]["kendall_tau"] <= 1.0
        assert set(r["policies"]) == {"static", "online", "diverse", "bandit"}
        for p in r["policies"].values():
            lo, hi = p["accepts_ci"]
            assert lo <= p["accepts"] <= hi and p["accepts"] > 0
            assert 1 <= p["session_length"] <= 3 and 0 < p["coverage"] <= 1
            assert len(p["cumulative"]) == 3
        ope = r["offpolicy"]
        assert ope["logged"] == 24  # 12 users × 2 seeds, one first round each
        for target in ("static", "bandit"):
            assert 0 < ope[target]["true"] < 1
            for est in ("ips", "snips", "dr"):
                value, lo, hi = ope[target][est]
                assert lo <= value <= hi or value != value  # nan: no logged match


def test_unknown_policies_and_families_are_refused() -> None:
    res = CliRunner().invoke(app, ["simulate", "--policies", "static,magic"])
    assert isinstance(res.exception, ArgumentError) and "magic" in str(res.exception)
    res = CliRunner().invoke(app, ["simulate", "--families", "oracle"])
    assert isinstance(res.exception, ArgumentError) and "oracle" in str(res.exception)


def test_online_kgrec_takes_feedback_and_what_users_say(sample_copy: Path) -> None:
    rec = Recommender.load(sample_copy)
    item_ids = rec.item_ids()
    online = KgrecPolicy(rec, item_ids, learn=True, name="online")
    slate = online.slate("u05", 5)
    online.observe("u05", slate, Reaction([slate[0]], [slate[1]], [0, 1, 2]))
    history = rec.history("u05")
    assert history[item_ids[slate[0]]] == 1.0  # accepted: a like
    assert history[item_ids[slate[1]]] == -1.0  # disliked
    assert history[item_ids[slate[2]]] == -0.25  # looked at and passed over: a skip
    assert item_ids[slate[3]] not in history  # never examined: says nothing
    online.hear("u05", "I can't stand westerns")  # read by kgrec's own extraction
    said = dict(
        zip(rec.state("u05").said.tolist(), rec.state("u05").said_sign.tolist(), strict=True)
    )
    assert said[rec.gt.node_ids.index("Genre:western")] == -1.0
    static = KgrecPolicy(rec.fresh(sample_copy / "static"), item_ids, learn=False, name="static")
    static.observe("u05", slate, Reaction([slate[0]], [], [0]))
    assert static.slate("u05", 5) == static.slate("u05", 5)
