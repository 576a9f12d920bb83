"""Response models: a simulated user's hidden preferences, of a family other than kgrec's.

A simulated user stands for a real user of the data. What they would like is scored by a
response model fitted on more than any recommender under test sees (all of the user's
interactions, train, valid and test) and of another family than kgrec's filter and GNN,
so the simulator does not simply agree with kgrec. Two families:

* :class:`FactorResponse` — implicit-feedback matrix factorisation fitted by alternating
  least squares (Hu, Koren and Volinsky 2008): every unobserved pair counts as a weak
  negative, every observed one as a confident positive;
* :class:`NeighbourResponse` — item-to-item cosine neighbours over the interactions
  (the user's items vote for their nearest items).

Each is blended with the user's affinity to each item's attributes in the knowledge graph
(:class:`Blended`, :class:`AttributeAffinity`), with a weight chosen on the valid split.

Both give a user's raw scores over every item; :func:`preferences` turns them into
percentile ranks in [0, 1] (1: the user's favourite), the hidden preference the simulated
user reacts to. Percentiles make the two families comparable and the reaction rules
(``kgrec.simulate.user``) independent of a model's score scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import torch


class ResponseModel(Protocol):
    """A fitted response model."""

    @property
    def name(self) -> str:
        """The family's name."""
        ...

    def scores(self, users: np.ndarray) -> np.ndarray:
        """Raw scores of every item for each of ``users`` (positions): (len(users), items)."""
        ...


def _matrix(pairs: np.ndarray, n_users: int, n_items: int) -> np.ndarray:
    """The binary users × items matrix of ``pairs`` (dense: a simulated world is a data
    set's users, thousands at most)."""
    p = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    m = np.zeros((n_users, n_items), dtype=np.float32)
    m[p[:, 0], p[:, 1]] = 1.0
    return m


@dataclass
class FactorResponse:
    """Implicit ALS: user and item factors with confidence ``1 + alpha`` on observed pairs."""

    users: np.ndarray
    items: np.ndarray
    name: str = "factorisation"

    @classmethod
    def fit(
        cls,
        pairs: np.ndarray,
        n_users: int,
        n_items: int,
        dim: int = 32,
        alpha: float = 20.0,
        reg: float = 10.0,
        iterations: int = 10,
        seed: int = 0,
    ) -> FactorResponse:
        """Fit on the (user, item) position ``pairs``."""
        rng = np.random.default_rng(seed)
        r = _matrix(pairs, n_users, n_items)
        u = rng.normal(0, 0.1, (n_users, dim))
        v = rng.normal(0, 0.1, (n_items, dim))
        for _ in range(iterations):
            u = _als_step(r, v, alpha, reg)
            v = _als_step(r.T, u, alpha, reg)
        return cls(u, v)

    def scores(self, users: np.ndarray) -> np.ndarray:
        """Raw scores of every item for ``users``."""
        out: np.ndarray = self.users[users] @ self.items.T
        return out


def _als_step(r: np.ndarray, fixed: np.ndarray, alpha: float, reg: float) -> np.ndarray:
    """One half-step of implicit ALS: each row's factors given the other side's
    (:math:`(F^T F + \\alpha F_o^T F_o + \\lambda I) x = (1 + \\alpha) F_o^T 1` over the row's
    observed entries *o*)."""
    dim = fixed.shape[1]
    gram = fixed.T @ fixed + reg * np.eye(dim)
    out = np.zeros((r.shape[0], dim))
    for row in range(r.shape[0]):
        observed = np.flatnonzero(r[row])
        if not len(observed):
            continue
        f = fixed[observed]
        out[row] = np.linalg.solve(gram + alpha * f.T @ f, (1.0 + alpha) * f.sum(0))
    return out


@dataclass
class NeighbourResponse:
    """Item-kNN votes of a user's items (each item's ``k`` nearest by cosine)."""

    history: np.ndarray  # users × items, binary
    similarity: torch.Tensor  # items × items, sparse
    name: str = "neighbours"

    @classmethod
    def fit(cls, pairs: np.ndarray, n_users: int, n_items: int, k: int = 50) -> NeighbourResponse:
        """Fit on the (user, item) position ``pairs``."""
        r = _matrix(pairs, n_users, n_items)
        unit = torch.nn.functional.normalize(torch.as_tensor(r).T, dim=1)  # items × users
        rows, cols, vals = [], [], []
        k = min(k, max(n_items - 1, 1))
        for start in range(0, n_items, 2048):
            sim = unit[start : start + 2048] @ unit.T
            sim[torch.arange(len(sim)), torch.arange(start, start + len(sim))] = 0.0
            v, i = torch.topk(sim, k, dim=1)
            rows.append(torch.arange(start, start + len(sim)).repeat_interleave(k))
            cols.append(i.flatten())
            vals.append(v.flatten())
        similarity = torch.sparse_coo_tensor(
            torch.stack([torch.cat(rows), torch.cat(cols)]),
            torch.cat(vals),
            (n_items, n_items),
            check_invariants=True,
        ).coalesce()
        return cls(r, similarity)

    def scores(self, users: np.ndarray) -> np.ndarray:
        """Neighbour votes of every item for ``users``."""
        h = self.history[users]
        votes: np.ndarray = torch.sparse.mm(self.similarity.t(), torch.as_tensor(h).T).T.numpy()
        return votes


@dataclass
class AttributeAffinity:
    """How much of a user's items have each item's attributes in the knowledge graph."""

    history: np.ndarray  # users × items, binary
    attributes: np.ndarray  # attributes × items, binary

    @classmethod
    def fit(
        cls,
        pairs: np.ndarray,
        n_users: int,
        n_items: int,
        item_attributes: tuple[np.ndarray, np.ndarray],
    ) -> AttributeAffinity:
        """Fit on ``pairs``; ``item_attributes`` are (attribute row, item position) links."""
        attr_rows, items = item_attributes
        n_attr = int(attr_rows.max()) + 1 if len(attr_rows) else 0
        attrs = np.zeros((n_attr, n_items), dtype=np.float32)
        attrs[attr_rows, items] = 1.0
        return cls(_matrix(pairs, n_users, n_items), attrs)

    def scores(self, users: np.ndarray) -> np.ndarray:
        """Per item, the summed shares of the user's items that have its attributes."""
        h = self.history[users]
        affinity = (h @ self.attributes.T) / (h.sum(1, keepdims=True) + 1e-9)
        out: np.ndarray = affinity @ self.attributes
        return out


@dataclass
class Blended:
    """A collaborative response model blended with the user's attribute affinities: each
    part scaled to [0, 1] per user, then ``(1 - weight) × collaborative + weight ×
    attributes`` (``weight`` chosen on the valid split: ``kgrec.simulate.grounded``)."""

    collaborative: ResponseModel
    affinity: AttributeAffinity
    weight: float

    @property
    def name(self) -> str:
        """The collaborative family's name."""
        return self.collaborative.name

    def scores(self, users: np.ndarray) -> np.ndarray:
        """The blended scores of every item for ``users``."""
        cf = _unit_rows(self.collaborative.scores(users))
        if self.weight == 0 or self.affinity.attributes.shape[0] == 0:
            return cf
        out: np.ndarray = (1 - self.weight) * cf + self.weight * _unit_rows(
            self.affinity.scores(users)
        )
        return out


def _unit_rows(x: np.ndarray) -> np.ndarray:
    """Each row scaled to [0, 1] (a constant row: zeros)."""
    low = x.min(axis=1, keepdims=True)
    spread = x.max(axis=1, keepdims=True) - low
    out: np.ndarray = (x - low) / np.where(spread > 0, spread, 1.0)
    return out


def preferences(scores: np.ndarray) -> np.ndarray:
    """Per row, each item's percentile rank in [0, 1] (1: the row's best item)."""
    order = np.argsort(np.argsort(scores, axis=1, kind="stable"), axis=1, kind="stable")
    out: np.ndarray = order / max(scores.shape[1] - 1, 1)
    return out


def auc(scores: np.ndarray, positives: list[list[int]], excluded: list[list[int]]) -> float:
    """Mean over users with positives of the AUC of their ``positives`` against the items
    that are neither positive nor ``excluded`` (what they never touched)."""
    values = []
    for row, (pos, ex) in enumerate(zip(positives, excluded, strict=True)):
        if not pos:
            continue
        s = scores[row]
        mask = np.ones(len(s), dtype=bool)
        mask[pos] = False
        mask[ex] = False
        neg = s[mask]
        if not len(neg):
            continue
        p = s[pos]
        # the share of (positive, negative) pairs ordered right, ties counting half
        sorted_neg = np.sort(neg)
        below = np.searchsorted(sorted_neg, p, side="left")
        equal = np.searchsorted(sorted_neg, p, side="right") - below
        values.append(float(np.mean((below + 0.5 * equal) / len(neg))))
    return float(np.mean(values)) if values else float("nan")
