"""A simulated user: how they react to a slate, get tired of what they saw, drift, leave
and speak. Every rule is here, with its parameter in :class:`Behaviour`.

Per round the user is shown a slate (item positions, best first) and:

* **examines** position *p* (0-based) with probability :math:`1 / \\log_2(p + 2)` raised to
  ``position_bias`` (0: every position is seen; 1: the DCG curve);
* **accepts** an examined item with probability ``accept_scale`` × *a*\\ :sup:`accept_power`,
  where *a* is its appeal: the hidden preference (a percentile in [0, 1], from a
  response model, ``kgrec.simulate.response``) times :math:`\\prod_k (1 - s_k)` over the
  item's attributes *k* with satiation *s*;
* **dislikes** an examined item it does not accept, when its appeal is below
  ``dislike_below``, with probability ``dislike_rate``;
* **tires**: each accepted item raises its attributes' satiation by ``satiation`` × (1 - s);
  every round all satiation decays by ``recovery``;
* **drifts**: every round the hidden preferences move a share ``drift`` toward another
  user's (what the world passes in);
* **leaves** after ``patience`` rounds in a row without an accept;
* **speaks**, with probability ``speak_rate`` a round: a sentence naming the two
  attributes whose items they like most now and the one they like least ("I love science
  fiction and dark films, but I can't stand romance."), for the policy to read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Behaviour:
    """The parameters of the rules in the module docstring (a pipeline sets them in its
    ``[simulate]`` section: ``kgrec.config.SimulateConfig``, the same fields)."""

    position_bias: float = 1.0
    accept_scale: float = 0.9
    accept_power: float = 6.0
    dislike_below: float = 0.2
    dislike_rate: float = 0.3
    satiation: float = 0.15
    recovery: float = 0.2
    drift: float = 0.02
    patience: int = 3
    speak_rate: float = 0.1

    def accept_chance(self, appeal: float) -> float:
        """The chance an examined item of this appeal is accepted."""
        return float(self.accept_scale * appeal**self.accept_power)


@dataclass(frozen=True)
class Reaction:
    """What a user did with one slate: the items they accepted and disliked, and the
    positions they examined."""

    accepted: list[int]
    disliked: list[int]
    examined: list[int]


def examine_probability(position: int, bias: float) -> float:
    """The chance position ``position`` (0-based) is looked at."""
    return float((1.0 / math.log2(position + 2)) ** bias)


@dataclass
class SimUser:
    """One simulated user: hidden preferences over items, their item → attribute links,
    and their state (satiation per attribute, rounds without an accept, gone or not)."""

    user: int
    preference: np.ndarray  # per item, in [0, 1]
    item_attributes: list[np.ndarray]  # per item, its attribute rows
    attribute_names: list[str]
    behaviour: Behaviour
    rng: np.random.Generator
    satiation: np.ndarray = field(init=False)
    misses: int = 0
    left: bool = False
    rounds: int = 0

    def __post_init__(self) -> None:
        self.satiation = np.zeros(len(self.attribute_names))

    def appeal(self, item: int) -> float:
        """The item's appeal now: preference × what satiation leaves of it."""
        attrs = self.item_attributes[item]
        return float(self.preference[item] * np.prod(1.0 - self.satiation[attrs]))

    def react(self, slate: list[int]) -> Reaction:
        """React to ``slate`` (module docstring), update satiation and patience."""
        b = self.behaviour
        accepted, disliked, examined = [], [], []
        for position, item in enumerate(slate):
            if self.rng.random() >= examine_probability(position, b.position_bias):
                continue
            examined.append(position)
            a = self.appeal(item)
            if self.rng.random() < b.accept_chance(a):
                accepted.append(item)
            elif a < b.dislike_below and self.rng.random() < b.dislike_rate:
                disliked.append(item)
        self.satiation *= 1.0 - b.recovery
        for item in accepted:
            attrs = self.item_attributes[item]
            self.satiation[attrs] += b.satiation * (1.0 - self.satiation[attrs])
        self.misses = 0 if accepted else self.misses + 1
        self.left = self.misses >= b.patience
        self.rounds += 1
        return Reaction(accepted, disliked, examined)

    def drift_towards(self, other: np.ndarray) -> None:
        """Move the hidden preferences a share ``drift`` toward ``other``'s."""
        d = self.behaviour.drift
        self.preference = (1.0 - d) * self.preference + d * other

    def speaks(self) -> bool:
        """Whether the user says something this round."""
        return bool(self.rng.random() < self.behaviour.speak_rate)

    def sentence(self, min_items: int = 3) -> str:
        """What they say: their two most liked attributes now and their least liked,
        among attributes of at least ``min_items`` items."""
        n_attr = len(self.attribute_names)
        total = np.zeros(n_attr)
        count = np.zeros(n_attr)
        for item, attrs in enumerate(self.item_attributes):
            total[attrs] += self.appeal(item)
            count[attrs] += 1
        usable = count >= min_items
        if usable.sum() < 3:
            usable = count > 0
        mean = np.where(usable, total / np.maximum(count, 1), np.nan)
        order = np.argsort(np.nan_to_num(mean, nan=-1.0))
        best = [self.attribute_names[k] for k in order[::-1][:2]]
        worst = next(self.attribute_names[k] for k in order if usable[k])
        return f"I love {best[0]} and {best[1]}, but I can't stand {worst}."
