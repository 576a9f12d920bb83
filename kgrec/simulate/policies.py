"""Policies that decide the slates of a simulation: kgrec as it is (``static``), kgrec
taking feedback and users' words (``online``), a diversifying re-ranker of kgrec's
candidates (``diverse``), and a contextual bandit over kgrec's candidates (``bandit``).

The bandit is LinUCB (Li et al. 2010) with one linear model shared by every user and
candidate, written here in a few lines of numpy: the maintained libraries fit a per-arm
model over a fixed set of named arms (MABWiser's LinUCB, River's bandits) or need a
learning-to-rank reduction and a native binary (Vowpal Wabbit's CB-ADF), while here the
arms are a changing set of candidates described by features, and a slate takes the ``k``
best. Only the positions the user examined teach it (an item never looked at says
nothing): the simulator reports them, as a page's impression log would.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kgrec.api import Recommender
from kgrec.live.explore import unit_scaled
from kgrec.simulate.user import Reaction

#: Relationship groups a candidate's explanation paths are counted in (bandit features).
PATH_KINDS = {
    "person": ("DIRECTED_BY", "STARRING", "INVOLVES"),
    "genre": ("HAS_GENRE", "HAS_TAG"),
    "theme": ("HAS_THEME", "HAS_MOOD"),
    "place": ("SET_IN",),
    "text": ("SIMILAR_TEXT",),
    "feedback": ("FEEDBACK",),
    "said": ("LIKES",),
}


class KgrecPolicy:
    """kgrec's top ``k``; with ``learn``, reactions go back as feedback (accepted: like,
    disliked: dislike, looked at and passed over: skip) and what users say as their words.
    With ``temperature``, the slate is drawn at random around kgrec's order as a service
    exploring with ``kgrec serve --explore`` draws it (``Recommender.explore``: logged with
    its propensity, and the feedback names it)."""

    def __init__(
        self,
        rec: Recommender,
        item_ids: list[str],
        learn: bool,
        name: str,
        temperature: float | None = None,
    ) -> None:
        self.rec, self.learn, self.name = rec, learn, name
        self.position = {item: k for k, item in enumerate(item_ids)}
        self.item_ids = item_ids
        self.temperature = temperature
        self.slate_ids: dict[str, str] = {}  # each user's last drawn slate

    def slate(self, user: str, k: int) -> list[int]:
        """kgrec's top ``k`` for ``user`` (drawn around it, with a temperature)."""
        if self.temperature is None:
            recs = self.rec.recommend(user, k=k, explain=False)
        else:
            drawn = self.rec.explore(user, k, self.temperature, explain=False)
            self.slate_ids[user] = drawn.slate_id
            recs = drawn.recommendations
        return [self.position[r.item_id] for r in recs]

    def observe(self, user: str, slate: list[int], reaction: Reaction) -> None:
        """Feedback from the reaction (when learning)."""
        if not self.learn:
            return
        accepted, disliked = set(reaction.accepted), set(reaction.disliked)
        slate_id = self.slate_ids.pop(user, None)
        for position in reaction.examined:
            item = slate[position]
            kind = "like" if item in accepted else "dislike" if item in disliked else "skip"
            self.rec.feedback(user, self.item_ids[item], kind, slate_id=slate_id)

    def hear(self, user: str, sentence: str) -> None:
        """Remember the sentence as the user's words (when learning)."""
        if self.learn:
            self.rec.say(user, sentence)


class DiversePolicy(KgrecPolicy):
    """Online kgrec re-ranked by maximal marginal relevance: each next item maximises
    ``relevance`` × its normalised score minus (1 - ``relevance``) × its largest attribute
    overlap (Jaccard) with the items already in the slate."""

    def __init__(
        self,
        rec: Recommender,
        item_ids: list[str],
        item_attributes: list[np.ndarray],
        relevance: float = 0.7,
        candidates: int = 50,
    ) -> None:
        super().__init__(rec, item_ids, learn=True, name="diverse")
        self.attrs = [set(a.tolist()) for a in item_attributes]
        self.relevance, self.candidates = relevance, candidates

    def slate(self, user: str, k: int) -> list[int]:
        """The MMR slate of kgrec's top candidates."""
        recs = self.rec.recommend(user, k=self.candidates, explain=False)
        items = [self.position[r.item_id] for r in recs]
        scores = np.array([r.score for r in recs])
        rel = unit_scaled(scores)
        chosen: list[int] = []
        left = list(range(len(items)))
        while left and len(chosen) < k:

            def mmr(c: int) -> float:
                overlap = max(
                    (_jaccard(self.attrs[items[c]], self.attrs[items[s]]) for s in chosen),
                    default=0.0,
                )
                return self.relevance * float(rel[c]) - (1 - self.relevance) * overlap

            best = max(left, key=mmr)
            chosen.append(best)
            left.remove(best)
        return [items[c] for c in chosen]


def _jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


@dataclass
class LinUCB:
    """A shared linear model of P(accept | examined) with upper confidence bounds."""

    dim: int
    alpha: float = 0.5
    ridge: float = 1.0
    a: np.ndarray = field(init=False)
    b: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.a = self.ridge * np.eye(self.dim)
        self.b = np.zeros(self.dim)

    def ucb(self, x: np.ndarray) -> np.ndarray:
        """Upper confidence bound of each row of ``x``."""
        a_inv = np.linalg.inv(self.a)
        theta = a_inv @ self.b
        width = np.sqrt(np.einsum("ij,jk,ik->i", x, a_inv, x))
        out: np.ndarray = x @ theta + self.alpha * width
        return out

    def update(self, x: np.ndarray, reward: float) -> None:
        """Learn from one examined candidate with features ``x``."""
        self.a += np.outer(x, x)
        self.b += reward * x


class BanditPolicy(KgrecPolicy):
    """LinUCB over online kgrec's top candidates (module docstring). A candidate's
    features: a bias, its rank-normalised kgrec score, its log popularity, the share of
    its attributes new to the user, and the share of its explanation paths of each kind
    (:data:`PATH_KINDS`)."""

    def __init__(
        self,
        rec: Recommender,
        item_ids: list[str],
        item_attributes: list[np.ndarray],
        popularity: np.ndarray,
        candidates: int = 30,
        alpha: float = 0.5,
    ) -> None:
        super().__init__(rec, item_ids, learn=True, name="bandit")
        self.attrs = item_attributes
        self.popularity = np.log1p(popularity) / max(float(np.log1p(popularity).max()), 1e-9)
        self.candidates = candidates
        self.model = LinUCB(4 + len(PATH_KINDS), alpha)
        self.known: dict[str, set[int]] = {}  # attributes of what each user accepted
        self.features: dict[tuple[str, int], np.ndarray] = {}

    def slate(self, user: str, k: int) -> list[int]:
        """The ``k`` candidates with the highest upper confidence bound."""
        recs = self.rec.recommend(user, k=self.candidates, explain=True)
        items = [self.position[r.item_id] for r in recs]
        known = self.known.get(user, set())
        x = np.zeros((len(recs), self.model.dim))
        for row, (item, r) in enumerate(zip(items, recs, strict=True)):
            attrs = self.attrs[item]
            new = float(np.mean([a not in known for a in attrs.tolist()])) if len(attrs) else 0.0
            kinds = np.zeros(len(PATH_KINDS))
            for p in r.paths:
                for k_, rels in enumerate(PATH_KINDS.values()):
                    if any(rel in rels for rel in p.relationships):
                        kinds[k_] += 1
            kinds /= max(len(r.paths), 1)
            x[row] = [1.0, 1.0 - row / max(len(recs), 1), self.popularity[item], new, *kinds]
        order = np.argsort(-self.model.ucb(x), kind="stable")[:k]
        slate = [items[int(o)] for o in order]
        for o in order:
            self.features[(user, items[int(o)])] = x[int(o)]
        return slate

    def observe(self, user: str, slate: list[int], reaction: Reaction) -> None:
        """Learn from the examined positions, then pass the feedback on to kgrec."""
        accepted = set(reaction.accepted)
        for position in reaction.examined:
            item = slate[position]
            x = self.features.pop((user, item), None)
            if x is not None:
                self.model.update(x, 1.0 if item in accepted else 0.0)
            if item in accepted:
                self.known.setdefault(user, set()).update(self.attrs[item].tolist())
        super().observe(user, slate, reaction)
