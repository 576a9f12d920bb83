"""Users' own words, remembered: a sentence that seeds or adds to a user's profile
(``Recommender.recommend_for_text(text, user_id=...)``, ``Recommender.say``).

What a sentence names (the graph's attributes, each liked or disliked) and its text
embedding are worked out once, when it arrives, and kept in a durable log like the
feedback events (``kgrec.live.events``): a restarted service gets the user back without
loading spaCy or the encoder, and a refit folds the words into the user's text in the
data set. A user's words are identified by a digest of the user id and the text, so the
same sentence twice counts once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kgrec.live.events import JsonLog


@dataclass(frozen=True)
class Words:
    """One sentence of a user: the attribute node ids it names with +1 (likes) or -1
    (dislikes), and its text embedding."""

    user_id: str
    text: str
    said: tuple[tuple[str, float], ...]
    vec: tuple[float, ...]

    @property
    def words_id(self) -> str:
        """A digest of the user id and the text."""
        return hashlib.sha256(f"{self.user_id}\x1f{self.text}".encode()).hexdigest()[:24]

    def to_json(self) -> str:
        """One line of the words log."""
        return json.dumps(
            {"user_id": self.user_id, "text": self.text, "said": self.said, "vec": self.vec},
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, line: str) -> Words:
        """Inverse of :meth:`to_json`."""
        raw: dict[str, Any] = json.loads(line)
        return cls(
            str(raw["user_id"]),
            str(raw["text"]),
            tuple((str(n), float(s)) for n, s in raw["said"]),
            tuple(float(x) for x in raw["vec"]),
        )


class WordsLog(JsonLog[Words]):
    """The durable log of users' words at ``path``."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, Words.from_json, lambda w: w.words_id, "a user's words")
