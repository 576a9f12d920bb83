"""Mention: one attribute found in a text."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Mention:
    """An attribute mentioned in a text.

    ``kind`` is a schema attribute kind (Person, Organization, Genre, Place, Theme, Mood);
    ``canonical`` the name of the attribute node it links to; ``start``/``end`` are
    character offsets into the text; ``score`` the extractor's confidence in [0, 1];
    ``relation`` the item–attribute relationship the wording implies (DIRECTED_BY,
    STARRING, ...) or None for the kind's default; ``polarity`` is -1 when the text
    says it dislikes the attribute ("I can't stand westerns"), else +1.
    """

    text: str
    kind: str
    canonical: str
    start: int
    end: int
    score: float
    relation: str | None = None
    polarity: int = 1

    def to_dict(self) -> dict[str, Any]:
        """Plain dict, for frames and JSON."""
        return asdict(self)
