"""The simulation loop: policies show slates to simulated users, round after round, and
what the users do is measured.

A :class:`Policy` sees only what a deployed recommender would: the user's id, what it
showed them and their reactions (and, where it asks, what they said). The users' hidden
preferences never reach it (:class:`World` keeps them; a test checks a policy cannot get
at them through what it is given).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from kgrec.simulate.user import Behaviour, Reaction, SimUser, examine_probability


class Policy(Protocol):
    """What decides the slates."""

    name: str

    def slate(self, user: str, k: int) -> list[int]:
        """The ``k`` item positions to show ``user`` now, best first."""
        ...

    def observe(self, user: str, slate: list[int], reaction: Reaction) -> None:
        """Learn from how ``user`` reacted to ``slate``."""
        ...

    def hear(self, user: str, sentence: str) -> None:
        """Take what ``user`` said (a policy may ignore it)."""
        ...


@dataclass
class World:
    """Simulated users over one catalogue: hidden preferences per user (rows), each
    item's attributes, the attributes' names, and the users' ids as policies know them."""

    preference: np.ndarray  # users × items, percentiles in [0, 1]
    item_attributes: list[np.ndarray]
    attribute_names: list[str]
    user_ids: list[str]
    popularity: np.ndarray  # per item, interactions in the data (for novelty)
    behaviour: Behaviour = field(default_factory=Behaviour)

    def users(self, seed: int) -> list[SimUser]:
        """Fresh simulated users (state reset), with their own random streams."""
        root = np.random.default_rng(seed)
        return [
            SimUser(
                row,
                self.preference[row].copy(),
                self.item_attributes,
                self.attribute_names,
                self.behaviour,
                np.random.default_rng(root.integers(2**32)),
            )
            for row in range(len(self.user_ids))
        ]


@dataclass
class Outcome:
    """What one policy got over one simulated run."""

    policy: str
    accepts: list[int]  # per user
    session_length: list[int]  # rounds each user stayed
    satisfaction: float  # mean hidden preference of accepted items
    diversity: float  # mean share of distinct attributes among a slate's items
    novelty: float  # mean -log2 popularity share of shown items
    coverage: float  # share of the catalogue shown at least once
    cumulative: list[float]  # mean accepts per user after each round

    def summary(self) -> dict[str, float]:
        """The means, as a JSON-ready dict."""
        return {
            "accepts": float(np.mean(self.accepts)),
            "session_length": float(np.mean(self.session_length)),
            "satisfaction": self.satisfaction,
            "diversity": self.diversity,
            "novelty": self.novelty,
            "coverage": self.coverage,
        }


def simulate(
    world: World,
    policy: Policy,
    rounds: int,
    k: int,
    seed: int,
    on_round: Callable[[int], None] | None = None,
) -> Outcome:
    """Run ``policy`` on ``world``'s users for up to ``rounds`` rounds of ``k``-item slates;
    each round every user still there gets a slate, reacts, maybe speaks, and drifts."""
    users = world.users(seed)
    rng = np.random.default_rng(seed + 1)
    n_items = world.preference.shape[1]
    shown = np.zeros(n_items, dtype=bool)
    share = world.popularity / max(float(world.popularity.sum()), 1.0)
    info = -np.log2(np.maximum(share, 1.0 / max(float(world.popularity.sum()), 1.0) / 10))
    accepted_prefs: list[float] = []
    diversity: list[float] = []
    novelty: list[float] = []
    cumulative: list[float] = []
    accepts = np.zeros(len(users), dtype=np.int64)
    for r in range(rounds):
        for sim in users:
            if sim.left:
                continue
            user_id = world.user_ids[sim.user]
            if sim.speaks():
                policy.hear(user_id, sim.sentence())
            slate = policy.slate(user_id, k)
            reaction = sim.react(slate)
            policy.observe(user_id, slate, reaction)
            accepts[sim.user] += len(reaction.accepted)
            accepted_prefs += [float(world.preference[sim.user, i]) for i in reaction.accepted]
            shown[slate] = True
            diversity.append(_diversity(slate, world.item_attributes))
            novelty.append(float(info[slate].mean()) if slate else 0.0)
            other = world.preference[rng.integers(len(users))]
            sim.drift_towards(other)
        cumulative.append(float(accepts.mean()))
        if on_round is not None:
            on_round(r)
        if all(u.left for u in users):
            cumulative += [cumulative[-1]] * (rounds - r - 1)
            break
    return Outcome(
        policy.name,
        accepts.tolist(),
        [u.rounds for u in users],
        float(np.mean(accepted_prefs)) if accepted_prefs else 0.0,
        float(np.mean(diversity)) if diversity else 0.0,
        float(np.mean(novelty)) if novelty else 0.0,
        float(shown.mean()),
        cumulative,
    )


def expected_first_accepts(world: World, policy: Policy, k: int) -> float:
    """The exact expected accepts per user of ``policy``'s first slate (fresh users: no
    satiation yet), from the hidden preferences: what the simulated users think of a list
    before any dynamics (drift, tiring, leaving) or sampling noise come in."""
    b = world.behaviour
    total = 0.0
    for row, user in enumerate(world.user_ids):
        for position, item in enumerate(policy.slate(user, k)):
            accept = b.accept_chance(float(world.preference[row, item]))
            total += examine_probability(position, b.position_bias) * accept
    return total / max(len(world.user_ids), 1)


def _diversity(slate: Sequence[int], item_attributes: list[np.ndarray]) -> float:
    """Distinct attributes in the slate over all attribute links of its items (1: no
    attribute repeats)."""
    links = [a for i in slate for a in item_attributes[i].tolist()]
    return len(set(links)) / len(links) if links else 1.0


def mean_ci(values: Sequence[float]) -> tuple[float, float, float]:
    """Mean and a 95% confidence interval (normal approximation over runs; with one
    run, the interval is the mean itself)."""
    v = np.asarray(values, dtype=float)
    m = float(v.mean())
    if len(v) < 2:
        return m, m, m
    half = 1.96 * float(v.std(ddof=1)) / float(np.sqrt(len(v)))
    return m, m - half, m + half
