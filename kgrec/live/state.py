"""Users' online state: what feedback changed in their histories since the model was fitted.

A feedback event sets one item's weight in the user's history (the last event on an item
wins), as the newest entry: a like or a click weighs what a trained-on interaction
weighs (1), a rating at or above the data's mean rating too, a dislike -1 (it lowers the
items the filter links to it, and it is never shown again), a skip or a rating below the
mean -0.25 (less than a dislike; not shown again either); a reset takes the user's
reactions to the item back (an undo). Where the model fades histories
with time (a half-life *h*), every newer event fades the older entries by another
:math:`2^{-1/h}`, as ``kgrec.models.recency`` does for the training data.

The user's GNN edges follow their history: an item they now like joins their
neighbours as an ``INTERACTED`` edge the graph does not hold (its norm computed as for a
new edge), one they now dislike or skip leaves them. Everything is a change to one
:class:`~kgrec.models.scorer.UserState`; nothing global is recomputed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace

import pandas as pd
import torch

from kgrec.live.events import Feedback
from kgrec.models.scorer import Scorer, UserState

#: History weight per kind of feedback (ratings: see :meth:`LiveState.weight`).
WEIGHTS = {"like": 1.0, "click": 1.0, "dislike": -1.0, "skip": -0.25}


def rating_threshold(edges: pd.DataFrame) -> float | None:
    """The mean rating of a graph's interactions (``edges`` as the graph stores them;
    None where it has no ratings): a rating at or above it is a positive event."""
    inter = edges[edges["rel"] == "INTERACTED"]
    ratings = inter["rating"].dropna() if "rating" in inter else inter["rel"].iloc[:0]
    return float(ratings.mean()) if len(ratings) else None


@dataclass
class LiveState:
    """Per user id, the items feedback touched, oldest first, with their new weights.

    ``rating_threshold``: the rating at or above which a rated item joins the history
    (the mean rating of the data; None where the data has no ratings: every rating does).
    """

    rating_threshold: float | None = None
    changes: dict[str, dict[int, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def weight(self, event: Feedback) -> float:
        """The history weight an event gives its item (0 for a reset: none of its own)."""
        if event.kind == "reset":
            return 0.0
        if event.kind != "rating":
            return WEIGHTS[event.kind]
        assert event.value is not None
        liked = self.rating_threshold is None or event.value >= self.rating_threshold
        return 1.0 if liked else WEIGHTS["skip"]

    def positive(self, event: Feedback) -> bool:
        """Whether ``event`` adds its item to the history (what a refit trains on)."""
        return self.weight(event) > 0

    def apply(self, event: Feedback, item: int) -> None:
        """Record ``event`` on item position ``item`` as the user's newest change."""
        with self._lock:
            mine = self.changes.setdefault(event.user_id, {})
            mine.pop(item, None)  # re-inserted last: the newest
            if event.kind != "reset":  # a reset leaves the item as the model has it
                mine[item] = self.weight(event)

    def users(self) -> list[str]:
        """The user ids feedback touched, first touched first (a copy)."""
        with self._lock:
            return list(self.changes)

    def of(self, user_id: str) -> list[tuple[int, float]]:
        """The user's changes, oldest first (a copy)."""
        with self._lock:
            return list(self.changes.get(user_id, {}).items())


def updated_state(
    scorer: Scorer,
    base: UserState,
    changes: list[tuple[int, float]],
    half_life: float | None,
) -> UserState:
    """``base`` (the user as the graph has them, or an empty new user) with ``changes``
    (item position, weight; oldest first) applied to their history and GNN edges."""
    history = dict(zip(base.items.tolist(), base.weights.tolist(), strict=True))
    fade = 0.5 ** (1.0 / half_life) if half_life else 1.0
    for item, weight in changes:
        if fade != 1.0:
            history = {i: w * fade for i, w in history.items()}
        history.pop(item, None)
        history[item] = weight
    interacted = scorer.relation("INTERACTED")
    item_of = scorer.links.item_pos[base.neighbours]
    touched = {i for i, _ in changes}
    # the user's own item edges that feedback turned negative leave their neighbours
    keep = torch.tensor(
        [
            not (int(p) in touched and history[int(p)] <= 0 and int(r) == interacted)
            for p, r in zip(item_of, base.rel_types, strict=True)
        ],
        dtype=torch.bool,
    )
    have = {int(p) for p in item_of[keep] if int(p) >= 0}
    added = [i for i, _ in changes if history[i] > 0 and i not in have]
    new_nodes = scorer.gt.items[torch.tensor(added, dtype=torch.long)]
    fresh = torch.tensor([i for i, _ in changes if history[i] > 0], dtype=torch.long)
    state = scorer.state_with(
        base.ego,
        torch.cat([base.neighbours[keep], new_nodes]),
        torch.cat([base.rel_types[keep], torch.full((len(added),), interacted)]),
        torch.cat(
            [
                torch.zeros(int(keep.sum()), dtype=torch.bool),
                torch.ones(len(added), dtype=torch.bool),
            ]
        ),
        torch.tensor(list(history), dtype=torch.long),
        torch.tensor(list(history.values()), dtype=torch.float32),
        base.said,
        base.said_sign,
        base.friends,
    )
    return replace(state, fresh=fresh)
