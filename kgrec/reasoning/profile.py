"""A user's interests from their history: the attributes they lean to now, and how the
mix moved over time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kgrec.models.recency import recency_weights
from kgrec.plotting import finish, pyplot

#: Used to weigh "now" when the model's histories are static.
DEFAULT_HALF_LIFE = 20.0


@dataclass(frozen=True)
class Interest:
    """An attribute and how much of the user's (recency-weighted) history has it."""

    label: str
    name: str
    node_id: str
    share: float


@dataclass
class UserProfile:
    """Top attributes now, and each one's share of the items in consecutive time windows."""

    user_id: str
    half_life: float
    interactions: int
    top: list[Interest] = field(default_factory=list)
    #: per window: first and last timestamp, items, and each top attribute's share
    windows: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return {
            "user_id": self.user_id,
            "half_life": self.half_life,
            "interactions": self.interactions,
            "top": [vars(i) for i in self.top],
            "windows": self.windows,
        }


Attribute = tuple[str, str, str]  # node id, label, name


def build_profile(
    user_id: str,
    items: Sequence[int],
    times: np.ndarray,
    attributes_of: Callable[[int], list[Attribute]],
    half_life: float | None,
    top: int = 8,
    windows: int = 4,
    min_window_items: int = 10,
) -> UserProfile:
    """The profile of a user who had ``items`` at ``times`` (any order). The history is
    cut into at most ``windows`` consecutive windows of at least ``min_window_items``
    items each (one window for a shorter history): with five items a window's shares
    could only move in steps of 20%."""
    order = np.argsort(times, kind="stable")
    items = [items[k] for k in order]
    times = times[order]
    h = half_life or DEFAULT_HALF_LIFE
    weights = recency_weights(np.zeros(len(items), dtype=np.int64), times, h)
    attrs = [attributes_of(i) for i in items]
    weighted: dict[Attribute, float] = {}
    for w, item_attrs in zip(weights, attrs, strict=True):
        for a in item_attrs:
            weighted[a] = weighted.get(a, 0.0) + float(w)
    total = float(weights.sum()) or 1.0
    best = sorted(weighted, key=lambda a: -weighted[a])[:top]
    profile = UserProfile(user_id, h, len(items))
    profile.top = [Interest(a[1], a[2], a[0], weighted[a] / total) for a in best]
    n = len(items)
    cuts = max(1, min(windows, n // max(min_window_items, 1)))
    for k in range(cuts if n else 0):
        lo, hi = k * n // cuts, (k + 1) * n // cuts
        counts = Counter(a for item_attrs in attrs[lo:hi] for a in set(item_attrs))
        profile.windows.append(
            {
                "from": int(times[lo]),
                "to": int(times[hi - 1]),
                "items": hi - lo,
                "shares": {a[2]: counts[a] / (hi - lo) for a in best},
            }
        )
    return profile


def save_profile_chart(profile: UserProfile, path: Path) -> Path:
    """Each top attribute's share of the user's items per time window, as a PNG."""
    fig, ax = pyplot().subplots(figsize=(9, 4.5))
    xs = list(range(1, len(profile.windows) + 1))
    for interest in profile.top:
        ax.plot(
            xs,
            [w["shares"].get(interest.name, 0.0) for w in profile.windows],
            marker="o",
            label=f"{interest.name} ({interest.label})",
        )
    ax.set_xticks(
        xs, [f"{k}\n{w['items']} items" for k, w in zip(xs, profile.windows, strict=True)]
    )
    ax.set(
        xlabel="history, oldest to latest window",
        ylabel="share of the window's items",
        title=f"How user {profile.user_id}'s interests moved",
    )
    ax.legend(fontsize=8, bbox_to_anchor=(1.02, 1), loc="upper left")
    ax.spines[["top", "right"]].set_visible(False)
    return finish(fig, path)
