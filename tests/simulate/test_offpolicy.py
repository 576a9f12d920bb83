"""Off-policy estimators on a problem whose answer is known: items with known accept
rates, a logging policy with known propensities, a deterministic target."""

from __future__ import annotations

import numpy as np

from kgrec.simulate.offpolicy import (
    Logged,
    SoftmaxLogger,
    doubly_robust,
    ips,
    item_means,
    snips,
)
from kgrec.simulate.user import Reaction

RATES = np.array([0.1, 0.5, 0.3, 0.7, 0.2])


def _logs(n: int, seed: int) -> list[Logged]:
    rng = np.random.default_rng(seed)
    p = np.array([0.4, 0.3, 0.15, 0.1, 0.05])  # the logger rarely shows the best item
    items = rng.choice(5, size=n, p=p)
    return [
        Logged(f"u{k}", int(i), float(p[i]), float(rng.random() < RATES[i]))
        for k, i in enumerate(items)
    ]


def test_the_estimators_find_the_targets_value() -> None:
    logs = _logs(40_000, 0)
    target = lambda user: 3  # noqa: E731 - always the best item: value 0.7
    for est in (
        ips(logs, target),
        snips(logs, target),
        doubly_robust(logs, target, item_means(logs)),
    ):
        assert est.low < 0.7 < est.high, est
        assert abs(est.value - 0.7) < 0.05
    # a wrong reward model does not bias DR while the propensities are right
    wrong = doubly_robust(logs, target, lambda u, i: 0.0 if i == 3 else 1.0)
    assert wrong.low < 0.7 < wrong.high


def test_ips_is_unbiased_over_many_logs() -> None:
    target = lambda user: 1  # noqa: E731
    values = [ips(_logs(2000, s), target).value for s in range(200)]
    assert abs(np.mean(values) - 0.5) < 0.01


def test_the_softmax_logger_draws_its_first_item_with_the_propensity_it_logs() -> None:
    scores = [2.0, 1.0, 0.5, 0.0]
    logger = SoftmaxLogger(lambda user, n: ([10, 11, 12, 13], scores), 1.0, 4, seed=1)
    firsts = []
    for k in range(6000):
        slate = logger.slate(f"u{k}", 3)
        firsts.append(slate[0])
        logger.observe(f"u{k}", slate, Reaction([slate[0]], [], [0]))
    want = np.exp(scores) / np.exp(scores).sum()
    got = np.bincount(np.array(firsts) - 10, minlength=4) / 6000
    np.testing.assert_allclose(got, want, atol=0.02)
    np.testing.assert_allclose(
        sorted({round(x.propensity, 6) for x in logger.log}), sorted(np.round(want, 6))
    )
    assert all(x.reward == 1.0 for x in logger.log)
