"""The simulated user's rules, each on a world where the answer is known."""

import numpy as np
import pytest

from kgrec.simulate.user import Behaviour, SimUser, examine_probability

N_ITEMS = 20
# items 0-9 have attribute 0 ("westerns"), items 10-19 attribute 1 ("romance"); item 0 also 2
ATTRS = [np.array([0, 2]) if i == 0 else np.array([0 if i < 10 else 1]) for i in range(N_ITEMS)]
NAMES = ["westerns", "romance", "dark films"]


def _user(pref: np.ndarray, seed: int = 0, **rules: float) -> SimUser:
    return SimUser(0, pref, ATTRS, NAMES, Behaviour(**rules), np.random.default_rng(seed))  # type: ignore[arg-type]


def test_positions_are_examined_along_the_bias_curve() -> None:
    user = _user(np.ones(N_ITEMS), position_bias=1.0, patience=10**6)
    seen = np.zeros(10)
    for _ in range(4000):
        for p in user.react(list(range(10))).examined:
            seen[p] += 1
    want = np.array([examine_probability(p, 1.0) for p in range(10)])
    np.testing.assert_allclose(seen / 4000, want, atol=0.03)
    assert examine_probability(0, 1.0) == 1.0 and examine_probability(5, 0.0) == 1.0


def test_accepts_follow_the_hidden_preference() -> None:
    pref = np.linspace(0, 1, N_ITEMS)
    user = _user(pref, position_bias=0.0, satiation=0.0, patience=10**6)
    accepted = np.zeros(N_ITEMS)
    for _ in range(3000):
        for i in user.react([0, 19]).accepted:
            accepted[i] += 1
    assert accepted[19] / 3000 == pytest.approx(0.9, abs=0.03)  # accept_scale at preference 1
    assert accepted[0] == 0


def test_satiation_lowers_the_appeal_of_what_was_just_accepted_and_recovers() -> None:
    user = _user(np.ones(N_ITEMS), position_bias=0.0, accept_scale=1.0, recovery=0.5)
    user.react([3])  # accepted for sure: westerns tire
    assert user.appeal(5) < 1.0 and user.appeal(15) == 1.0
    tired = user.appeal(5)
    user.react([])
    assert tired < user.appeal(5) < 1.0


def test_a_user_leaves_after_rounds_without_an_accept() -> None:
    user = _user(np.zeros(N_ITEMS), patience=3)
    for _ in range(3):
        assert not user.left
        user.react([1, 2, 3])
    assert user.left and user.rounds == 3


def test_dislikes_come_from_what_they_do_not_want() -> None:
    pref = np.where(np.arange(N_ITEMS) < 10, 0.05, 1.0)
    user = _user(pref, position_bias=0.0, dislike_rate=1.0, patience=10**6, accept_scale=0.0)
    r = user.react([2, 12])
    assert r.disliked == [2]


def test_drift_moves_preferences_toward_another_users() -> None:
    user = _user(np.zeros(N_ITEMS), drift=0.1)
    user.drift_towards(np.ones(N_ITEMS))
    np.testing.assert_allclose(user.preference, 0.1)


def test_a_user_says_what_they_like_and_cannot_stand() -> None:
    pref = np.where(np.arange(N_ITEMS) < 10, 0.9, 0.1)
    pref[0] = 1.0  # the only dark film: their favourite
    assert _user(pref).sentence(min_items=1) == (
        "I love dark films and westerns, but I can't stand romance."
    )


def test_the_pipeline_config_sets_every_rule() -> None:
    import dataclasses

    from kgrec.config import SimulateConfig

    assert set(SimulateConfig.model_fields) == {f.name for f in dataclasses.fields(Behaviour)}
    assert Behaviour(**SimulateConfig().model_dump()) == Behaviour()
