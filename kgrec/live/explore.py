"""Exploration in the live service: slates drawn at random around kgrec's ranking, each
logged with the chance it was drawn with, so that other policies can be evaluated from what
the service showed (``kgrec.evaluation.offpolicy``).

A slate is drawn from the user's top ``candidates`` by Plackett–Luce sampling: the first
item with probability :func:`first_probabilities` (a softmax of the candidates' scores,
min–max scaled to [0, 1] so that a temperature means the same for every user and model),
each next one likewise among those left. The log (``kgrec.layout.SLATES_FILE``) keeps the
candidates, their scores, what was shown and the first item's propensity; feedback that
names the slate (``slate_id``) is its reward.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kgrec.errors import ArgumentError
from kgrec.live.events import JsonLog


def unit_scaled(scores: np.ndarray) -> np.ndarray:
    """Scores scaled to [0, 1] over the list (all equal: all 0): a list's scores on a scale
    that means the same for every user and model."""
    s = np.asarray(scores, dtype=np.float64)
    spread = float(s.max() - s.min()) if len(s) else 0.0
    return (s - s.min()) / spread if spread > 0 else np.zeros_like(s)


def first_probabilities(scores: np.ndarray, temperature: float) -> np.ndarray:
    """The chance each candidate is drawn first: softmax(scaled score / ``temperature``),
    scores scaled by :func:`unit_scaled` (equal scores: equal chances)."""
    if not temperature > 0:
        raise ArgumentError(f"the exploration temperature must be above 0 (got {temperature})")
    p = np.exp((unit_scaled(scores) - 1.0) / temperature)
    return np.asarray(p / p.sum())


def draw(
    scores: np.ndarray, k: int, temperature: float, rng: np.random.Generator
) -> tuple[list[int], float]:
    """An order of up to ``k`` of the candidates (indices into ``scores``) and the
    propensity of its first one."""
    p = first_probabilities(scores, temperature)
    order = rng.choice(len(p), size=min(k, len(p)), replace=False, p=p)
    return [int(o) for o in order], float(p[order[0]])


@dataclass(frozen=True)
class Slate:
    """One slate the service showed, drawn at random: the candidates it was drawn from
    (best first) with their scores, the items shown in order, and the chance that
    ``items[0]`` came first."""

    slate_id: str
    user_id: str
    items: tuple[str, ...]
    candidates: tuple[str, ...]
    scores: tuple[float, ...]
    temperature: float
    propensity: float
    ts: int

    @classmethod
    def make(
        cls,
        user_id: str,
        items: list[str],
        candidates: list[str],
        scores: list[float],
        temperature: float,
        propensity: float,
    ) -> Slate:
        """A slate shown now, with a new id."""
        return cls(
            uuid.uuid4().hex,
            user_id,
            tuple(items),
            tuple(candidates),
            tuple(float(s) for s in scores),
            float(temperature),
            float(propensity),
            int(time.time()),
        )

    def to_json(self) -> str:
        """One line of the log."""
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, line: str) -> Slate:
        """Inverse of :meth:`to_json`."""
        raw: dict[str, Any] = json.loads(line)
        return cls(
            str(raw["slate_id"]),
            str(raw["user_id"]),
            tuple(str(i) for i in raw["items"]),
            tuple(str(i) for i in raw["candidates"]),
            tuple(float(s) for s in raw["scores"]),
            float(raw["temperature"]),
            float(raw["propensity"]),
            int(raw["ts"]),
        )


class SlateLog(JsonLog[Slate]):
    """The append-only log of slates the service drew at ``path``."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, Slate.from_json, lambda s: s.slate_id, "a slate")
