r"""Interest that evolves: recency weights on a user's history.

A user's history enters the item filter as a row :math:`x_u` (``kgrec.models.item_filter``).
The static model sets :math:`x_{uj} = 1` for every item *j* the user had; the time-aware
one lets older interactions fade,

.. math::  x_{uj} = 2^{-r_{uj} / h}

where :math:`r_{uj}` is how many of the user's interactions came after *j* (0 for the
latest) and *h* the half-life in interactions, chosen on the valid split (``None`` =
static). Counting interactions rather than seconds keeps one setting meaningful for
users who rate in bursts and users who rate over years.
"""

from __future__ import annotations

import numpy as np


def recency_weights(users: np.ndarray, times: np.ndarray, half_life: float | None) -> np.ndarray:
    """Weight of each (user, time) interaction: ``2 ** (-r / half_life)``, r = how many of
    the same user's interactions are later; all ones when ``half_life`` is None."""
    if half_life is None or len(users) == 0:
        return np.ones(len(users), dtype=np.float32)
    order = np.lexsort((-times, users))  # by user, latest first
    sorted_users = users[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_users)) + 1]
    first_of = np.repeat(starts, np.diff(np.r_[starts, len(users)]))
    rank = np.empty(len(users), dtype=np.float64)
    rank[order] = np.arange(len(users)) - first_of
    return np.power(0.5, rank / half_life).astype(np.float32)
