"""Vocabulary from the data: a catalogue's frequent tags and phrases, typed by the encoder.

The schema's vocabularies are written by hand and miss what a catalogue calls things
("shoegaze", "space opera"). :func:`suggest_vocabulary` proposes entries: every frequent
phrase no vocabulary knows yet gets the attribute kind of its nearest vocabulary entries
in the encoder's space (a vote of the ``k`` nearest, each weighted by its cosine), and the
nearest canonical name it might be a variant of. Suggestions are for a person to review
into ``graph_schema/schema.yaml`` (``kgrec vocab``): typed by similarity alone, "seen
live" lands near some genre too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from kgrec.extract.canonical import fold_key
from kgrec.graph.schema import GraphSchema


@dataclass(frozen=True)
class Suggestion:
    """A phrase the vocabularies lack, with the kind the encoder gives it."""

    phrase: str
    count: int
    kind: str
    #: Share of the ``k`` neighbours' cosine mass that voted for ``kind`` (0–1).
    confidence: float
    #: The most similar canonical name of that kind, and its cosine.
    nearest: str
    similarity: float


def suggest_vocabulary(
    phrases: Mapping[str, int],
    schema: GraphSchema,
    embed: Callable[[Sequence[str]], np.ndarray],
    min_count: int = 5,
    k: int = 7,
    kinds: Sequence[str] = ("Genre", "Mood", "Theme", "Place", "Organization"),
) -> list[Suggestion]:
    """Typed suggestions for ``phrases`` (phrase → how often the data uses it) used at
    least ``min_count`` times and unknown to the vocabularies (spelling-insensitively),
    most used first."""
    entries: list[tuple[str, str, str]] = []  # (surface, kind, canonical)
    for kind in kinds:
        for canonical, variants in schema.vocabularies.get(kind, {}).items():
            entries += [(s, kind, canonical) for s in (canonical, *variants)]
    known = {fold_key(s) for s, _, _ in entries}
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for phrase, n in phrases.items():
        key = fold_key(phrase)
        if key and key not in known:
            counts[key] += n
            spelling.setdefault(key, phrase.strip().lower())
    todo = [(spelling[key], n) for key, n in counts.most_common() if n >= min_count]
    if not todo or not entries:
        return []
    vectors = embed([s for s, _, _ in entries] + [p for p, _ in todo])
    ref, cand = vectors[: len(entries)], vectors[len(entries) :]
    sims = cand @ ref.T
    out = []
    for (phrase, n), row in zip(todo, sims, strict=True):
        top = np.argsort(-row)[:k]
        votes: dict[str, float] = {}
        for j in top:
            votes[entries[j][1]] = votes.get(entries[j][1], 0.0) + max(float(row[j]), 0.0)
        kind, mass = max(votes.items(), key=lambda kv: kv[1])
        best = next(j for j in top if entries[j][1] == kind)
        total = sum(votes.values()) or 1.0
        out.append(Suggestion(phrase, n, kind, mass / total, entries[best][2], float(row[best])))
    return out
