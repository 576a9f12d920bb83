"""The simulation loop on a toy world: a policy that shows what users want gets more
accepts and longer sessions than one that shows what they do not, and no policy is handed
the hidden preferences."""

from __future__ import annotations

import dataclasses

import numpy as np

from kgrec.simulate.loop import Outcome, World, mean_ci, simulate
from kgrec.simulate.user import Behaviour, Reaction

N_USERS, N_ITEMS = 30, 40


def _world() -> World:
    rng = np.random.default_rng(0)
    pref = rng.random((N_USERS, N_ITEMS))
    attrs = [np.array([i % 5]) for i in range(N_ITEMS)]
    return World(
        pref,
        attrs,
        [f"a{k}" for k in range(5)],
        [f"u{k}" for k in range(N_USERS)],
        np.arange(1, N_ITEMS + 1, dtype=float),
        Behaviour(drift=0.0),
    )


class Ranked:
    """Shows items by a fixed per-user order (given to the test, not by the loop)."""

    def __init__(self, name: str, order: np.ndarray) -> None:
        self.name, self.order = name, order
        self.seen: list[object] = []

    def slate(self, user: str, k: int) -> list[int]:
        self.seen += [user, k]
        return [int(i) for i in self.order[int(user[1:])][:k]]

    def observe(self, user: str, slate: list[int], reaction: Reaction) -> None:
        self.seen += [user, slate, reaction]

    def hear(self, user: str, sentence: str) -> None:
        self.seen += [user, sentence]


def _run(world: World, best: bool) -> tuple[Outcome, Ranked]:
    order = np.argsort(-world.preference if best else world.preference, axis=1)
    policy = Ranked("best" if best else "worst", order)
    return simulate(world, policy, rounds=15, k=5, seed=3), policy


def test_showing_what_users_want_wins_on_accepts_and_session_length() -> None:
    world = _world()
    good, _ = _run(world, best=True)
    bad, _ = _run(world, best=False)
    assert np.mean(good.accepts) > 5 * max(np.mean(bad.accepts), 0.1)
    assert np.mean(good.session_length) > np.mean(bad.session_length)
    assert good.satisfaction > 0.9 > bad.satisfaction
    assert bad.session_length == [world.behaviour.patience] * N_USERS  # all left early
    assert good.cumulative == sorted(good.cumulative) and len(good.cumulative) == 15


def test_the_policy_is_never_handed_the_hidden_preferences() -> None:
    world = _world()
    _, policy = _run(world, best=True)
    for arg in policy.seen:
        assert isinstance(arg, str | int | list | Reaction), type(arg)
        if isinstance(arg, Reaction):
            assert {f.name for f in dataclasses.fields(arg)} == {"accepted", "disliked", "examined"}


def test_the_same_seed_gives_the_same_run() -> None:
    world = _world()
    assert _run(world, best=True)[0] == _run(world, best=True)[0]


def test_mean_ci() -> None:
    m, lo, hi = mean_ci([1.0, 2.0, 3.0])
    assert m == 2.0 and lo < 2.0 < hi
    assert mean_ci([4.0]) == (4.0, 4.0, 4.0)
