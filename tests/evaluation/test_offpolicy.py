"""Off-policy estimators on a problem whose answer is known (items with known accept
rates, a logging policy with known propensities), and the live service's exploration: its
draws have the propensities it logs, and `kgrec ope` reads what it logged."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from kgrec.api import Recommender
from kgrec.cli.app import app
from kgrec.errors import ArgumentError
from kgrec.evaluation.offpolicy import (
    Logged,
    doubly_robust,
    estimate,
    greedy,
    ips,
    item_means,
    live_log,
    parse_target,
    snips,
    softmax,
)
from kgrec.live.explore import draw, first_probabilities

RATES = np.array([0.1, 0.5, 0.3, 0.7, 0.2])
ITEMS = tuple(f"i{k}" for k in range(5))
#: the logger's scores: it rarely shows the best item (i3) first
SCORES = (1.0, 0.8, 0.4, 0.2, 0.0)
LOGGER_T = 0.5


def _logs(n: int, seed: int) -> list[Logged]:
    rng = np.random.default_rng(seed)
    p = first_probabilities(np.array(SCORES), LOGGER_T)
    firsts = rng.choice(5, size=n, p=p)
    return [
        Logged(f"u{k}", ITEMS[i], float(p[i]), float(rng.random() < RATES[i]), ITEMS, SCORES)
        for k, i in enumerate(firsts)
    ]


def _best(x: Logged) -> dict[str, float]:
    return {"i3": 1.0}  # always the best item: value 0.7


def test_the_estimators_find_a_deterministic_targets_value() -> None:
    logs = _logs(40_000, 0)
    for est in (ips(logs, _best), snips(logs, _best), doubly_robust(logs, _best, item_means(logs))):
        assert est.low < 0.7 < est.high, est
        assert abs(est.value - 0.7) < 0.05
    # a wrong reward model does not bias DR while the propensities are right
    wrong = doubly_robust(logs, _best, lambda u, i: 0.0 if i == "i3" else 1.0)
    assert wrong.low < 0.7 < wrong.high


def test_the_estimators_find_a_stochastic_targets_value() -> None:
    logs = _logs(40_000, 1)
    target = softmax(0.1)
    truth = float(first_probabilities(np.array(SCORES), 0.1) @ RATES)
    for name, (value, low, high) in estimate(logs, target).items():
        assert low < truth < high, (name, value, truth)
    # greedy is softmax's limit: the top-scored candidate, i0 (rate 0.1)
    assert greedy(logs[0]) == {"i0": 1.0}
    g = estimate(logs, greedy)["ips"]
    assert g[1] < 0.1 < g[2]


def test_ips_is_unbiased_over_many_logs() -> None:
    def target(x: Logged) -> dict[str, float]:
        return {"i1": 1.0}

    values = [ips(_logs(2000, s), target).value for s in range(200)]
    assert abs(np.mean(values) - 0.5) < 0.01


def test_exploration_draws_its_first_item_with_the_propensity_it_logs() -> None:
    scores = np.array([2.0, 1.0, 0.5, 0.0])
    rng = np.random.default_rng(1)
    firsts, props = [], {}
    for _ in range(6000):
        order, propensity = draw(scores, 3, 0.5, rng)
        assert len(set(order)) == 3
        firsts.append(order[0])
        props[order[0]] = propensity
    want = np.exp((scores / 2 - 1) / 0.5)  # scaled to [0, 1], then softmax
    want /= want.sum()
    np.testing.assert_allclose(np.bincount(firsts, minlength=4) / 6000, want, atol=0.02)
    np.testing.assert_allclose([props[k] for k in range(4)], want)
    with pytest.raises(ArgumentError, match="temperature"):
        first_probabilities(scores, 0.0)
    np.testing.assert_allclose(first_probabilities(np.ones(3), 0.2), np.full(3, 1 / 3))


def test_unknown_targets_are_refused() -> None:
    assert parse_target("greedy") is greedy
    for bad in ("best", "softmax:", "softmax:-1", "softmax:x"):
        with pytest.raises(ArgumentError, match="greedy"):
            parse_target(bad)
    with pytest.raises(ArgumentError, match="nothing logged"):
        ips([], _best)


def test_the_services_exploration_log_is_what_kgrec_ope_reads(sample_copy: Path) -> None:
    rec = Recommender.load(sample_copy)
    rec._rng = np.random.default_rng(0)
    users = rec.user_ids()[:6]
    drawn = {u: rec.explore(u, k=5, temperature=0.3, candidates=20) for u in users}
    for u, d in drawn.items():
        ranked = rec.recommend(u, k=20, explain=False)
        by_id = {r.item_id: r for r in ranked}
        assert len(d.recommendations) == 5
        for r in d.recommendations:  # drawn among the top 20, each keeps kgrec's rank
            assert r.rank == by_id[r.item_id].rank and r.paths
        assert 0 < d.propensity <= 1
    # the first two users like their first item through the slate, one dislikes it
    for u in users[:2]:
        first = drawn[u].recommendations[0].item_id
        rec.feedback(u, first, "like", slate_id=drawn[u].slate_id)
    rec.feedback(
        users[2],
        drawn[users[2]].recommendations[0].item_id,
        "dislike",
        slate_id=drawn[users[2]].slate_id,
    )
    rec.feedback(users[3], drawn[users[3]].recommendations[0].item_id, "like")  # no slate named
    logs = live_log(sample_copy, rec.live.positive)
    assert [x.reward for x in logs] == [1.0, 1.0, 0.0, 0.0, 0.0, 0.0]
    assert [x.propensity for x in logs] == [d.propensity for d in drawn.values()]
    assert all(len(x.candidates) == 20 for x in logs)
    # a restart reads the same log; the events keep their slate
    again = Recommender.load(sample_copy)
    assert [e.slate_id for e in again.events.events()][:2] == [drawn[u].slate_id for u in users[:2]]

    result = CliRunner().invoke(
        app, ["ope", "--work-dir", str(sample_copy), "--targets", "greedy,softmax:0.1", "--json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["logged"] == 6 and out["logging"][0] == pytest.approx(2 / 6)
    assert set(out["targets"]) == {"greedy", "softmax:0.1"}
    assert set(out["targets"]["greedy"]) == {"ips", "snips", "dr"}
    table = CliRunner().invoke(app, ["ope", "--work-dir", str(sample_copy)])
    assert table.exit_code == 0 and "greedy" in table.output and "SNIPS" in table.output


def test_snips_intervals_hold_the_truth_when_the_target_is_rarely_logged() -> None:
    def rare(x: Logged) -> dict[str, float]:
        return {"i4": 1.0}  # the logger puts i4 first least often (value 0.2)

    p4 = first_probabilities(np.array(SCORES), LOGGER_T)[4]
    assert p4 < 0.1
    held = [snips(logs, rare) for logs in (_logs(150, s) for s in range(100))]
    covered = np.mean([e.low <= 0.2 <= e.high for e in held if e.value == e.value])
    assert covered >= 0.88, covered


def test_snips_interval_holds_its_own_value_at_the_ends() -> None:
    # every slate the target would show was accepted (value 1) or none was (value 0):
    # rounding in Wilson's formula must not leave the value outside its interval (six
    # equal weights put the upper end at 0.9999999999999999)
    for reward in (0.0, 1.0):
        logs = [Logged(f"u{k}", "i3", 0.3, reward, ITEMS, SCORES) for k in range(6)]
        logs += [Logged(f"v{k}", "i0", 0.1, 1.0 - reward, ITEMS, SCORES) for k in range(5)]
        est = snips(logs, _best)
        assert est.value == reward and est.low <= est.value <= est.high, est
