"""Off-policy evaluation: another policy's value estimated from logged slates.

What is estimated is the accept rate at the slate's first position (the position looked at
most, and one whose reward the log has for every slate). A stochastic logging policy
(``kgrec.live.explore``: ``Recommender.explore``, ``kgrec serve --explore``) puts item *a*
first with a known probability, its propensity *p*; the log keeps (user, *a*, *p*, reward)
and the candidates with their scores, the context a target policy decides on. A target
policy *π* gives each candidate a chance to come first (1 for one item: deterministic):

* **IPS**: :math:`\\hat V = \\frac1n \\sum r_i \\pi(a_i|x_i) / p_i` (unbiased where every item
  the target may put first had a positive propensity);
* **SNIPS**: the same sum over :math:`\\sum \\pi(a_i|x_i) / p_i` instead of *n* (a little
  biased, much less variance; its interval Wilson's);
* **DR** (doubly robust): :math:`\\frac1n \\sum \\sum_a \\pi(a|x_i) \\hat q(x_i, a) +
  \\pi(a_i|x_i) (r_i - \\hat q(x_i, a_i)) / p_i`, with :math:`\\hat q` a reward model fitted
  on the log (unbiased if either the propensities or the reward model are right).

Each estimate comes with a 95% interval (IPS and DR: normal approximation over the logged
slates; SNIPS: Wilson's score interval at the effective sample size).
:func:`live_log` reads what a service logged; :func:`estimate` runs the three.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kgrec.errors import ArgumentError
from kgrec.layout import EVENTS_FILE, GRAPH_DIR, SLATES_FILE
from kgrec.live.events import EventLog, Feedback
from kgrec.live.explore import SlateLog, first_probabilities
from kgrec.live.state import LiveState, rating_threshold


@dataclass(frozen=True)
class Logged:
    """One logged slate, reduced to its first position: the item shown first, the chance
    it was, the reward, and the candidates (best first) with their scores."""

    user: str
    item: str
    propensity: float
    reward: float
    candidates: tuple[str, ...] = ()
    scores: tuple[float, ...] = ()


#: A target policy: for a logged context, the chance it puts each item first.
Target = Callable[[Logged], Mapping[str, float]]


@dataclass(frozen=True)
class Estimate:
    """An estimated value and its 95% interval."""

    value: float
    low: float
    high: float

    def to_list(self) -> list[float]:
        """[value, low, high]."""
        return [float(self.value), float(self.low), float(self.high)]


def _interval(terms: np.ndarray) -> Estimate:
    v = float(terms.mean())
    half = 1.96 * float(terms.std(ddof=1)) / np.sqrt(len(terms)) if len(terms) > 1 else 0.0
    return Estimate(v, v - half, v + half)


def _weights(logs: Sequence[Logged], target: Target) -> np.ndarray:
    """π(a_i | x_i) / p_i per logged slate."""
    return np.array([target(x).get(x.item, 0.0) / x.propensity for x in logs])


def _check(logs: Sequence[Logged]) -> None:
    if not logs:
        raise ArgumentError("nothing logged to estimate from: no slates with propensities")


def ips(logs: Sequence[Logged], target: Target) -> Estimate:
    """Inverse propensity scoring (module docstring)."""
    _check(logs)
    return _interval(_weights(logs, target) * np.array([x.reward for x in logs]))


def snips(logs: Sequence[Logged], target: Target) -> Estimate:
    """Self-normalised IPS (module docstring): a weighted mean of the rewards of the slates
    the target would have shown. Its interval is Wilson's score interval at the weights'
    effective sample size (Kish): the delta method's normal interval collapses when the
    target matches few logged slates (all of them unrewarded: a zero-width interval at 0),
    where this one stays honest (rewards in [0, 1])."""
    _check(logs)
    w = _weights(logs, target)
    r = np.array([x.reward for x in logs])
    total = w.sum()
    if total == 0:
        return Estimate(float("nan"), float("nan"), float("nan"))
    v = float((w * r).sum() / total)
    n = float(total**2 / (w**2).sum())
    z2 = 1.96**2
    centre = (v + z2 / (2 * n)) / (1 + z2 / n)
    half = 1.96 * np.sqrt(v * (1 - v) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    # Wilson's interval holds v; the min / max keep it so where rounding does not (v = 1)
    low, high = min(max(centre - half, 0.0), v), max(min(centre + half, 1.0), v)
    return Estimate(v, float(low), float(high))


def doubly_robust(
    logs: Sequence[Logged], target: Target, q: Callable[[str, str], float]
) -> Estimate:
    """Doubly robust (module docstring), with the reward model ``q(user, item)``."""
    _check(logs)
    terms = []
    for x in logs:
        chances = target(x)
        term = sum(p * q(x.user, a) for a, p in chances.items())
        term += chances.get(x.item, 0.0) * (x.reward - q(x.user, x.item)) / x.propensity
        terms.append(term)
    return _interval(np.array(terms))


def item_means(logs: Sequence[Logged], prior: float = 1.0) -> Callable[[str, str], float]:
    """A reward model fitted on the log: each item's accept rate, shrunk toward the
    log's mean by ``prior`` pseudo-observations."""
    r = np.array([x.reward for x in logs])
    mean = float(r.mean()) if len(r) else 0.0
    sums: dict[str, float] = {}
    counts: dict[str, int] = {}
    for x in logs:
        sums[x.item] = sums.get(x.item, 0.0) + x.reward
        counts[x.item] = counts.get(x.item, 0) + 1

    def q(user: str, item: str) -> float:
        return (sums.get(item, 0.0) + prior * mean) / (counts.get(item, 0) + prior)

    return q


def greedy(x: Logged) -> Mapping[str, float]:
    """The target that always puts the best-scored candidate first: kgrec's own list."""
    return {x.candidates[int(np.argmax(x.scores))]: 1.0}


def softmax(temperature: float) -> Target:
    """The exploring policy at another ``temperature`` (``kgrec.live.explore``)."""

    def target(x: Logged) -> Mapping[str, float]:
        p = first_probabilities(np.asarray(x.scores), temperature)
        return dict(zip(x.candidates, p.tolist(), strict=True))

    return target


def parse_target(name: str) -> Target:
    """``greedy`` or ``softmax:T`` (T a temperature above 0)."""
    if name == "greedy":
        return greedy
    if name.startswith("softmax:"):
        try:
            temperature = float(name.removeprefix("softmax:"))
        except ValueError:
            temperature = -1.0
        if temperature > 0:
            return softmax(temperature)
    raise ArgumentError(
        f"unknown target policy {name!r}: greedy (kgrec's own order) or softmax:T "
        "(exploration at temperature T > 0, e.g. softmax:0.1)"
    )


def estimate(logs: Sequence[Logged], target: Target) -> dict[str, list[float]]:
    """IPS, SNIPS and DR of ``target`` on ``logs``, each as [value, low, high]."""
    q = item_means(logs)
    return {
        "ips": ips(logs, target).to_list(),
        "snips": snips(logs, target).to_list(),
        "dr": doubly_robust(logs, target, q).to_list(),
    }


def live_log(work_dir: Path, positive: Callable[[Feedback], bool] | None = None) -> list[Logged]:
    """The slates a service drew in ``work_dir`` (``kgrec.live.explore``), each with its
    reward: 1 where feedback naming the slate was ``positive`` on its first item (by
    default the live state's rule: a like, a click, a rating at or above the data's mean)."""
    if positive is None:
        edges = pd.read_parquet(work_dir / GRAPH_DIR / "edges.parquet")
        positive = LiveState(rating_threshold(edges)).positive
    slates = SlateLog(work_dir / SLATES_FILE).events()
    rewarded = {
        (e.slate_id, e.item_id)
        for e in EventLog(work_dir / EVENTS_FILE).events()
        if e.slate_id is not None and positive(e)
    }
    return [
        Logged(
            s.user_id,
            s.items[0],
            s.propensity,
            float((s.slate_id, s.items[0]) in rewarded),
            s.candidates,
            s.scores,
        )
        for s in slates
    ]


def report(logs: Sequence[Logged], targets: Sequence[str]) -> dict[str, Any]:
    """``kgrec ope --json``: the logging policy's own first-position accept rate, and per
    target its estimates."""
    _check(logs)
    rewards = np.array([x.reward for x in logs])
    return {
        "logged": len(logs),
        "logging": _interval(rewards).to_list(),
        "targets": {name: estimate(logs, parse_target(name)) for name in targets},
    }
