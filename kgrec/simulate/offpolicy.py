"""Off-policy evaluation: another policy's value estimated from logged slates.

What is estimated is the accept rate at the slate's first position (always examined, so
its reward is observed for every logged slate). A stochastic logging policy
(:class:`SoftmaxLogger`) puts item *a* first with a known probability — its propensity
*p* — and the log keeps (user, *a*, *p*, reward). For a deterministic target policy *π*:

* **IPS**: :math:`\\hat V = \\frac1n \\sum r_i [\\pi(x_i) = a_i] / p_i` (unbiased where every
  item the target would put first has a positive propensity);
* **SNIPS**: the same sum over :math:`\\sum [\\pi(x_i) = a_i] / p_i` instead of *n*
  (a little biased, much less variance);
* **DR** (doubly robust): :math:`\\frac1n \\sum \\hat q(x_i, \\pi(x_i)) + [\\pi(x_i) = a_i]
  (r_i - \\hat q(x_i, a_i)) / p_i`, with :math:`\\hat q` a reward model fitted on the log
  (unbiased if either the propensities or the reward model are right).

Each estimate comes with a 95% interval (normal approximation over the logged slates).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from kgrec.simulate.user import Reaction


@dataclass(frozen=True)
class Logged:
    """One logged slate, reduced to its first position."""

    user: str
    item: int
    propensity: float
    reward: float


@dataclass(frozen=True)
class Estimate:
    """An estimated value and its 95% interval."""

    value: float
    low: float
    high: float

    def to_list(self) -> list[float]:
        """[value, low, high]."""
        return [float(self.value), float(self.low), float(self.high)]


def _interval(terms: np.ndarray, scale: float = 1.0) -> Estimate:
    v = float(terms.mean()) * scale
    half = 1.96 * float(terms.std(ddof=1)) * scale / np.sqrt(len(terms)) if len(terms) > 1 else 0.0
    return Estimate(v, v - half, v + half)


def _matches(logs: Sequence[Logged], target: Callable[[str], int]) -> np.ndarray:
    return np.array([float(target(x.user) == x.item) for x in logs])


def ips(logs: Sequence[Logged], target: Callable[[str], int]) -> Estimate:
    """Inverse propensity scoring (module docstring)."""
    w = _matches(logs, target) / np.array([x.propensity for x in logs])
    return _interval(w * np.array([x.reward for x in logs]))


def snips(logs: Sequence[Logged], target: Callable[[str], int]) -> Estimate:
    """Self-normalised IPS (module docstring); its interval by the delta method."""
    w = _matches(logs, target) / np.array([x.propensity for x in logs])
    r = np.array([x.reward for x in logs])
    total = w.sum()
    if total == 0:
        return Estimate(float("nan"), float("nan"), float("nan"))
    v = float((w * r).sum() / total)
    terms = w * (r - v) / w.mean()
    half = 1.96 * float(terms.std(ddof=1)) / np.sqrt(len(terms)) if len(terms) > 1 else 0.0
    return Estimate(v, v - half, v + half)


def doubly_robust(
    logs: Sequence[Logged], target: Callable[[str], int], q: Callable[[str, int], float]
) -> Estimate:
    """Doubly robust (module docstring), with the reward model ``q(user, item)``."""
    terms = []
    for x in logs:
        chosen = target(x.user)
        term = q(x.user, chosen)
        if chosen == x.item:
            term += (x.reward - q(x.user, x.item)) / x.propensity
        terms.append(term)
    return _interval(np.array(terms))


def item_means(logs: Sequence[Logged], prior: float = 1.0) -> Callable[[str, int], float]:
    """A reward model fitted on the log: each item's accept rate, shrunk toward the
    log's mean by ``prior`` pseudo-observations."""
    r = np.array([x.reward for x in logs])
    mean = float(r.mean()) if len(r) else 0.0
    sums: dict[int, float] = {}
    counts: dict[int, int] = {}
    for x in logs:
        sums[x.item] = sums.get(x.item, 0.0) + x.reward
        counts[x.item] = counts.get(x.item, 0) + 1

    def q(user: str, item: int) -> float:
        return (sums.get(item, 0.0) + prior * mean) / (counts.get(item, 0) + prior)

    return q


@dataclass
class SoftmaxLogger:
    """A stochastic policy for logging: draws a slate from ``candidates`` scored items
    (``ranked(user, n)`` gives item positions and scores, best first) by Plackett–Luce
    sampling with probabilities softmax(score / ``temperature``), and logs the first
    position's propensity and reward."""

    ranked: Callable[[str, int], tuple[list[int], list[float]]]
    temperature: float
    candidates: int
    seed: int
    name: str = "softmax"
    log: list[Logged] = field(default_factory=list)
    _pending: dict[str, tuple[int, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)

    def slate(self, user: str, k: int) -> list[int]:
        """A sampled slate; the first item's propensity is kept until the reaction."""
        items, scores = self.ranked(user, self.candidates)
        s = np.asarray(scores, dtype=float)
        p = np.exp((s - s.max()) / self.temperature)
        p /= p.sum()
        order = list(self.rng.choice(len(items), size=min(k, len(items)), replace=False, p=p))
        self._pending[user] = (items[order[0]], float(p[order[0]]))
        return [items[o] for o in order]

    def observe(self, user: str, slate: list[int], reaction: Reaction) -> None:
        """Log the first position's reward."""
        item, propensity = self._pending.pop(user)
        self.log.append(Logged(user, item, propensity, float(item in reaction.accepted)))

    def hear(self, user: str, sentence: str) -> None:
        """Logging ignores what users say."""
