"""Recency weights of users' histories."""

import numpy as np
import pytest

from kgrec.models.recency import recency_weights


def test_latest_interaction_weighs_one_and_each_half_life_halves() -> None:
    users = np.array([0, 0, 0, 1, 1])
    times = np.array([30, 10, 20, 5, 7])
    w = recency_weights(users, times, half_life=1.0)
    # user 0: t=30 latest (1), t=20 one later (1/2), t=10 two later (1/4); user 1 likewise
    assert w.tolist() == pytest.approx([1.0, 0.25, 0.5, 0.5, 1.0])
    assert recency_weights(users, times, half_life=2.0)[1] == pytest.approx(0.5)
    assert recency_weights(users, times, None).tolist() == [1.0] * 5
